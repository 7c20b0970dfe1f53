"""Schema of carriers: services, cutoffs, rates, transit, reliability and compensation (D7-D11).

Place in the flow: `Scenario.carriers`; nodes name the carriers they may use. The model turns
these figures into ship and delivery dates arithmetically (no per-parcel events).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from fcsim.distributions import Distribution, Empirical
from fcsim.schema.base import MON_FRI, MON_SAT, Model, Name, NonNegative, Probability, TimeOfDay
from fcsim.schema.base import Weekday as Weekday


class RateBand(Model):
    """One weight band of a rate card: parcels up to `max_kg` cost `price_eur`."""

    max_kg: float = Field(gt=0, description="Upper bound of the band, kg (inclusive).")
    price_eur: NonNegative = Field(description="Price of a parcel in this band, EUR excl. VAT.")


class CompensationStep(Model):
    """From `days_late` business days late, the carrier owes `percent_of_price` of the price."""

    days_late: int = Field(ge=1, le=60, description="Business days late from which it applies.")
    percent_of_price: float = Field(ge=0, le=1000, description="Percent of the shipping price.")


def seed_001_schedule() -> list[CompensationStep]:
    """La Poste/Coliposte schedule for a 48 h (D+2) guarantee, as quoted in seed 001 (D10)."""
    return [
        CompensationStep(days_late=1, percent_of_price=25),
        CompensationStep(days_late=2, percent_of_price=75),
        CompensationStep(days_late=3, percent_of_price=100),
        CompensationStep(days_late=4, percent_of_price=125),
    ]


class Compensation(Model):
    """A carrier's lateness guarantee and whether the merchant claims it (D10)."""

    schedule: list[CompensationStep] = Field(
        default_factory=seed_001_schedule,
        min_length=1,
        description="Steps of compensation by business days late against the carrier's "
        "guaranteed transit (default: seed 001's D+2 schedule).",
    )
    claim_rate: Probability = Field(
        default=1.0, description="Share of eligible late parcels for which a claim is filed."
    )
    claim_cost_eur: NonNegative = Field(
        default=0.0, description="Cost of filing one claim, EUR (staff time or a service)."
    )

    @field_validator("schedule")
    @classmethod
    def _increasing(cls, steps: list[CompensationStep]) -> list[CompensationStep]:
        days = [s.days_late for s in steps]
        if days != sorted(set(days)):
            raise ValueError(f"days_late must be strictly increasing (got {days})")
        return steps


class Carrier(Model):
    """A carrier service: collection cutoff, rate card, transit and reliability."""

    name: Name = Field(description="Carrier service name, referenced by nodes.")
    service: Literal["standard", "express", "international", "economy"] = Field(
        default="standard", description="Service level (label used in reports)."
    )
    cutoff: TimeOfDay = Field(
        default="16:00",
        description="Parcels ready at the dock by this local time leave on that collection day.",
    )
    collection_days: list[Weekday] = Field(
        default_factory=lambda: list(MON_FRI),
        min_length=1,
        description="Weekdays on which the carrier collects.",
    )
    delivery_days: list[Weekday] = Field(
        default_factory=lambda: list(MON_SAT),
        min_length=1,
        description="Weekdays on which the carrier delivers; transit counts these days.",
    )
    rate_card: list[RateBand] = Field(
        min_length=1, description="Price per parcel by weight band (ascending max_kg)."
    )
    price_per_extra_kg_eur: NonNegative = Field(
        default=1.0, description="Price per kg above the heaviest band, EUR."
    )
    transit_days: int = Field(
        default=2,
        ge=0,
        le=90,
        description="Guaranteed transit in delivery days after collection (D+N).",
    )
    on_time_probability: Probability = Field(
        default=0.96, description="Probability a parcel arrives within the guaranteed transit."
    )
    on_time_probability_by_month: list[Probability] | None = Field(
        default=None,
        min_length=12,
        max_length=12,
        description="Per-month override January..December (e.g. lower in a December peak).",
    )
    delay_days: Distribution = Field(
        default_factory=lambda: Empirical(
            dist="empirical", values=[1, 2, 3, 4], weights=[60, 25, 10, 5]
        ),
        description="Extra delivery days when a parcel is late; rounded up, at least 1.",
    )
    delivery_from: TimeOfDay = Field(default="09:00", description="Earliest delivery time.")
    delivery_until: TimeOfDay = Field(default="19:00", description="Latest delivery time.")
    loss_probability: Probability = Field(
        default=0.005, description="Probability that a parcel is lost (D11)."
    )
    compensation: Compensation | None = Field(
        default=None, description="Lateness guarantee; omit when the service guarantees nothing."
    )

    @field_validator("rate_card")
    @classmethod
    def _ascending(cls, bands: list[RateBand]) -> list[RateBand]:
        kg = [b.max_kg for b in bands]
        if kg != sorted(set(kg)):
            raise ValueError(f"max_kg must be strictly ascending (got {kg})")
        return bands

    @model_validator(mode="after")
    def _window(self) -> Carrier:
        if self.delivery_until <= self.delivery_from:
            raise ValueError(
                f"delivery_until ({self.delivery_until}) must be after "
                f"delivery_from ({self.delivery_from})"
            )
        return self
