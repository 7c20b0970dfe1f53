"""The scenario: single source of truth for every parameter of a run.

Place in the flow: `fcsim.scenario.load` parses YAML into a dictionary and validates it into a
frozen `Scenario` here; the engine (`fcsim.model`) only ever sees a `Scenario`. Cross-references
(carrier names, routing targets, the reference strategy) are checked by `Scenario.problems`, which
returns every problem with the key path it concerns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Annotated, Any

from pydantic import Field, PrivateAttr

from fcsim.scenario.schema.base import LEFT_OUT_AT_DEFAULT, Model, Name, minutes_of
from fcsim.scenario.schema.business import (
    Calendar,
    Customers,
    Demand,
    Incidents,
    PackagingOption,
    Promise,
    Returns,
    ShippingFee,
    default_packaging,
)
from fcsim.scenario.schema.content import NO_DATA, ScenarioData
from fcsim.scenario.schema.crosscheck import (
    calendar_problems,
    life_cycle_problems,
    routing_problems,
    storage_zone_problems,
)
from fcsim.scenario.schema.customer_base import CustomerBase
from fcsim.scenario.schema.delivery import Carrier, Destination, domestic_only
from fcsim.scenario.schema.disruptions import Disruption, disruption_problems
from fcsim.scenario.schema.history import AnyCatalogue, AnyDemand
from fcsim.scenario.schema.lifecycle import LifeCycle
from fcsim.scenario.schema.nodes import (
    DropshipNode,
    HybridStrategy,
    MarketplaceNode,
    Node,
    SelfNode,
    Strategy,
    ThirdPartyNode,
    WarehouseNode,
)
from fcsim.scenario.schema.quality import Damage
from fcsim.scenario.schema.sizing import ServiceTarget

Loc = tuple[str | int, ...]

__all__ = [
    "Carrier",
    "DropshipNode",
    "HybridStrategy",
    "Loc",
    "MarketplaceNode",
    "Node",
    "Scenario",
    "SelfNode",
    "ThirdPartyNode",
    "WarehouseNode",
    "minutes_of",
]


class Scenario(Model):
    """A business and the fulfilment strategies to compare on it."""

    _data: Any = PrivateAttr(default=None)  # ScenarioData, set by fcsim.scenario.data.attach_data

    name: str = Field(min_length=1, max_length=200, description="Scenario name.")
    description: str = Field(default="", description="What the scenario represents.")
    seed: int = Field(
        default=1,
        ge=0,
        lt=2**63,
        description="Master random seed. It also fixes the business's structure (which "
        "category each sales rank has, slotting); `--seed` changes only the random noise.",
    )
    start_date: dt.date = Field(description="First day of the horizon (local date).")
    horizon_days: int = Field(ge=1, le=3660, description="Days during which orders are placed.")
    warmup_days: int = Field(
        default=0, ge=0, description="First days excluded from every statistic (stock settles)."
    )
    drain_days: int = Field(
        default=21,
        ge=0,
        le=365,
        description="Days simulated after the horizon (no new orders) so late orders finish.",
    )
    replications: int = Field(
        default=5, ge=1, le=10_000, description="Independent replications per strategy."
    )
    reference_strategy: Name | None = Field(
        default=None,
        description="Strategy the others are compared with (default: the first listed).",
    )
    calendar: Calendar = Field(default_factory=Calendar, description="Holidays.")
    catalogue: AnyCatalogue = Field(
        description="The products on sale: generated (`skus`) or from a product file (`from`)."
    )
    demand: AnyDemand = Field(
        description="The order stream: parametric (`kind: poisson`, the default) or from an "
        "order history (`kind: history`)."
    )
    life_cycles: Annotated[list[LifeCycle], LEFT_OUT_AT_DEFAULT] = Field(
        default_factory=list,
        description="Product life cycles: categories launched on a date, declining, cleared "
        "at the season's end (none: every SKU sells all the time).",
    )
    promise: Promise = Field(default_factory=Promise, description="Delivery promise (D20).")
    destinations: list[Destination] = Field(
        default_factory=domestic_only,
        min_length=1,
        description="Destination zones and their shares of orders (D7, D8).",
    )
    carriers: list[Carrier] = Field(min_length=1, description="Carrier services available.")
    packaging: list[PackagingOption] = Field(
        default_factory=default_packaging, min_length=1, description="Packaging materials (D6)."
    )
    damage: Annotated[Damage, LEFT_OUT_AT_DEFAULT] = Field(
        default_factory=Damage,
        description="Damage in transit by the goods' fragility and the packaging's protection "
        "(D6, D11).",
    )
    returns: Returns = Field(default_factory=Returns, description="Return policy (D12).")
    incidents: Incidents = Field(
        default_factory=Incidents, description="Handling of lost and damaged parcels (D11)."
    )
    shipping_fee: ShippingFee = Field(
        default_factory=ShippingFee, description="Shipping charged to customers (D20)."
    )
    customers: Customers = Field(
        default_factory=Customers, description="Contacts and churn (D9, D13)."
    )
    customer_base: Annotated[CustomerBase | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        description="Customers who react (opt-in): demand from a customer base that converts "
        "by the fee and promise shown and loses churned customers' later orders (D13, D20). "
        "Absent: orders are generated up front, the same whatever the service.",
    )
    strategies: dict[Name, Strategy] = Field(
        min_length=1, description="Strategies to compare, by name."
    )
    disruptions: Annotated[list[Disruption], LEFT_OUT_AT_DEFAULT] = Field(
        default_factory=list,
        description="Operations going wrong: node outages, carrier strikes, supplier failures "
        "(docs/model.md, Disruptions). Empty: none.",
    )
    service_target: ServiceTarget = Field(
        default_factory=ServiceTarget,
        description="The service every strategy is sized to before `fcsim advise` compares them.",
    )

    # ----------------------------------------------------------------- derived helpers
    @property
    def reference(self) -> str:
        """Name of the reference strategy."""
        return self.reference_strategy or next(iter(self.strategies))

    @property
    def slug(self) -> str:
        """The name made safe for a folder name."""
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name).strip("._") or "scenario"

    def carrier(self, name: str) -> Carrier:
        """The carrier called `name`."""
        for c in self.carriers:
            if c.name == name:
                return c
        raise KeyError(name)

    def nodes_of(self, strategy: str) -> dict[str, Node]:
        """The nodes of a strategy by name (a one-node strategy is its own single node)."""
        s = self.strategies[strategy]
        if isinstance(s, HybridStrategy):
            return dict(s.nodes)
        return {strategy: s}

    def max_nodes(self) -> int:
        """The largest number of nodes of any strategy (sizes shared random streams)."""
        return max(len(self.nodes_of(name)) for name in self.strategies)

    @property
    def data(self) -> ScenarioData:
        """The content of the data files the scenario names (read when it was loaded)."""
        return self._data if self._data is not None else NO_DATA

    def content_hash(self) -> str:
        """SHA-256 of the validated content (stable across key order and formatting).

        It covers the bytes of the data files the scenario names (order history, product
        file), not only their paths: an edited file is a different scenario.
        """
        content = self.model_dump(mode="json", by_alias=True)
        text = json.dumps(content, sort_keys=True)
        if self.data.digest:
            text += self.data.digest
        return hashlib.sha256(text.encode()).hexdigest()

    # ----------------------------------------------------------------- cross-checks
    def problems(self) -> list[tuple[Loc, str]]:
        """Every cross-reference problem, as (key path, message)."""
        out: list[tuple[Loc, str]] = []
        carrier_names = [c.name for c in self.carriers]
        for name in sorted({n for n in carrier_names if carrier_names.count(n) > 1}):
            idx = carrier_names.index(name)
            out.append((("carriers", idx, "name"), f"carrier name {name!r} is used twice"))
        pack_names = [p.name for p in self.packaging]
        for name in sorted({n for n in pack_names if pack_names.count(n) > 1}):
            idx = pack_names.index(name)
            out.append((("packaging", idx, "name"), f"packaging name {name!r} is used twice"))
        if self.warmup_days >= self.horizon_days:
            out.append(
                (
                    ("warmup_days",),
                    f"must be less than horizon_days ({self.horizon_days}) (got "
                    f"{self.warmup_days})",
                )
            )
        if self.reference_strategy is not None and self.reference_strategy not in self.strategies:
            out.append(
                (
                    ("reference_strategy",),
                    f"no strategy named {self.reference_strategy!r}; strategies are: "
                    f"{', '.join(self.strategies)}",
                )
            )
        out += self._zone_problems()
        out += disruption_problems(self)
        if self.customer_base is not None and not isinstance(self.demand, Demand):
            out.append(
                (
                    ("customer_base",),
                    "customers who react need parametric demand (`demand.kind: poisson`), "
                    "not an order history",
                )
            )
        out += calendar_problems(self)
        out += life_cycle_problems(self)
        for sname, strat in self.strategies.items():
            base: Loc = ("strategies", sname)
            if isinstance(strat, HybridStrategy):
                out += routing_problems(self, base, strat)
                for nname, node in strat.nodes.items():
                    out += self._node_problems((*base, "nodes", nname), node, carrier_names)
            else:
                out += self._node_problems(base, strat, carrier_names)
        return out

    @property
    def zone_names(self) -> list[str]:
        """Names of the destination zones."""
        return [d.zone for d in self.destinations]

    def _zone_problems(self) -> list[tuple[Loc, str]]:
        out: list[tuple[Loc, str]] = []
        zones = self.zone_names
        for name in sorted({z for z in zones if zones.count(z) > 1}):
            out.append(
                (("destinations", zones.index(name), "zone"), f"zone {name!r} is listed twice")
            )
        known = ", ".join(zones)
        for i, c in enumerate(self.carriers):
            for j, z in enumerate(c.serves or []):
                if z not in zones:
                    out.append(
                        (("carriers", i, "serves", j), f"no destination zone {z!r}; zones: {known}")
                    )
            for z in c.zones:
                if z not in zones:
                    out.append(
                        (("carriers", i, "zones", z), f"no destination zone {z!r}; zones: {known}")
                    )
        return out

    def _node_problems(
        self, loc: Loc, node: Node, carrier_names: list[str]
    ) -> list[tuple[Loc, str]]:
        out: list[tuple[Loc, str]] = []
        for i, cname in enumerate(node.carriers):
            if cname not in carrier_names:
                out.append(
                    (
                        (*loc, "carriers", i),
                        f"no carrier named {cname!r}; carriers are: {', '.join(carrier_names)}",
                    )
                )
        if isinstance(node, WarehouseNode):
            out += self._plan_problems(loc, node, carrier_names)
        if isinstance(node, WarehouseNode) and node.zones:
            out += storage_zone_problems(loc, node)
            have = {z.storage_class for z in node.zones}
            need = {c.storage_class for c in self.catalogue.categories}
            for cls in sorted(need - have):
                cats = [c.name for c in self.catalogue.categories if c.storage_class == cls]
                out.append(
                    (
                        (*loc, "zones"),
                        f"no zone for {cls} goods (categories: {', '.join(cats)})",
                    )
                )
        layout = node.picking.layout if isinstance(node, WarehouseNode) else None
        if layout is not None and layout.aisles * layout.locations_per_aisle < self.catalogue.skus:
            out.append(
                (
                    (*loc, "picking", "layout"),
                    f"{layout.aisles} aisles x {layout.locations_per_aisle} locations hold fewer "
                    f"SKUs than the catalogue's {self.catalogue.skus}",
                )
            )
        if all(c in carrier_names for c in node.carriers):
            usable = [self.carrier(c) for c in node.carriers]
            if isinstance(node, DropshipNode) and node.ready_time is not None:
                out += _ready_time_problems(loc, node.ready_time, usable)
            for zone in self.zone_names:
                if not any(c.serves_zone(zone) for c in usable):
                    out.append(
                        (
                            (*loc, "carriers"),
                            f"none of these carriers serves destination zone {zone!r}",
                        )
                    )
        return out

    def _plan_problems(
        self, loc: Loc, node: WarehouseNode, carrier_names: list[str]
    ) -> list[tuple[Loc, str]]:
        """A plan's carriers checked as the node's own: known, and serving every zone."""
        out: list[tuple[Loc, str]] = []
        for k, plan in enumerate(node.sizing.plans):
            if plan.carriers is None:
                continue
            where: Loc = (*loc, "sizing", "plans", k, "carriers")
            for i, cname in enumerate(plan.carriers):
                if cname not in carrier_names:
                    known = ", ".join(carrier_names)
                    out.append(((*where, i), f"no carrier named {cname!r}; carriers are: {known}"))
            if all(c in carrier_names for c in plan.carriers):
                usable = [self.carrier(c) for c in plan.carriers]
                for zone in self.zone_names:
                    if not any(c.serves_zone(zone) for c in usable):
                        why = f"none of these carriers serves destination zone {zone!r}"
                        out.append((where, why))
        return out


def _ready_time_problems(
    loc: Loc, ready_time: str, carriers: list[Carrier]
) -> list[tuple[Loc, str]]:
    """A supplier ready after a carrier's cutoff: every parcel given to it would wait a day."""
    late = [c for c in carriers if minutes_of(ready_time) > minutes_of(c.cutoff)]
    if not late:
        return []
    names = ", ".join(f"{c.name} at {c.cutoff}" for c in late)
    return [
        (
            (*loc, "ready_time"),
            f"parcels ready at {ready_time} miss the cutoff of {names}: each would wait a day. "
            "Set ready_time at or before the earliest cutoff (or omit it: that is the default) "
            "and count the extra day in processing_days",
        )
    ]
