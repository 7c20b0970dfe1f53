"""Per-run breakdown tables for the report: lead-time histograms, late rates, utilisation.

Place in the flow: `fcsim.experiment.runs.simulate` calls `run_breakdowns` after `kpis.evaluate`;
each `RunResult` carries the small long-format table it returns, `breakdowns_table` stacks them for
`fcsim.experiment.results.write_all` (`breakdowns.parquet`) and the report reads that file back.
Only orders created in the measurement window count, as for the KPIs. Everything is vectorised.

One row per (table, group, key[, bin]); columns `COLUMNS`:

- `lead_time`: group `order_to_ship_h` or `order_to_delivery_h`; `low`, `high` = bin edges in
  hours; `count` = window orders in the bin.
- `late_by_carrier`: key = carrier name; `count` = parcels delivered or lost; `value` = late.
- `late_by_carrier_split`: the late parcels of `late_by_carrier` by who made them late (docs/
  lateness.md); group = `assigned_late` (already late at hand-over: the carrier's nominal
  delivery on the day it collected the parcel was after the promise), `carrier` (on time at
  hand-over, late by the carrier's delay, a loss or damage) or `customs` (on time at hand-over,
  late by customs); key = carrier name; `count` = parcels; `value` = late parcels of the group.
- `late_by_month`: key = `YYYY-MM` of the order; `count` = finished orders; `value` = late.
- `late_cause_by_month`: group = cause (`fcsim.core.metrics.LATE_CAUSES`); key = `YYYY-MM` of
  the order; `count` = finished orders; `value` = late orders of that cause.
- `utilisation`: group = staff pool (`picker`, `packer`, `receiver`, ...); key = node name;
  `count` = open days in the window; `value` = mean daily utilisation.
- `cost_basis`: group = cost category; key = `node | rate key | rate unit | quantity unit |
  product` (or `mean`: the rate is amount / quantity); `low` = rate, `count` = quantity over
  the window, `value` = amount (EUR) over the window (`fcsim.model.accounting.basis`).

Lead-time bins are fixed (`LEAD_TIME_EDGES_H`) so histograms add up across replications
and give an exact empirical CDF at every bin edge; the last bin is open-ended (`high` = inf).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fcsim.core.metrics import BREAKDOWN_COLUMNS
from fcsim.model.accounting.basis import cost_basis_rows
from fcsim.model.accounting.lateness import CAUSES, LateCauses
from fcsim.model.calendar import MIN_PER_DAY

if TYPE_CHECKING:
    from fcsim.model.accounting.kpis import Evaluation
    from fcsim.model.demand import Orders
    from fcsim.model.network import StrategyRun
    from fcsim.scenario.schema.scenario import Scenario

COLUMNS = BREAKDOWN_COLUMNS
LEAD_TIME_EDGES_H = np.unique(
    np.concatenate(
        [
            np.arange(0, 48, 1.0),  # first two days: hourly
            np.arange(48, 168, 2.0),  # first week: two-hourly
            np.arange(168, 720, 6.0),  # first month: six-hourly
            np.arange(720, 2184, 24.0),  # up to three months: daily
        ]
    )
)
"""Left edges of the lead-time bins in hours; the last bin runs to infinity."""
LEAD_TIMES = ("order_to_ship_h", "order_to_delivery_h")


def _frame(rows: dict[str, Iterable]) -> pd.DataFrame:
    df = pd.DataFrame({c: rows.get(c, []) for c in COLUMNS})
    return df.astype(
        {
            "table": str,
            "group": str,
            "key": str,
            "low": float,
            "high": float,
            "count": float,
            "value": float,
        }
    )


def histogram(hours: np.ndarray, group: str) -> pd.DataFrame:
    """Non-empty fixed bins of the finite values of `hours` (negative values in the first)."""
    h = hours[np.isfinite(hours)]
    edges = LEAD_TIME_EDGES_H
    idx = np.clip(np.searchsorted(edges, h, side="right") - 1, 0, len(edges) - 1)
    counts = np.bincount(idx, minlength=len(edges))
    nz = np.flatnonzero(counts)
    high = np.append(edges[1:], np.inf)
    n = len(nz)
    return _frame(
        {
            "table": ["lead_time"] * n,
            "group": [group] * n,
            "key": [""] * n,
            "low": edges[nz],
            "high": high[nz],
            "count": counts[nz],
            "value": np.full(n, np.nan),
        }
    )


def _rates(
    table: str, keys: np.ndarray, late: np.ndarray, names: list[str], group: str = ""
) -> pd.DataFrame:
    """Counts and late counts per key index (`names[i]` is the label of key `i`)."""
    n = np.bincount(keys, minlength=len(names))
    k = np.bincount(keys, weights=late.astype(float), minlength=len(names))
    nz = np.flatnonzero(n)
    m = len(nz)
    return _frame(
        {
            "table": [table] * m,
            "group": [group] * m,
            "key": [names[i] for i in nz],
            "low": np.full(m, np.nan),
            "high": np.full(m, np.nan),
            "count": n[nz],
            "value": k[nz],
        }
    )


def late_by_carrier(scenario: Scenario, run: StrategyRun, in_window: np.ndarray) -> pd.DataFrame:
    """Parcels of window orders handed to each carrier, and how many were late or lost.

    Late as in `outcomes.order_outcomes`: delivered on a later calendar day than promised (a lost
    parcel that was replaced: its replacement), or lost and not replaced.
    """
    p = run.parcels
    end = run.n_days * MIN_PER_DAY
    shipped = in_window[p.order] & (p.ship_min <= end) & ~p.cancelled & (p.carrier >= 0)
    day = np.floor(p.delivery_min[shipped] / MIN_PER_DAY)
    lost = (p.lost & ~p.reshipped)[shipped]
    late = lost | (~lost & (day > p.promised_day[shipped]))
    names = [c.name for c in scenario.carriers]
    return _rates("late_by_carrier", p.carrier[shipped].astype(np.int64), late, names)


CARRIER_SPLIT = ("assigned_late", "carrier", "customs")
"""Groups of `late_by_carrier_split`: late at hand-over, or made late by the carrier or customs."""


def late_by_carrier_split(
    scenario: Scenario, run: StrategyRun, in_window: np.ndarray, causes: LateCauses
) -> pd.DataFrame:
    """The late parcels of each carrier, split by who made them late (`CARRIER_SPLIT`)."""
    p = run.parcels
    shipped = in_window[p.order] & causes.considered
    carrier = p.carrier[shipped].astype(np.int64)
    late, cause = causes.late[shipped], causes.cause[shipped]
    handover = causes.late_at_handover[shipped]
    after = late & ~handover
    groups = {
        "assigned_late": late & handover,
        "carrier": after & (cause != CAUSES.index("customs")),
        "customs": after & (cause == CAUSES.index("customs")),
    }
    names = [c.name for c in scenario.carriers]
    return pd.concat(
        [_rates("late_by_carrier_split", carrier, m, names, g) for g, m in groups.items()],
        ignore_index=True,
    )


def late_by_month(
    scenario: Scenario, orders: Orders, ev: Evaluation, finished: np.ndarray
) -> pd.DataFrame:
    """Finished window orders per month of creation, and how many were late."""
    idx, names = _months(scenario, orders, finished)
    return _rates("late_by_month", idx, ev.outcomes.late[finished], names)


def late_cause_by_month(
    scenario: Scenario, orders: Orders, ev: Evaluation, finished: np.ndarray
) -> pd.DataFrame:
    """Finished window orders per month of creation, and how many were late of each cause."""
    if ev.causes is None:
        return _frame({})
    idx, names = _months(scenario, orders, finished)
    cause = ev.causes.order_cause[finished]
    parts = [
        _rates("late_cause_by_month", idx, cause == i, names, name) for i, name in enumerate(CAUSES)
    ]
    return pd.concat(parts, ignore_index=True)


def _months(
    scenario: Scenario, orders: Orders, finished: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Month index (from the start date's month) of the `finished` orders, and month names."""
    day = np.floor(orders.created_min[finished] / MIN_PER_DAY).astype(np.int64)
    start = np.datetime64(scenario.start_date, "D")
    month = (start + day.astype("timedelta64[D]")).astype("datetime64[M]")
    first = start.astype("datetime64[M]")
    idx = (month - first).astype(np.int64)
    n_months = int(idx.max()) + 1 if len(idx) else 0
    return idx, [str(first + np.timedelta64(i, "M")) for i in range(n_months)]


def utilisation(run: StrategyRun, window: tuple[int, int]) -> pd.DataFrame:
    """Mean daily utilisation over the window of every staff pool of every node."""
    rows: dict[str, list] = {c: [] for c in COLUMNS}
    for name, node in zip(run.node_names, run.nodes, strict=True):
        for col, series in node.daily.items():
            if not col.endswith("_utilisation"):
                continue
            v = np.asarray(series, dtype=float)[window[0] : window[1]]
            v = v[np.isfinite(v)]
            if not len(v):
                continue
            rows["table"].append("utilisation")
            rows["group"].append(col.removesuffix("_utilisation"))
            rows["key"].append(name)
            rows["low"].append(np.nan)
            rows["high"].append(np.nan)
            rows["count"].append(len(v))
            rows["value"].append(float(v.mean()))
    return _frame(rows)


def run_breakdowns(
    scenario: Scenario, run: StrategyRun, ev: Evaluation, orders: Orders
) -> pd.DataFrame:
    """Every breakdown table of one run, stacked (columns `COLUMNS`)."""
    oc = ev.outcomes
    w = oc.in_window
    finished = w & ~oc.in_progress & ~oc.cancelled
    created = orders.created_min
    parts = [
        histogram((oc.shipped_min - created)[w] / 60, "order_to_ship_h"),
        histogram((oc.delivered_min - created)[w] / 60, "order_to_delivery_h"),
        late_by_carrier(scenario, run, w),
        *([late_by_carrier_split(scenario, run, w, ev.causes)] if ev.causes is not None else []),
        late_by_month(scenario, orders, ev, finished),
        late_cause_by_month(scenario, orders, ev, finished),
        utilisation(run, (scenario.warmup_days, scenario.horizon_days)),
        cost_basis_rows(ev.ledger.bases),
    ]
    return pd.concat(parts, ignore_index=True)


def breakdowns_table(results: Iterable) -> pd.DataFrame:
    """Stack the breakdowns of many `RunResult`s, with `strategy` and `replication` first."""
    frames = []
    for r in results:
        b = getattr(r, "breakdowns", None)
        if b is None:
            continue
        b = b.copy()
        b.insert(0, "replication", r.replication)
        b.insert(0, "strategy", r.strategy)
        frames.append(b)
    if not frames:
        return pd.DataFrame(columns=["strategy", "replication", *COLUMNS])
    return pd.concat(frames, ignore_index=True)
