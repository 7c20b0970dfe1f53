"""Schema of product life cycles: categories launched on a date, sold for a season or declining.

Place in the flow: `Scenario.life_cycles`; `fcsim.model.lifecycle` turns each into a weight per
SKU and day, which thins the order lines when demand is generated (the same orders for every
strategy), shapes the stock targets of every node stocking the SKUs, and, at the season's end,
clears the stock left (marked down at `recovery_rate` of its cost, or written off).
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from fcsim.scenario.schema.base import Model, Name, Probability


class LifeCycle(Model):
    """The life cycle of the SKUs of some categories: launch, decline, end of season."""

    name: Name = Field(description="Name of the life cycle (e.g. a collection), for reports.")
    categories: list[Name] = Field(
        min_length=1, description="Categories whose SKUs follow this life cycle."
    )
    launch_date: dt.date | None = Field(
        default=None,
        description="First day the SKUs sell (none: on sale from start_date); before it they "
        "have no demand and no stock.",
    )
    season_end: dt.date | None = Field(
        default=None,
        description="First day the SKUs no longer sell (none: no end). On that day the stock "
        "left is cleared: marked down at recovery_rate, or written off.",
    )
    decline_per_month: Probability = Field(
        default=0.0,
        description="Share of demand lost per 30 days after the launch: the SKUs' demand is "
        "(1 - decline_per_month)^(days since launch / 30) of the scenario's demand, per unit.",
    )
    recovery_rate: Probability = Field(
        default=0.0,
        description="Share of the cost value recovered for stock cleared at the season's end "
        "(sold off at a markdown; 0: written off), a share; the rest is the markdown cost.",
    )

    @model_validator(mode="after")
    def _end_after_launch(self) -> LifeCycle:
        if (
            self.launch_date is not None
            and self.season_end is not None
            and self.season_end <= self.launch_date
        ):
            raise ValueError(
                f"season_end ({self.season_end}) must be after launch_date ({self.launch_date})"
            )
        return self
