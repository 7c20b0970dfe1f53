"""Schema of hybrid routing: which node serves each order line (D17, D18).

Place in the flow: `HybridStrategy.routing`; `fcsim.policies.routing` implements each policy,
vectorised over order lines, from what is known when the order is placed: the SKU's sales-rank
class and category, the order's date and its destination zone; `order` applies such a line rule
to whole orders (the node most of the order's lines would go to).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from fcsim.scenario.schema.base import LEFT_OUT_AT_DEFAULT, Model, Name, Probability

Month = Annotated[int, Field(ge=1, le=12)]
AbcClass = Literal["A", "B", "C"]


def _month_day(value: str) -> str:
    m = re.fullmatch(r"(\d\d)-(\d\d)", value)
    days = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not m or not 1 <= int(m[1]) <= 12 or not 1 <= int(m[2]) <= days[int(m[1]) - 1]:
        raise ValueError(f"must be a day of the year written MM-DD (got {value!r})")
    return value


MonthDay = Annotated[
    str, AfterValidator(_month_day), Field(json_schema_extra={"pattern": r"^\d\d-\d\d$"})
]


class _Classes(Model):
    a_share: Probability = Field(default=0.2, description="Share of SKUs (by rank) in class A.")
    b_share: Probability = Field(default=0.3, description="Share of SKUs in class B.")

    @model_validator(mode="after")
    def _shares(self) -> _Classes:
        if self.a_share + self.b_share > 1:
            raise ValueError(f"a_share + b_share must be <= 1 (got {self.a_share + self.b_share})")
        return self


class _RoutingOptions(Model):
    """Options every line routing rule shares."""

    fallback: Annotated[bool, LEFT_OUT_AT_DEFAULT] = Field(
        default=False,
        description="When the node a parcel is routed to cannot serve all its lines from stock "
        "on its arrival, send it to the first other warehouse of the strategy that can (its "
        "staff, carriers and costs; the promise stays); false: it waits or loses units there.",
    )


class AbcRouting(_Classes, _RoutingOptions):
    """Route each SKU by its sales-rank class: A = best-sellers (D17)."""

    policy: Literal["abc"]
    assign: dict[AbcClass, Name] = Field(
        description="Node serving each class, e.g. {A: own, B: outsourced, C: supplier}."
    )

    @model_validator(mode="after")
    def _assign_complete(self) -> AbcRouting:
        missing = {"A", "B", "C"} - set(self.assign)
        if missing:
            raise ValueError(f"assign needs a node for class {', '.join(sorted(missing))}")
        return self


class CategoryRouting(_RoutingOptions):
    """Route each SKU by its category, with a default node for unlisted categories."""

    policy: Literal["category"]
    assign: dict[Name, Name] = Field(description="Node serving each category.")
    default: Name = Field(description="Node for categories not listed.")


class RegionRouting(_RoutingOptions):
    """Route each order to the node serving its destination zone (a DC close to customers, D18)."""

    policy: Literal["region"]
    assign: dict[Name, Name] = Field(description="Node serving each destination zone.")
    default: Name = Field(description="Node for zones not listed.")


class Period(Model):
    """A yearly period, from one day to another inclusive (may span New Year)."""

    start: MonthDay = Field(description="First day, MM-DD.")
    end: MonthDay = Field(description="Last day, MM-DD.")
    node: Name = Field(description="Node serving orders placed in the period.")


class SeasonRouting(_RoutingOptions):
    """Route orders by the date they are placed, e.g. a 3PL for the peak season."""

    policy: Literal["season"]
    periods: list[Period] = Field(min_length=1, description="Periods; the first that matches wins.")
    default: Name = Field(description="Node outside every period.")


class Rule(_Classes):
    """A routing rule: lines matching every given condition go to `node`."""

    node: Name = Field(description="Node serving matching lines.")
    categories: list[Name] | None = Field(default=None, description="SKU categories (any).")
    classes: list[AbcClass] | None = Field(
        default=None, description="Sales-rank classes A/B/C (with this rule's a_share/b_share)."
    )
    zones: list[Name] | None = Field(default=None, description="Destination zones (any).")
    months: list[Month] | None = Field(default=None, description="Months the order is placed.")


class RulesRouting(_RoutingOptions):
    """Ordered rules on category, sales-rank class, zone and month; first match wins."""

    policy: Literal["rules"]
    rules: list[Rule] = Field(min_length=1, description="Rules, tried in order.")
    default: Name = Field(description="Node for lines no rule matches.")


LineRouting = Annotated[
    AbcRouting | CategoryRouting | RegionRouting | SeasonRouting | RulesRouting,
    Field(discriminator="policy"),
]
"""A rule deciding each order line's node on its own."""


class OrderRouting(_RoutingOptions):
    """Whole orders to one node: the node the line rule sends most of the order's lines to.

    Avoids split parcels: every line of an order goes where most of its lines would go by
    `lines` (ties: most units, then the first node in `nodes` order).
    """

    policy: Literal["order"]
    lines: LineRouting = Field(
        description="The line rule (abc, category, region, season or rules) whose nodes the "
        "order's lines would go to; the order goes to the node holding most of them."
    )

    @model_validator(mode="after")
    def _fallback_here(self) -> OrderRouting:
        if self.lines.fallback:
            raise ValueError("set fallback on the order rule itself, not on its line rule")
        return self


Routing = Annotated[
    AbcRouting | CategoryRouting | RegionRouting | SeasonRouting | RulesRouting | OrderRouting,
    Field(discriminator="policy"),
]


class Transfers(Model):
    """Periodic rebalancing of stock between the warehouses of a hybrid (a network of centres).

    Every `every_days` days, for each SKU, a centre whose on-hand stock covers more than
    `above_cover_days` of its expected demand sends the units above that cover to a centre whose
    inventory position covers fewer than `below_cover_days`, up to that cover. The units travel
    `transit_days` and are received there like a purchase order, costed as that centre's inbound
    freight (its `replenishment.freight_eur_per_truck` and `freight_eur_per_pallet`).
    """

    every_days: int = Field(default=7, ge=1, le=91, description="Days between two rebalancings.")
    above_cover_days: float = Field(
        gt=0, le=3650, description="A centre gives the stock above this many days of cover."
    )
    below_cover_days: float = Field(
        gt=0,
        le=3650,
        description="A centre whose inventory position covers fewer days receives, up to "
        "this cover.",
    )
    transit_days: int = Field(
        default=2, ge=1, le=60, description="Calendar days from one centre to the other."
    )

    @model_validator(mode="after")
    def _below_under_above(self) -> Transfers:
        if self.below_cover_days >= self.above_cover_days:
            raise ValueError(
                f"below_cover_days ({self.below_cover_days}) must be less than "
                f"above_cover_days ({self.above_cover_days})"
            )
        return self
