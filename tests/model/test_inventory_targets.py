"""Replenishment targets follow the demand forecast and keep a floor for slow movers (D3)."""

from __future__ import annotations

import numpy as np

from fcsim.model.inventory import Inventory, _cover_mean
from fcsim.scenario.schema.stock import Replenishment


def test_cover_mean() -> None:
    f = np.array([1.0, 1.0, 3.0, 3.0])
    assert _cover_mean(f, 2).tolist() == [1.0, 2.0, 3.0, 3.0]
    assert _cover_mean(None, 10).tolist() == [1.0]


def test_targets_scale_with_the_forecast_and_keep_a_floor() -> None:
    cfg = Replenishment(reorder_point_days=10, order_up_to_days=20, min_reorder_point_units=2)
    daily = np.array([1.0, 0.01, 0.0])  # a runner, a slow mover, a SKU not stocked here
    forecast = np.r_[np.ones(50), np.full(100, 2.0)]  # demand doubles from day 50
    inv = Inventory(daily, cfg, lambda p: None, forecast)
    assert inv.on_hand == [20, 3, 0]  # 20 days of cover; the slow mover at least s + 1
    # empty the shelves and review on day 0 and on day 60
    inv.on_hand = [0, 0, 0]
    skus, units = inv.review(0)
    assert dict(zip(skus.tolist(), units.tolist(), strict=True)) == {0: 20, 1: 3}
    inv.on_order[:] = 0
    skus, units = inv.review(60)
    assert dict(zip(skus.tolist(), units.tolist(), strict=True)) == {0: 40, 1: 3}


def test_without_forecast_targets_are_flat() -> None:
    cfg = Replenishment(reorder_point_days=10, order_up_to_days=20, follow_forecast=False)
    inv = Inventory(np.array([1.0]), cfg, lambda p: None, None)
    inv.on_hand = [0]
    assert inv.review(300)[1].tolist() == [20]
