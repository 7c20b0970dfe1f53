"""A run in which no order ships has no cost per order (NaN), never a negative one."""

from __future__ import annotations

import numpy as np

from fcsim.model.accounting.kpis import evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario

from conftest import SMALL

LATE_NIGHT = "[" + ", ".join(["0"] * 23 + ["1"]) + "]"


def test_cost_per_order_is_nan_when_no_order_could_ship() -> None:
    # one day of orders, all placed after 23:00, and no drain days: nothing is collected
    sc = load_scenario(
        SMALL,
        ["horizon_days=1", "warmup_days=0", "drain_days=0", f"demand.hour_profile={LATE_NIGHT}"],
    )
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data)
    assert orders.n > 0
    for name in sc.strategies:
        k = evaluate(sc, name, run_strategy(sc, name, orders, catalogue, streams), orders,
                     catalogue, streams).kpis  # fmt: skip
        assert k["orders_in_progress"] + k["orders_cancelled"] == k["orders"] == orders.n, name
        assert np.isnan(k["cost_per_order_eur"]) and np.isnan(k["economic_cost_per_order_eur"])
        assert np.isnan(k["cost_per_order_shipping_revenue_eur"])
        assert k["total_cost_eur"] == k["total_cost_eur"]  # the total is still counted
