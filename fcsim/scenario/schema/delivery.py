"""Schema of carriers: services, cutoffs, rates, transit, reliability and compensation (D7-D11).

Place in the flow: `Scenario.carriers`; nodes name the carriers they may use. The model turns
these figures into ship and delivery dates arithmetically (no per-parcel events).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from fcsim.core.distributions import Empirical
from fcsim.scenario.schema.base import (
    MON_FRI,
    MON_SAT,
    DaysDistribution,
    Model,
    Name,
    NonNegative,
    Probability,
    TimeOfDay,
)
from fcsim.scenario.schema.base import Weekday as Weekday


class RateBand(Model):
    """One weight band of a rate card: parcels up to `max_kg` cost `price_eur`."""

    max_kg: float = Field(gt=0, description="Upper bound of the band, kg (inclusive).")
    price_eur: NonNegative = Field(description="Price of a parcel in this band, EUR excl. VAT.")


class CompensationStep(Model):
    """From `days_late` business days late, the carrier owes `percent_of_price` of the price."""

    days_late: int = Field(ge=1, le=60, description="Business days late from which it applies.")
    percent_of_price: float = Field(ge=0, le=1000, description="Percent of the shipping price.")


def coliposte_schedule() -> list[CompensationStep]:
    """La Poste/Coliposte schedule for a 48 h (D+2) guarantee, as quoted in docs/domain.md#d10."""
    return [
        CompensationStep(days_late=1, percent_of_price=25),
        CompensationStep(days_late=2, percent_of_price=75),
        CompensationStep(days_late=3, percent_of_price=100),
        CompensationStep(days_late=4, percent_of_price=125),
    ]


class Compensation(Model):
    """A carrier's lateness guarantee and whether the merchant claims it (D10)."""

    schedule: list[CompensationStep] = Field(
        default_factory=coliposte_schedule,
        min_length=1,
        description="Steps of compensation by business days late against the carrier's "
        "guaranteed transit (default: La Poste/Coliposte's D+2 schedule, docs/domain.md#d10).",
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


class ZoneService(Model):
    """A carrier's terms for one destination zone, where they differ from its defaults."""

    rate_card: list[RateBand] | None = Field(
        default=None, description="Price per parcel by weight band for this zone."
    )
    transit_days: int | None = Field(
        default=None, ge=0, le=90, description="Guaranteed transit to this zone, delivery days."
    )

    @field_validator("rate_card")
    @classmethod
    def _ascending(cls, bands: list[RateBand] | None) -> list[RateBand] | None:
        if bands is not None:
            _check_ascending(bands)
        return bands


def _check_ascending(bands: list[RateBand]) -> None:
    kg = [b.max_kg for b in bands]
    if kg != sorted(set(kg)):
        raise ValueError(f"max_kg must be strictly ascending (got {kg})")


class Insurance(Model):
    """Shipping insurance (D11): a premium per parcel, repaid goods for lost or damaged ones."""

    premium_share_of_value: Probability = Field(
        default=0.01, description="Premium per parcel as a share of the goods' selling value."
    )
    covered_share: Probability = Field(
        default=1.0, description="Share of the goods' cost repaid for a lost or damaged parcel."
    )


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
    collection_capacity_parcels: int | None = Field(
        default=None,
        ge=1,
        le=10_000_000,
        description="Most parcels the carrier collects from one node on one collection day "
        "(a van's or a contract's limit, e.g. in the December peak); the rest, in the order "
        "they were ready, wait for the next collection day. Default: unlimited.",
    )
    rate_card: list[RateBand] = Field(
        min_length=1,
        description="Price per parcel by chargeable-weight band (ascending max_kg), for every "
        "destination zone without its own card in `zones`.",
    )
    dim_factor_kg_per_l: NonNegative = Field(
        default=0.2,
        description="Volumetric weight per litre of parcel (0.2 = 1 kg per 5,000 cm3); the "
        "chargeable weight is the larger of actual and volumetric weight. 0 disables it.",
    )
    serves: list[Name] | None = Field(
        default=None, description="Destination zones served (default: every zone)."
    )
    zones: dict[Name, ZoneService] = Field(
        default_factory=dict, description="Per-zone rate card and transit, where they differ."
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
    delay_days: DaysDistribution = Field(
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
    damage_probability: Probability = Field(
        default=0.007, description="Probability that a parcel arrives damaged (D11, 0.5-1 %)."
    )
    insurance: Insurance | None = Field(
        default=None, description="Shipping insurance bought with this service, if any."
    )
    compensation: Compensation | None = Field(
        default=None, description="Lateness guarantee; omit when the service guarantees nothing."
    )

    @field_validator("rate_card")
    @classmethod
    def _ascending(cls, bands: list[RateBand]) -> list[RateBand]:
        _check_ascending(bands)
        return bands

    def serves_zone(self, zone: str) -> bool:
        """Whether this service delivers to `zone`."""
        return self.serves is None or zone in self.serves

    def card_for(self, zone: str) -> list[RateBand]:
        """The rate card that applies to `zone`."""
        z = self.zones.get(zone)
        return z.rate_card if z is not None and z.rate_card is not None else self.rate_card

    def transit_for(self, zone: str) -> int:
        """Guaranteed transit (delivery days) to `zone`."""
        z = self.zones.get(zone)
        return z.transit_days if z is not None and z.transit_days is not None else self.transit_days

    @model_validator(mode="after")
    def _window(self) -> Carrier:
        if self.delivery_until <= self.delivery_from:
            raise ValueError(
                f"delivery_until ({self.delivery_until}) must be after "
                f"delivery_from ({self.delivery_from})"
            )
        return self


class Customs(Model):
    """Customs for a destination zone outside the customs union (D8)."""

    clearance_business_days: DaysDistribution = Field(
        default_factory=lambda: Empirical(dist="empirical", values=[1, 2, 3], weights=[5, 3, 2]),
        description="Business days added to transit for clearance; rounded up.",
    )
    hold_probability: Probability = Field(
        default=0.03, description="Probability a parcel is held for inspection."
    )
    hold_business_days: DaysDistribution = Field(
        default_factory=lambda: Empirical(dist="empirical", values=[2, 4, 7]),
        description="Extra business days when held; rounded up.",
    )
    duties_rate: float = Field(
        default=0.2,
        ge=0,
        le=2,
        description="Duties and import taxes as a share of the goods' selling value.",
    )
    paid_by: Literal["merchant", "customer"] = Field(
        default="customer",
        description="Who pays duties: merchant (DDP, a cost) or customer (DAP).",
    )
    brokerage_eur_per_parcel: NonNegative = Field(
        default=0.0, description="Customs brokerage fee per parcel paid by the merchant, EUR."
    )


DEFAULT_VAT_RATE = 0.20
"""VAT rate of a zone inside the customs union when the scenario gives none (France)."""


class Destination(Model):
    """A destination zone and its share of the orders (D7, D8)."""

    zone: Name = Field(description="Zone name, used by carriers' `serves` and `zones`.")
    share: float = Field(gt=0, description="Relative share of orders (normalised).")
    customs: Customs | None = Field(
        default=None, description="Customs, when the zone is outside the customs union."
    )
    promise_business_days: int | None = Field(
        default=None, ge=0, le=60, description="Promise for this zone, if different (D20)."
    )
    vat_rate: Probability | None = Field(
        default=None,
        description="VAT rate of sales to this zone, a share (0.2 = 20 %). Catalogue prices "
        "and shipping fees are VAT-inclusive; revenue, margins, lost sales and churn are "
        "counted without the VAT. Default: 0.20 (the French standard rate) for a zone without "
        "`customs`, 0 for a zone with `customs` (an export, zero-rated: import taxes are the "
        "customs' `duties_rate`).",
    )

    @property
    def vat(self) -> float:
        """The VAT rate that applies to sales to this zone (the default resolved)."""
        if self.vat_rate is not None:
            return self.vat_rate
        return DEFAULT_VAT_RATE if self.customs is None else 0.0


def domestic_only() -> list[Destination]:
    """The default: every order goes to one domestic zone."""
    return [Destination(zone="domestic", share=1.0)]
