"""Schema of sizing: the service target every strategy must meet, and the decision variables.

Place in the flow: `Scenario.service_target` and the `sizing` block of warehouse nodes and
hybrid strategies (`fcsim.scenario.schema.nodes`). `fcsim advise`
(`fcsim.experiment.advise`) sizes each strategy to the same target before it compares them:
it searches the decision variables declared here, within their bounds, for the cheapest
setting that meets the target.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from fcsim.scenario.schema.base import (
    EVERY_KEY,
    LEFT_OUT_AT_DEFAULT,
    Model,
    Name,
    Probability,
    errors_at,
)
from fcsim.scenario.schema.carrier_terms import CarrierPolicy
from fcsim.scenario.schema.shifts import Overtime, Shift


class ServiceTarget(Model):
    """The service every strategy must give to be compared: judged on the 95 % interval."""

    late_rate: Probability = Field(
        default=0.05,
        description="Most late deliveries (a share of delivered orders, lost ones included).",
    )
    unfinished_rate: Probability = Field(
        default=0.005,
        description="Most orders not shipped by the end of the run (a share of the orders).",
    )


class Bounds(Model):
    """The headcounts a decision variable may take."""

    min: int = Field(default=1, ge=1, le=10_000, description="Smallest number of staff searched.")
    max: int = Field(ge=1, le=10_000, description="Largest number of staff searched.")

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if self.min > self.max:
            raise ValueError(f"min must be <= max (got {self.min} > {self.max})")
        return self


def _bounds(lo: int, hi: int) -> Bounds:
    return Bounds(min=lo, max=hi)


PLAN_KEYS = ("shifts", "overtime", "carriers", "carrier_policy")
"""The node's keys an operating plan may set."""


class Plan(Model):
    """An alternative operating plan of a warehouse node: the node's keys it sets (the others
    stay as written). `fcsim advise` tries every plan listed, each with its staff sized."""

    name: str = Field(
        min_length=1, max_length=64, description="The plan's name, shown in the advice."
    )
    shifts: list[Shift] | None = Field(
        default=None,
        min_length=1,
        description="The node's shifts under this plan (left out: as written).",
    )
    overtime: Overtime | None = Field(
        default=None,
        description="The node's overtime rule under this plan; null: no overtime (left out: "
        "as written).",
    )
    carriers: list[Name] | None = Field(
        default=None,
        min_length=1,
        description="The carriers the node ships with under this plan (left out: as written).",
    )
    carrier_policy: CarrierPolicy | None = Field(  # type: ignore[valid-type]
        default=None,
        description="The node's carrier choice per parcel under this plan (left out: as written).",
    )

    @model_validator(mode="after")
    def _set_keys_have_values(self) -> Plan:
        found = [
            ((k,), f"{k} cannot be null: leave it out to keep the node's own", None)
            for k in ("shifts", "carriers", "carrier_policy")
            if k in self.model_fields_set and getattr(self, k) is None
        ]
        if found:
            raise errors_at("Plan", found)
        return self

    def sets(self) -> dict[str, Any]:
        """The node's keys this plan sets and their values (plain JSON values)."""
        keys = [k for k in PLAN_KEYS if k in self.model_fields_set]
        data = self.model_dump(mode="json", context={EVERY_KEY: True})
        return {k: data[k] for k in keys}


class StaffSizing(Model):
    """Headcounts per shift `fcsim advise` may choose for a warehouse node."""

    pickers: Bounds = Field(
        default_factory=lambda: _bounds(1, 40), description="Pickers on each shift."
    )
    packers: Bounds = Field(
        default_factory=lambda: _bounds(1, 40), description="Packers on each shift."
    )
    receivers: Bounds = Field(
        default_factory=lambda: _bounds(1, 20), description="Receiving/returns staff per shift."
    )
    searched: bool = Field(
        default=True,
        description="Whether `fcsim advise` sizes this node; false keeps its staff as written.",
    )
    plans: Annotated[list[Plan], LEFT_OUT_AT_DEFAULT] = Field(
        default_factory=list,
        description="Alternative operating plans `fcsim advise` chooses between (shifts, "
        "Saturday shifts, overtime, carriers), each with its staff sized; empty: the node as "
        "written only. List a plan with a name alone to keep the node as written among them.",
    )

    @model_validator(mode="after")
    def _plan_names_distinct(self) -> StaffSizing:
        seen: dict[str, int] = {}
        found = []
        for i, p in enumerate(self.plans):
            if p.name in seen:
                why = (
                    f"{p.name!r} is already the name of plans[{seen[p.name]}]: name each plan once"
                )
                found.append((("plans", i, "name"), why, p.name))
            seen.setdefault(p.name, i)
        if found:
            raise errors_at("StaffSizing", found)
        return self


class HybridSizing(Model):
    """What `fcsim advise` may choose for a hybrid besides its nodes' staff."""

    a_shares: list[Probability] = Field(
        default_factory=lambda: [0.05, 0.1, 0.15, 0.25, 0.4],
        description="Shares of SKUs (by sales rank) kept in class A tried by an `abc` routing "
        "(the best-sellers, usually kept in-house); empty: the routing's own share only.",
    )

    @model_validator(mode="after")
    def _ascending(self) -> HybridSizing:
        if self.a_shares != sorted(set(self.a_shares)):
            raise ValueError(f"a_shares must be distinct and ascending (got {self.a_shares})")
        return self
