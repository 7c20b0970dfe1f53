"""Cost models: one ledger per run, by category and by day (D14-D16, D10-D13).

Place in the flow: `kpis.py` calls `ledger` after a strategy's run. Each node adds the lines of
its cost model (DESIGN principle 1: one warehouse model, several operators):
- self-run centre: staff paid for every shift hour whatever the volume, rent, equipment and IT,
  packaging materials, the capital cost of stock;
- 3PL centre: the provider's fee schedule (set-up spread over months, receiving per pallet,
  storage per pallet-month with a peak rate, pick & pack per first and extra unit, packaging
  fee, returns fee, monthly-minimum top-up) and the capital cost of stock;
- dropship supplier: the supplier's price above wholesale and its handling fee per parcel;
and every node: carrier shipping, compensation recovered (negative), claim handling, lost
parcels, return labels and write-offs, customer-service contacts, and the opportunity costs
(lost sales, churn) kept apart from cash.

Per-parcel costs are dated on the order's creation day; time-based costs on their own day.
Wholesale cost of goods sold is the same for every strategy and is left out.
"""

from __future__ import annotations

import numpy as np

from fcsim.calendar import MIN_PER_DAY, BusinessDays
from fcsim.catalogue import CatalogueArrays
from fcsim.model.customers import Reaction
from fcsim.model.network import StrategyRun
from fcsim.model.parcels import Parcels
from fcsim.policies import get_policy
from fcsim.scenario import DropshipNode, Node, Scenario, SelfNode, ThirdPartyNode

CASH = (
    "labour",
    "rent",
    "equipment_it",
    "storage",
    "fulfilment_fees",
    "packaging",
    "shipping",
    "shipping_revenue",
    "compensation_recovered",
    "claims_handling",
    "incidents",
    "insurance",
    "duties",
    "returns",
    "write_offs",
    "inventory_holding",
    "supplier",
    "customer_service",
)
"""Cash cost categories; their sum is the total cost."""
OPPORTUNITY = ("lost_sales", "churn")
"""Margin lost (not cash out): lost sales and churned customers' future orders."""
CATEGORIES = CASH + OPPORTUNITY
DAYS_PER_MONTH = 365.25 / 12


class Ledger:
    """Daily amounts (EUR) per category over the simulated days."""

    def __init__(self, n_days: int) -> None:
        self.n_days = n_days
        self.by_category = {c: np.zeros(n_days) for c in CATEGORIES}

    def add_daily(self, category: str, amounts: np.ndarray) -> None:
        self.by_category[category] += amounts[: self.n_days]

    def add_on_days(self, category: str, days: np.ndarray, amounts: np.ndarray) -> None:
        """Add `amounts` on day indices `days` (clipped to the simulated days)."""
        if len(days) == 0:
            return
        d = np.clip(np.asarray(days, dtype=np.int64), 0, self.n_days - 1)
        self.by_category[category] += np.bincount(d, weights=amounts, minlength=self.n_days)

    def totals(self, start: int, stop: int) -> dict[str, float]:
        """Total per category over days [start, stop)."""
        return {c: float(v[start:stop].sum()) for c, v in self.by_category.items()}


def month_index(bd: BusinessDays, n_days: int) -> np.ndarray:
    """Calendar month number (months since 1970) of each day."""
    return bd.date_of(np.arange(n_days)).astype("datetime64[M]").astype(np.int64)


def ledger(
    scenario: Scenario,
    strategy: str,
    run: StrategyRun,
    catalogue: CatalogueArrays,
    reaction: Reaction,
    order_value: np.ndarray,
    order_day: np.ndarray,
    window: tuple[int, int],
) -> Ledger:
    """The cost ledger of one run."""
    n = run.n_days
    led = Ledger(n)
    p = run.parcels
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    day_of_parcel = np.floor(p.created_min / MIN_PER_DAY).astype(np.int64)
    end = n * MIN_PER_DAY
    shipped = p.ship_min <= end
    nodes = scenario.nodes_of(strategy)
    months = month_index(bd, n)
    per_day = 12 / 365.25

    for i, (_name, node) in enumerate(nodes.items()):
        mine = p.node == i
        res = run.nodes[i]
        sp = mine & shipped
        d = day_of_parcel
        if isinstance(node, SelfNode | ThirdPartyNode):
            holding = res.daily["stock_value_eur"] * node.holding_rate_per_year / 365.25
            led.add_daily("inventory_holding", holding)
            led.add_daily("write_offs", res.daily["written_off_eur"])
        if isinstance(node, SelfNode):
            c = node.costs
            people = node.pickers + node.packers + node.receivers + c.supervisors
            assert res.staff_minutes_by_day is not None
            led.add_daily("labour", res.staff_minutes_by_day / 60 * people * c.wage_eur_per_hour)
            led.add_daily("rent", np.full(n, c.rent_eur_per_month * per_day))
            led.add_daily(
                "equipment_it",
                np.full(n, (c.equipment_eur_per_month + c.it_eur_per_month) * per_day),
            )
            led.add_on_days("packaging", d[sp], p.packaging_eur[sp])
        elif isinstance(node, ThirdPartyNode):
            f = node.fees
            setup = np.zeros(n)
            spread = round(f.setup_amortisation_months * DAYS_PER_MONTH)
            setup[: min(n, spread)] = f.setup_eur / spread
            led.add_daily("fulfilment_fees", setup)
            fees = res.daily["pallets_received"] * f.receiving_eur_per_pallet
            fees += np.bincount(
                np.clip(d[sp], 0, n - 1),
                weights=f.pick_pack_first_item_eur
                + f.pick_pack_extra_item_eur * np.maximum(p.units[sp] - 1, 0),
                minlength=n,
            )
            returned = mine & (p.return_day >= 0) & (p.return_day < n)
            fees += np.bincount(
                p.return_day[returned],
                weights=p.units_returned[returned] * f.returns_eur_each,
                minlength=n,
            )
            peak_rate = f.storage_peak_eur_per_pallet_month
            in_peak = np.isin(months % 12 + 1, f.peak_months)
            rate = np.where(
                in_peak & (peak_rate is not None),
                peak_rate or 0.0,
                f.storage_eur_per_pallet_month,
            )
            storage = res.daily["stock_pallets"] * rate * per_day
            if f.packaging_eur_per_order is not None:
                led.add_on_days(
                    "packaging", d[sp], np.full(int(sp.sum()), f.packaging_eur_per_order)
                )
                fees_for_minimum = (
                    fees
                    + storage
                    + np.bincount(
                        np.clip(d[sp], 0, n - 1),
                        weights=np.full(int(sp.sum()), f.packaging_eur_per_order),
                        minlength=n,
                    )
                )
            else:
                fees_for_minimum = fees + storage
            led.add_daily("fulfilment_fees", fees)
            led.add_daily("storage", storage)
            led.add_daily(
                "fulfilment_fees",
                _minimum_top_up(fees_for_minimum, months, f.monthly_minimum_eur, window),
            )
        elif isinstance(node, DropshipNode):
            premium = p.goods_cost_eur * node.price_markup
            supplied = np.maximum(p.units - p.units_short, 0) / np.maximum(p.units, 1)
            led.add_on_days(
                "supplier",
                d[sp],
                premium[sp] * supplied[sp] + node.handling_eur_per_order,
            )
            ret = sp & (p.units_returned > 0)
            keep = scenario.returns.restock_share
            unit_price = p.goods_cost_eur * (1 + node.price_markup) / np.maximum(p.units, 1)
            written = (
                p.units_defective + (p.units_returned - p.units_defective) * (1 - keep)
            ) * unit_price
            led.add_on_days("write_offs", d[ret], written[ret])
        _common(led, scenario, p, sp, d, i, node)

    od = order_day
    led.add_on_days(
        "customer_service",
        od,
        reaction.contacted * scenario.customers.cost_per_contact_eur,
    )
    led.add_on_days("churn", od, reaction.churn_cost_eur)
    led.add_on_days("shipping_revenue", od, -shipping_revenue(scenario, p, order_value))
    return led


def shipping_revenue(scenario: Scenario, p: Parcels, order_value: np.ndarray) -> np.ndarray:
    """Shipping paid by each customer at checkout (D20); nothing for fully cancelled orders."""
    fee = scenario.shipping_fee
    first = np.searchsorted(p.order, np.arange(len(order_value)))
    served = ~np.logical_and.reduceat(p.cancelled, first)
    carrier_price = np.add.reduceat(np.where(p.cancelled, 0.0, p.shipping_eur), first)
    out = get_policy("shipping_fee", fee.policy)(order_value, carrier_price, fee)
    return np.where(served, out, 0.0)


def _common(
    led: Ledger,
    scenario: Scenario,
    p: Parcels,
    sp: np.ndarray,
    d: np.ndarray,
    i: int,
    node: Node,
) -> None:
    """Lines every node has: shipping, compensation, losses, returns, lost sales."""
    led.add_on_days("shipping", d[sp], p.shipping_eur[sp])
    led.add_on_days("compensation_recovered", d[sp], -p.compensation_eur[sp])
    claim_cost = np.zeros(p.n)
    for ci, carrier in enumerate(scenario.carriers):
        if carrier.compensation is not None:
            claim_cost[p.carrier == ci] = carrier.compensation.claim_cost_eur
    led.add_on_days("claims_handling", d[sp & p.claims], claim_cost[sp & p.claims])
    hit = sp & (p.lost | p.damaged)
    markup = node.price_markup if isinstance(node, DropshipNode) else 0.0
    replace = p.goods_cost_eur * (1 + markup) + p.shipping_eur
    # replaced: new goods and a second shipment; refunded: the price paid back
    led.add_on_days("incidents", d[hit], np.where(p.reshipped, replace, p.value_eur)[hit])
    led.add_on_days("insurance", d[sp], p.insurance_eur[sp] - p.insurance_paid_eur[sp])
    led.add_on_days("duties", d[sp], p.duties_eur[sp])
    if scenario.returns.label_paid_by == "merchant":
        ret = sp & (p.units_returned > 0)
        led.add_on_days("returns", d[ret], np.full(int(ret.sum()), scenario.returns.label_cost_eur))
    mine = p.node == i
    led.add_on_days("lost_sales", d[mine], p.short_margin_eur[mine])


def _minimum_top_up(
    fees: np.ndarray, months: np.ndarray, minimum: float, window: tuple[int, int]
) -> np.ndarray:
    """Top-up to the monthly minimum, pro rata for months cut by the window; on month ends."""
    out = np.zeros(len(fees))
    if minimum <= 0:
        return out
    start, stop = window
    for m in np.unique(months[start:stop]):
        days = np.flatnonzero(months == m)
        inside = days[(days >= start) & (days < stop)]
        first = np.datetime64(int(m), "M")
        length = int(
            ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
        )
        due = minimum * len(inside) / length - fees[inside].sum()
        if due > 0:
            out[inside[-1]] += due
    return out
