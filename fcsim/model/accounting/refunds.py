"""Refunds of returned parcels: the day each customer is paid back, and which were slow.

Place in the flow: after the run, arithmetic only. `outcomes.order_outcomes` asks which orders had a
slow refund (a customer waiting more than `customers.dissatisfied_after_refund_days` calendar
days from the return's receipt is dissatisfied) and `kpis.evaluate` the refund KPIs
(`refund_kpis`: delivery to refund, receipt to refund, slow refunds).

The refund is paid `returns.refund_business_days` business days after the return's receipt at
the node, or, with `returns.refund_after: inspection`, after the end of its inspection by a
warehouse's receiving staff (a queue of returns then delays refunds; a dropship supplier, which
does not inspect, refunds from receipt). A return received during the run and still waiting
for inspection at its end has no refund yet (inf); one that arrives after the run's end is
refunded from its receipt, as without inspection.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.network import StrategyRun
from fcsim.scenario.schema.scenario import Scenario


def refund_day(scenario: Scenario, run: StrategyRun) -> np.ndarray:
    """Day index of each parcel's refund (NaN: nothing returned; inf: inspection not done)."""
    p = run.parcels
    out = np.full(p.n, np.nan)
    m = p.return_day >= 0
    if not m.any():
        return out
    start = p.return_day[m].astype(np.int64)
    pending = np.zeros(len(start), dtype=bool)
    if scenario.returns.refund_after == "inspection" and p.inspected_day.flags.writeable:
        inspects = np.array([n.kind == "warehouse" for n in run.nodes], dtype=bool)
        at_warehouse = inspects[p.node[m]]
        inspected = p.inspected_day[m].astype(np.int64)
        # queued: received during the run and not inspected by its end (a return that arrives
        # after the run's end is refunded from its receipt, as without inspection)
        pending = at_warehouse & (inspected < 0) & (start < run.n_days)
        start = np.where(at_warehouse & ~pending, np.maximum(start, inspected), start)
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    weekdays = scenario.promise.business_weekdays
    paid = bd.offset(start, scenario.returns.refund_business_days, weekdays)
    out[m] = np.where(pending, np.inf, paid)
    return out


def refund_kpis(
    scenario: Scenario, run: StrategyRun, pw: np.ndarray, refund: np.ndarray
) -> dict[str, float]:
    """Over the returned parcels `pw` marks (`refund`: each parcel's `refund_day`): mean calendar
    days from delivery to the refund
    (`return_cycle_days_mean`) and from the return's receipt to the refund
    (`refund_wait_days_mean`), over the refunds paid; the returns still waiting for their
    inspection, so unrefunded, at the end of the run (`refunds_pending_end`: the waits those
    means leave out); the parcels whose refund was slow (`slow_refunds`; unknown without
    `customers.dissatisfied_after_refund_days`)."""
    p = run.parcels
    m = pw & np.isfinite(refund)
    slow, _ = slow_refunds(scenario, run, refund)
    out = {
        "return_cycle_days_mean": float("nan"),
        "refund_wait_days_mean": float("nan"),
        "refunds_pending_end": float((pw & np.isinf(refund)).sum()),
        "slow_refunds": float("nan")
        if scenario.customers.dissatisfied_after_refund_days is None
        else float((pw & slow).sum()),
    }
    if m.any():
        delivered = np.floor(p.delivery_min[m] / MIN_PER_DAY)
        out["return_cycle_days_mean"] = float((refund[m] - delivered).mean())
        out["refund_wait_days_mean"] = float((refund[m] - p.return_day[m]).mean())
    return out


def slow_refunds(
    scenario: Scenario, run: StrategyRun, refund: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(slow, when) per parcel: its refund came, or would come, more than the customers'
    `dissatisfied_after_refund_days` calendar days after the return's receipt, known by the
    end of the run; `when` is the minute the customer became dissatisfied (inf when not)."""
    p = run.parcels
    limit = scenario.customers.dissatisfied_after_refund_days
    none = np.zeros(p.n, dtype=bool), np.full(p.n, np.inf)
    if limit is None:
        return none
    received = p.return_day.astype(float)
    waited = refund - received  # NaN without a return
    known_by = np.minimum(refund, run.n_days)  # a pending refund is slow once the limit passed
    slow = (received >= 0) & (waited > limit) & (received + limit < known_by)
    when = np.where(slow, (received + limit + 1) * MIN_PER_DAY, np.inf)
    return slow, when
