"""Schema of the cost models of nodes: own warehouse, 3PL and marketplace fee schedules (D14, D15).

Place in the flow: parts of the node models in `fcsim.scenario.schema.nodes`;
`fcsim.model.accounting.costs` turns them into ledger lines. Figures in EUR; the US-market
figures of docs/domain.md#d15 converted roughly.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from fcsim.scenario.schema.base import Model, Name, NonNegative, errors_at

Month = Annotated[int, Field(ge=1, le=12)]


class Building(Model):
    """One building the merchant could lease: its space and its rent (a rent step, D14)."""

    name: Name = Field(description="Building name (e.g. small, large).")
    capacity_pallets: float = Field(
        gt=0, description="Storage locations, in pallet positions (or equivalent shelf bins)."
    )
    rent_eur_per_month: NonNegative = Field(description="Rent of this building, EUR/month.")
    area_m2: float = Field(gt=0, description="Floor area, square metres (utilities per m² use it).")


class SelfCosts(Model):
    """Costs of running one's own warehouse (D14): mostly fixed.

    The default figures are modelling choices for a small French logistics site (~1,000 m²,
    one shift): rent, wages and equipment are the fixed costs of D14, which gives no figures.
    """

    wage_eur_per_hour: NonNegative = Field(
        default=22.0, description="Loaded staff cost per paid hour of an operative, EUR."
    )
    rent_eur_per_month: NonNegative = Field(
        default=6000.0,
        description="Rent, EUR/month (ignored when `buildings` gives the rent steps).",
    )
    area_m2: float = Field(
        default=1000.0,
        gt=0,
        description="Floor area of the building, square metres (ignored when `buildings` is "
        "given).",
    )
    capacity_pallets: float | None = Field(
        default=None,
        gt=0,
        description="Storage locations of the building, pallet positions; omitted: the "
        "storage zones' total, or unlimited without zones (ignored when `buildings` is given).",
    )
    buildings: list[Building] = Field(
        default_factory=list,
        description="Rent steps: the rent paid is that of the smallest building whose capacity "
        "holds the peak stock of the run (pallet positions over the horizon, warm-up included); "
        "stock beyond the largest building pays `overflow_eur_per_pallet_day`.",
    )
    overflow_eur_per_pallet_day: NonNegative = Field(
        default=1.0,
        description="Storage outside the building for each pallet beyond its capacity, EUR per "
        "pallet-day (~30 EUR/pallet-month, near a 3PL's storage rate; modelling choice).",
    )
    equipment_eur_per_month: NonNegative = Field(
        default=1500.0,
        description="Equipment leased or maintained (forklift, carts, scanners), EUR/month.",
    )
    it_eur_per_month: NonNegative = Field(
        default=150.0,
        description="IT hardware, network and support, EUR/month (the WMS apart).",
    )
    wms_eur_per_month: NonNegative = Field(
        default=250.0,
        description="Warehouse management system licence (SaaS), EUR/month (modelling choice: "
        "200-500 EUR/month for a small site).",
    )
    utilities_eur_per_m2_month: NonNegative = Field(
        default=1.2,
        description="Energy, water, cleaning and waste per m² of the building, EUR/month "
        "(modelling choice: 1.0-1.5 EUR/m²/month for an unheated-to-heated logistics hall).",
    )
    utilities_eur_per_month: NonNegative = Field(
        default=0.0, description="Further utilities whatever the area, EUR/month."
    )
    insurance_eur_per_year: NonNegative = Field(
        default=1500.0,
        description="Building contents and liability insurance, EUR/year (modelling choice).",
    )
    insurance_share_of_stock_value: NonNegative = Field(
        default=0.003,
        le=1,
        description="Insurance of the stock per year, as a share of its value (0.003 = 0.3 % "
        "a year of the daily stock value; modelling choice: 0.1-0.5 %).",
    )
    supervisors: int = Field(
        default=1,
        ge=0,
        description="Supervisors (team leaders) on every shift: paid for every shift hour, so "
        "a second shift pays its own.",
    )
    supervisor_wage_eur_per_hour: NonNegative = Field(
        default=27.0,
        description="Loaded cost of a supervisor per paid hour, EUR (modelling choice: about "
        "a fifth above an operative's).",
    )
    management_eur_per_month: NonNegative = Field(
        default=0.0,
        description="Site management (a warehouse manager's loaded salary, or its share), "
        "EUR/month; 0 when the owner manages.",
    )
    startup_eur: NonNegative = Field(
        default=0.0,
        description="One-off start-up spend (fit-out, recruitment, training), EUR; amortised.",
    )
    capex_eur: NonNegative = Field(
        default=0.0,
        description="Capital spend bought outright (racking, equipment), EUR; amortised.",
    )
    amortisation_months: float = Field(
        default=36,
        gt=0,
        le=600,
        description="Months over which start-up and capital spend are spread from the start "
        "of the run (nothing after them).",
    )

    @model_validator(mode="after")
    def _one_space(self) -> SelfCosts:
        """With rent steps, the single building's rent, area and capacity are not also given."""
        if not self.buildings:
            return self
        given = {"rent_eur_per_month", "area_m2", "capacity_pallets"} & self.model_fields_set
        found = [
            ((k,), f"{k} is given by each of `buildings`: set one or the other", getattr(self, k))
            for k in sorted(given)
        ]
        caps = [b.capacity_pallets for b in self.buildings]
        if caps != sorted(caps) or len(set(caps)) != len(caps):
            found.append(
                (("buildings",), f"buildings must grow in capacity_pallets (got {caps})", caps)
            )
        if found:
            raise errors_at("SelfCosts", found)
        return self


StorageBasis = Literal["per_location", "per_pallet", "per_cubic_metre", "per_unit"]
ReceivingBasis = Literal["per_pallet", "per_carton", "per_unit", "per_hour"]


class LocationType(Model):
    """A kind of storage location a 3PL rents out (bin, shelf, pallet) and its monthly rate."""

    name: Name = Field(description="Location type (e.g. bin, shelf, pallet).")
    capacity_l: float = Field(
        gt=0, description="Goods volume one location holds, litres (usable, not gross)."
    )
    eur_per_month: NonNegative = Field(description="Rent of one location per month, EUR.")
    peak_eur_per_month: NonNegative | None = Field(
        default=None, description="Rent per month in the peak months, if different, EUR."
    )


def default_locations() -> list[LocationType]:
    """Illustrative European rates: a bin 1.5-3, a shelf 5-8, a pallet 20-30 EUR a month."""
    return [
        LocationType(name="bin", capacity_l=20, eur_per_month=2.0),
        LocationType(name="shelf", capacity_l=120, eur_per_month=6.0),
        LocationType(name="pallet", capacity_l=1000, eur_per_month=25.0),
    ]


class PickPackTier(Model):
    """A volume tier of pick & pack: from this many orders a month, every order pays this."""

    from_orders_per_month: int = Field(
        ge=1, description="Orders per month (at this 3PL) from which the tier applies."
    )
    first_item_eur: NonNegative = Field(description="Fee for the first unit of an order, EUR.")
    extra_item_eur: NonNegative = Field(description="Fee per additional unit, EUR.")


_STORAGE_RATES: dict[str, tuple[str, ...]] = {
    "per_location": ("storage_locations",),
    "per_pallet": ("storage_eur_per_pallet_month", "storage_peak_eur_per_pallet_month"),
    "per_cubic_metre": ("storage_eur_per_m3_month", "storage_peak_eur_per_m3_month"),
    "per_unit": ("storage_eur_per_unit_month", "storage_peak_eur_per_unit_month"),
}
_RECEIVING_RATES: dict[str, tuple[str, ...]] = {
    "per_pallet": ("receiving_eur_per_pallet",),
    "per_carton": ("receiving_eur_per_carton", "receiving_units_per_carton"),
    "per_unit": ("receiving_eur_per_unit",),
    "per_hour": ("receiving_eur_per_hour",),
}


class ThreePLFees(Model):
    """A 3PL fee schedule (D15); US-market figures in docs/domain.md#d15, in EUR here.

    Storage and receiving are billed on one basis each; a rate of another basis, given with a
    value other than its default, is an error rather than a figure silently unused.
    """

    setup_eur: NonNegative = Field(default=500.0, description="One-off set-up fee, EUR.")
    integration_eur: NonNegative = Field(
        default=0.0, description="One-off integration fee (shop and WMS connection), EUR."
    )
    exit_eur: NonNegative = Field(
        default=0.0,
        description="Exit costs at the end of the contract (stock moved out, de-integration), "
        "EUR; spread like the set-up fee.",
    )
    setup_amortisation_months: float = Field(
        default=12,
        gt=0,
        description="Months over which the set-up, integration and exit costs are spread.",
    )
    contract_min_term_months: NonNegative = Field(
        default=0.0,
        description="Minimum contract term, months (0: none); the one-off costs are spread "
        "over the longer of this and setup_amortisation_months.",
    )
    account_management_eur_per_month: NonNegative = Field(
        default=0.0, description="Account management fee, EUR per month (outside the minimum)."
    )
    receiving_basis: ReceivingBasis = Field(
        default="per_pallet",
        description="How receipts are billed: per_pallet (whole pallets of each received "
        "line), per_carton, per_unit, or per_hour (receiving staff minutes at the node).",
    )
    receiving_eur_per_pallet: NonNegative = Field(
        default=10.0, description="EUR per received pallet, a part pallet counting as one."
    )
    receiving_eur_per_carton: NonNegative = Field(
        default=6.0, description="EUR per received carton (per_carton)."
    )
    receiving_units_per_carton: int | None = Field(
        default=None,
        ge=1,
        description="Units per inbound carton (per_carton); default: the node's "
        "replenishment.case_pack_units.",
    )
    receiving_eur_per_unit: NonNegative = Field(
        default=0.2, description="EUR per received unit (per_unit)."
    )
    receiving_eur_per_hour: NonNegative = Field(
        default=35.0, description="EUR per hour of unloading, checking and put-away (per_hour)."
    )
    storage_basis: StorageBasis = Field(
        default="per_location",
        description="How storage is billed: per_location (each stocked SKU rents at least one "
        "location of the smallest type its stock fits), per_pallet (whole pallets per SKU), "
        "per_cubic_metre (stock volume) or per_unit.",
    )
    storage_locations: list[LocationType] = Field(
        default_factory=default_locations,
        min_length=1,
        description="Location types by capacity, smallest first (per_location).",
    )
    storage_eur_per_pallet_month: NonNegative = Field(
        default=25.0, description="Storage, EUR per pallet per month (per_pallet)."
    )
    storage_peak_eur_per_pallet_month: NonNegative | None = Field(
        default=None, description="Storage rate in peak months, if different (per_pallet)."
    )
    storage_eur_per_m3_month: NonNegative = Field(
        default=20.0, description="Storage, EUR per cubic metre of stock per month."
    )
    storage_peak_eur_per_m3_month: NonNegative | None = Field(
        default=None, description="Storage per cubic metre in peak months, if different."
    )
    storage_eur_per_unit_month: NonNegative = Field(
        default=0.05, description="Storage, EUR per unit in stock per month (per_unit)."
    )
    storage_peak_eur_per_unit_month: NonNegative | None = Field(
        default=None, description="Storage per unit in peak months, if different."
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
    pick_pack_tiers: list[PickPackTier] = Field(
        default_factory=list,
        description="Volume tiers above the base fees, by orders a month (ascending): every "
        "order of a month pays the tier its month's volume reaches.",
    )
    packaging_eur_per_order: NonNegative | None = Field(
        default=None,
        description="Packaging fee per parcel, EUR; omit when packaging is included in the fee.",
    )
    branded_packaging_eur: NonNegative = Field(
        default=0.0,
        description="Surcharge per parcel for the merchant's branded packaging, when the "
        "node's packing is branded, EUR.",
    )
    insert_eur: NonNegative = Field(
        default=0.0, description="Fee per insert (sample, flyer) added to a parcel, EUR."
    )
    returns_eur_each: NonNegative = Field(default=4.0, description="Fee per returned unit, EUR.")
    monthly_minimum_eur: NonNegative = Field(
        default=1000.0,
        description="Monthly minimum of the activity fees (receiving, storage, pick & pack, "
        "packaging, inserts, returns); a top-up is billed below it.",
    )

    @field_validator("storage_locations")
    @classmethod
    def _by_capacity(cls, types: list[LocationType]) -> list[LocationType]:
        caps = [t.capacity_l for t in types]
        if caps != sorted(caps) or len(set(caps)) != len(caps):
            raise ValueError(f"location types must be ordered by rising capacity_l (got {caps})")
        names = [t.name for t in types]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"location type names must be unique (repeated: {', '.join(dup)})")
        return types

    @field_validator("pick_pack_tiers")
    @classmethod
    def _tiers_ascending(cls, tiers: list[PickPackTier]) -> list[PickPackTier]:
        lows = [t.from_orders_per_month for t in tiers]
        if lows != sorted(set(lows)):
            raise ValueError(
                f"pick & pack tiers must be ordered by rising from_orders_per_month (got {lows})"
            )
        return tiers

    @model_validator(mode="after")
    def _rates_of_the_basis(self) -> ThreePLFees:
        found = []
        for basis_key, rates in (
            ("storage_basis", _STORAGE_RATES),
            ("receiving_basis", _RECEIVING_RATES),
        ):
            chosen = getattr(self, basis_key)
            for basis, keys in rates.items():
                for key in keys:
                    # a figure given and other than the default: a dumped and re-read
                    # schedule (every key set, at its default) is not refused
                    given = key in self.model_fields_set
                    default = type(self).model_fields[key].get_default(call_default_factory=True)
                    if basis != chosen and given and getattr(self, key) != default:
                        why = (
                            f"{key} is a rate of {basis_key} {basis}, but {basis_key} is "
                            f"{chosen}: set {basis_key}: {basis} or remove {key}"
                        )
                        found.append(((key,), why, getattr(self, key)))
        if found:
            raise errors_at("ThreePLFees", found)
        return self


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
