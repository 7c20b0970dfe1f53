"""Stock KPIs of one run: stock value, turns, days of cover, peak occupancy of the space.

Place in the flow: `kpis.evaluate` calls `stock_kpis` after the ledger; it reads the stocking
nodes' daily series (stock read at 00:00) and the parcels' ship times. Stocking nodes are the
warehouse nodes (self, 3PL, marketplace): a dropship supplier holds none of the merchant's stock.

- `stock_value_eur_mean`: the stock's value at wholesale cost, summed over the stocking nodes,
  averaged over the window's days;
- `stock_turns_per_year`: the cost of the goods shipped from stocking nodes in the window
  (parcels collected by a carrier on a window day, units short left out) over the mean stock
  value, scaled to a year (× 365.25 / window days);
- `days_of_cover`: mean stock units over the mean units shipped per day from stocking nodes — by
  Little's law, the mean days a unit spends in stock;
- `peak_stock_pallets`: the most pallet positions the summed stock took on one day of the
  horizon (warm-up included, drain days left out: the span the building is sized on);
- `peak_occupancy_share`: over the stocking nodes with a capacity (an own warehouse's rented
  building, else its storage zones' total), the largest of peak stock / capacity; above 1 the
  stock overflowed.

A strategy without stock (dropship) reports a stock value and a peak of 0; its turns, cover and
occupancy are undefined (NaN): nothing is held, so nothing turns.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.accounting.facility import DAYS_PER_YEAR, capacity_of, peak_pallets
from fcsim.model.accounting.reduce import _safe_div
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.network import StrategyRun
from fcsim.scenario.schema.nodes import WarehouseNode
from fcsim.scenario.schema.scenario import Scenario


def stock_kpis(
    scenario: Scenario, strategy: str, run: StrategyRun, window: tuple[int, int]
) -> dict[str, float]:
    """The stock KPIs of `strategy`'s run over the window days [start, stop)."""
    nodes = list(scenario.nodes_of(strategy).values())
    stocking = [i for i, node in enumerate(nodes) if isinstance(node, WarehouseNode)]
    start, stop = window
    horizon = scenario.horizon_days

    def summed(key: str) -> np.ndarray:
        return sum((run.nodes[i].daily[key] for i in stocking), np.zeros(run.n_days))

    value = float(summed("stock_value_eur")[start:stop].mean())
    units = float(summed("stock_units")[start:stop].mean())
    p = run.parcels
    shipped = (
        np.isin(p.node, stocking)
        & ~p.cancelled
        & (p.ship_min >= start * MIN_PER_DAY)
        & (p.ship_min < stop * MIN_PER_DAY)
    )
    supplied = np.maximum(p.units - p.units_short, 0)[shipped]
    cogs = float((p.goods_cost_eur[shipped] * supplied / np.maximum(p.units[shipped], 1)).sum())
    days = stop - start
    shares = [
        _safe_div(peak_pallets(run.nodes[i], horizon), cap)
        for i in stocking
        if np.isfinite(cap := capacity_of(nodes[i], run.nodes[i], horizon))
    ]
    return {
        "stock_value_eur_mean": value,
        "stock_turns_per_year": _safe_div(cogs, value) * DAYS_PER_YEAR / days,
        "days_of_cover": _safe_div(units, supplied.sum() / days),
        "peak_stock_pallets": float(summed("stock_pallets")[:horizon].max()),
        "peak_occupancy_share": max(shares) if shares else float("nan"),
    }
