"""Parcels rolled up to orders, and the customers' reactions to them.

Place in the flow: after the run, `kpis.evaluate` (and, for customers who react, each pass of
`model/reactive.py`) calls `order_outcomes` on the run's parcel columns. An order of a hybrid
strategy may travel as several parcels: it is delivered when its last parcel is, late when any
parcel is late. Definitions (docs/domain.md, "What fcsim reports"):
- late: delivered after the promised date (calendar day, local time), or lost;
- in progress: some parcel not yet collected when the simulation ends (after the drain days);
- lost: a parcel lost and not replaced (refunded); the customer is told at the end of the day
  `incidents.lost_detected_after_business_days` business days after its promised day;
- cancelled: every parcel cancelled (for want of stock at the order, or by the customer's
  patience, `cancelled_min`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from fcsim.model.accounting.customer_kpis import CustomerFacts
from fcsim.model.accounting.refunds import refund_day, slow_refunds
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.customers import Reaction, react
from fcsim.model.demand import Orders
from fcsim.model.money import ex_vat
from fcsim.model.network import StrategyRun
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario


@dataclass(frozen=True)
class OrderOutcomes:
    """Per-order roll-up of the parcels (all orders, window flag separate)."""

    in_window: np.ndarray
    shipped_min: np.ndarray  # last parcel collected (nan if not all collected)
    delivered_min: np.ndarray  # last parcel delivered (nan if lost or not all collected)
    late: np.ndarray
    days_late: np.ndarray
    lost: np.ndarray
    cancelled: np.ndarray
    in_progress: np.ndarray
    units: np.ndarray
    units_short: np.ndarray
    units_returned: np.ndarray
    damaged: np.ndarray  # a parcel arrived damaged
    wrong_item: np.ndarray  # a mis-picked line reached the customer (wrong or missing item)
    slow_refund_min: np.ndarray  # when a slow refund dissatisfied the customer (inf: it did not)
    lost_told_min: np.ndarray  # when the customer learns a parcel is lost (NaN: none lost)
    cancelled_min: np.ndarray  # when a cancelled order was cancelled (NaN: not cancelled)
    parcels: np.ndarray
    margin_eur: np.ndarray
    value_eur: np.ndarray
    reaction: Reaction


def order_outcomes(
    scenario: Scenario,
    run: StrategyRun,
    orders: Orders,
    catalogue: CatalogueArrays,
    streams: Streams,
    customer: CustomerFacts | None = None,
    refund: np.ndarray | None = None,
) -> OrderOutcomes:
    """Roll parcels up to orders and draw the customers' reactions (`refund`: each parcel's
    refund day, `refunds.refund_day`, when the caller has it already).

    With customers who react (`customer`), the reactions are keyed by the orders' places in the
    superset of visits, a surprise fee dissatisfies, and churn costs nothing here: the orders
    it loses are missing from the run (measured by `customer_kpis`).
    """
    p = run.parcels
    end = run.n_days * MIN_PER_DAY
    first = np.searchsorted(p.order, np.arange(orders.n))
    single = p.n == orders.n  # one parcel per order: an order's value is its parcel's

    def per_order(values: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
        return values.copy() if single else ufunc.reduceat(values, first)

    shipped = p.ship_min <= end
    done = p.cancelled | shipped
    live = ~p.cancelled
    lost = shipped & p.lost & ~p.reshipped  # lost and not replaced: refunded
    dday = np.floor(p.delivery_min / MIN_PER_DAY)
    parcel_days_late = np.where(shipped & live & ~lost, dday - p.promised_day, 0)
    parcel_late = shipped & live & (lost | (parcel_days_late > 0))

    in_progress = ~per_order(done, np.logical_and)
    cancelled = per_order(p.cancelled, np.logical_and)
    o_lost = per_order(lost, np.logical_or)
    ship_t = np.where(live, p.ship_min, -np.inf)
    dlv_t = np.where(live, p.delivery_min, -np.inf)
    shipped_min = per_order(ship_t, np.maximum)
    delivered_min = per_order(dlv_t, np.maximum)
    bad = in_progress | cancelled
    shipped_min = np.where(bad, np.nan, shipped_min)
    delivered_min = np.where(bad | o_lost, np.nan, delivered_min)
    late = per_order(parcel_late, np.logical_or)
    days_late = per_order(np.nan_to_num(parcel_days_late).astype(np.int64), np.maximum)

    # margins without VAT: the price is VAT-inclusive, the VAT of the order's zone is not the
    # merchant's money (every parcel of an order goes to its zone)
    vat = p.vat_by_zone[p.zone[first]][orders.line_order]
    net_price = ex_vat(catalogue.price_eur[orders.line_sku], vat)
    line_margin = orders.line_units * (net_price - catalogue.cost_eur[orders.line_sku])
    margin = np.add.reduceat(line_margin, orders.line_start[:-1])
    line_value = orders.line_units * catalogue.price_eur[orders.line_sku]
    value = np.add.reduceat(line_value, orders.line_start[:-1])
    units = per_order(p.units.astype(np.int64), np.add)
    short = per_order(p.units_short.astype(np.int64), np.add)
    defective = per_order(p.units_defective.astype(np.int64), np.add)
    damaged = per_order(shipped & p.damaged, np.logical_or)
    wrong_item = per_order(shipped & (p.wrong_lines > 0), np.logical_or)
    created = orders.created_min
    in_window = (created >= scenario.warmup_days * MIN_PER_DAY) & (
        created < scenario.horizon_days * MIN_PER_DAY
    )
    ids = np.arange(orders.n) if customer is None else customer.order_keys
    incomplete = (short > 0) | (defective > 0) | damaged | wrong_item
    refund = refund_day(scenario, run) if refund is None else refund
    slow, slow_min = slow_refunds(scenario, run, refund)
    slow_refund_min = per_order(slow_min, np.minimum)
    lost_told_min = per_order(np.where(lost, _lost_told_min(scenario, p), -np.inf), np.maximum)
    lost_told_min = np.where(np.isfinite(lost_told_min), lost_told_min, np.nan)
    # a parcel cancelled for want of stock at its order is cancelled then; by patience, later
    gone_min = np.where(np.isnan(p.cancelled_min), p.created_min, p.cancelled_min)
    cancelled_min = np.where(cancelled, per_order(gone_min, np.maximum), np.nan)
    reaction = react(
        scenario.customers,
        ids,
        late=late & ~in_progress,
        days_late=days_late,
        lost=o_lost,
        incomplete=incomplete if customer is None else incomplete | customer.surprise_fee,
        slow_refund=per_order(slow, np.logical_or),
        margin_eur=margin,
        streams=streams,
    )
    if customer is not None:  # measured, not assumed: the lost orders are missing from the run
        reaction = dataclasses.replace(reaction, churn_cost_eur=np.zeros(orders.n))
    return OrderOutcomes(
        in_window=in_window,
        shipped_min=shipped_min,
        delivered_min=delivered_min,
        late=late & ~in_progress,
        days_late=days_late,
        lost=o_lost & ~in_progress,  # an order with a parcel still on its way is in progress
        cancelled=cancelled,
        in_progress=in_progress,
        units=units,
        units_short=short,
        units_returned=per_order(p.units_returned.astype(np.int64), np.add),
        damaged=damaged,
        wrong_item=wrong_item,
        slow_refund_min=slow_refund_min,
        lost_told_min=lost_told_min,
        cancelled_min=cancelled_min,
        parcels=np.diff(np.append(first, p.n)),
        margin_eur=margin,
        value_eur=value,
        reaction=reaction,
    )


def _lost_told_min(scenario: Scenario, p) -> np.ndarray:
    """Per parcel, when its customer is told it is lost: at the end of the day
    `incidents.lost_detected_after_business_days` business days after its promised day (the
    promise has run out by then), and never before it shipped."""
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    told = bd.offset(
        p.promised_day.astype(np.int64),
        scenario.incidents.lost_detected_after_business_days,
        scenario.promise.business_weekdays,
    )
    return np.maximum((told + 1).astype(float) * MIN_PER_DAY, p.ship_min)
