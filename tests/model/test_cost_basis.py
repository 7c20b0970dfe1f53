"""Where every euro comes from: each cost line's basis (rate x quantity) adds up to its amount.

The default scenario on a short run: every category of every run is the sum of its terms to
the cent, and every term that is a product is its rate times its quantity; then hand cases for
labour, rent, a 3PL storage line and a carrier's shipping line.
"""

from __future__ import annotations

import numpy as np
import pytest

from fcsim.core.metrics import CASH, COST, OPPORTUNITY
from fcsim.experiment.runs import plan, simulate
from fcsim.model.accounting.basis import SEP, TABLE, summary_of
from fcsim.model.accounting.costs import Ledger, NodeView, self_costs, third_party_costs
from fcsim.model.accounting.parcel_costs import common_costs
from fcsim.model.node import NodeResult
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.scenario import ThirdPartyNode
from tests.conftest import ROOT
from tests.model.test_facility import JAN, QUIET, _minutes, _node
from tests.model.test_invoice import JAN_DAYS, _parcels, _view


@pytest.fixture(scope="module")
def default_runs():
    sc = load_scenario(ROOT / "scenarios" / "default.yaml", ["horizon_days=60"])
    return sc, [simulate(spec) for spec in plan(sc, replications=2)]


def test_every_cost_line_of_the_default_scenario_is_the_sum_of_its_terms(default_runs) -> None:
    sc, results = default_runs
    assert {r.strategy for r in results} == set(sc.strategies)
    for r in results:
        b = r.breakdowns[r.breakdowns["table"] == TABLE]
        by_category = b.groupby("group")["value"].sum()
        for c in CASH + OPPORTUNITY:  # every euro of every line has a basis
            total = r.kpis[COST.name(c)]
            assert abs(by_category.get(c, 0.0) - total) < 0.01, (r.strategy, r.replication, c)
        product = b[b["key"].str.endswith(SEP + "product")]
        assert len(product) >= 4  # the dropship strategy has the fewest
        gap = (product["low"] * product["count"] - product["value"]).abs()
        assert (gap < 0.01).all(), product[gap >= 0.01]


def test_the_summary_gives_each_term_its_mean_over_replications(default_runs) -> None:
    import pandas as pd

    from fcsim.model.accounting.breakdowns import breakdowns_table

    sc, results = default_runs
    runs = pd.DataFrame(
        [{"strategy": r.strategy, "replication": r.replication, **r.kpis} for r in results]
    )
    doc = summary_of(breakdowns_table(results), runs)
    own = doc["own_warehouse"]
    (labour,) = [t for t in own["labour"]["terms"] if t["key"].endswith("costs.wage_eur_per_hour")]
    wage = sc.strategies["own_warehouse"].costs.wage_eur_per_hour
    assert labour["key"] == "strategies.own_warehouse.costs.wage_eur_per_hour"
    assert labour["rate"] == pytest.approx(wage)
    assert labour["product"] and labour["quantity_unit"] == "paid staff-hours"
    g = runs[runs["strategy"] == "own_warehouse"]
    per_order = (g["cost_per_order_labour_eur"]).mean()
    assert own["labour"]["per_order_eur"] == pytest.approx(per_order, rel=1e-9)
    # the cash terms add up to the cost per order
    cash = sum(c["per_order_eur"] for k, c in own.items() if k in CASH)
    assert cash == pytest.approx(g["cost_per_order_eur"].mean(), rel=1e-9)
    shipping = doc["outsourced_3pl"]["shipping"]["terms"]
    assert all(not t["product"] and t["quantity_unit"].startswith("parcels") for t in shipping)


def _self_ledger(node, scenario, stock: np.ndarray) -> Ledger:
    zero = ("written_off_eur", "refurbish_eur", "trucks_arrived", "pallets_arrived")
    daily = {k: np.zeros(JAN) for k in (*zero, "written_off_units", "refurbished_units")}
    daily["stock_pallets"] = stock
    daily["stock_value_eur"] = np.zeros(JAN)
    result = NodeResult(
        name="own",
        kind="warehouse",
        daily=daily,
        staff_minutes_by_day=_minutes([("08:00", "16:00")]),
        headcount_by_day={"pickers": np.full(JAN, 2)},
        overtime_minutes_by_day=np.zeros(JAN),
    )
    p = _parcels([], [], [], [])
    v = _view(p, {}, scenario)
    view = NodeView(**{**v.__dict__, "result": result, "name": "own", "path": "strategies.x"})
    led = Ledger(JAN)
    self_costs(led, view, node)
    return led


def _terms(led: Ledger, category: str) -> list:
    return [b for b in led.bases if b.category == category]


def test_labour_is_the_wage_times_the_paid_staff_hours(small_scenario) -> None:
    # 2 people, 8 h on each of January 2026's 22 weekdays: 352 staff-hours at 24.00 EUR/h
    node = _node(QUIET | {"wage_eur_per_hour": 24})
    led = _self_ledger(node, small_scenario, np.zeros(JAN))
    (t,) = _terms(led, "labour")
    assert (t.key, t.rate, t.rate_unit) == ("strategies.x.costs.wage_eur_per_hour", 24, "EUR/h")
    assert t.quantity == pytest.approx(352) and t.quantity_unit == "paid staff-hours"
    assert t.amount == pytest.approx(8448) == led.totals(0, JAN)["labour"]


def test_rent_is_the_building_rented_times_the_months(small_scenario) -> None:
    buildings = [
        {"name": "small", "capacity_pallets": 50, "rent_eur_per_month": 3000, "area_m2": 500},
        {"name": "large", "capacity_pallets": 100, "rent_eur_per_month": 5000, "area_m2": 900},
    ]
    costs = QUIET | {"buildings": buildings}
    costs.pop("rent_eur_per_month")
    node = _node(costs)
    stock = np.full(JAN, 40.0)
    (small,) = _terms(_self_ledger(node, small_scenario, stock), "rent")
    assert small.key == "strategies.x.costs.buildings[0].rent_eur_per_month"
    assert (small.rate, small.quantity, small.amount) == pytest.approx((3000, 1.0, 3000))
    stock[9] = 60.0  # one day above the small building: the large one's rent, one month
    (large,) = _terms(_self_ledger(node, small_scenario, stock), "rent")
    assert large.key == "strategies.x.costs.buildings[1].rent_eur_per_month"
    assert (large.rate, large.quantity_unit) == (5000, "months (large)")


def test_3pl_storage_is_the_rate_times_the_pallet_months_peak_apart(small_scenario) -> None:
    node = ThirdPartyNode.model_validate(
        {
            "kind": "3pl",
            "carriers": ["colissimo"],
            "holding_rate_per_year": 0.0,
            "fees": {
                "storage_basis": "per_pallet",
                "storage_eur_per_pallet_month": 25,
                "storage_peak_eur_per_pallet_month": 40,
                "peak_months": [1],
            },
        }
    )
    p = _parcels([1], [3], [-1], [0])
    stock = np.full(JAN_DAYS, 20.0)
    led = Ledger(JAN_DAYS, (0, JAN_DAYS))
    third_party_costs(led, _view(p, {"stock_pallets_whole": stock}, small_scenario), node)
    storage = _terms(led, "storage")
    # January is a peak month here: 20 pallets all month at 40.00 = 800.00, nothing at 25.00
    (t,) = storage
    assert t.key == "fees.storage_peak_eur_per_pallet_month"
    assert (t.rate, t.quantity, t.quantity_unit) == (40, pytest.approx(20), "pallet-months, peak")
    assert t.amount == pytest.approx(800) == pytest.approx(led.totals(0, JAN_DAYS)["storage"])
    # measured over the window: the last 11 days of January are 20 x 11/31 pallet-months
    led = Ledger(JAN_DAYS, (20, JAN_DAYS))
    third_party_costs(led, _view(p, {"stock_pallets_whole": stock}, small_scenario), node)
    (t,) = _terms(led, "storage")
    assert t.quantity == pytest.approx(20 * 11 / 31)
    assert t.amount == pytest.approx(led.totals(20, JAN_DAYS)["storage"])


def test_shipping_is_the_parcels_at_their_mean_price(small_scenario) -> None:
    # 60 parcels at 5.00 and 40 at 8.00 by colissimo: 100 parcels, 6.20 on average, 620.00
    p = _parcels([1] * 100, [i % JAN_DAYS for i in range(100)], [-1] * 100, [0] * 100)
    p.carrier[:] = 0
    p.shipping_eur[:] = [5.0] * 60 + [8.0] * 40
    led = Ledger(JAN_DAYS)
    node = small_scenario.nodes_of("own")["own"]
    common_costs(led, _view(p, {}, small_scenario), node)
    (t,) = _terms(led, "shipping")
    assert (t.key, t.product, t.quantity_unit) == (
        "carriers[0].rate_card",
        False,
        "parcels by colissimo",
    )
    assert (t.quantity, t.rate, t.amount) == pytest.approx((100, 6.2, 620))
    assert t.amount == pytest.approx(led.totals(0, JAN_DAYS)["shipping"])
