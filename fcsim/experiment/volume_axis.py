"""The volume axis of `fcsim advise`: which scenario key a volume (orders a day) sets.

Place in the flow: `fcsim advise` (`fcsim.commands.advise`) asks `volume_axis` for the loaded
scenario before anything runs; the `Advisor` (`fcsim.experiment.advise`) then writes every
candidate's volume as the override `VolumeAxis.override` gives.

- A generated demand has its volume in `demand.orders_per_day` (weekday and month profiles,
  growth and promotions apply on top): a volume V sets it to V.
- A demand from an order history resampled (`mode: bootstrap`) or fitted (`mode: fit`) has
  none: its volume is the orders a day it projects, the history's (bootstrap: its orders over
  its days; fit: the fitted level, its trend carried to the start of the horizon when asked)
  times `1 + demand.growth`. Both scale every day's orders by `1 + growth`, so a volume V sets
  `demand.growth` to `(1 + g) V / V0 - 1`, where V0 is the scenario's own volume and g its own
  growth: the same days, baskets and times of day, more or fewer of them.
- A replayed history (`mode: replay`) plays its orders as they were, at one volume: refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fcsim.core.errors import UsageError
from fcsim.model.demand import projected_demand
from fcsim.scenario.schema.history import HistoryDemand
from fcsim.scenario.schema.scenario import Scenario

GROWTH_BOUNDS = (-0.9, 20.0)
"""The values `demand.growth` may take (the schema's bounds)."""


def volume_text(v: float) -> str:
    """A volume as a `--set` value: a whole number as such, else every digit."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


@dataclass(frozen=True)
class VolumeAxis:
    """How a volume (orders a day) is set in the scenario."""

    key: str  # the scenario key a volume sets
    base: float  # the scenario's own volume, orders a day
    growth: float | None = None  # a history's own `demand.growth` (None: a generated demand)

    def value(self, volume: float) -> float:
        """The value of `key` that gives `volume` orders a day."""
        if self.growth is None:
            return float(volume)
        return (1.0 + self.growth) * float(volume) / self.base - 1.0

    def override(self, volume: float) -> str:
        """`key=value` for `--set`."""
        if self.growth is None:
            return f"{self.key}={volume_text(volume)}"
        return f"{self.key}={self.value(volume)!r}"

    def check(self, volumes: tuple[float, ...], option: str = "--volumes") -> None:
        """A history's volumes within what its growth may reach (a usage error otherwise)."""
        if self.growth is None:
            return
        lo, hi = (self.base * (1.0 + g) / (1.0 + self.growth) for g in GROWTH_BOUNDS)
        out = [v for v in volumes if not lo - 1e-9 <= v <= hi + 1e-9]
        if out:
            raise UsageError(
                f"{option}: {', '.join(volume_text(v) for v in out)} orders/day out of reach: "
                f"the order history's demand scales from {lo:.3g} to {hi:.3g} orders/day "
                f"(demand.growth from {GROWTH_BOUNDS[0]:g} to {GROWTH_BOUNDS[1]:g}; the "
                f"scenario's own: {self.base:.3g} orders/day)"
            )


def volume_axis(scenario: Scenario, where: str = "demand") -> VolumeAxis:
    """The volume axis of `scenario`; a replayed history is a usage error."""
    demand = scenario.demand
    if not isinstance(demand, HistoryDemand):
        return VolumeAxis("demand.orders_per_day", float(demand.orders_per_day))
    if demand.mode == "replay":
        raise UsageError(
            f"{where}: the orders of {demand.orders} are replayed as they were, at one volume: "
            "fcsim advise scales the demand; use demand.mode: bootstrap or fit to study other "
            "volumes"
        )
    data = scenario.data
    if demand.mode == "bootstrap":
        history = data.history_for(demand)
        base = history.n / max(1, history.n_days) * (1.0 + demand.growth)
    else:
        base = float(projected_demand(demand, scenario.start_date, data).orders_per_day)
    if not (math.isfinite(base) and base > 0):
        raise UsageError(f"{where}: the order history {demand.orders} projects no orders a day")
    return VolumeAxis("demand.growth", base, float(demand.growth))


__all__ = ["GROWTH_BOUNDS", "VolumeAxis", "volume_axis", "volume_text"]
