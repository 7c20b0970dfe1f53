"""Catalogue columns when the catalogue comes from a product file or the demand from a history.

Place in the flow: `fcsim.catalogue.build_catalogue` hands over here in those two cases. The
result keeps the catalogue's rule that a SKU's index is its sales rank (0 = best-seller), which
routing by sales class (`abc`) relies on: SKUs are sorted by their share of order lines in the
history, else by the product file's popularity column, else they keep the file's order (Zipf
popularity). `sku_code` holds each index's SKU code, for the history's lines to be matched.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from fcsim.catalogue import CatalogueArrays, build_catalogue
from fcsim.history.cache import load_fit, load_history, load_products
from fcsim.history.products import Products
from fcsim.schema.business import Catalogue, Demand
from fcsim.schema.history import CatalogueFile, HistoryDemand


def imported_catalogue(
    cat: Catalogue | CatalogueFile, demand: Demand | HistoryDemand, seed: int
) -> CatalogueArrays:
    """Catalogue columns for a product file and/or a history demand."""
    if isinstance(cat, CatalogueFile):
        return _from_products(cat, demand, load_products(cat))
    assert isinstance(demand, HistoryDemand)
    return _generated_for_history(cat, demand, seed)


def _history_daily_units(demand: HistoryDemand, codes: np.ndarray) -> np.ndarray:
    """Units sold per average history day of each SKU code (0 if not sold), with growth."""
    history = load_history(demand)
    per_code = dict(
        zip(history.sku_codes.tolist(), history.sku_units() / history.n_days, strict=True)
    )
    factor = 1.0 + demand.growth
    return np.array([per_code.get(c, 0.0) * factor for c in codes.tolist()], dtype=float)


def _from_products(
    cat: CatalogueFile, demand: Demand | HistoryDemand, products: Products
) -> CatalogueArrays:
    n = products.n
    if isinstance(demand, HistoryDemand):
        history = load_history(demand)
        lines = dict(zip(history.sku_codes.tolist(), history.sku_lines().tolist(), strict=True))
        weight = np.array([lines.get(c, 0) for c in products.sku.tolist()], dtype=float)
    elif products.popularity is not None and products.popularity.sum() > 0:
        weight = products.popularity.astype(float)
    else:
        weight = np.arange(1, n + 1, dtype=float) ** (-cat.popularity_exponent)
    order = np.lexsort((np.arange(n), -weight))  # most popular first, then file order
    pop = weight[order] / weight.sum()
    category = products.category[order]

    def col(attr: str, dtype: type = float) -> np.ndarray:
        return np.array([getattr(c, attr) for c in cat.categories], dtype=dtype)[category]

    def figure(attr: str) -> np.ndarray:
        own = products.figures[attr][order]
        return np.where(np.isnan(own), col(attr), own)

    codes = products.sku[order]
    if isinstance(demand, HistoryDemand):
        daily = _history_daily_units(demand, codes)
    else:
        daily = (
            demand.orders_per_day
            * max(1.0, demand.lines_per_order.mean())
            * max(1.0, demand.units_per_line.mean())
            * pop
        )
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
        sku_code=codes,
    )


def _generated_for_history(cat: Catalogue, demand: HistoryDemand, seed: int) -> CatalogueArrays:
    """A generated catalogue whose first ranks are the history's SKUs, by share of lines."""
    history = load_history(demand)
    base = build_catalogue(cat, load_fit(demand).demand, seed)
    k = len(history.sku_codes)
    pop = np.zeros(base.n)
    pop[:k] = history.sku_lines() / history.sku_lines().sum()
    codes = np.empty(base.n, dtype=object)
    codes[:k] = history.sku_codes
    codes[k:] = [f"(not in the history) #{i + 1}" for i in range(k, base.n)]
    return dataclasses.replace(
        base, popularity=pop, daily_units=_history_daily_units(demand, codes), sku_code=codes
    )
