"""Cost models: one ledger per run, by category and by day (D14-D16, D10-D13, D20).

Place in the flow: `kpis.py` calls `ledger` after a strategy's run. Each node adds the lines of
its operator's cost model (one warehouse model, several operators):
- self-run centre: staff paid for every shift hour whatever the volume, packaging materials
  (branded packaging's extra), insert material, the capital cost of stock, and the space and
  fixed costs of `facility.py` (rent step, utilities, equipment and IT, WMS, insurance,
  supervision and management, amortised start-up and capital);
- 3PL centre: the provider's invoice, itemised by `invoices.py` (one-off costs spread over the
  contract, account management, receiving and storage on the schedule's basis, volume-tiered
  pick & pack, packaging, branded-packaging and insert fees, returns fee, monthly-minimum
  top-up), insert material and the capital cost of stock;
- marketplace centre (FBA-like): fulfilment fee per unit by size tier, storage per litre-month
  with a peak rate, returns fee, and the capital cost of stock;
- dropship supplier (`accounting/dropship.py`): the supplier's price above wholesale, its
handling fee per parcel, return labels to it and the goods written off;
every warehouse node: its storage zones' running and overflow cost (`facility.zone_costs`);
and every node: carrier shipping, compensation recovered (negative), claim handling, incidents
(replacements or refunds for lost and damaged parcels), insurance, duties paid (DDP, imports),
return labels, and lost sales. Per order: customer-service contacts, shipping revenue
(negative) and churn. Shipping is billed at the node's carrier volume tier
(`accounting/carrier_terms.py`). Customer money is counted without VAT (`model/money.py`):
shipping revenue, refunds, lost sales and churn.

Per-parcel costs are dated on the order's creation day; time-based costs on their own day.
The wholesale cost of goods sold is the same for every strategy and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.core.metrics import CASH, OPPORTUNITY
from fcsim.model.accounting.carrier_terms import billed_shipping
from fcsim.model.accounting.dropship import dropship_costs
from fcsim.model.accounting.facility import facility_costs, zone_costs
from fcsim.model.accounting.invoices import LINE_CATEGORY, third_party_invoice
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.customers import Reaction
from fcsim.model.demand import Orders
from fcsim.model.money import ex_vat
from fcsim.model.network import StrategyRun
from fcsim.model.node import NodeResult
from fcsim.model.parcels import Parcels
from fcsim.policies import get_policy
from fcsim.scenario.schema.scenario import (
    DropshipNode,
    MarketplaceNode,
    Node,
    Scenario,
    SelfNode,
    ThirdPartyNode,
    WarehouseNode,
)

CATEGORIES = CASH + OPPORTUNITY


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
        amounts = np.broadcast_to(np.asarray(amounts, dtype=float), d.shape)
        self.by_category[category] += np.bincount(d, weights=amounts, minlength=self.n_days)

    def totals(self, start: int, stop: int) -> dict[str, float]:
        """Total per category over days [start, stop)."""
        return {c: float(v[start:stop].sum()) for c, v in self.by_category.items()}


@dataclass(frozen=True, kw_only=True)
class NodeView:
    """What a node's cost model reads: its parcels, its daily series, the calendar."""

    scenario: Scenario
    parcels: Parcels
    orders: Orders
    catalogue: CatalogueArrays
    result: NodeResult
    mine: np.ndarray  # parcels of this node
    shipped: np.ndarray  # parcels of this node collected by a carrier
    day: np.ndarray  # creation day of every parcel
    months: np.ndarray  # month number (since 1970) of every simulated day
    window: tuple[int, int]
    billed_shipping_eur: np.ndarray | None = None  # per parcel, volume tier applied

    @property
    def n(self) -> int:
        return len(self.months)

    @property
    def shipping_eur(self) -> np.ndarray:
        """Shipping billed per parcel: at the node's volume tier (else as priced at dispatch)."""
        p = self.parcels
        return p.shipping_eur if self.billed_shipping_eur is None else self.billed_shipping_eur

    @property
    def month_share(self) -> np.ndarray:
        """Each day's share of its calendar month (1/31 in January): monthly amounts per day."""
        return 1.0 / days_in_month(self.months)

    def peak(self, months_1_12: list[int]) -> np.ndarray:
        """Whether each simulated day falls in one of these months."""
        return np.isin(self.months % 12 + 1, months_1_12)

    def returned_on_day(self, fee_each: float) -> np.ndarray:
        """Returned units (x fee) by the day they reach the node."""
        p = self.parcels
        m = self.mine & (p.return_day >= 0) & (p.return_day < self.n)
        return np.bincount(
            p.return_day[m], weights=p.units_returned[m] * fee_each, minlength=self.n
        )

    def by_parcel_day(self, amounts: np.ndarray) -> np.ndarray:
        """Per-parcel amounts (for shipped parcels) summed by creation day."""
        d = np.clip(self.day[self.shipped], 0, self.n - 1)
        return np.bincount(d, weights=amounts, minlength=self.n)


def _stockholding(
    led: Ledger, v: NodeView, node: SelfNode | ThirdPartyNode | MarketplaceNode
) -> None:
    """Capital cost of the stock the merchant owns, goods written off at the node, and the
    inbound transport of its purchase orders (on the day the trucks reach the dock)."""
    daily = v.result.daily
    led.add_daily(
        "inventory_holding", daily["stock_value_eur"] * node.holding_rate_per_year / 365.25
    )
    led.add_daily("write_offs", daily["written_off_eur"])
    led.add_daily("returns", daily["refurbish_eur"])
    rp = node.replenishment
    led.add_daily(
        "inbound_freight",
        daily["trucks_arrived"] * rp.freight_eur_per_truck
        + daily["pallets_arrived"] * rp.freight_eur_per_pallet,
    )


def self_costs(led: Ledger, v: NodeView, node: SelfNode) -> None:
    """Own warehouse: operatives paid for every shift hour, packaging materials, the stock's
    capital cost; space and fixed costs in `facility.py`."""
    c = node.costs
    r = v.result
    if r.staff_minutes_by_day is None or r.overtime_minutes_by_day is None:
        raise ValueError(f"node {r.name!r}: a self-run centre's result has no staff minutes")
    people = sum(r.headcount_by_day.values())
    wage_min = c.wage_eur_per_hour / 60
    overtime = r.overtime_minutes_by_day * node.overtime.premium if node.overtime else 0.0
    led.add_daily("labour", (r.staff_minutes_by_day + overtime) * people * wage_min)
    facility_costs(led, v, node)
    led.add_daily("packaging", v.by_parcel_day(v.parcels.packaging_eur[v.shipped]))
    _insert_material(led, v, node)
    _stockholding(led, v, node)


def third_party_costs(led: Ledger, v: NodeView, node: ThirdPartyNode) -> None:
    """3PL invoice (`invoices.py`), line by line into its categories; inserts' material."""
    p = v.parcels
    lines = third_party_invoice(
        node,
        daily=v.result.daily,
        months=v.months,
        peak_days=v.peak(node.fees.peak_months),
        month_share=v.month_share,
        parcel_day=v.day[v.shipped],
        parcel_units=p.units[v.shipped],
        parcel_inserts=p.inserts[v.shipped],
        returned_units_by_day=v.returned_on_day(1.0),
        window=v.window,
    )
    for line, amounts in lines.items():
        led.add_daily(LINE_CATEGORY[line], amounts)
    _insert_material(led, v, node)
    _stockholding(led, v, node)


def _insert_material(
    led: Ledger, v: NodeView, node: SelfNode | ThirdPartyNode | MarketplaceNode
) -> None:
    """The merchant's inserts (samples, flyers) added to the node's shipped parcels."""
    material = node.picking.insert_material_eur
    if material > 0:
        led.add_daily("inserts", v.by_parcel_day(v.parcels.inserts[v.shipped] * material))


def unit_tier_fee(node: MarketplaceNode, catalogue: CatalogueArrays) -> np.ndarray:
    """Fulfilment fee per unit of each SKU: the smallest size tier that fits it (else the last)."""
    tiers = node.fees.size_tiers
    fee = np.full(catalogue.n, tiers[-1].fee_per_unit_eur)
    for t in reversed(tiers):
        fits = (catalogue.weight_kg <= t.max_weight_kg) & (catalogue.volume_l <= t.max_volume_l)
        fee[fits] = t.fee_per_unit_eur
    return fee


def marketplace_costs(led: Ledger, v: NodeView, node: MarketplaceNode) -> None:
    """Marketplace fulfilment: fee per unit by size tier, storage by volume, returns."""
    f = node.fees
    p = v.parcels
    ids = np.flatnonzero(v.shipped)
    lines, owner = p.lines_of_many(ids)
    o = v.orders
    per_line = o.line_units[lines] * unit_tier_fee(node, v.catalogue)[o.line_sku[lines]]
    per_parcel = np.bincount(owner, weights=per_line, minlength=len(ids))
    fees = v.by_parcel_day(per_parcel) + v.returned_on_day(f.returns_eur_each)
    rate = np.where(
        v.peak(f.peak_months), f.storage_peak_eur_per_l_month, f.storage_eur_per_l_month
    )
    led.add_daily("fulfilment_fees", fees)
    led.add_daily("storage", v.result.daily["stock_volume_l"] * rate * v.month_share)
    _insert_material(led, v, node)
    _stockholding(led, v, node)


COST_MODELS = {
    SelfNode: self_costs,
    ThirdPartyNode: third_party_costs,
    MarketplaceNode: marketplace_costs,
    DropshipNode: dropship_costs,
}


def common_costs(led: Ledger, v: NodeView, node: Node) -> None:
    """Lines every node has: shipping, compensation, incidents, insurance, duties, returns."""
    p, sp, sc = v.parcels, v.shipped, v.scenario
    d = v.day
    billed = v.shipping_eur
    led.add_on_days("shipping", d[sp], billed[sp])
    # compensation is a share of the price billed: scaled with it by the volume tier
    tier = np.divide(billed, p.shipping_eur, out=np.zeros(p.n), where=p.shipping_eur > 0)
    led.add_on_days("compensation_recovered", d[sp], -(p.compensation_eur * tier)[sp])
    claim_cost = np.zeros(p.n)
    for ci, carrier in enumerate(sc.carriers):
        if carrier.compensation is not None:
            claim_cost[p.carrier == ci] = carrier.compensation.claim_cost_eur
    claimed = sp & p.claims
    led.add_on_days("claims_handling", d[claimed], claim_cost[claimed])
    hit = sp & (p.lost | p.damaged)
    markup = node.price_markup if isinstance(node, DropshipNode) else 0.0
    replace = p.goods_cost_eur * (1 + markup) + billed
    # replaced: new goods and a second shipment; refunded: the price paid back, which also
    # cancels the sale's VAT, so the merchant is out of the price without VAT
    refund = p.value_ex_vat_eur
    led.add_on_days("incidents", d[hit], np.where(p.reshipped, replace, refund)[hit])
    led.add_on_days("insurance", d[sp], p.insurance_eur[sp] - p.insurance_paid_eur[sp])
    led.add_on_days("duties", d[sp], p.duties_eur[sp])
    if sc.returns.label_paid_by == "merchant" and not isinstance(node, DropshipNode):
        ret = sp & (p.units_returned > 0)  # a dropship node pays its own labels
        led.add_on_days("returns", d[ret], sc.returns.label_cost_eur)
    led.add_on_days("lost_sales", d[v.mine], p.short_margin_eur[v.mine])


def days_in_month(months: np.ndarray) -> np.ndarray:
    """Number of days of each month number (months since 1970)."""
    m = np.asarray(months, dtype=np.int64)
    first = m.astype("datetime64[M]").astype("datetime64[D]")
    nxt = (m + 1).astype("datetime64[M]").astype("datetime64[D]")
    return (nxt - first).astype(np.int64)


def month_index(bd: BusinessDays, n_days: int) -> np.ndarray:
    """Calendar month number (months since 1970) of each day."""
    return bd.date_of(np.arange(n_days)).astype("datetime64[M]").astype(np.int64)


def ledger(
    scenario: Scenario,
    strategy: str,
    run: StrategyRun,
    *,
    orders: Orders,
    catalogue: CatalogueArrays,
    reaction: Reaction,
    order_value: np.ndarray,
    order_day: np.ndarray,
    window: tuple[int, int],
) -> Ledger:
    """The cost ledger of one run: `reaction`, `order_value` and `order_day` are per order,
    `window` the measurement days [start, stop)."""
    n = run.n_days
    led = Ledger(n)
    p = run.parcels
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    day = np.floor(p.created_min / MIN_PER_DAY).astype(np.int64)
    shipped = p.ship_min <= n * MIN_PER_DAY
    months = month_index(bd, n)
    nodes = list(scenario.nodes_of(strategy).values())
    billed = billed_shipping(nodes, p, n_days=n, months=months, month_days=days_in_month(months))
    for i, node in enumerate(nodes):
        mine = p.node == i
        v = NodeView(
            scenario=scenario,
            parcels=p,
            orders=orders,
            catalogue=catalogue,
            result=run.nodes[i],
            mine=mine,
            shipped=mine & shipped,
            day=day,
            months=months,
            window=window,
            billed_shipping_eur=billed,
        )
        COST_MODELS[type(node)](led, v, node)
        if isinstance(node, WarehouseNode):
            zone_costs(led, v)
        common_costs(led, v, node)
    led.add_on_days(
        "customer_service", order_day, reaction.contacted * scenario.customers.cost_per_contact_eur
    )
    led.add_on_days("churn", order_day, reaction.churn_cost_eur)
    revenue = shipping_revenue(scenario, p, order_value, billed)
    led.add_on_days("shipping_revenue", order_day, -revenue)
    return led


def shipping_revenue(
    scenario: Scenario, p: Parcels, order_value: np.ndarray, billed: np.ndarray | None = None
) -> np.ndarray:
    """Shipping paid by each customer at checkout (D20), without VAT; nothing for fully
    cancelled orders.

    The fee policy sees what the customer sees, VAT included: the basket value and, for a
    carrier rate passed on, the carriers' price (`billed`, else as priced at dispatch) plus
    the VAT of the order's zone. The fee it returns is VAT-inclusive; the merchant keeps it
    without the VAT.
    """
    fee = scenario.shipping_fee
    first = np.searchsorted(p.order, np.arange(len(order_value)))
    served = ~np.logical_and.reduceat(p.cancelled, first)
    shipping = p.shipping_eur if billed is None else billed
    carrier_price = np.add.reduceat(np.where(p.cancelled, 0.0, shipping), first)
    vat = p.vat_rate[first]
    out = get_policy("shipping_fee", fee.policy)(order_value, carrier_price * (1 + vat), fee)
    return np.where(served, ex_vat(out, vat), 0.0)
