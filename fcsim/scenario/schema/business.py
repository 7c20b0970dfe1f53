"""Schema of the business itself: calendar, catalogue, demand, promise, returns and customers.

Place in the flow: parts of `fcsim.scenario.schema.scenario.Scenario`. Every figure carries its unit
in its name or description; docs/domain.md gives the defaults' sources (D4, D9, D12, D13, D20).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from fcsim.core.distributions import Deterministic, Distribution, Empirical
from fcsim.scenario.schema.base import (
    LEFT_OUT_AT_DEFAULT,
    MON_FRI,
    DaysDistribution,
    LinesPerOrder,
    Model,
    Name,
    NonNegative,
    Probability,
    TimeOfDay,
    UnitsPerLine,
    Weekday,
    registered_policy,
)

ShippingFeePolicy = registered_policy("shipping_fee")


class Calendar(Model):
    """Public holidays: no shifts, no carrier collection or delivery, not counted in promises."""

    holidays: list[dt.date] = Field(
        default_factory=list, description="Public holidays (dates, YYYY-MM-DD)."
    )


StorageClass = Literal["ambient", "secure", "bulky", "cold"]
Fragility = Literal["robust", "standard", "fragile"]
"""How easily goods break in transit, least to most (D6, D11)."""
FRAGILITY: tuple[Fragility, ...] = ("robust", "standard", "fragile")
Protection = Literal["none", "standard", "protective"]
"""How well a packaging protects its content, least to most (D6, D11)."""
PROTECTION: tuple[Protection, ...] = ("none", "standard", "protective")


class Category(Model):
    """A product category: physical figures, prices and return behaviour of its SKUs."""

    name: Name = Field(description="Category name (used by routing rules and reports).")
    sku_share: float = Field(
        default=1.0, gt=0, description="Relative share of the catalogue's SKUs (normalised)."
    )
    unit_price_eur: float = Field(gt=0, description="Selling price per unit, EUR incl. VAT.")
    unit_cost_eur: float = Field(
        ge=0, description="Purchase cost per unit from the wholesaler, EUR."
    )
    unit_weight_kg: float = Field(gt=0, le=1000, description="Shipping weight per unit, kg.")
    unit_volume_l: float = Field(gt=0, le=10000, description="Volume per unit, litres.")
    units_per_pallet: float = Field(
        ge=0.1,
        le=1_000_000,
        description="Units stored on one pallet position (storage and receiving); below 1 a "
        "unit takes several positions, at most 10 (0.1).",
    )
    return_rate: Probability = Field(
        default=0.0, description="Probability that a delivered unit is returned (D12)."
    )
    soft_goods: bool = Field(
        default=False, description="Soft goods (textiles) can travel in a poly mailer (D6)."
    )
    fragile: bool = Field(default=False, description="Fragile goods need protective packing (D6).")
    storage_class: StorageClass = Field(
        default="ambient", description="Storage zone class: ambient, secure, bulky or cold (D2)."
    )
    restrictions: list[Literal["alcohol", "tobacco", "perishable", "bulky", "hazardous"]] = Field(
        default_factory=list,
        description="What some providers refuse (D15): alcohol, tobacco, perishable (fresh "
        "goods; long-life groceries are fine), bulky (furniture, large appliances), hazardous.",
    )
    fragility: Annotated[Fragility | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        description="Damage class in transit: robust, standard or fragile (damage.factors); "
        "default fragile when `fragile: true`, else standard.",
    )
    shelf_life_days: Annotated[int | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        ge=1,
        le=3650,
        description="Perishable goods: days a unit may stay in stock from the day it is put "
        "away; older units are written off (first in, first out). None: no limit.",
    )

    @property
    def fragility_class(self) -> Fragility:
        """The damage class: `fragility`, else fragile when `fragile`, else standard."""
        if self.fragility is not None:
            return self.fragility
        return "fragile" if self.fragile else "standard"

    @model_validator(mode="after")
    def _price_above_cost(self) -> Category:
        if self.unit_cost_eur > self.unit_price_eur:
            raise ValueError(
                f"unit_cost_eur ({self.unit_cost_eur}) is above unit_price_eur "
                f"({self.unit_price_eur}): every sale would lose money"
            )
        return self


def unique_categories(cats: list[Category]) -> list[Category]:
    """The categories, or a ValueError naming the repeated names."""
    names = [c.name for c in cats]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"category names must be unique (repeated: {', '.join(dup)})")
    return cats


class Catalogue(Model):
    """The SKUs on sale. Popularity follows a Zipf-like law over sales rank."""

    skus: int = Field(ge=1, le=1_000_000, description="Number of SKUs on sale.")
    popularity_exponent: float = Field(
        default=1.0,
        ge=0,
        le=4,
        description="Zipf exponent: the SKU of sales rank r sells in proportion to r^-exponent "
        "(0 = all alike; ~1 = typical long tail).",
    )
    categories: list[Category] = Field(min_length=1, description="Product categories.")

    @field_validator("categories")
    @classmethod
    def _unique(cls, cats: list[Category]) -> list[Category]:
        return unique_categories(cats)


def _flat(n: int) -> list[float]:
    return [1.0] * n


class Demand(Model):
    """Orders: a non-homogeneous Poisson stream, generated up front and shared by all strategies."""

    kind: Literal["poisson"] = Field(default="poisson", description="Demand model.")
    orders_per_day: float = Field(
        gt=0, le=10_000_000, description="Mean orders per day before profiles and growth."
    )
    weekday_profile: list[NonNegative] = Field(
        default_factory=lambda: _flat(7),
        min_length=7,
        max_length=7,
        description="Relative volume Monday..Sunday (normalised to a mean of 1).",
    )
    month_profile: list[NonNegative] = Field(
        default_factory=lambda: _flat(12),
        min_length=12,
        max_length=12,
        description="Relative volume January..December (normalised to a mean of 1).",
    )
    hour_profile: list[NonNegative] = Field(
        default_factory=lambda: _flat(24),
        min_length=24,
        max_length=24,
        description="Relative share of the day's orders in each hour 00..23.",
    )
    growth_per_month: float = Field(
        default=0.0,
        ge=-0.5,
        le=2.0,
        description="Compound growth of volume per 30 days (0.05 = +5 %/month) (D19).",
    )
    lines_per_order: LinesPerOrder = Field(
        default_factory=lambda: Empirical(dist="empirical", values=[1, 2, 3], weights=[6, 3, 1]),
        description="Order lines (distinct SKUs) per order; rounded, at least 1; no draw may "
        "exceed 1,000.",
    )
    units_per_line: UnitsPerLine = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=1),
        description="Units per order line; rounded, at least 1; no draw may exceed 1,000,000.",
    )

    @model_validator(mode="after")
    def _profiles_positive(self) -> Demand:
        for name in ("weekday_profile", "month_profile", "hour_profile"):
            if sum(getattr(self, name)) <= 0:
                raise ValueError(f"{name} must have a positive sum")
        return self


class Promise(Model):
    """The delivery promise shown at checkout, against which lateness is measured (D20)."""

    business_days: int = Field(
        default=2, ge=0, le=60, description="Promise D+N in business days from the order day."
    )
    order_cutoff: TimeOfDay = Field(
        default="14:00",
        description="Orders placed after this local time count from the next business day.",
    )
    business_weekdays: list[Weekday] = Field(
        default_factory=lambda: list(MON_FRI),
        min_length=1,
        description="Weekdays counted as business days in the promise.",
    )


class Returns(Model):
    """The return policy and the return flow (D12)."""

    window_days: int = Field(
        default=30, ge=0, le=365, description="Days after delivery within which returns arrive."
    )
    label_paid_by: Literal["merchant", "customer"] = Field(
        default="merchant", description="Who pays the prepaid return label."
    )
    label_cost_eur: NonNegative = Field(default=5.5, description="Price of one return label, EUR.")
    customer_delay_days: DaysDistribution = Field(
        default_factory=lambda: Empirical(dist="empirical", values=[2, 5, 10, 20]),
        description="Calendar days from delivery until the customer posts the return.",
    )
    transit_business_days: int = Field(
        default=3, ge=0, le=60, description="Business days the return parcel travels back."
    )
    inspect_min_per_unit: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=3.0),
        description="Minutes of staff time to inspect one returned unit at the warehouse.",
    )
    restock_share: Probability = Field(
        default=0.8,
        description="Share of returned units restocked as new; the rest is written off.",
    )
    refurbish_share: Probability = Field(
        default=0.0,
        description="Share of returned units refurbished (cleaned, repackaged) then restocked; "
        "restock_share + refurbish_share <= 1, the rest is written off.",
    )
    refurbish_cost_eur_per_unit: NonNegative = Field(
        default=3.0, description="Cost of refurbishing one unit, EUR."
    )
    refund_business_days: int = Field(
        default=2,
        ge=0,
        le=60,
        description="Business days from return receipt (or inspection, `refund_after`) to the "
        "refund.",
    )
    refund_after: Annotated[Literal["receipt", "inspection"], LEFT_OUT_AT_DEFAULT] = Field(
        default="receipt",
        description="When the refund clock starts: the return's arrival at the node (receipt), "
        "or the end of its inspection by the node's receiving staff (inspection: a queue of "
        "returns delays refunds; nodes that do not inspect refund from receipt).",
    )

    @model_validator(mode="after")
    def _shares(self) -> Returns:
        if self.restock_share + self.refurbish_share > 1:
            raise ValueError(
                "restock_share + refurbish_share must be <= 1 "
                f"(got {self.restock_share + self.refurbish_share:g})"
            )
        return self


class Customers(Model):
    """Customer reaction to the delivery: contacts, dissatisfaction and churn (D9, D13)."""

    notify_proactively: bool = Field(
        default=True, description="Send a delay notification when a parcel will be late (D9)."
    )
    contact_probability_on_time: Probability = Field(
        default=0.02, description="'Where is my order?' contacts per order delivered on time."
    )
    contact_probability_late: Probability = Field(
        default=0.35, description="Contacts per late order when the customer was not notified."
    )
    contact_probability_late_notified: Probability = Field(
        default=0.08, description="Contacts per late order when the customer was notified."
    )
    cost_per_contact_eur: NonNegative = Field(
        default=4.0, description="Customer-service cost of one contact, EUR."
    )
    dissatisfied_after_days_late: int = Field(
        default=1, ge=0, le=60, description="Days late from which a customer is dissatisfied."
    )
    churn_share_of_dissatisfied: Probability = Field(
        default=0.35,
        description="Share of dissatisfied customers who switch shop (FEVAD study, "
        "docs/domain.md#d13; other surveys give ~0.32).",
    )
    orders_per_customer_per_year: NonNegative = Field(
        default=2.0, description="Future orders per retained customer per year."
    )
    retention_years: NonNegative = Field(
        default=2.0, description="Years of future orders lost with a churned customer."
    )
    dissatisfied_after_refund_days: Annotated[int | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        ge=0,
        le=120,
        description="Calendar days from the return's receipt to the refund beyond which the "
        "customer is dissatisfied (and so liable to churn); null: refund speed does not matter.",
    )


class Incidents(Model):
    """What the merchant does about lost and damaged parcels (D11)."""

    reship: bool = Field(
        default=True,
        description="Send a replacement (true) or refund the customer (false, a lost sale).",
    )
    lost_detected_after_business_days: int = Field(
        default=5,
        ge=0,
        le=60,
        description="Business days after the expected delivery before a lost parcel is "
        "acknowledged and replaced.",
    )
    damage_reported_after_business_days: int = Field(
        default=1, ge=0, le=60, description="Business days after delivery to report damage."
    )


class ShippingFee(Model):
    """What customers pay for shipping at checkout (D20); revenue set against shipping cost."""

    policy: ShippingFeePolicy = Field(  # type: ignore[valid-type]
        default="free_above",
        description="free; flat fee; flat fee unless the basket reaches a threshold; or the "
        "carrier's rate passed on (with a markup).",
    )
    flat_eur: NonNegative = Field(default=4.9, description="Flat shipping fee per order, EUR.")
    free_above_eur: NonNegative = Field(
        default=60.0, description="Basket value (EUR) from which shipping is free."
    )
    carrier_rate_markup: float = Field(
        default=0.0, ge=-1, le=5, description="Markup on the carrier rate (0.1 = +10 %)."
    )


class PackagingOption(Model):
    """A packaging material (D6): capacity, cost and the time it adds at the pack station."""

    name: Name = Field(description="Packaging name.")
    max_volume_l: float = Field(gt=0, description="Largest content volume it takes, litres.")
    cost_eur: NonNegative = Field(description="Material cost per use, EUR.")
    extra_pack_min: NonNegative = Field(
        default=0.0, description="Minutes this packaging adds to packing an order."
    )
    soft_goods_only: bool = Field(
        default=False, description="Only for parcels whose goods are all soft (poly mailer)."
    )
    protective: bool = Field(
        default=False, description="Protects fragile goods (box with fill or bubble wrap)."
    )
    eco: bool = Field(
        default=False,
        description="Eco-friendly material (kraft paper, compostable fill) for the `eco_first` "
        "packaging policy (D6).",
    )
    protection: Annotated[Protection | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        description="Protection of the content in transit: none, standard or protective "
        "(damage.factors); default protective when `protective: true`, none for a "
        "soft-goods-only mailer, else standard.",
    )

    @property
    def protection_level(self) -> Protection:
        """The protection: `protection`, else from `protective` and `soft_goods_only`."""
        if self.protection is not None:
            return self.protection
        if self.protective:
            return "protective"
        return "none" if self.soft_goods_only else "standard"


def default_packaging() -> list[PackagingOption]:
    """A poly mailer, three box sizes and three protective boxes (illustrative prices, EUR)."""
    return [
        PackagingOption(name="poly_mailer", max_volume_l=4, cost_eur=0.15, soft_goods_only=True),
        PackagingOption(name="box_s", max_volume_l=6, cost_eur=0.45, extra_pack_min=0.5),
        PackagingOption(name="box_m", max_volume_l=20, cost_eur=0.80, extra_pack_min=0.7),
        PackagingOption(name="box_l", max_volume_l=60, cost_eur=1.40, extra_pack_min=1.0),
        PackagingOption(
            name="box_protective_s",
            max_volume_l=6,
            cost_eur=0.95,
            extra_pack_min=1.2,
            protective=True,
        ),
        PackagingOption(
            name="box_protective_m",
            max_volume_l=20,
            cost_eur=1.40,
            extra_pack_min=1.4,
            protective=True,
        ),
        PackagingOption(
            name="box_protective_l",
            max_volume_l=60,
            cost_eur=1.90,
            extra_pack_min=1.5,
            protective=True,
        ),
    ]
