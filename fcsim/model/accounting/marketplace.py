"""A marketplace fulfilment centre's lines (FBA-like, D15), with their basis.

Place in the flow: `costs.ledger` calls `marketplace_costs` for each marketplace node, besides
the lines every node has (`parcel_costs.common_costs`). The lines: a fulfilment fee per unit
shipped by size tier (the smallest tier whose weight and volume fit the unit, else the last),
the returns fee per returned unit, storage per litre-month of stock with a peak rate in peak
months, the merchant's inserts and the stock's capital cost (`holding.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fcsim.model.accounting.holding import insert_material, stockholding_costs
from fcsim.model.catalogue import CatalogueArrays
from fcsim.scenario.schema.nodes import MarketplaceNode

if TYPE_CHECKING:
    from fcsim.model.accounting.costs import Ledger, NodeView


def unit_tier(node: MarketplaceNode, catalogue: CatalogueArrays) -> np.ndarray:
    """Size tier (index) of each SKU: the smallest that fits it (else the last)."""
    tiers = node.fees.size_tiers
    idx = np.full(catalogue.n, len(tiers) - 1)
    for i in reversed(range(len(tiers))):
        t = tiers[i]
        fits = (catalogue.weight_kg <= t.max_weight_kg) & (catalogue.volume_l <= t.max_volume_l)
        idx[fits] = i
    return idx


def unit_tier_fee(node: MarketplaceNode, catalogue: CatalogueArrays) -> np.ndarray:
    """Fulfilment fee per unit of each SKU: the smallest size tier that fits it (else the last)."""
    fees = np.array([t.fee_per_unit_eur for t in node.fees.size_tiers], dtype=float)
    return fees[unit_tier(node, catalogue)]


def marketplace_costs(led: Ledger, v: NodeView, node: MarketplaceNode) -> None:
    """Marketplace fulfilment: fee per unit by size tier, storage by volume, returns."""
    f = node.fees
    p = v.parcels
    ids = np.flatnonzero(v.shipped)
    lines, owner = p.lines_of_many(ids)
    o = v.orders
    per_line = o.line_units[lines] * unit_tier_fee(node, v.catalogue)[o.line_sku[lines]]
    per_parcel = np.bincount(owner, weights=per_line, minlength=len(ids))
    fees = v.by_parcel_day(per_parcel) + v.returned_on_day(f.returns_eur_each)
    rate = np.where(
        v.peak(f.peak_months), f.storage_peak_eur_per_l_month, f.storage_eur_per_l_month
    )
    led.add_daily("fulfilment_fees", fees)
    led.add_daily("storage", v.result.daily["stock_volume_l"] * rate * v.month_share)
    line_tier = unit_tier(node, v.catalogue)[o.line_sku[lines]]
    for i, t in enumerate(f.size_tiers):
        units = np.bincount(
            owner, weights=o.line_units[lines] * (line_tier == i), minlength=len(ids)
        )
        led.basis(
            "fulfilment_fees", v.name, v.key(f"fees.size_tiers[{i}].fee_per_unit_eur"),
            t.fee_per_unit_eur, "EUR/unit", v.by_parcel_day(units), f"units shipped ({t.name})",
        )  # fmt: skip
    led.basis(
        "fulfilment_fees", v.name, v.key("fees.returns_eur_each"), f.returns_eur_each,
        "EUR/unit", v.returned_on_day(1.0), "returned units",
    )  # fmt: skip
    litre_months = v.result.daily["stock_volume_l"] * v.month_share
    peak = v.peak(f.peak_months)
    for field, r, days in (
        ("storage_eur_per_l_month", f.storage_eur_per_l_month, ~peak),
        ("storage_peak_eur_per_l_month", f.storage_peak_eur_per_l_month, peak),
    ):
        led.basis(
            "storage", v.name, v.key(f"fees.{field}"), r, "EUR/litre-month",
            litre_months * days, "litre-months" + (" (peak months)" if days is peak else ""),
        )  # fmt: skip
    insert_material(led, v, node)
    stockholding_costs(led, v, node)
