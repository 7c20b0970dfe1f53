"""What the disruptions of one run did: days disrupted, orders affected, extra days, extra cost.

Place in the flow: `fcsim.model.accounting.kpis.evaluate` calls `disruption_kpis` with the
run's order roll-up and, when the scenario declares disruptions, the evaluation of the
**counterfactual**: the same strategy, replication and orders with the `disruptions` list
emptied (`fcsim.experiment.runs.simulate` runs it). Every other draw is keyed by order, so the
two runs differ only by what the disruptions moved.

Definitions (docs/model.md, "Disruptions"), over the orders of the measured window:
- `disruption_days`: days of the window on which at least one disruption hits the strategy (an
  outage of one of its nodes, a strike of a carrier one of its nodes uses, a failure of an
  inbound supplier one of its nodes names);
- an order is **affected** when (a) a disruption of one of its parcels' node, of a carrier of
  that node or of its inbound supplier is in force on a day from the order's creation day to
  its parcel's delivery day (the end of the run when not delivered), and (b) its outcome moved:
  delivered on another day than in the counterfactual, or lost, cancelled or unfinished in one
  run and not the other;
- `disruption_extra_days_mean`: over affected orders delivered in both runs, the mean of
  (delivery day - counterfactual delivery day), in calendar days;
- `disruption_extra_late_rate`: late rate minus the counterfactual's late rate;
- `disruption_extra_cost_eur`: the total (cash) cost minus the counterfactual's: reroutes at the
  other carrier's rate, compensation, replacements, idle paid staff time, customer service
  and every other line; per order over the window's orders.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from fcsim.model.accounting.reduce import _mean, _safe_div
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.network import StrategyRun
from fcsim.scenario.schema.scenario import Scenario


class Outcomes(Protocol):
    """What is read of an order roll-up (`outcomes.OrderOutcomes`)."""

    in_window: np.ndarray
    delivered_min: np.ndarray
    lost: np.ndarray
    cancelled: np.ndarray
    in_progress: np.ndarray
    late: np.ndarray


def disrupted_orders(
    scenario: Scenario, strategy: str, run: StrategyRun, n_orders: int
) -> np.ndarray:
    """Per order: whether a disruption of one of its parcels' node, carriers or supplier was in
    force between its creation day and its parcel's delivery day (condition (a))."""
    p = run.parcels
    plan = run.disruptions
    hit = np.zeros(p.n, dtype=bool)
    if plan is None:
        return np.zeros(n_orders, dtype=bool)
    created = np.floor(p.created_min / MIN_PER_DAY).astype(np.int64)
    end = np.where(np.isnan(p.delivery_min), run.n_days * MIN_PER_DAY, p.delivery_min)
    end = np.floor(np.minimum(end, run.n_days * MIN_PER_DAY) / MIN_PER_DAY).astype(np.int64)
    for i, (name, node) in enumerate(scenario.nodes_of(strategy).items()):
        days = plan.parcel_days(name, node)
        m = p.node == i
        if not len(days) or not m.any():
            continue
        # some day of [created, end] is a disruption day: count them by searchsorted
        lo = np.searchsorted(days, created[m], side="left")
        hi = np.searchsorted(days, end[m], side="right")
        hit[m] = hi > lo
    out = np.zeros(n_orders, dtype=bool)
    np.logical_or.at(out, p.order, hit)
    return out


def disruption_kpis(
    scenario: Scenario,
    strategy: str,
    run: StrategyRun,
    oc: Outcomes,
    cash: float,
    base: tuple[Outcomes, float] | None,
) -> dict[str, float]:
    """The `disruption_*` KPIs (`base`: the counterfactual's roll-up and cash cost)."""
    w = oc.in_window
    n = int(w.sum())
    plan = run.disruptions
    active = np.zeros(run.n_days) if plan is None else plan.strategy_days(strategy)
    days = int((active[scenario.warmup_days : scenario.horizon_days] > 0).sum())
    if base is None or plan is None:
        return {
            "disruption_days": days,
            "disruption_orders_affected": 0,
            "disruption_affected_rate": 0.0,
            "disruption_extra_days_mean": float("nan"),
            "disruption_extra_late_rate": 0.0,
            "disruption_extra_cost_eur": 0.0,
            "disruption_extra_cost_per_order_eur": 0.0,
        }
    b, base_cash = base
    day = np.floor(oc.delivered_min / MIN_PER_DAY)
    base_day = np.floor(b.delivered_min / MIN_PER_DAY)
    status = np.stack([oc.lost, oc.cancelled, oc.in_progress])
    base_status = np.stack([b.lost, b.cancelled, b.in_progress])
    both = ~np.isnan(day) & ~np.isnan(base_day)
    moved = (both & (day != base_day)) | (status != base_status).any(axis=0)
    affected = w & moved & disrupted_orders(scenario, strategy, run, len(w))
    extra = np.where(affected & both, day - base_day, np.nan)
    finished = w & ~oc.in_progress & ~oc.cancelled
    base_finished = w & ~b.in_progress & ~b.cancelled
    late = _safe_div((finished & oc.late).sum(), finished.sum())
    base_late = _safe_div((base_finished & b.late).sum(), base_finished.sum())
    return {
        "disruption_days": days,
        "disruption_orders_affected": int(affected.sum()),
        "disruption_affected_rate": _safe_div(affected.sum(), n),
        "disruption_extra_days_mean": _mean(extra),
        "disruption_extra_late_rate": late - base_late,
        "disruption_extra_cost_eur": cash - base_cash,
        "disruption_extra_cost_per_order_eur": _safe_div(cash - base_cash, n),
    }
