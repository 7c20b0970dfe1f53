"""Schema of damage in transit by packaging and fragility (D6, D11).

Place in the flow: part of `fcsim.scenario.schema.scenario.Scenario` (`damage`);
`fcsim.model.carriers.dispatch` multiplies a carrier's `damage_probability` by the factor of
each parcel's cell: the most fragile class of its goods (`catalogue.categories[].fragility`)
and the protection of the packaging it was packed in (`packaging[].protection`).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from fcsim.scenario.schema.base import Model
from fcsim.scenario.schema.business import Fragility, Protection


class DamageFactor(Model):
    """One cell of the damage table: goods of a fragility class in packaging of a protection."""

    fragility: Fragility = Field(description="Fragility class of the parcel's most fragile good.")
    protection: Protection = Field(description="Protection level of the parcel's packaging.")
    factor: float = Field(
        ge=0,
        le=1000,
        description="Multiplier of the carrier's damage_probability for such parcels (1 = the "
        "carrier's figure; docs/domain.md#d11 gives figures).",
    )


class Damage(Model):
    """Damage in transit by fragility and packaging; cells not listed keep the carrier's rate."""

    factors: list[DamageFactor] = Field(
        default_factory=list,
        description="Damage multipliers by (fragility, protection); a cell not listed is 1: the "
        "carrier's damage_probability. Empty: damage does not depend on packaging.",
    )

    @field_validator("factors")
    @classmethod
    def _one_per_cell(cls, factors: list[DamageFactor]) -> list[DamageFactor]:
        cells = [(f.fragility, f.protection) for f in factors]
        twice = sorted({c for c in cells if cells.count(c) > 1})
        if twice:
            named = ", ".join(f"{a}/{b}" for a, b in twice)
            raise ValueError(f"each (fragility, protection) cell is given once (repeated: {named})")
        return factors
