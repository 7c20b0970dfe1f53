"""Customers who react (opt-in): one strategy run on the orders its own service leaves.

Place in the flow: with a scenario's `customer_base`, `fcsim.experiment.runs.simulate` draws the
superset of checkout visits (`model/customer_base.py`) and calls `run_reactive` instead of
`network.run_strategy`. Every visit keeps its index in the superset in every run, so the keyed
noise of an order (transit, picking, returns, contacts, churn) is the same in every strategy.

1. Checkout: the strategy's promise and the fee shown decide which visits convert (with
   reviews, times the pull of the rating shown that day: the initial rating on the first pass).
2. Pass: the strategy runs on the placed orders (the nodes skip the others). The customers'
   reactions to that service (`customers.react`, keyed by the visit) say who churns, and when:
   at her verdict (`reviews.verdict_minutes`: the delivery, when she is told a parcel is lost,
   the cancellation, the day a refund became slow). A churned customer's later visits are not
   placed. With reviews, the pass's reviews make the rating the next pass's checkout sees.
3. Churn (and the rating) depend on the service, and the service on the orders placed: passes
   repeat until the orders placed are those the pass's own churn and rating leave (a
   self-consistent run, as if orders had been generated day by day), or `max_passes` runs.
   Visits still in disagreement after the last pass are reported (`unsettled_orders`).

The result is compacted to the orders placed, for the accounting.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, fields

import numpy as np
import simpy

from fcsim.model.accounting.customer_kpis import CustomerFacts
from fcsim.model.accounting.outcomes import order_outcomes
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.customer_base import Potential, checkout_probability, converted, settle
from fcsim.model.demand import Orders
from fcsim.model.money import ex_vat
from fcsim.model.network import StrategyRun, parcel_promise_days, run_context, run_strategy
from fcsim.model.parcels import Parcels
from fcsim.model.reviews import Rating, conversion_factor, initial, post_reviews, verdict_minutes
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario


@dataclass(frozen=True)
class ReactiveRun:
    """The last pass, compacted to the orders placed, and what customers did."""

    run: StrategyRun
    orders: Orders
    facts: CustomerFacts


def compact_orders(orders: Orders, keep: np.ndarray) -> tuple[Orders, np.ndarray]:
    """The orders `keep` marks, and the new index of every old line (-1 when dropped)."""
    line_keep = keep[orders.line_order]
    line_map = np.where(line_keep, np.cumsum(line_keep) - 1, -1)
    line_start = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(orders.n_lines[keep], out=line_start[1:])
    out = Orders(
        created_min=orders.created_min[keep],
        line_start=line_start,
        line_sku=orders.line_sku[line_keep],
        line_units=orders.line_units[line_keep],
    )
    return out, line_map


def compact_parcels(parcels: Parcels, keep: np.ndarray, line_map: np.ndarray) -> Parcels:
    """The parcels of the orders `keep` marks, re-indexed to the compacted orders and lines."""
    pk = keep[parcels.order]
    order_map = np.cumsum(keep) - 1
    out = copy.copy(parcels)
    for f in fields(Parcels):
        if f.name not in ("line_ptr", "lines", "vat_by_zone"):  # per zone, not per parcel
            setattr(out, f.name, getattr(parcels, f.name)[pk])
    out.order = order_map[parcels.order[pk]]
    ids = np.flatnonzero(pk)
    lines, _ = parcels.lines_of_many(ids)
    out.lines = line_map[lines]
    counts = parcels.line_ptr[ids + 1] - parcels.line_ptr[ids]
    out.line_ptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=out.line_ptr[1:])
    return out


def compact(run: StrategyRun, orders: Orders, keep: np.ndarray) -> tuple[StrategyRun, Orders]:
    """The run and the orders restricted to the orders `keep` marks."""
    small, line_map = compact_orders(orders, keep)
    out = copy.copy(run)
    out.parcels = compact_parcels(run.parcels, keep, line_map)
    return out, small


def surprise_fees(scenario: Scenario, parcels: Parcels, n_orders: int) -> np.ndarray:
    """Orders with a parcel delivered to a zone whose duties the customer pays on delivery."""
    cfg = scenario.customer_base
    if cfg is None or not cfg.surprise_fee_dissatisfies:
        return np.zeros(n_orders, dtype=bool)
    dap = np.array(
        [d.customs is not None and d.customs.paid_by == "customer" for d in scenario.destinations]
    )
    hit = dap[parcels.zone] & ~parcels.cancelled & np.isfinite(parcels.ship_min)
    out = np.zeros(n_orders, dtype=bool)
    out[parcels.order[hit]] = True
    return out


def churn_minutes(scenario: Scenario, oc) -> np.ndarray:
    """When each churned order's customer leaves: at her verdict (`reviews.verdict_minutes`:
    the delivery, when she is told a parcel is lost, the cancellation, the day a refund became
    slow). Inf when she does not churn (or the order is still under way)."""
    return np.where(oc.reaction.churned, verdict_minutes(scenario, oc), np.inf)


def run_reactive(
    scenario: Scenario,
    strategy: str,
    potential: Potential,
    catalogue: CatalogueArrays,
    streams: Streams,
) -> ReactiveRun:
    """Run `strategy` until its churn and its orders agree (see the module docstring)."""
    cfg = scenario.customer_base
    assert cfg is not None
    visits = potential.orders
    ctx = run_context(scenario, strategy, visits, catalogue, streams, env=simpy.Environment())
    p0 = ctx.parcels
    first = np.searchsorted(p0.order, np.arange(visits.n))
    zone = p0.zone[first]
    days = np.maximum.reduceat(parcel_promise_days(scenario, strategy, p0), first)
    net = ex_vat(catalogue.price_eur[visits.line_sku], p0.vat_rate[first][visits.line_order])
    line_margin = visits.line_units * (net - catalogue.cost_eur[visits.line_sku])
    visit_margin = np.add.reduceat(line_margin, visits.line_start[:-1])
    del ctx, p0

    p_checkout, _ = checkout_probability(scenario, potential, catalogue, zone, days)

    def converting(rating: Rating | None) -> np.ndarray:
        if rating is None or cfg.reviews is None:
            return converted(p_checkout, streams)
        factor = conversion_factor(cfg.reviews, rating.rating, visits.created_min)
        return converted(p_checkout * factor, streams)

    rating = None if cfg.reviews is None else initial(cfg.reviews, scenario.horizon_days)
    converts = converting(rating)
    n_customers = len(potential.arrival_min)
    placed = converts.copy()
    passes = 0
    while True:
        passes += 1
        run = run_strategy(scenario, strategy, visits, catalogue, streams, placed=placed)
        keys = np.flatnonzero(placed)
        small_run, small = compact(run, visits, placed)
        surprise = surprise_fees(scenario, small_run.parcels, small.n)
        facts = _facts(keys, surprise, visits, converts, placed, visit_margin, potential)
        oc = order_outcomes(scenario, small_run, small, catalogue, streams, facts)
        t = churn_minutes(scenario, oc)
        nxt = converts
        if cfg.reviews is not None:  # the rating this pass's service makes, for the next pass
            verdict = verdict_minutes(scenario, oc)
            rating = post_reviews(
                cfg.reviews,
                keys,
                verdict,
                oc.reaction.dissatisfied,
                scenario.horizon_days,
                streams,
            )
            nxt = converting(rating)
        settled, churn_at = settle(
            nxt, visits.created_min, potential.customer, n_customers, keys, t
        )
        changed = int((settled != placed).sum())
        if changed == 0 or passes >= cfg.max_passes:
            break
        placed, converts = settled, nxt
    facts = _facts(keys, surprise, visits, converts, placed, visit_margin, potential)
    facts = dataclasses.replace(
        facts, churn_min=churn_at, passes=passes, unsettled=changed, rating=rating
    )
    return ReactiveRun(run=small_run, orders=small, facts=facts)


def _facts(
    keys: np.ndarray,
    surprise: np.ndarray,
    visits: Orders,
    converts: np.ndarray,
    placed: np.ndarray,
    visit_margin: np.ndarray,
    potential: Potential,
) -> CustomerFacts:
    return CustomerFacts(
        order_keys=keys,
        surprise_fee=surprise,
        visit_min=visits.created_min,
        converts=converts,
        placed=placed,
        visit_margin_eur=visit_margin,
        customer=potential.customer,
        churn_min=np.full(len(potential.arrival_min), np.inf),
        arrival_min=potential.arrival_min,
        departure_min=potential.departure_min,
        passes=0,
        unsettled=0,
    )
