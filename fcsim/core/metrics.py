"""The metric registry: every KPI and cost category fcsim reports, declared once.

Place in the flow: the lowest layer. The model's accounting (`fcsim.model.accounting.kpis`)
computes the metrics named here, and a test holds it to exactly this list; the runs table
(`fcsim.experiment.results`) refuses a metric that is not declared; the terminal table, the HTML
report and the regression gate read labels, units, better direction and default tolerances from
here, so a metric is added in one place (docs/metrics.md says how).

A metric is declared on its own (`METRICS`) or as a member of a family (`FAMILIES`): one metric
per cost category (`cost_labour_eur`, `cost_per_order_labour_eur`, ...), per staff pool
(`picker_utilisation`, ...) and per cause of late deliveries (`late_cause_stock_rate`,
`late_days_stock_mean`, ...). `metric(name)` resolves both.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from fcsim.core.cost_categories import (  # noqa: F401 (re-exported)
    CASH,
    COST_CATEGORIES,
    OPPORTUNITY,
    CostCategory,
)

Better = Literal["lower", "higher", "neither"]
Kind = Literal["eur", "hours", "rate", "count", "number"]
"""How a value is formatted for people: money, hours, a share (shown in %), a count, a number."""


@dataclass(frozen=True)
class StaffPool:
    """A pool of a fulfilment centre whose busy share of paid time is measured."""

    name: str
    label: str
    plural: str


STAFF_POOLS: tuple[StaffPool, ...] = (
    StaffPool("picker", "Picker", "Pickers"),
    StaffPool("packer", "Packer", "Packers"),
    StaffPool("receiver", "Receiver", "Receivers"),
    StaffPool("dock", "Dock", "Docks"),
)
"""The measured pools, in the order a run reports them (inbound dock doors are a pool too)."""


@dataclass(frozen=True)
class Metric:
    """A KPI of one run: its name in every result file, and what people need to read it."""

    name: str
    label: str
    unit: str  # "EUR", "h", "share", "orders", ...; "" for a pure number
    kind: Kind
    better: Better
    group: str  # "volume", "service", "stock", "operations", "customers", "cost", "model"

    @property
    def lower_is_better(self) -> bool | None:
        """True (lower is better), False (higher is), None (neither)."""
        return {"lower": True, "higher": False, "neither": None}[self.better]

    @property
    def is_rate(self) -> bool:
        """A share between 0 and 1: shown in percent, changes in percentage points."""
        return self.kind == "rate"


# (unit, kind) of the declarations below
_Measure = tuple[str, Kind]
_EUR: _Measure = ("EUR", "eur")
_HOURS: _Measure = ("h", "hours")
_DAYS: _Measure = ("days", "number")
_SHARE: _Measure = ("share", "rate")
_ORDERS: _Measure = ("orders", "count")
_PARCELS: _Measure = ("parcels", "count")
_UNITS: _Measure = ("units", "count")
_LINES: _Measure = ("lines", "count")


def _group(group: str, *rows: tuple[str, str, _Measure, Better]) -> tuple[Metric, ...]:
    return tuple(Metric(name, label, u, k, better, group) for name, label, (u, k), better in rows)


METRICS: tuple[Metric, ...] = (
    *_group(
        "volume",
        ("orders", "Orders in window", _ORDERS, "neither"),
        ("parcels", "Parcels in window", _PARCELS, "neither"),
        ("parcels_per_order", "Parcels per order", ("parcels per order", "number"), "lower"),
        ("units", "Units ordered", _UNITS, "neither"),
        ("orders_delivered", "Orders delivered", _ORDERS, "neither"),
    ),
    *_group(
        "service",
        ("orders_lost", "Orders lost", _ORDERS, "lower"),
        ("orders_cancelled", "Orders cancelled", _ORDERS, "lower"),
        ("order_to_ship_h_mean", "Order → ship, mean (h)", _HOURS, "lower"),
        ("order_to_ship_h_p95", "Order → ship, p95 (h)", _HOURS, "lower"),
        ("order_to_packed_h_mean", "Order → packed, mean (h)", _HOURS, "lower"),
        ("order_to_packed_h_p95", "Order → packed, p95 (h)", _HOURS, "lower"),
        ("order_to_delivery_h_mean", "Order → delivery, mean (h)", _HOURS, "lower"),
        ("order_to_delivery_h_p50", "Order → delivery, median (h)", _HOURS, "lower"),
        ("order_to_delivery_h_p95", "Order → delivery, p95 (h)", _HOURS, "lower"),
        ("late_rate", "Late deliveries", _SHARE, "lower"),
        ("days_late_mean_when_late", "Days late when late, mean", _DAYS, "lower"),
        ("on_time_in_full_rate", "On time in full", _SHARE, "higher"),
        ("lost_parcels", "Lost parcels", _PARCELS, "lower"),
        ("damaged_parcels", "Damaged parcels", _PARCELS, "lower"),
        ("reshipped_parcels", "Reshipped parcels", _PARCELS, "lower"),
        ("customs_days_mean", "Days in customs, mean", _DAYS, "lower"),
        ("compensation_claims", "Compensation claims", ("claims", "count"), "neither"),
        ("order_accuracy_rate", "Orders right first time", _SHARE, "higher"),
        ("wrong_item_orders", "Orders with a wrong or missing item", _ORDERS, "lower"),
    ),
    *_group(
        "stock",
        ("fill_rate", "Fill rate (units)", _SHARE, "higher"),
        ("stock_wait_rate", "Parcels that waited for stock", _SHARE, "lower"),
        ("dock_to_stock_h_mean", "Dock to stock, mean (h)", _HOURS, "lower"),
        ("stock_value_eur_mean", "Stock value, mean (EUR)", _EUR, "neither"),
        ("stock_turns_per_year", "Stock turns per year", ("turns per year", "number"), "higher"),
        ("days_of_cover", "Days of cover", _DAYS, "neither"),
        ("peak_stock_pallets", "Peak stock (pallet positions)", ("pallets", "number"), "neither"),
        ("peak_occupancy_share", "Peak occupancy of the space", _SHARE, "neither"),
        ("expired_units", "Units past shelf life (written off)", _UNITS, "lower"),
        ("shrinkage_units", "Units lost to shrinkage", _UNITS, "lower"),
        ("obsolete_units", "Stock cleared at a season's end (units)", ("units", "count"), "lower"),
        ("obsolete_value_eur", "Stock cleared at a season's end, at cost (EUR)", _EUR, "lower"),
        ("transferred_units", "Units moved between centres", ("units", "count"), "neither"),
        ("fallback_parcels", "Parcels sent to another node for its stock", _PARCELS, "neither"),
    ),
    *_group(
        "operations",
        ("orders_in_progress", "Orders not shipped by the end", _ORDERS, "lower"),
        ("unfinished_rate", "Share of orders not shipped by the end", _SHARE, "lower"),
        ("overloaded", "Runs that could not keep up", _SHARE, "lower"),
        ("cutoff_miss_rate", "Carrier cutoff missed", _SHARE, "lower"),
        ("collection_deferred_rate", "Left behind by a full carrier collection", _SHARE, "lower"),
        ("customs_parcels", "Parcels through customs", _PARCELS, "neither"),
        ("backlog_parcels_max", "Backlog, max (parcels)", _PARCELS, "lower"),
        ("picker_wait_h_mean", "Wait for a picker, mean (h)", _HOURS, "lower"),
        ("picker_wait_h_p95", "Wait for a picker, p95 (h)", _HOURS, "lower"),
        ("picker_load", "Picker load, in full batches", _SHARE, "neither"),
        ("mispicked_lines", "Mis-picked lines", _LINES, "lower"),
        ("repicked_lines", "Lines picked again after the packer's check", _LINES, "lower"),
    ),
    *_group(
        "customers",
        ("return_cycle_days_mean", "Delivery to refund, mean (days)", _DAYS, "lower"),
        ("refund_wait_days_mean", "Return received to refund, mean (days)", _DAYS, "lower"),
        ("refunds_pending_end", "Returns not yet refunded at the end", _PARCELS, "lower"),
        ("slow_refunds", "Returns refunded too slowly", _PARCELS, "lower"),
        ("returned_units", "Returned units (count)", _UNITS, "neither"),
        ("return_rate_units", "Returned units", _SHARE, "neither"),
        ("wismo_contacts", "'Where is my order?' contacts", ("contacts", "count"), "lower"),
        (
            "wismo_contacts_per_100_orders",
            "'Where is my order?' per 100 orders",
            ("contacts per 100 orders", "number"),
            "lower",
        ),
        ("customers_lost", "Customers lost (churn)", ("customers", "count"), "lower"),
        ("potential_orders", "Checkout visits in window", _ORDERS, "neither"),
        ("conversion_rate", "Checkout conversion", _SHARE, "higher"),
        ("orders_lost_to_churn", "Orders lost to churn", _ORDERS, "lower"),
        ("churn_lost_margin_eur", "Margin lost to churn, measured (EUR)", _EUR, "lower"),
        ("active_customers_end", "Active customers at the end", ("customers", "count"), "higher"),
        ("repeat_order_share", "Orders from returning customers", _SHARE, "higher"),
        ("backorders_cancelled", "Backorders cancelled (patience)", _PARCELS, "lower"),
        ("reviews_posted", "Reviews posted", ("reviews", "count"), "neither"),
        ("rating_mean", "Shop rating shown, mean (stars)", ("stars", "number"), "higher"),
        ("rating_end", "Shop rating at the end (stars)", ("stars", "number"), "higher"),
    ),
    *_group(
        "cost",
        ("total_cost_eur", "Total cost (EUR)", _EUR, "lower"),
        ("cost_per_order_eur", "Cost per order (EUR)", _EUR, "lower"),
        ("lost_margin_eur", "Lost margin (EUR)", _EUR, "lower"),
        ("economic_cost_per_order_eur", "Cost per order incl. lost margin (EUR)", _EUR, "lower"),
        ("gross_margin_eur", "Gross margin of goods kept, ex VAT (EUR)", _EUR, "higher"),
        ("profit_eur", "Profit: margin less total cost (EUR)", _EUR, "higher"),
        ("profit_per_order_eur", "Profit per order (EUR)", _EUR, "higher"),
    ),
    *_group(
        "disruptions",
        ("disruption_days", "Days disrupted in window", _DAYS, "neither"),
        ("disruption_orders_affected", "Orders affected by disruptions", _ORDERS, "lower"),
        ("disruption_affected_rate", "Orders affected by disruptions (share)", _SHARE, "lower"),
        ("disruption_extra_days_mean", "Extra days, affected orders, mean", _DAYS, "lower"),
        ("disruption_extra_late_rate", "Late deliveries added by disruptions", _SHARE, "lower"),
        ("disruption_extra_cost_eur", "Extra cost of disruptions (EUR)", _EUR, "lower"),
        (
            "disruption_extra_cost_per_order_eur",
            "Extra cost of disruptions per order",
            _EUR,
            "lower",
        ),
    ),
    *_group(
        "model",
        ("events_per_order", "Simulation events per order", ("", "number"), "neither"),
        ("customer_passes", "Runs to settle churn", ("runs", "count"), "neither"),
        ("unsettled_orders", "Visits churn left unsettled", _ORDERS, "lower"),
        ("cut_short_day", "Day a screening run stopped, certain to miss", _DAYS, "neither"),
        ("late_orders_certain", "Orders certainly late when it stopped", _ORDERS, "neither"),
    ),
)
"""The metrics declared one by one (families below), by group."""

CUT_SHORT_METRICS: tuple[str, ...] = ("cut_short_day", "late_orders_certain")
"""The metrics only a run cut short reports (`fcsim advise`'s screening): a run to its end has
none of them."""

WAREHOUSE_METRICS: tuple[str, ...] = (
    "stock_wait_rate",
    "dock_to_stock_h_mean",
    "backlog_parcels_max",
    "picker_wait_h_mean",
    "picker_wait_h_p95",
    "picker_load",
    "mispicked_lines",
    "repicked_lines",
    "expired_units",
    "shrinkage_units",
    "obsolete_units",
    "obsolete_value_eur",
)
"""Metrics of a warehouse's own work: unknown (NaN, shown "n/a") for a strategy without a
warehouse (dropship only), where a zero would read as a best score ("backlog, max 0"); they
are then never ranked."""

NODE_METRICS: tuple[str, ...] = (
    "order_to_packed_h_mean",
    "order_to_packed_h_p95",
    "picker_wait_h_mean",
    "picker_wait_h_p95",
)
"""Metrics also reported per node of a strategy (`summary.json` `nodes`; runs table columns
`node.NAME.METRIC`): per parcel of the node, the order's time to packed and its picker wait."""


@dataclass(frozen=True)
class Family:
    """One metric per member (a cost category, a staff pool): `pattern` with `{}` for its name."""

    pattern: str
    label: str  # with `{}` for the member's label
    members: tuple[tuple[str, str], ...]  # (name, label)
    unit: str
    kind: Kind
    better: Better
    group: str

    def name(self, member: str) -> str:
        """The metric's name for `member`: `cost_{}_eur` and `labour` give `cost_labour_eur`."""
        return self.pattern.format(member)

    def member(self, name: str) -> str | None:
        """The member whose metric `name` is, or None when `name` is not of this family."""
        head, tail = self.pattern.split("{}")
        if not (name.startswith(head) and name.endswith(tail)) or len(name) <= len(head + tail):
            return None
        member = name[len(head) : len(name) - len(tail)]
        return member if member in dict(self.members) else None

    def metrics(self) -> tuple[Metric, ...]:
        """Every metric of the family, in member order."""
        fields = (self.unit, self.kind, self.better, self.group)
        return tuple(Metric(self.name(m), self.label.format(lb), *fields) for m, lb in self.members)


_CATEGORY_MEMBERS = tuple((c.name, c.label) for c in COST_CATEGORIES)
COST = Family("cost_{}_eur", "{} (EUR)", _CATEGORY_MEMBERS, *_EUR, "lower", "cost")
"""Total of each cost category over the window (negative for revenue lines)."""
COST_PER_ORDER = Family(
    "cost_per_order_{}_eur", "{} per order (EUR)", _CATEGORY_MEMBERS, *_EUR, "lower", "cost"
)
"""Each cost category per order in the window."""
UTILISATION = Family(
    "{}_utilisation",
    "{} utilisation",
    tuple((p.name, p.label) for p in STAFF_POOLS),
    *_SHARE,
    "neither",
    "operations",
)
"""Mean daily busy share of paid time of each staff pool, over the nodes that have it."""
LATE_CAUSES: tuple[tuple[str, str], ...] = (
    ("promise", "Promise out of reach without any wait"),
    ("stock", "Waiting for stock"),
    ("supplier", "Supplier processing (dropship)"),
    ("cutoff", "Pick and pack past the carrier cutoff"),
    ("backlog", "Waiting for a picker or packer"),
    ("collection", "Left by a full carrier collection"),
    ("customs", "Customs clearance and holds"),
    ("carrier", "Carrier delay"),
    ("incident", "Lost or damaged parcel"),
)
"""The stages a late delivery is attributed to (`fcsim.model.accounting.lateness`), in the
order a parcel goes through them; docs/lateness.md gives the rule."""
LATE_CAUSE = Family("late_cause_{}_rate", "Late: {}", LATE_CAUSES, *_SHARE, "lower", "service")
"""Share of finished orders late because of each stage; the shares sum to `late_rate`."""
LATE_DAYS = Family(
    "late_days_{}_mean",
    "Days late when late, from: {}",
    LATE_CAUSES,
    *_DAYS,
    "lower",
    "service",
)
"""Days of lateness each stage added, mean over the late orders delivered; the means sum to
`days_late_mean_when_late`."""
FAMILIES: tuple[Family, ...] = (COST, COST_PER_ORDER, UTILISATION, LATE_CAUSE, LATE_DAYS)


def _index() -> dict[str, Metric]:
    out: dict[str, Metric] = {}
    for m in (*METRICS, *(m for f in FAMILIES for m in f.metrics())):
        if m.name in out:
            raise RuntimeError(f"metric `{m.name}` is declared twice")
        out[m.name] = m
    return out


_BY_NAME = _index()

NAMES: tuple[str, ...] = tuple(_BY_NAME)
"""Every registered metric name: the declared ones, then each family's members."""

HEADLINE: tuple[str, ...] = (
    "cost_per_order_eur",
    "order_to_ship_h_mean",
    "order_to_delivery_h_mean",
    "order_to_delivery_h_p95",
    "late_rate",
)
"""The metrics of the terminal table and the top of the report's summary table."""

DETAIL: tuple[str, ...] = (
    "orders",
    "total_cost_eur",
    "gross_margin_eur",
    "profit_eur",
    "economic_cost_per_order_eur",
    "on_time_in_full_rate",
    "fill_rate",
    "stock_value_eur_mean",
    "days_of_cover",
    "cutoff_miss_rate",
    "collection_deferred_rate",
    "parcels_per_order",
    "lost_parcels",
    "return_rate_units",
    "wismo_contacts_per_100_orders",
    "customers_lost",
    "picker_utilisation",
    "packer_utilisation",
    "backlog_parcels_max",
    "dock_to_stock_h_mean",
)
"""The further metrics of the report's summary table, below the headline ones."""


def is_metric(name: str) -> bool:
    """Whether `name` is a registered metric."""
    return name in _BY_NAME


def metric(name: str) -> Metric:
    """The registered metric called `name` (a family member included); KeyError otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        close = difflib.get_close_matches(name, NAMES, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        raise KeyError(
            f"unknown metric `{name}`{hint}: every metric is declared in fcsim.core.metrics"
        ) from None


def undeclared(names: Iterable[str]) -> list[str]:
    """The names among `names` that are not registered metrics, in their order."""
    return [n for n in names if n not in _BY_NAME]


def is_rate(name: str) -> bool:
    """Whether metric `name` is a share between 0 and 1 (KeyError for an unknown name)."""
    return metric(name).is_rate


def cost_category(name: str) -> CostCategory:
    """The cost category called `name`; KeyError otherwise."""
    for c in COST_CATEGORIES:
        if c.name == name:
            return c
    raise KeyError(f"unknown cost category `{name}`: they are declared in fcsim.core.metrics")


def staff_pool(name: str) -> StaffPool:
    """The staff pool called `name`; KeyError otherwise."""
    for p in STAFF_POOLS:
        if p.name == name:
            return p
    raise KeyError(f"unknown staff pool `{name}`: they are declared in fcsim.core.metrics")


BREAKDOWN_COLUMNS = ("table", "group", "key", "low", "high", "count", "value")
"""Columns of the long-format breakdown table of a run (`breakdowns.parquet`)."""
