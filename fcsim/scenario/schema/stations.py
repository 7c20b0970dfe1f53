"""Schema of a warehouse's pick and pack stations (D5, D6): tours, layout, inserts, packaging.

Place in the flow: parts of a warehouse node (`fcsim.scenario.schema.nodes.WarehouseNode`);
`fcsim.model.picking` and `fcsim.model.packing` turn them into work times and material costs.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from fcsim.core.distributions import Distribution, Lognormal
from fcsim.scenario.schema.base import (
    LEFT_OUT_AT_DEFAULT,
    Model,
    NonNegative,
    Probability,
    TimeOfDay,
    errors_at,
    registered_policy,
)

BatchingPolicy = registered_policy("batching")
PackagingPolicy = registered_policy("packaging")
SlottingPolicy = registered_policy("slotting")
PickPathPolicy = registered_policy("pickpath")


class LayoutSpec(Model):
    """A single-block layout of parallel aisles between front and back cross-aisles."""

    aisles: int = Field(ge=1, le=1000, description="Number of parallel aisles.")
    aisle_length_m: float = Field(gt=0, le=1000, description="Length of an aisle, metres.")
    aisle_spacing_m: float = Field(
        default=3.0, gt=0, le=50, description="Distance between aisle centre lines, metres."
    )
    locations_per_aisle: int = Field(
        ge=1, le=100_000, description="Pick locations per aisle (both sides)."
    )
    depot_aisle: int = Field(
        default=0, ge=0, description="Aisle at whose front end the depot (start and end) is."
    )

    @model_validator(mode="after")
    def _depot_inside(self) -> LayoutSpec:
        if self.depot_aisle >= self.aisles:
            raise ValueError(
                f"depot_aisle must be below aisles ({self.aisles}) (got {self.depot_aisle})"
            )
        return self


class Picking(Model):
    """Pick tours (D5): release policy and times."""

    policy: BatchingPolicy = Field(  # type: ignore[valid-type]
        default="discrete", description="How orders are released to pickers (discrete, batch)."
    )
    batch_size: int = Field(
        default=8, ge=1, le=200, description="Orders per tour for the `batch` policy."
    )
    tour_setup_min: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=2.0, cv=0.3),
        description="Minutes per tour for getting a cart and walking out and back.",
    )
    pick_min_per_line: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=0.75, cv=0.4),
        description="Minutes per order line (travel share + pick); 0.75 = 80 lines/h "
        "(docs/domain.md#d5).",
    )
    insert_min_per_order: NonNegative = Field(
        default=0.0, description="Minutes per order with inserts to add them (D5)."
    )
    inserts_per_order: int = Field(
        default=1,
        ge=0,
        le=100,
        description="Inserts (samples, flyers) added to an order that gets them; 0: none.",
    )
    insert_share: Probability = Field(
        default=1.0,
        description="Share of orders that get inserts (the same orders in every strategy).",
    )
    insert_material_eur: NonNegative = Field(
        default=0.0, description="Material cost of one insert, EUR (paid by the merchant)."
    )
    release_times: list[TimeOfDay] = Field(
        default_factory=list,
        description="Wave picking: orders wait and are released to pickers at these times of "
        "working days (e.g. before each carrier cutoff). Empty: released as they come.",
    )
    express_first: Annotated[bool, LEFT_OUT_AT_DEFAULT] = Field(
        default=False,
        description="Pickers take the parcels that need an express carrier before the others "
        "(two queues, each first in, first out; no tour is interrupted). A parcel needs one "
        "when the node's carrier policy, asked as if the parcel were ready when it was "
        "ordered, chooses a carrier whose `service` is express. Default: one queue, first in, "
        "first out.",
    )
    layout: LayoutSpec | None = Field(
        default=None,
        description="Storage layout for pick paths; with it, `pick_min_per_line` is the "
        "handling time only and walking comes from the tour's route.",
    )
    slotting: SlottingPolicy = Field(  # type: ignore[valid-type]
        default="abc", description="Placement of SKUs in the layout (random, abc)."
    )
    routing: PickPathPolicy = Field(  # type: ignore[valid-type]
        default="s_shape",
        description="Route of a tour (s_shape, largest_gap, nearest_neighbour, optimal).",
    )
    walk_speed_m_per_min: float = Field(
        default=50.0, gt=0, le=500, description="Walking speed with a cart, metres per minute."
    )
    error_rate: Annotated[Probability, LEFT_OUT_AT_DEFAULT] = Field(
        default=0.0,
        description="Share of order lines mis-picked (wrong or missing item); 0 = none. "
        "About 0.005 for paper pick lists, 0.001 with barcode scanning (docs/domain.md#d5).",
    )
    error_found_at_packing: Annotated[Probability, LEFT_OUT_AT_DEFAULT] = Field(
        default=0.5,
        description="Share of mis-picked lines the packer finds (the line is picked again by "
        "the picker pool); the rest reach the customer (docs/domain.md#d5).",
    )
    repick_min_per_line: Annotated[Distribution, LEFT_OUT_AT_DEFAULT] = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=2.0, cv=0.4),
        description="Picker minutes to pick a line found wrong at packing again (walk to the "
        "location and back, pick, scan).",
    )


class Packing(Model):
    """Pack stations (D6): packaging choice and times."""

    policy: PackagingPolicy = Field(  # type: ignore[valid-type]
        default="smallest_fitting", description="How the packaging of a parcel is chosen."
    )
    pack_min_per_order: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=1.6, cv=0.3),
        description="Minutes per parcel at a pack station (25-30 orders/h with the extras).",
    )
    pack_min_per_unit: NonNegative = Field(
        default=0.3, description="Extra minutes per unit in the parcel."
    )
    branded: bool = Field(
        default=False,
        description="Parcels go out in the merchant's branded packaging (with a note): an own "
        "warehouse pays branded_extra_eur, a 3PL bills fees.branded_packaging_eur.",
    )
    branded_extra_eur: NonNegative = Field(
        default=0.0,
        description="Extra material cost per parcel of branded packaging and notes at an own "
        "warehouse, EUR (with branded: true).",
    )

    @model_validator(mode="after")
    def _branded_extra_needs_branded(self) -> Packing:
        if self.branded_extra_eur > 0 and not self.branded:
            raise errors_at(
                "Packing",
                [
                    (
                        ("branded_extra_eur",),
                        "branded_extra_eur is the cost of branded packaging, but branded is "
                        "false: set branded: true or remove branded_extra_eur",
                        self.branded_extra_eur,
                    )
                ],
            )
        return self
