"""Schema of a warehouse's stock side: receiving (D1), storage zones (D2), replenishment (D3).

Place in the flow: part of every stocking node (`fcsim.scenario.schema.nodes.WarehouseNode`);
`model/inbound.py`, `model/storage.py` and `model/inventory.py` read these settings.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from fcsim.core.distributions import Deterministic, Distribution, Triangular
from fcsim.core.limits import MAX_UNITS_PER_LINE
from fcsim.scenario.schema.base import (
    LEFT_OUT_AT_DEFAULT,
    DaysDistribution,
    Model,
    Name,
    NonNegative,
    Probability,
    registered_policy,
)
from fcsim.scenario.schema.business import StorageClass

ReplenishmentPolicy = registered_policy("replenishment")


class Receiving(Model):
    """Inbound (D1): unloading, counting and checking, put-away; returns inspection."""

    unload_min_per_pallet: Distribution = Field(
        default_factory=lambda: Triangular(dist="triangular", low=1.5, mode=1.75, high=2.0),
        description="Minutes to unload one pallet (1.5-2 min, docs/domain.md#d1).",
    )
    check_min_per_unit: NonNegative = Field(
        default=0.375, description="Minutes to count, check and label one unit (160 units/h)."
    )
    putaway_min_per_pallet: Distribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=1.875),
        description="Minutes to put one pallet away (32 pallets per person-hour).",
    )
    reject_rate: Probability = Field(
        default=0.01, description="Share of received units rejected at quality check."
    )
    docks: int = Field(
        default=2, ge=1, le=1000, description="Dock doors: trucks are unloaded one per door."
    )
    pallets_per_truck: float = Field(
        default=33,
        ge=1,
        le=1000,
        description="Pallets a truck carries (a full trailer ~33; at least 1).",
    )


class Replenishment(Model):
    """Stock replenishment (D3), in days of expected demand per SKU."""

    policy: ReplenishmentPolicy = Field(  # type: ignore[valid-type]
        default="s_S", description="Replenishment rule: s_S (reorder point) or R_S (periodic)."
    )
    review_period_days: int = Field(
        default=1, ge=1, le=90, description="Days between reviews (R); 1 = continuous-like."
    )
    reorder_point_days: NonNegative = Field(
        default=10, description="Reorder when inventory position covers fewer days (s)."
    )
    order_up_to_days: float = Field(
        default=30, gt=0, description="Order up to this many days of cover (S)."
    )
    supplier: Annotated[Name | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        description="Name of the inbound supplier, for disruptions to name (a supplier_failure's "
        "target); nodes naming the same supplier fail together.",
    )
    supplier_lead_time_days: DaysDistribution = Field(
        default_factory=lambda: Triangular(dist="triangular", low=5, mode=7, high=12),
        description="Calendar days from purchase order to the truck at the dock.",
    )
    initial_cover_days: NonNegative | None = Field(
        default=None, description="Initial stock in days of cover (default: order_up_to_days)."
    )
    min_reorder_point_units: NonNegative = Field(
        default=1.0,
        description="Lowest reorder point of a stocked SKU, units (slow movers keep at least "
        "this much; the order-up-to level is then at least one more).",
    )
    follow_forecast: bool = Field(
        default=True,
        description="Scale targets by the demand expected over their cover (month profile, "
        "growth, this node's share of routed demand) instead of the average day's.",
    )
    forecast_error_cv: Annotated[NonNegative, LEFT_OUT_AT_DEFAULT] = Field(
        default=0.0,
        le=2,
        description="Error of the demand forecast behind the stock targets: each SKU's "
        "forecast is its expected demand times a lognormal factor of mean 1 and this "
        "coefficient of variation, drawn once per SKU (the same at every node and in every "
        "strategy); 0: the forecast is exact.",
    )
    moq_units: int = Field(
        default=1,
        ge=1,
        le=MAX_UNITS_PER_LINE,
        description="Minimum order quantity per SKU line, units.",
    )
    case_pack_units: int = Field(
        default=1,
        ge=1,
        le=MAX_UNITS_PER_LINE,
        description="Order quantities are rounded up to whole case packs of this many units.",
    )
    supplier_late_probability: Probability = Field(
        default=0.0, description="Probability a purchase order arrives later than its lead time."
    )
    supplier_late_days: DaysDistribution = Field(
        default_factory=lambda: Triangular(dist="triangular", low=1, mode=3, high=10),
        description="Extra calendar days when a purchase order is late; rounded up.",
    )
    supplier_short_probability: Probability = Field(
        default=0.0, description="Probability a purchase order is delivered short."
    )
    supplier_short_fill: Probability = Field(
        default=0.7, description="Share of each line delivered when a purchase order is short."
    )
    backorders: bool = Field(
        default=True,
        description="Orders for missing stock wait (true) or the missing lines are lost (false).",
    )
    freight_eur_per_truck: NonNegative = Field(
        default=0.0,
        description="Inbound transport from the supplier, EUR per truck (a full-truck rate: a "
        "part-load pays the whole truck; trucks carry receiving.pallets_per_truck pallets).",
    )
    freight_eur_per_pallet: NonNegative = Field(
        default=0.0,
        description="Inbound transport from the supplier, EUR per pallet (a groupage or "
        "part-load rate; adds to freight_eur_per_truck).",
    )

    @model_validator(mode="after")
    def _s_below_S(self) -> Replenishment:
        if self.reorder_point_days >= self.order_up_to_days:
            raise ValueError(
                f"reorder_point_days ({self.reorder_point_days}) must be below "
                f"order_up_to_days ({self.order_up_to_days})"
            )
        return self


class StorageZone(Model):
    """A storage zone for one class of goods (D2): capacity and cost per position."""

    name: Name = Field(description="Zone name.")
    storage_class: StorageClass = Field(
        description="Goods it holds: ambient, secure (valuables), bulky, cold (perishables)."
    )
    capacity_pallets: float = Field(gt=0, description="Pallet positions (or equivalent bins).")
    cost_eur_per_position_day: NonNegative = Field(
        default=0.0,
        description="Running cost per occupied position per day, EUR (energy, security); "
        "rent is counted separately.",
    )
    overflow_eur_per_pallet_day: NonNegative = Field(
        default=1.0, description="Cost of each pallet above capacity per day (overflow storage)."
    )
    extra_pick_min_per_line: Annotated[NonNegative, LEFT_OUT_AT_DEFAULT] = Field(
        default=0.0,
        description="Extra picker minutes per order line of the zone's goods (a secure zone's "
        "access control, sign-out and sealing), on top of pick_min_per_line.",
    )
    shrinkage_share_per_month: Annotated[NonNegative, LEFT_OUT_AT_DEFAULT] = Field(
        default=0.0,
        le=1,
        description="Share of the zone's units in stock lost per month (theft, loss, "
        "unrecorded damage), written off at cost as shrinkage.",
    )
    cold_eur_per_unit_day: Annotated[NonNegative, LEFT_OUT_AT_DEFAULT] = Field(
        default=0.0,
        description="Cold-chain cost per unit stored in the zone per day, EUR (refrigeration, "
        "monitoring), booked as cold_chain.",
    )
