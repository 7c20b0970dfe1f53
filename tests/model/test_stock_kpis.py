"""Stock KPIs on a hand case: stock value, turns, days of cover (Little's law), peak occupancy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fcsim.model.accounting.stock import stock_kpis
from fcsim.model.network import StrategyRun
from fcsim.model.node import NodeResult
from fcsim.model.parcels import Parcels

DAYS = 35  # the small scenario's horizon; window (7, 35): 28 days


def _parcels(n: int, units: int, cost_eur: float, node: int = 0) -> Parcels:
    """One parcel a day from day 0, `units` units worth `cost_eur` at cost, shipped at noon."""
    p = Parcels(
        order=np.arange(n),
        node=np.full(n, node, dtype=np.int16),
        slot=np.zeros(n, dtype=np.int16),
        created_min=np.arange(n) * 1440.0 + 600,
        line_ptr=np.arange(n + 1),
        lines=np.arange(n),
        units=np.full(n, units, dtype=np.int32),
        weight_kg=np.ones(n),
        volume_l=np.ones(n),
        value_eur=np.full(n, 3 * cost_eur),
        goods_cost_eur=np.full(n, cost_eur),
        all_soft=np.ones(n, dtype=bool),
        any_fragile=np.zeros(n, dtype=bool),
    )
    p.ship_min[:] = p.created_min + 120
    return p


def _run(p: Parcels, stock_units: float, stock_value: float, pallets: np.ndarray) -> StrategyRun:
    daily = {
        "stock_units": np.full(DAYS, stock_units),
        "stock_value_eur": np.full(DAYS, stock_value),
        "stock_pallets": pallets,
    }
    node = NodeResult(name="own", kind="warehouse", daily=daily)
    return StrategyRun(
        parcels=p, node_names=["own"], node_kinds=["self"], nodes=[node], n_days=DAYS, events=0
    )


def test_days_of_cover_is_stock_over_throughput(small_scenario) -> None:
    # 10 units a day (at 15 EUR each) leave a stock of 300 units worth 4,500 EUR
    p = _parcels(DAYS, 10, 150.0)
    pallets = np.full(DAYS, 2.0)
    pallets[3] = 5.0  # the peak, in the warm-up
    k = stock_kpis(small_scenario, "own", _run(p, 300, 4500, pallets), (7, DAYS))
    assert k["stock_value_eur_mean"] == pytest.approx(4500)
    assert k["days_of_cover"] == pytest.approx(300 / 10)  # Little: 30 days on the shelf
    # 28 days x 150 EUR shipped = 4,200 EUR of goods over a 4,500 EUR stock, a year of it
    assert k["stock_turns_per_year"] == pytest.approx(4200 / 4500 * 365.25 / 28)
    assert k["peak_stock_pallets"] == 5.0
    assert math.isnan(k["peak_occupancy_share"])  # the small scenario's own: no capacity


def test_units_short_are_not_shipped_stock(small_scenario) -> None:
    p = _parcels(DAYS, 10, 150.0)
    p.units_short[10:38] = 5  # from day 10 on, half of each parcel was missing
    k = stock_kpis(small_scenario, "own", _run(p, 300, 4500, np.ones(DAYS)), (7, DAYS))
    shipped_units = 3 * 10 + 25 * 5  # days 7-9 whole, days 10-34 half
    assert k["days_of_cover"] == pytest.approx(300 / (shipped_units / 28))
    cogs = 3 * 150 + 25 * 75
    assert k["stock_turns_per_year"] == pytest.approx(cogs / 4500 * 365.25 / 28)


def test_peak_occupancy_against_the_building(small_scenario) -> None:
    raw = small_scenario.model_dump(by_alias=True)
    raw["strategies"]["own"]["costs"] = {"capacity_pallets": 8}
    sc = type(small_scenario).model_validate(raw, strict=False)
    pallets = np.full(DAYS, 2.0)
    pallets[20] = 6.0
    k = stock_kpis(sc, "own", _run(_parcels(DAYS, 1, 10.0), 30, 300, pallets), (7, DAYS))
    assert k["peak_occupancy_share"] == pytest.approx(6 / 8)


def test_a_dropship_strategy_holds_no_stock(small_scenario) -> None:
    p = _parcels(DAYS, 10, 150.0)
    drop = NodeResult(name="drop", kind="supplier")
    run = StrategyRun(
        parcels=p, node_names=["drop"], node_kinds=["dropship"], nodes=[drop], n_days=DAYS, events=0
    )
    k = stock_kpis(small_scenario, "drop", run, (7, DAYS))
    assert k["stock_value_eur_mean"] == 0 and k["peak_stock_pallets"] == 0
    assert math.isnan(k["stock_turns_per_year"])
    assert math.isnan(k["days_of_cover"])
    assert math.isnan(k["peak_occupancy_share"])
