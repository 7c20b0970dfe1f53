"""Schema of fulfilment nodes and strategies (D1-D6, D14-D17).

Place in the flow: `Scenario.strategies` maps a strategy name to a node (`self`, `3pl`,
`marketplace`, `dropship` in `dropship.py`) or to a `hybrid` of several nodes with a routing
rule. A self-run centre and a 3PL centre share one warehouse model (`WarehouseNode`) and differ
in their cost model; every node kind states its carrier terms (`carrier_terms.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from fcsim.scenario.schema.base import (
    LEFT_OUT_AT_DEFAULT,
    Model,
    Name,
    Probability,
    TimeOfDay,
    errors_at,
)
from fcsim.scenario.schema.carrier_terms import CarrierTerms, VolumeTier
from fcsim.scenario.schema.dropship import DropshipNode, Imports
from fcsim.scenario.schema.fees import MarketplaceFees, SelfCosts, ThreePLFees
from fcsim.scenario.schema.routing import AbcRouting, CategoryRouting, Routing, Transfers
from fcsim.scenario.schema.shifts import Break, Overtime, Shift
from fcsim.scenario.schema.sizing import HybridSizing, StaffSizing
from fcsim.scenario.schema.stations import Packing, Picking
from fcsim.scenario.schema.stock import Receiving, Replenishment, StorageZone


class StaffChange(Model):
    """From a date on, a different headcount (growth, seasonal staff) (D19)."""

    from_date: dt.date = Field(description="First day with the new headcount.")
    pickers: int | None = Field(default=None, ge=0, le=10_000, description="Pickers per shift.")
    packers: int | None = Field(default=None, ge=0, le=10_000, description="Packers per shift.")
    receivers: int | None = Field(
        default=None, ge=0, le=10_000, description="Receiving staff per shift."
    )


class WarehouseNode(CarrierTerms):
    """A fulfilment centre; self-run and 3PL centres share this process model."""

    shifts: list[Shift] = Field(
        default_factory=lambda: [Shift(start="08:00", end="16:00")],
        min_length=1,
        description="Staff shifts (local time); staff work only in shifts.",
    )
    staffing: list[StaffChange] = Field(
        default_factory=list,
        description="Headcount changes from given dates (staff resized as volume changes); "
        "one per date.",
    )

    @field_validator("staffing")
    @classmethod
    def _one_change_per_date(cls, changes: list[StaffChange]) -> list[StaffChange]:
        first: dict[dt.date, int] = {}
        found = []
        for i, change in enumerate(changes):
            if change.from_date in first:
                found.append(
                    (
                        (i, "from_date"),
                        f"{change.from_date} is already the date of staffing"
                        f"[{first[change.from_date]}]: one headcount change per date",
                        str(change.from_date),
                    )
                )
            first.setdefault(change.from_date, i)
        if found:
            raise errors_at("staffing", found)
        return changes

    overtime: Overtime | None = Field(
        default=None, description="Overtime rule; none means no overtime."
    )
    zones: list[StorageZone] = Field(
        default_factory=list,
        description="Storage zones by class of goods; none means unlimited ambient storage.",
    )
    pickers: int = Field(default=4, ge=1, le=10_000, description="Pickers on each shift.")
    packers: int = Field(default=2, ge=1, le=10_000, description="Packers on each shift.")
    receivers: int = Field(
        default=1, ge=1, le=10_000, description="Receiving/returns staff on each shift."
    )
    picking: Picking = Field(default_factory=Picking, description="Picking (D5).")
    packing: Packing = Field(default_factory=Packing, description="Packing (D6).")
    receiving: Receiving = Field(default_factory=Receiving, description="Receiving (D1).")
    replenishment: Replenishment = Field(
        default_factory=Replenishment, description="Replenishment (D3)."
    )
    promise_business_days: int | None = Field(
        default=None, ge=0, le=60, description="Promise for parcels from this node, if different."
    )
    holding_rate_per_year: Probability = Field(
        default=0.2, description="Capital cost of stock, per year, as a share of its value."
    )
    sizing: StaffSizing = Field(
        default_factory=StaffSizing,
        description="Headcounts `fcsim advise` may choose (bounds); see docs/advise.md.",
    )


class SelfNode(WarehouseNode):
    """An own warehouse run by the merchant (D14)."""

    kind: Literal["self"]
    costs: SelfCosts = Field(default_factory=SelfCosts, description="Fixed and labour costs.")


Restriction = Literal["alcohol", "tobacco", "perishable", "bulky", "hazardous"]


class ThirdPartyNode(WarehouseNode):
    """A 3PL provider's centre (D15): same process model, provider's capacity and fees."""

    kind: Literal["3pl"]
    fees: ThreePLFees = Field(default_factory=ThreePLFees, description="Fee schedule.")
    refuses: list[Restriction] = Field(
        default_factory=lambda: ["alcohol", "tobacco", "perishable"],
        description="Goods the provider does not accept (D15); categories carry `restrictions`.",
    )

    @model_validator(mode="after")
    def _fees_fit_the_node(self) -> ThirdPartyNode:
        found = []
        f = self.fees
        if (
            f.receiving_basis == "per_carton"
            and f.receiving_units_per_carton is None
            and self.replenishment.case_pack_units == 1
        ):
            found.append(
                (
                    ("fees", "receiving_basis"),
                    "receiving per carton needs the units of a carton: set "
                    "fees.receiving_units_per_carton or replenishment.case_pack_units above 1",
                    f.receiving_basis,
                )
            )
        if self.packing.branded_extra_eur > 0:
            found.append(
                (
                    ("packing", "branded_extra_eur"),
                    "a 3PL bills branded packaging as fees.branded_packaging_eur; "
                    "branded_extra_eur is an own warehouse's material cost",
                    self.packing.branded_extra_eur,
                )
            )
        if found:
            raise errors_at("ThirdPartyNode", found)
        return self


class MarketplaceNode(WarehouseNode):
    """Marketplace fulfilment (FBA-like, D15): the marketplace stores, picks, packs and ships.

    FBS-like programmes (the seller prepares, the marketplace delivers) are a `self` node whose
    carrier is the marketplace's delivery service.
    """

    kind: Literal["marketplace"]
    fees: MarketplaceFees = Field(default_factory=MarketplaceFees, description="Fee schedule.")
    refuses: list[Restriction] = Field(
        default_factory=lambda: ["alcohol", "tobacco", "perishable", "hazardous"],
        description="Goods the marketplace does not accept.",
    )

    @model_validator(mode="after")
    def _no_branded_packaging(self) -> MarketplaceNode:
        if self.packing.branded:
            raise errors_at(
                "MarketplaceNode",
                [
                    (
                        ("packing", "branded"),
                        "marketplace fulfilment ships in the marketplace's own packaging: "
                        "branded packaging does not apply (remove packing.branded)",
                        self.packing.branded,
                    )
                ],
            )
        return self


Node = Annotated[
    SelfNode | ThirdPartyNode | MarketplaceNode | DropshipNode, Field(discriminator="kind")
]


class HybridStrategy(Model):
    """Several nodes and a routing rule deciding which node serves each order line (D17)."""

    kind: Literal["hybrid"]
    nodes: dict[Name, Node] = Field(min_length=2, description="The nodes, by name.")
    routing: Routing = Field(description="Which node serves each order line.")
    sizing: HybridSizing = Field(
        default_factory=HybridSizing,
        description="Routing shares `fcsim advise` may choose; see docs/advise.md.",
    )
    transfers: Annotated[Transfers | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        description="Periodic stock transfers between the strategy's warehouses (none: each "
        "centre is replenished by its supplier only).",
    )


Strategy = Annotated[
    SelfNode | ThirdPartyNode | MarketplaceNode | DropshipNode | HybridStrategy,
    Field(discriminator="kind"),
]

__all__ = [
    "AbcRouting",
    "Break",
    "CarrierTerms",
    "CategoryRouting",
    "DropshipNode",
    "HybridStrategy",
    "Imports",
    "MarketplaceFees",
    "MarketplaceNode",
    "Node",
    "Overtime",
    "Receiving",
    "Replenishment",
    "Restriction",
    "SelfCosts",
    "SelfNode",
    "Shift",
    "StorageZone",
    "Strategy",
    "ThirdPartyNode",
    "ThreePLFees",
    "TimeOfDay",
    "VolumeTier",
    "WarehouseNode",
]
