"""Schema of a node's carrier terms: which carriers, how one is chosen, the negotiated discount.

Place in the flow: every node kind (`nodes.py`, `dropship.py`) inherits `CarrierTerms`. The
carrier choice (`model/carriers.py`) prices parcels at the rate card less `carrier_discount`;
the cost ledger (`model/accounting/carrier_terms.py`) then applies the volume tier the node
reached in the previous calendar month.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from fcsim.scenario.schema.base import Model, Name, Probability, errors_at, registered_policy

CarrierPolicy = registered_policy("carrier")


class VolumeTier(Model):
    """A volume tier of a carrier contract: from this monthly volume, this discount."""

    min_parcels_per_month: int = Field(
        ge=0, le=100_000_000, description="Parcels shipped in a month from which the tier applies."
    )
    discount: Probability = Field(
        description="Discount on the rate cards in this tier, a share of the price (0.1 = 10 % "
        "off); it replaces `carrier_discount`, it is not added to it."
    )


class CarrierTerms(Model):
    """What a node ships with and on which terms; the same keys on every node kind."""

    carriers: list[Name] = Field(min_length=1, description="Carriers this node can ship with.")
    carrier_policy: CarrierPolicy = Field(  # type: ignore[valid-type]
        default="cheapest", description="Carrier choice per parcel."
    )
    carrier_discount: Probability = Field(
        default=0.0,
        description="Negotiated discount on the carriers' rate cards, a share of the price "
        "(0.15 = 15 % off); with `carrier_volume_tiers`, the discount below the first tier.",
    )
    carrier_volume_tiers: list[VolumeTier] = Field(
        default_factory=list,
        description="Volume tiers of the node's carrier contract, ascending: a month's parcels "
        "are billed at the tier reached by the parcels the node shipped in the previous "
        "calendar month (the first simulated month: by its own volume), volumes of months cut "
        "by the simulated days scaled to a full month. The same tier applies to every carrier "
        "of the node, so it does not change which carrier is cheapest. Empty: "
        "`carrier_discount` all year.",
    )

    @model_validator(mode="after")
    def _tiers_ascending(self) -> CarrierTerms:
        """Tiers by ascending volume, each at least as deep as the one before and the base."""
        found = []
        prev_min, prev_disc = -1, self.carrier_discount
        for i, t in enumerate(self.carrier_volume_tiers):
            if t.min_parcels_per_month <= prev_min:
                found.append(
                    (
                        ("carrier_volume_tiers", i, "min_parcels_per_month"),
                        f"{t.min_parcels_per_month} is not above the previous tier's "
                        f"{prev_min}: list tiers by strictly ascending volume",
                        t.min_parcels_per_month,
                    )
                )
            if t.discount < prev_disc:
                found.append(
                    (
                        ("carrier_volume_tiers", i, "discount"),
                        f"{t.discount:g} is below {prev_disc:g} (carrier_discount or the "
                        "previous tier): more volume cannot earn a smaller discount",
                        t.discount,
                    )
                )
            prev_min, prev_disc = max(prev_min, t.min_parcels_per_month), max(prev_disc, t.discount)
        if found:
            raise errors_at("CarrierTerms", found)
        return self
