"""Schema of sizing: the service target every strategy must meet, and the decision variables.

Place in the flow: `Scenario.service_target` and the `sizing` block of warehouse nodes and
hybrid strategies (`fcsim.scenario.schema.nodes`). `fcsim advise`
(`fcsim.experiment.advise`) sizes each strategy to the same target before it compares them:
it searches the decision variables declared here, within their bounds, for the cheapest
setting that meets the target.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from fcsim.scenario.schema.base import Model, Probability


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
