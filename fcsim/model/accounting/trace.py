"""The per-parcel trace of one run: every parcel's timeline, outcome and cause of lateness.

Place in the flow: `fcsim.experiment.runs.simulate` calls `trace_table` after `kpis.evaluate`
when the run is asked for a trace (`fcsim run --trace`); the experiment layer stacks the tables
of the runs and writes `trace.parquet` (the model never opens a file). Nothing here is computed
unless asked: a run without a trace pays nothing.

One row per parcel (an order of a hybrid strategy may travel as several), every order of the
run, with `in_window` saying which count in the KPIs. Times are local date-times (the horizon
starts at `start_date` 00:00), empty (NaT) where the parcel never got there: `collected` and
`delivered` are empty for a parcel not collected by the end of the run, `delivered` for one lost
and refunded. Columns (`COLUMNS`): `order`, `parcel` (0 for the first parcel of an order),
`node`, `carrier`, `order_time`, `stock_reserved`, `pick_start`, `pick_end`, `pack_start`,
`ready` (packed, or the supplier's ready time), `collected`, `delivered`, `promised` (the
promised delivery date), `in_window`, `cancelled`, `lost`, `reshipped`, `late`, `days_late`
(delivery day minus promised day; empty when not delivered), `late_at_handover`, `cause`
(empty when on time) and `days_<cause>` for each cause: the days late that stage gave
(docs/lateness.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fcsim.model.accounting.kpis import Evaluation
from fcsim.model.accounting.lateness import CAUSES
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.network import StrategyRun
from fcsim.scenario.schema.scenario import Scenario

TIMES = (
    ("order_time", "created_min"),
    ("stock_reserved", "stock_ok_min"),
    ("pick_start", "pick_start_min"),
    ("pick_end", "picked_min"),
    ("pack_start", None),  # pick end + the wait for a packer
    ("ready", "ready_min"),
    ("collected", "ship_min"),
    ("delivered", "delivery_min"),
)
"""Time columns of the trace and the parcel column each comes from."""
COLUMNS: tuple[str, ...] = (
    "order",
    "parcel",
    "node",
    "carrier",
    *(name for name, _ in TIMES),
    "promised",
    "in_window",
    "cancelled",
    "lost",
    "reshipped",
    "late",
    "days_late",
    "late_at_handover",
    "cause",
    *(f"days_{c}" for c in CAUSES),
)


def trace_table(scenario: Scenario, run: StrategyRun, ev: Evaluation) -> pd.DataFrame:
    """One row per parcel of the run (columns `COLUMNS`), in order then parcel order."""
    p, lc = run.parcels, ev.causes
    if lc is None:
        raise ValueError("a trace needs the causes of lateness of the evaluation")
    end = run.n_days * MIN_PER_DAY
    collected = p.ship_min <= end
    start = np.datetime64(scenario.start_date, "ms")
    minutes = {
        "pack_start": p.picked_min + p.pack_wait_min.astype(np.float64),
        **{name: getattr(p, col) for name, col in TIMES if col is not None},
    }
    minutes["collected"] = np.where(collected, p.ship_min, np.nan)
    minutes["delivered"] = np.where(collected, p.delivery_min, np.nan)
    out: dict[str, object] = {
        "order": p.order.astype(np.int32),
        "parcel": p.slot.astype(np.int8),
        "node": pd.Categorical.from_codes(p.node.astype(np.int64), run.node_names),
        "carrier": _names(p.carrier, [c.name for c in scenario.carriers]),
    }
    for name, _ in TIMES:
        ms = np.round(minutes[name] * 60_000)
        t = start + np.nan_to_num(ms).astype(np.int64).astype("m8[ms]")
        out[name] = pd.to_datetime(np.where(np.isnan(ms), np.datetime64("NaT", "ms"), t))
    day = np.datetime64(scenario.start_date, "D")
    out["promised"] = pd.to_datetime(day + p.promised_day.astype("m8[D]"))
    delivered_day = np.floor(minutes["delivered"] / MIN_PER_DAY)
    days_late = delivered_day - p.promised_day
    lost = collected & p.lost & ~p.reshipped
    out |= {
        "in_window": ev.outcomes.in_window[p.order],
        "cancelled": p.cancelled.copy(),
        "lost": lost,
        "reshipped": collected & p.reshipped,
        "late": lc.late.copy(),
        "days_late": pd.arrays.IntegerArray(
            np.nan_to_num(days_late).astype(np.int16), np.isnan(days_late)
        ),
        "late_at_handover": lc.late_at_handover.copy(),
        "cause": _names(lc.cause, list(CAUSES)),
    }
    days = lc.days_of(np.arange(p.n))
    for i, c in enumerate(CAUSES):
        out[f"days_{c}"] = days[:, i]
    return pd.DataFrame(out, columns=list(COLUMNS))


def _names(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """Category names of integer codes (negative: missing)."""
    codes = np.asarray(codes, dtype=np.int64)
    return pd.Categorical.from_codes(np.where(codes < 0, -1, codes), names)
