"""Why deliveries are late: each late parcel's lateness, stage by stage, and its one cause.

Place in the flow: `fcsim.model.accounting.kpis.evaluate` calls `late_causes` on the parcel
columns of one run and its order roll-up; the KPIs of the `late_cause_<cause>_rate` and
`late_days_<cause>_mean` families (`fcsim.core.metrics.LATE_CAUSES`) come from `cause_kpis`,
the report's "late by carrier" split (`fcsim.model.accounting.breakdowns`) and the per-parcel
trace (`fcsim.model.accounting.trace`) from the same `LateCauses`. Everything is vectorised.

The rule (docs/lateness.md). A parcel's timeline is walked against a no-wait counterfactual:
its delivery day is recomputed, with its own carrier's cutoff, collection days, guaranteed
transit and delivery days, as if each stage in turn had taken no longer than it must:

    T0  collected at the first cutoff after the order (nothing waited)
    T1  ... after its stock was there                           stock      = T1 - T0
    T2  ... after the pick and pack work alone (no queue)       cutoff     = T2 - T1
    T3  ... after it was actually packed                        backlog    = T3 - T2
    T4  on its actual collection day (nominal transit)          collection = T4 - T3
    T5  ... plus its customs days                               customs    = T5 - T4
    T6  ... plus the carrier's delay: its first delivery        carrier    = T6 - T5
    T7  its final delivery (a replacement's, if any)            incident   = T7 - T6

A dropship parcel has no stock, pick or pack stage of the merchant's: its whole slip from T0 to
T3 is `supplier`. `promise` is T0 against the promised day P: a parcel whose no-wait path
already misses the promise (a carrier cutoff earlier than the promise's, a transit longer than
it) is late by `T0 - P` days before anything waited. Walking the chain from T0, each stage is
given the days it pushed the delivery past P (`max(D_i - P, 0) - max(D_{i-1} - P, 0)`; the
`promise` stage `max(T0 - P, 0)`), so a parcel's stage days sum to its days late. A late parcel
has one cause: the stage that gave it the most days late (the earliest stage on a tie, the one
that first pushed it past the promise); a parcel lost and not replaced is late because of
`incident`. A late order's cause is that of its latest parcel (a lost one first), so the cause
shares of the finished orders sum to the late rate.

A parcel is late at hand-over when its nominal delivery on its actual collection day (T4) is
already after P: the carrier that took it (a fast one chosen as a rescue, say) could not have
made the promise, and is not to blame for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.core.metrics import LATE_CAUSE, LATE_CAUSES, LATE_DAYS
from fcsim.model.accounting.reduce import _mean, _safe_div
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.carriers import delivery_day
from fcsim.model.network import StrategyRun
from fcsim.scenario.schema.scenario import Scenario

CAUSES: tuple[str, ...] = tuple(name for name, _ in LATE_CAUSES)
"""Cause names, in the order of the stages (column order of `LateCauses.days`)."""
C = {name: i for i, name in enumerate(CAUSES)}
ON_TIME = -1
"""`cause` of a parcel or order that is not late (or not finished)."""


@dataclass(frozen=True)
class LateCauses:
    """Per parcel: lateness, stage by stage; per order: the cause of its lateness."""

    considered: np.ndarray  # parcels collected and not cancelled (the others are never late)
    late: np.ndarray  # bool: delivered after the promised day, or lost
    rows: np.ndarray  # the late parcels (indices, ascending)
    days: np.ndarray  # int16 (late parcels, causes): days late each stage gave (lost: 0)
    cause: np.ndarray  # int8: index into CAUSES, ON_TIME when not late
    late_at_handover: np.ndarray  # bool: nominal delivery on its collection day after the promise
    order_parcel: np.ndarray  # per order: the parcel whose cause is the order's (-1: not late)
    order_cause: np.ndarray  # int8 per order: index into CAUSES, ON_TIME when not late

    def days_of(self, parcels: np.ndarray) -> np.ndarray:
        """Days late per stage (columns: CAUSES) of `parcels`; zeros for parcels not late."""
        parcels = np.asarray(parcels, dtype=np.int64)
        out = np.zeros((len(parcels), len(CAUSES)), dtype=np.int16)
        if len(self.rows):
            pos = np.minimum(np.searchsorted(self.rows, parcels), len(self.rows) - 1)
            found = self.rows[pos] == parcels
            out[found] = self.days[pos[found]]
        return out


def _chain(
    sc: Scenario, run: StrategyRun, rows: np.ndarray, bd: BusinessDays
) -> tuple[np.ndarray, np.ndarray]:
    """Delivery days T0..T7 (columns) of parcels `rows`, per the module's rule, and which of
    them come from a dropship supplier."""
    p = run.parcels
    out = np.zeros((len(rows), 8), dtype=np.int64)
    supplier = np.array([n.kind == "supplier" for n in run.nodes], dtype=bool)[p.node[rows]]
    created, stock_ok, ready = p.created_min[rows], p.stock_ok_min[rows], p.ready_min[rows]
    work = (p.picked_min[rows] - p.pick_start_min[rows]) + (
        ready - p.picked_min[rows] - p.pack_wait_min[rows].astype(np.float64)
    )
    no_queue = np.minimum(stock_ok + work, ready)
    stock_ok = np.where(supplier, created, stock_ok)
    no_queue = np.where(supplier, created, no_queue)
    ship_day = np.floor(p.ship_min[rows] / MIN_PER_DAY).astype(np.int64)
    transit = p.transit_days[rows].astype(np.int64)
    customs = p.customs_days[rows].astype(np.int64)
    delay = p.carrier_days_late[rows].astype(np.int64)
    carrier = p.carrier[rows]
    for ci in np.unique(carrier).tolist():
        c = sc.carriers[ci]
        m = carrier == ci
        n = transit[m]

        def collected(t: np.ndarray, c=c) -> np.ndarray:
            return bd.next_at(t, c.cutoff, c.collection_days)

        s = ship_day[m]
        out[m, 0] = delivery_day(c, bd, collected(created[m]), n)
        out[m, 1] = delivery_day(c, bd, collected(stock_ok[m]), n)
        out[m, 2] = delivery_day(c, bd, collected(no_queue[m]), n)
        out[m, 3] = delivery_day(c, bd, collected(ready[m]), n)
        out[m, 4] = delivery_day(c, bd, s, n)
        out[m, 5] = delivery_day(c, bd, s, n + customs[m])
        out[m, 6] = delivery_day(c, bd, s, n + customs[m] + delay[m])
    # the final delivery: a replacement's, or the first one (NaN when lost and refunded); a
    # replacement sent before a same-day delivery could have come does not go back in time
    final = np.floor(p.delivery_min[rows] / MIN_PER_DAY)
    out[:, 7] = np.where(np.isnan(final), out[:, 6], np.nan_to_num(final)).astype(np.int64)
    out = np.maximum.accumulate(out, axis=1)
    return out, supplier


def _stage_days(chain: np.ndarray, promised: np.ndarray, supplier: np.ndarray) -> np.ndarray:
    """Days past the promise each stage added, walking the chain (columns: CAUSES)."""
    past = np.maximum(chain - promised[:, None], 0)  # days past the promise at each point
    step = np.diff(past, axis=1)  # 7 steps: stock, cutoff, backlog, collection, customs, ...
    days = np.zeros((len(chain), len(CAUSES)), dtype=np.int32)
    days[:, C["promise"]] = past[:, 0]
    for k, name in enumerate(("stock", "cutoff", "backlog", "collection", "customs", "carrier")):
        days[:, C[name]] = step[:, k]
    days[:, C["incident"]] = step[:, 6]
    warehouse = [C["stock"], C["cutoff"], C["backlog"]]
    days[supplier, C["supplier"]] = days[supplier][:, warehouse].sum(axis=1)
    days[np.ix_(supplier, warehouse)] = 0
    return days


def late_causes(scenario: Scenario, run: StrategyRun, order_late: np.ndarray) -> LateCauses:
    """Lateness stage by stage of every parcel late by the end of the run, and each late
    order's cause (`order_late`: per order, late and finished, as `outcomes.order_outcomes` says).

    Only the late parcels are walked through (a few per cent of them, usually): the cost of a
    run's causes is that of its late parcels.
    """
    p = run.parcels
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    end = run.n_days * MIN_PER_DAY
    considered = (p.ship_min <= end) & ~p.cancelled & (p.carrier >= 0)
    lost_all = considered & p.lost & ~p.reshipped
    with np.errstate(invalid="ignore"):  # NaN: lost, or never collected
        late = lost_all | (considered & (np.floor(p.delivery_min / MIN_PER_DAY) > p.promised_day))
    rows = np.flatnonzero(late)  # as `outcomes.order_outcomes`
    lost = lost_all[rows]
    chain, supplier = _chain(scenario, run, rows, bd)
    promised = p.promised_day[rows].astype(np.int64)
    stage = np.where(lost[:, None], 0, _stage_days(chain, promised, supplier)).astype(np.int16)
    cause_row = np.where(lost, C["incident"], np.argmax(stage, axis=1))
    cause = np.full(p.n, ON_TIME, dtype=np.int8)
    cause[rows] = cause_row
    handover = np.zeros(p.n, dtype=bool)
    handover[rows] = chain[:, 4] > promised

    # the order's parcel: its latest late one (a lost one first), first by node on a tie
    key = np.where(lost, np.iinfo(np.int64).max, stage.sum(axis=1, dtype=np.int64))
    by_order = np.lexsort((-key, p.order[rows]))
    orders, first = np.unique(p.order[rows][by_order], return_index=True)
    order_parcel = np.full(len(order_late), -1, dtype=np.int64)
    order_parcel[orders] = rows[by_order[first]]
    order_parcel[~order_late] = -1
    order_cause = np.where(order_parcel >= 0, cause[np.maximum(order_parcel, 0)], ON_TIME)
    return LateCauses(
        considered=considered,
        late=late,
        rows=rows,
        days=stage,
        cause=cause,
        late_at_handover=handover,
        order_parcel=order_parcel,
        order_cause=order_cause.astype(np.int8),
    )


def cause_kpis(lc: LateCauses, finished: np.ndarray, delivered_late: np.ndarray) -> dict:
    """`late_cause_<cause>_rate` (share of `finished` orders) and `late_days_<cause>_mean`
    (over the `delivered_late` orders: late, finished, not lost)."""
    out: dict[str, float] = {}
    n_finished = int(finished.sum())
    # the stage days of the delivered-late orders only, in order number (what `_mean` keeps)
    late_parcel = np.maximum(lc.order_parcel[delivered_late], 0)
    order_days = lc.days_of(late_parcel).astype(float)
    for i, name in enumerate(CAUSES):
        out[LATE_CAUSE.name(name)] = _safe_div((finished & (lc.order_cause == i)).sum(), n_finished)
    for i, name in enumerate(CAUSES):
        out[LATE_DAYS.name(name)] = _mean(order_days[:, i])
    return out
