"""Schema of the cost models of nodes: own warehouse, 3PL and marketplace fee schedules (D14, D15).

Place in the flow: parts of the node models in `fcsim.scenario.schema.nodes`;
`fcsim.model.accounting.costs` turns them into ledger lines. Figures in EUR; the US-market
figures of docs/domain.md#d15 converted roughly.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from fcsim.scenario.schema.base import Model, Name, NonNegative

Month = Annotated[int, Field(ge=1, le=12)]


class SelfCosts(Model):
    """Costs of running one's own warehouse (D14): mostly fixed."""

    wage_eur_per_hour: NonNegative = Field(
        default=22.0, description="Loaded staff cost per paid hour, EUR."
    )
    rent_eur_per_month: NonNegative = Field(default=6000.0, description="Rent, EUR/month.")
    equipment_eur_per_month: NonNegative = Field(
        default=1500.0, description="Racking, carts, scanners amortised, EUR/month."
    )
    it_eur_per_month: NonNegative = Field(default=400.0, description="WMS and IT, EUR/month.")
    supervisors: int = Field(default=1, ge=0, description="Supervisors paid on every shift.")


class ThreePLFees(Model):
    """A 3PL fee schedule (D15); US-market figures in docs/domain.md#d15, in EUR here."""

    setup_eur: NonNegative = Field(default=500.0, description="One-off set-up fee, EUR.")
    setup_amortisation_months: float = Field(
        default=12, gt=0, description="Months over which the set-up fee is spread."
    )
    receiving_eur_per_pallet: NonNegative = Field(default=10.0, description="EUR per pallet.")
    storage_eur_per_pallet_month: NonNegative = Field(
        default=25.0, description="Storage, EUR per pallet per month."
    )
    storage_peak_eur_per_pallet_month: NonNegative | None = Field(
        default=None, description="Storage rate in peak months, if different."
    )
    peak_months: list[Month] = Field(
        default_factory=lambda: [10, 11, 12], description="Months (1-12) charged the peak rate."
    )
    pick_pack_first_item_eur: NonNegative = Field(
        default=2.5, description="Pick & pack fee for the first unit of an order, EUR."
    )
    pick_pack_extra_item_eur: NonNegative = Field(
        default=0.5, description="Pick & pack fee per additional unit, EUR."
    )
    packaging_eur_per_order: NonNegative | None = Field(
        default=None,
        description="Packaging fee per parcel, EUR; omit when packaging is included in the fee.",
    )
    returns_eur_each: NonNegative = Field(default=4.0, description="Fee per returned unit, EUR.")
    monthly_minimum_eur: NonNegative = Field(
        default=1000.0, description="Monthly minimum of fees; a top-up is billed below it."
    )


class SizeTier(Model):
    """A marketplace size tier: units up to this weight and volume pay this fee."""

    name: Name = Field(description="Tier name (e.g. small_standard).")
    max_weight_kg: float = Field(gt=0, description="Heaviest unit in the tier, kg.")
    max_volume_l: float = Field(gt=0, description="Largest unit in the tier, litres.")
    fee_per_unit_eur: NonNegative = Field(description="Fulfilment fee per unit shipped, EUR.")


def fba_like_tiers() -> list[SizeTier]:
    """Illustrative tiers, from ~3 USD per small parcel upward (docs/domain.md#d15), in EUR."""
    return [
        SizeTier(name="small_standard", max_weight_kg=0.4, max_volume_l=2.5, fee_per_unit_eur=2.9),
        SizeTier(name="large_standard", max_weight_kg=9, max_volume_l=30, fee_per_unit_eur=4.6),
        SizeTier(name="oversize", max_weight_kg=30, max_volume_l=300, fee_per_unit_eur=9.5),
    ]


class MarketplaceFees(Model):
    """Marketplace fulfilment fees (FBA-like): per unit by size tier, storage by volume (D15)."""

    size_tiers: list[SizeTier] = Field(
        default_factory=fba_like_tiers,
        min_length=1,
        description="Fulfilment fee per unit by size tier (smallest tier that fits is used).",
    )
    storage_eur_per_l_month: NonNegative = Field(
        default=0.026,
        description="Storage per litre-month (~0.78 USD per cubic foot-month, Jan-Sep).",
    )
    storage_peak_eur_per_l_month: NonNegative = Field(
        default=0.078,
        description="Storage per litre-month in peak months (~2.40 USD per cubic foot, Q4).",
    )
    peak_months: list[Month] = Field(
        default_factory=lambda: [10, 11, 12], description="Months (1-12) charged the peak rate."
    )
    returns_eur_each: NonNegative = Field(
        default=2.5, description="Returns processing fee per returned unit, EUR."
    )

    @field_validator("size_tiers")
    @classmethod
    def _ascending(cls, tiers: list[SizeTier]) -> list[SizeTier]:
        w = [t.max_weight_kg for t in tiers]
        if w != sorted(w):
            raise ValueError(f"size tiers must be ordered by max_weight_kg (got {w})")
        return tiers
