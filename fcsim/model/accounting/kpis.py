"""From parcel columns and the cost ledger to the KPIs of one run and its daily series.

Place in the flow: `fcsim.experiment.runs.simulate` calls `evaluate` after
`model.network.run_strategy`. Every KPI `evaluate` returns is declared in the metric registry
(`fcsim.core.metrics`: label, unit, better direction); a test holds the two to the same names, so a
new KPI is declared there. Parcels are rolled up to orders (an order of a hybrid strategy may travel
as several parcels: it is delivered when its last parcel is, late when any parcel is late); only
orders created after the warm-up and before the end of the horizon count. Everything is vectorised
numpy.

Definitions (docs/domain.md, "What fcsim reports"; the roll-up of parcels to orders is
`outcomes.order_outcomes`):
- order_to_ship_h: order creation -> last parcel collected by the carrier;
- order_to_delivery_h: order creation -> last parcel delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fcsim.core.metrics import (
    CASH,
    COST,
    COST_PER_ORDER,
    OPPORTUNITY,
    STAFF_POOLS,
    UTILISATION,
    WAREHOUSE_METRICS,
)
from fcsim.model.accounting.costs import Ledger, ledger
from fcsim.model.accounting.customer_kpis import (
    CustomerFacts,
    customer_daily,
    customer_kpis,
    profit_kpis,
)
from fcsim.model.accounting.disruption_kpis import disruption_kpis
from fcsim.model.accounting.lateness import LateCauses, cause_kpis, late_causes
from fcsim.model.accounting.operations import overload_reasons, warehouse_times
from fcsim.model.accounting.outcomes import OrderOutcomes, order_outcomes
from fcsim.model.accounting.reduce import _mean, _pct, _safe_div
from fcsim.model.accounting.refunds import refund_day, refund_kpis
from fcsim.model.accounting.stock import stock_kpis
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.demand import Orders
from fcsim.model.network import StrategyRun
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario


@dataclass(frozen=True)
class Evaluation:
    """KPIs of one run, its daily series and its ledger."""

    kpis: dict[str, float]
    daily: dict[str, np.ndarray]
    ledger: Ledger
    outcomes: OrderOutcomes
    node_kpis: dict[str, dict[str, float]] = field(default_factory=dict)  # node -> metric
    overload: list[str] = field(default_factory=list)  # why it could not keep up (if it could not)
    causes: LateCauses | None = None  # why each late parcel and order is late


def evaluate(
    scenario: Scenario,
    strategy: str,
    run: StrategyRun,
    orders: Orders,
    catalogue: CatalogueArrays,
    streams: Streams,
    customer: CustomerFacts | None = None,
    counterfactual: Evaluation | None = None,
) -> Evaluation:
    """KPIs of one strategy run over the measurement window (`customer`: what customers who
    react did, from `model/reactive.py`, None without a customer base; `counterfactual`: the
    same run without its disruptions, for the `disruption_*` KPIs)."""
    refund = refund_day(scenario, run)  # per parcel, for the reactions and the refund KPIs
    oc = order_outcomes(scenario, run, orders, catalogue, streams, customer, refund)
    window = (scenario.warmup_days, scenario.horizon_days)
    order_day = np.floor(orders.created_min / MIN_PER_DAY).astype(np.int64)
    led = ledger(
        scenario,
        strategy,
        run,
        orders=orders,
        catalogue=catalogue,
        reaction=oc.reaction,
        order_value=oc.value_eur,
        order_day=order_day,
        window=window,
    )
    w = oc.in_window
    n_orders = int(w.sum())
    finished = w & ~oc.in_progress & ~oc.cancelled
    created = orders.created_min
    to_ship = (oc.shipped_min - created)[w] / 60
    to_dlv = (oc.delivered_min - created)[w] / 60
    p = run.parcels
    pw = w[p.order]
    end = run.n_days * MIN_PER_DAY
    shipped_p = pw & (p.ship_min <= end)
    totals = led.totals(*window)
    cash = sum(totals[c] for c in CASH)
    opportunity = sum(totals[c] for c in OPPORTUNITY)
    waited = pw & (p.stock_ok_min > p.created_min)
    # a cost per order needs orders that shipped: with none (nothing could be collected), the
    # shipping fees charged at checkout would make it negative; it is unknown (NaN) instead
    per_order_of = n_orders if shipped_p.any() else 0

    k: dict[str, float] = {
        "orders": n_orders,
        "parcels": int(pw.sum()),
        "parcels_per_order": _safe_div(pw.sum(), n_orders),
        "units": int(oc.units[w].sum()),
        "orders_delivered": int((finished & ~oc.lost).sum()),
        "orders_lost": int((w & oc.lost).sum()),
        "orders_cancelled": int((w & oc.cancelled).sum()),
        "orders_in_progress": int((w & oc.in_progress).sum()),
        "unfinished_rate": _safe_div((w & oc.in_progress).sum(), n_orders),
        "order_to_ship_h_mean": _mean(to_ship),
        "order_to_ship_h_p95": _pct(to_ship, 95),
        "order_to_delivery_h_mean": _mean(to_dlv),
        "order_to_delivery_h_p50": _pct(to_dlv, 50),
        "order_to_delivery_h_p95": _pct(to_dlv, 95),
        "late_rate": _safe_div((finished & oc.late).sum(), finished.sum()),
        "days_late_mean_when_late": _mean(
            np.where(finished & oc.late & ~oc.lost, oc.days_late, np.nan).astype(float)
        ),
        "on_time_in_full_rate": _safe_div(
            (finished & ~oc.late & (oc.units_short == 0)).sum(), (w & ~oc.in_progress).sum()
        ),
        "fill_rate": 1.0 - _safe_div(oc.units_short[w].sum(), oc.units[w].sum()),
        "stock_wait_rate": _safe_div(waited.sum(), pw.sum()),
        "cutoff_miss_rate": _cutoff_miss_rate(scenario, run, shipped_p),
        "collection_deferred_rate": _safe_div((shipped_p & p.deferred).sum(), shipped_p.sum()),
        "lost_parcels": int((shipped_p & p.lost).sum()),
        "damaged_parcels": int((shipped_p & p.damaged).sum()),
        "reshipped_parcels": int((shipped_p & p.reshipped).sum()),
        "customs_parcels": int((shipped_p & (p.customs_days > 0)).sum()),
        "customs_days_mean": _mean(
            np.where(shipped_p & (p.customs_days > 0), p.customs_days, np.nan).astype(float)
        ),
        **refund_kpis(scenario, run, pw, refund),
        "compensation_claims": int((shipped_p & p.claims).sum()),
        **_accuracy(oc, finished & ~oc.lost, w, p, shipped_p),
        **_stock_losses(run, window),
        "returned_units": int(oc.units_returned[w].sum()),
        "return_rate_units": _safe_div(oc.units_returned[w].sum(), oc.units[w].sum()),
        "wismo_contacts": int(oc.reaction.contacted[w].sum()),
        "wismo_contacts_per_100_orders": 100 * _safe_div(oc.reaction.contacted[w].sum(), n_orders),
        "customers_lost": int(oc.reaction.churned[w].sum()),
        "total_cost_eur": cash,
        "cost_per_order_eur": _safe_div(cash, per_order_of),
        "lost_margin_eur": opportunity,
        "economic_cost_per_order_eur": _safe_div(cash + opportunity, per_order_of),
        "events_per_order": _safe_div(run.events, orders.n),
    }
    k.update(profit_kpis(oc.margin_eur, oc.units, oc.units_short, oc.units_returned, w, cash))
    k.update(
        customer_kpis(
            customer,
            (window[0] * MIN_PER_DAY, window[1] * MIN_PER_DAY),
            scenario.horizon_days * MIN_PER_DAY,
            [n.totals for n in run.nodes],
        )
    )
    for c, v in totals.items():
        k[COST.name(c)] = v
        k[COST_PER_ORDER.name(c)] = _safe_div(v, per_order_of)
    daily = _daily(run, oc, orders, led, scenario)
    if customer is not None:
        daily |= customer_daily(customer, run.n_days)
    k.update(_utilisation(run, window))
    k["backlog_parcels_max"] = float(daily["backlog_parcels"][window[0] : window[1]].max())
    d2s = [n.totals.get("dock_to_stock_h_mean", np.nan) for n in run.nodes]
    k["dock_to_stock_h_mean"] = _mean(np.asarray(d2s, dtype=float))
    k.update(stock_kpis(scenario, strategy, run, window))
    k["obsolete_units"] = _window_sum(run, "cleared_units", window)
    k["obsolete_value_eur"] = _window_sum(run, "cleared_value_eur", window)
    k["transferred_units"] = _window_sum(run, "transferred_out_units", window)
    k["fallback_parcels"] = _window_sum(run, "fallback_parcels", window)
    times = warehouse_times(run, orders, w)
    k.update(times.strategy)
    if not any(n.kind == "warehouse" for n in run.nodes):
        k.update(dict.fromkeys(WAREHOUSE_METRICS, float("nan")))
    overload = overload_reasons(run, daily, k, window)
    k["overloaded"] = float(bool(overload))
    base = counterfactual
    k.update(
        disruption_kpis(
            scenario,
            strategy,
            run,
            oc,
            cash,
            None if base is None else (base.outcomes, base.kpis["total_cost_eur"]),
        )
    )
    if run.disruptions is not None and run.disruptions.active:
        daily["disruptions_active"] = run.disruptions.strategy_days(strategy)
    causes = late_causes(scenario, run, finished & oc.late)
    k.update(cause_kpis(causes, finished, finished & oc.late & ~oc.lost))
    return Evaluation(
        kpis=k,
        daily=daily,
        ledger=led,
        outcomes=oc,
        node_kpis=times.nodes,
        overload=overload,
        causes=causes,
    )


def _accuracy(
    oc: OrderOutcomes, delivered: np.ndarray, w: np.ndarray, p, shipped: np.ndarray
) -> dict[str, float]:
    """Orders right first time (no wrong or missing item, no damaged parcel) among those
    delivered, and the picking errors of the window's shipped parcels."""
    right = delivered & ~oc.wrong_item & ~oc.damaged
    mispicked = int(p.mispicked[shipped].sum())
    return {
        "order_accuracy_rate": _safe_div(right.sum(), delivered.sum()),
        "wrong_item_orders": int((w & oc.wrong_item).sum()),
        "mispicked_lines": mispicked,
        "repicked_lines": mispicked - int(p.wrong_lines[shipped].sum()),
    }


def _stock_losses(run: StrategyRun, window: tuple[int, int]) -> dict[str, float]:
    """Units written off past their shelf life and lost to shrinkage, over the window."""
    a, b = window
    return {
        key: float(sum(n.daily[key][a:b].sum() for n in run.nodes if key in n.daily))
        for key in ("expired_units", "shrinkage_units")
    }


def _window_sum(run: StrategyRun, key: str, window: tuple[int, int]) -> float:
    """A daily series of the nodes, summed over the nodes that have it and the window days."""
    start, stop = window
    return float(sum(n.daily[key][start:stop].sum() for n in run.nodes if key in n.daily))


def _cutoff_miss_rate(scenario: Scenario, run: StrategyRun, shipped: np.ndarray) -> float:
    """Share of parcels collected on a later day than the first collection after their order
    (a warehouse's) or after they were ready (a dropship supplier's, whose processing days are
    its agreed lead time, not a missed cutoff)."""
    p = run.parcels
    if not shipped.any():
        return float("nan")
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    suppliers = [i for i, kind in enumerate(run.node_kinds) if kind == "dropship"]
    since = np.where(np.isin(p.node, suppliers), p.ready_min, p.created_min)
    missed = 0
    for ci, c in enumerate(scenario.carriers):
        m = shipped & (p.carrier == ci)
        if not m.any():
            continue
        earliest = bd.next_at(since[m], c.cutoff, c.collection_days)
        actual = np.floor(p.ship_min[m] / MIN_PER_DAY)
        missed += int((actual > earliest).sum())
    return missed / int(shipped.sum())


def _utilisation(run: StrategyRun, window: tuple[int, int]) -> dict[str, float]:
    """Each pool's mean daily busy share over the window and the nodes that have it, and the
    pickers' load (busy share less the set-up of tours short of a full batch)."""
    out = {}
    for key in (*(UTILISATION.name(pool.name) for pool in STAFF_POOLS), "picker_load"):
        vals = [_mean(n.daily[key][window[0] : window[1]]) for n in run.nodes if key in n.daily]
        out[key] = _mean(np.asarray(vals, dtype=float)) if vals else np.nan
    return out


def _daily(
    run: StrategyRun, oc: OrderOutcomes, orders: Orders, led: Ledger, scenario: Scenario
) -> dict[str, np.ndarray]:
    n = run.n_days
    p = run.parcels

    def count_by_day(t: np.ndarray) -> np.ndarray:
        d = np.floor(t[~np.isnan(t)] / MIN_PER_DAY).astype(np.int64)
        d = d[(d >= 0) & (d < n)]
        return np.bincount(d, minlength=n).astype(float)

    late_dlv = np.where(oc.late & ~oc.lost, oc.delivered_min, np.nan)
    out = {
        "orders_created": count_by_day(orders.created_min),
        "parcels_shipped": count_by_day(p.ship_min),
        "orders_delivered": count_by_day(oc.delivered_min),
        "late_deliveries": count_by_day(late_dlv),
        "cost_eur": sum(led.by_category[c] for c in CASH),
    }
    stock = ("stock_units", "waiting_for_stock", "stock_pallets", "stock_value_eur")
    for key in ("backlog_parcels", *stock):
        out[key] = sum((nd.daily[key] for nd in run.nodes if key in nd.daily), np.zeros(n))
    for name, nd in zip(run.node_names, run.nodes, strict=True):
        # each storage zone's pallets, by node: `zone_pallets.NODE.ZONE`
        for key in (k for k in nd.daily if k.startswith("zone_pallets.")):
            out[f"zone_pallets.{name}.{key.split('.', 1)[1]}"] = nd.daily[key]
    for pool in STAFF_POOLS:
        key = UTILISATION.name(pool.name)
        arrays = [nd.daily[key] for nd in run.nodes if nd.daily]
        if arrays:
            with np.errstate(all="ignore"):
                stacked = np.vstack(arrays)
                ok = ~np.isnan(stacked)
                out[key] = np.where(
                    ok.any(axis=0),
                    np.nansum(stacked, axis=0) / np.maximum(ok.sum(axis=0), 1),
                    np.nan,
                )
        else:
            out[key] = np.full(n, np.nan)
    return out
