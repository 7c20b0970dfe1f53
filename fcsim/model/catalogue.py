"""The catalogue as columns: one entry per SKU, SKU index = sales rank (0 = best-seller).

Place in the flow: built once per run from `Scenario.catalogue` with a stream that is the same
in every replication; used by demand (popularity), routing (rank, category), packing (volume,
softness), carriers (weight), inventory (units per pallet, demand rate) and costs (value).

When the catalogue comes from a product file or the demand from an order history (their
content in `Scenario.data`, read when the scenario was loaded), the catalogue keeps the rule
that a SKU's index is its sales rank, which routing by sales class (`abc`) relies on: SKUs are
sorted by their share of order lines in the history, else by the product file's popularity
column, else they keep the file's order (Zipf popularity). `sku_code` holds each index's SKU
code, for the history's lines to be matched.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from fcsim.history.products import Products
from fcsim.model.streams import Streams
from fcsim.scenario.schema.business import FRAGILITY, Catalogue, Demand
from fcsim.scenario.schema.content import NO_DATA, ScenarioData
from fcsim.scenario.schema.history import CatalogueFile, HistoryDemand


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
    fragility: np.ndarray  # int8: index into schema.business.FRAGILITY
    shelf_life_days: np.ndarray  # int32: days a unit may stay in stock; 0 = no limit
    sku_code: np.ndarray | None = None  # SKU codes by index, when imported (a product file)

    @property
    def n(self) -> int:
        return len(self.popularity)

    @property
    def sales_rank(self) -> np.ndarray:
        return np.arange(self.n)


def build_catalogue(
    cat: Catalogue | CatalogueFile,
    demand: Demand | HistoryDemand,
    seed: int,
    data: ScenarioData = NO_DATA,
) -> CatalogueArrays:
    """Columns for `cat`; categories are spread over sales ranks by a fixed random draw.

    A product file or an order history (their content in `data`, read when the scenario was
    loaded: `Scenario.data`) is imported by `imported_catalogue`.
    """
    if isinstance(cat, CatalogueFile) or isinstance(demand, HistoryDemand):
        return imported_catalogue(cat, demand, seed, data)
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

    return _arrays(cat, category, pop, _parametric_daily_units(demand, pop))


def _parametric_daily_units(demand: Demand, pop: np.ndarray) -> np.ndarray:
    """Expected units sold per average day of each SKU under a parametric demand."""
    mean_lines = max(1.0, demand.lines_per_order.mean())
    mean_units = max(1.0, demand.units_per_line.mean())
    return demand.orders_per_day * mean_lines * mean_units * pop


def _arrays(
    cat: Catalogue | CatalogueFile,
    category: np.ndarray,
    pop: np.ndarray,
    daily: np.ndarray,
    figures: dict[str, np.ndarray] | None = None,
    sku_code: np.ndarray | None = None,
) -> CatalogueArrays:
    """The columns of SKUs of `category` (index into `cat.categories`), by sales rank.

    Each SKU takes its category's figures, or its own from `figures` where they are given
    (NaN: the category's).
    """

    def col(attr: str, dtype: type = float) -> np.ndarray:
        return np.array([getattr(c, attr) for c in cat.categories], dtype=dtype)[category]

    def figure(attr: str) -> np.ndarray:
        if figures is None:
            return col(attr)
        own = figures[attr]
        return np.where(np.isnan(own), col(attr), own)

    return CatalogueArrays(
        popularity=pop,
        category=category,
        category_names=[c.name for c in cat.categories],
        category_storage_class=[c.storage_class for c in cat.categories],
        price_eur=figure("unit_price_eur"),
        cost_eur=figure("unit_cost_eur"),
        weight_kg=figure("unit_weight_kg"),
        volume_l=figure("unit_volume_l"),
        units_per_pallet=col("units_per_pallet"),
        return_rate=col("return_rate"),
        soft=col("soft_goods", bool),
        fragile=col("fragile", bool),
        daily_units=daily,
        fragility=np.array(
            [FRAGILITY.index(c.fragility_class) for c in cat.categories], dtype=np.int8
        )[category],
        shelf_life_days=np.array([c.shelf_life_days or 0 for c in cat.categories], dtype=np.int32)[
            category
        ],
        sku_code=sku_code,
    )


def imported_catalogue(
    cat: Catalogue | CatalogueFile,
    demand: Demand | HistoryDemand,
    seed: int,
    data: ScenarioData,
) -> CatalogueArrays:
    """Catalogue columns for a product file and/or a history demand."""
    if isinstance(cat, CatalogueFile):
        return _from_products(cat, demand, data.products_for(cat), data)
    assert isinstance(demand, HistoryDemand)
    return _generated_for_history(cat, demand, seed, data)


def _history_daily_units(
    demand: HistoryDemand, codes: np.ndarray, data: ScenarioData
) -> np.ndarray:
    """Units sold per average history day of each SKU code (0 if not sold), with growth."""
    history = data.history_for(demand)
    per_code = dict(
        zip(history.sku_codes.tolist(), history.sku_units() / history.n_days, strict=True)
    )
    factor = 1.0 + demand.growth
    return np.array([per_code.get(c, 0.0) * factor for c in codes.tolist()], dtype=float)


def _from_products(
    cat: CatalogueFile, demand: Demand | HistoryDemand, products: Products, data: ScenarioData
) -> CatalogueArrays:
    n = products.n
    if isinstance(demand, HistoryDemand):
        history = data.history_for(demand)
        lines = dict(zip(history.sku_codes.tolist(), history.sku_lines().tolist(), strict=True))
        weight = np.array([lines.get(c, 0) for c in products.sku.tolist()], dtype=float)
    elif products.popularity is not None and products.popularity.sum() > 0:
        weight = products.popularity.astype(float)
    else:
        weight = np.arange(1, n + 1, dtype=float) ** (-cat.popularity_exponent)
    order = np.lexsort((np.arange(n), -weight))  # most popular first, then file order
    pop = weight[order] / weight.sum()
    category = products.category[order]

    codes = products.sku[order]
    if isinstance(demand, HistoryDemand):
        daily = _history_daily_units(demand, codes, data)
    else:
        daily = _parametric_daily_units(demand, pop)
    figures = {k: v[order] for k, v in products.figures.items()}
    return _arrays(cat, category, pop, daily, figures=figures, sku_code=codes)


def _generated_for_history(
    cat: Catalogue, demand: HistoryDemand, seed: int, data: ScenarioData
) -> CatalogueArrays:
    """A generated catalogue whose first ranks are the history's SKUs, by share of lines."""
    history = data.history_for(demand)
    base = build_catalogue(cat, data.demand_for(demand), seed)
    k = len(history.sku_codes)
    pop = np.zeros(base.n)
    pop[:k] = history.sku_lines() / history.sku_lines().sum()
    codes = np.empty(base.n, dtype=object)
    codes[:k] = history.sku_codes
    codes[k:] = [f"(not in the history) #{i + 1}" for i in range(k, base.n)]
    return dataclasses.replace(
        base, popularity=pop, daily_units=_history_daily_units(demand, codes, data), sku_code=codes
    )
