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
every warehouse node: its storage zones' running and overflow cost (`facility.zone_costs`),
picking errors that reached customers, stock past its shelf life, shrinkage and the cold chain
(`quality.quality_costs`);
the stock-holding lines and insert material of a stocking node are in `holding.py`, the
marketplace's lines in `marketplace.py`; and every node (`parcel_costs.py`): carrier
shipping, compensation recovered (negative), claim handling, incidents
(replacements or refunds for lost and damaged parcels), insurance, duties paid (DDP, imports),
return labels, and lost sales. Per order: customer-service contacts, shipping revenue
(negative) and churn. Shipping is billed at the node's carrier volume tier
(`accounting/carrier_terms.py`). Customer money is counted without VAT (`model/money.py`):
shipping revenue, refunds, lost sales and churn.

Per-parcel costs are dated on the order's creation day; time-based costs on their own day.
Each line records its basis next to its amounts (`Ledger.basis`, `basis.py`): the terms rate x
quantity over the measurement window, so that a consultant can say where every euro comes from.
The wholesale cost of goods sold is the same for every strategy and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.core.metrics import CASH, OPPORTUNITY
from fcsim.model.accounting.basis import CostBasis
from fcsim.model.accounting.carrier_terms import billed_shipping
from fcsim.model.accounting.dropship import dropship_costs
from fcsim.model.accounting.facility import facility_costs, zone_costs
from fcsim.model.accounting.holding import insert_material, stockholding_costs
from fcsim.model.accounting.invoice_basis import invoice_basis
from fcsim.model.accounting.invoices import LINE_CATEGORY, third_party_invoice
from fcsim.model.accounting.marketplace import marketplace_costs
from fcsim.model.accounting.parcel_costs import common_costs
from fcsim.model.accounting.quality import quality_costs
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
    Scenario,
    SelfNode,
    ThirdPartyNode,
    WarehouseNode,
)

CATEGORIES = CASH + OPPORTUNITY


class Ledger:
    """Daily amounts (EUR) per category over the simulated days, and the basis of each line
    (`basis.CostBasis` terms over the measurement `window`, days [start, stop))."""

    def __init__(self, n_days: int, window: tuple[int, int] | None = None) -> None:
        self.n_days = n_days
        self.window = (0, n_days) if window is None else window
        self.by_category = {c: np.zeros(n_days) for c in CATEGORIES}
        self.bases: list[CostBasis] = []

    def add_daily(self, category: str, amounts: np.ndarray) -> None:
        self.by_category[category] += amounts[: self.n_days]

    def add_on_days(self, category: str, days: np.ndarray, amounts: np.ndarray) -> None:
        """Add `amounts` on day indices `days` (clipped to the simulated days)."""
        if len(days) == 0:
            return
        self.by_category[category] += self.per_day(days, amounts)

    def per_day(self, days: np.ndarray, amounts: np.ndarray | float) -> np.ndarray:
        """`amounts` summed by day index `days` (clipped to the simulated days)."""
        d = np.clip(np.asarray(days, dtype=np.int64), 0, self.n_days - 1)
        w = np.broadcast_to(np.asarray(amounts, dtype=float), d.shape)
        return np.bincount(d, weights=w, minlength=self.n_days)

    def in_window(self, daily: np.ndarray | float) -> float:
        """Sum of a daily series (or a constant per day) over the measurement window."""
        start, stop = self.window
        a = np.broadcast_to(np.asarray(daily, dtype=float), (self.n_days,))
        return float(a[start:stop].sum())

    def basis(
        self,
        category: str,
        node: str,
        key: str,
        rate: float,
        rate_unit: str,
        quantity: np.ndarray | float,
        quantity_unit: str,
    ) -> None:
        """Record a term `rate` x `quantity` of `category`: `quantity` per simulated day (or
        the same every day), summed over the window. Terms of no amount are left out."""
        q = self.in_window(quantity)
        if q == 0 or rate == 0:
            return
        self.bases.append(
            CostBasis(category, node, key, float(rate), rate_unit, q, quantity_unit, rate * q)
        )

    def basis_mean(
        self,
        category: str,
        node: str,
        key: str,
        rate_unit: str,
        quantity: np.ndarray,
        quantity_unit: str,
        amounts: np.ndarray,
    ) -> None:
        """Record a line that is no simple product: its `quantity` and `amounts` per day; the
        rate is their mean over the window (amount / quantity)."""
        q, a = self.in_window(quantity), self.in_window(amounts)
        if q == 0 and a == 0:
            return
        rate = a / q if q else 0.0
        self.bases.append(
            CostBasis(category, node, key, rate, rate_unit, q, quantity_unit, a, product=False)
        )

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
    name: str = ""  # the node's name, for the basis of its lines
    path: str = ""  # the node's scenario key (`strategies.hybrid.nodes.fc`)

    def key(self, field: str) -> str:
        """The scenario key of one of the node's fields (`costs.wage_eur_per_hour`)."""
        return f"{self.path}.{field}" if self.path else field

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

    def by_parcel_day(self, amounts: np.ndarray | float) -> np.ndarray:
        """Per-parcel amounts (for shipped parcels; or the same for each) summed by creation
        day."""
        d = np.clip(self.day[self.shipped], 0, self.n - 1)
        w = np.broadcast_to(np.asarray(amounts, dtype=float), d.shape)
        return np.bincount(d, weights=w, minlength=self.n)


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
    wage = v.key("costs.wage_eur_per_hour")
    hours = r.staff_minutes_by_day * people / 60
    led.basis("labour", v.name, wage, c.wage_eur_per_hour, "EUR/h", hours, "paid staff-hours")
    if node.overtime:
        led.basis(
            "labour", v.name, f"{wage} x {v.key('overtime.premium')}",
            c.wage_eur_per_hour * node.overtime.premium, "EUR/h",
            r.overtime_minutes_by_day * people / 60, "overtime staff-hours (premium)",
        )  # fmt: skip
    facility_costs(led, v, node)
    packaging = v.by_parcel_day(v.parcels.packaging_eur[v.shipped])
    led.add_daily("packaging", packaging)
    led.basis_mean(
        "packaging", v.name, "packaging", "EUR/parcel",
        v.by_parcel_day(1.0), "parcels packed", packaging,
    )  # fmt: skip
    insert_material(led, v, node)
    stockholding_costs(led, v, node)


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
    invoice_basis(led, v, node, lines)
    insert_material(led, v, node)
    stockholding_costs(led, v, node)


COST_MODELS = {
    SelfNode: self_costs,
    ThirdPartyNode: third_party_costs,
    MarketplaceNode: marketplace_costs,
    DropshipNode: dropship_costs,
}


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
    led = Ledger(n, window)
    p = run.parcels
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    day = np.floor(p.created_min / MIN_PER_DAY).astype(np.int64)
    shipped = p.ship_min <= n * MIN_PER_DAY
    months = month_index(bd, n)
    named = scenario.nodes_of(strategy)
    nodes = list(named.values())
    hybrid = len(named) > 1 or strategy not in named
    billed = billed_shipping(nodes, p, n_days=n, months=months, month_days=days_in_month(months))
    for i, (name, node) in enumerate(named.items()):
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
            name=name,
            path=f"strategies.{strategy}" + (f".nodes.{name}" if hybrid else ""),
        )
        COST_MODELS[type(node)](led, v, node)
        if isinstance(node, WarehouseNode):
            zone_costs(led, v, node)
            quality_costs(led, v, node)
        common_costs(led, v, node)
    cu = scenario.customers
    led.add_on_days("customer_service", order_day, reaction.contacted * cu.cost_per_contact_eur)
    led.add_on_days("churn", order_day, reaction.churn_cost_eur)
    revenue = shipping_revenue(scenario, p, order_value, billed)
    led.add_on_days("shipping_revenue", order_day, -revenue)
    contacts = led.per_day(order_day, reaction.contacted.astype(float))
    led.basis(
        "customer_service", "", "customers.cost_per_contact_eur", cu.cost_per_contact_eur,
        "EUR/contact", contacts, "contacts",
    )  # fmt: skip
    churned = led.per_day(order_day, reaction.churned.astype(float))
    led.basis_mean(
        "churn", "", "customers.retention_years", "EUR/customer lost", churned,
        "customers lost (their future margin)", led.per_day(order_day, reaction.churn_cost_eur),
    )  # fmt: skip
    charged = (revenue > 0).astype(float)
    led.basis_mean(
        "shipping_revenue", "", "shipping_fee", "EUR/order charged",
        led.per_day(order_day, charged), "orders charged for shipping",
        led.per_day(order_day, -revenue),
    )  # fmt: skip
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
    vat = p.vat_by_zone[p.zone[first]]
    out = get_policy("shipping_fee", fee.policy)(order_value, carrier_price * (1 + vat), fee)
    return np.where(served, ex_vat(out, vat), 0.0)
