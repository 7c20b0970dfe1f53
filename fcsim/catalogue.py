"""The catalogue as columns: one entry per SKU, SKU index = sales rank (0 = best-seller).

Place in the flow: built once per run from `Scenario.catalogue` with a stream that is the same
in every replication; used by demand (popularity), routing (rank, category), packing (volume,
softness), carriers (weight), inventory (units per pallet, demand rate) and costs (value).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.schema.business import Catalogue, Demand
from fcsim.schema.history import CatalogueFile, HistoryDemand
from fcsim.streams import Streams


@dataclass(frozen=True)
class CatalogueArrays:
    """Per-SKU columns."""

    popularity: np.ndarray  # share of order lines, sums to 1, decreasing
    category: np.ndarray  # index into category_names
    category_names: list[str]
    category_storage_class: list[str]
    price_eur: np.ndarray
    cost_eur: np.ndarray
    weight_kg: np.ndarray
    volume_l: np.ndarray
    units_per_pallet: np.ndarray
    return_rate: np.ndarray
    soft: np.ndarray
    fragile: np.ndarray
    daily_units: np.ndarray  # expected units sold per average day
    sku_code: np.ndarray | None = None  # SKU codes by index, when imported (fcsim.history)

    @property
    def n(self) -> int:
        return len(self.popularity)

    @property
    def sales_rank(self) -> np.ndarray:
        return np.arange(self.n)


def build_catalogue(
    cat: Catalogue | CatalogueFile, demand: Demand | HistoryDemand, seed: int
) -> CatalogueArrays:
    """Columns for `cat`; categories are spread over sales ranks by a fixed random draw.

    A product file or an order history is imported by `fcsim.history.catalogue`.
    """
    if isinstance(cat, CatalogueFile) or isinstance(demand, HistoryDemand):
        from fcsim.history.catalogue import imported_catalogue

        return imported_catalogue(cat, demand, seed)
    n = cat.skus
    rank = np.arange(1, n + 1, dtype=float)
    pop = rank ** (-cat.popularity_exponent)
    pop /= pop.sum()
    shares = np.array([c.sku_share for c in cat.categories], dtype=float)
    shares /= shares.sum()
    # Exactly round(share * n) SKUs per category (largest remainder), shuffled over ranks.
    raw = shares * n
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]] += 1
    category = np.repeat(np.arange(len(shares)), counts)
    Streams.fixed(seed, "catalogue").shuffle(category)

    def col(attr: str, dtype: type = float) -> np.ndarray:
        return np.array([getattr(c, attr) for c in cat.categories], dtype=dtype)[category]

    mean_lines = max(1.0, demand.lines_per_order.mean())
    mean_units = max(1.0, demand.units_per_line.mean())
    return CatalogueArrays(
        popularity=pop,
        category=category,
        category_names=[c.name for c in cat.categories],
        category_storage_class=[c.storage_class for c in cat.categories],
        price_eur=col("unit_price_eur"),
        cost_eur=col("unit_cost_eur"),
        weight_kg=col("unit_weight_kg"),
        volume_l=col("unit_volume_l"),
        units_per_pallet=col("units_per_pallet"),
        return_rate=col("return_rate"),
        soft=col("soft_goods", bool),
        fragile=col("fragile", bool),
        daily_units=demand.orders_per_day * mean_lines * mean_units * pop,
    )
