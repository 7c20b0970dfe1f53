"""The own warehouse as a business: each fixed cost line moves by the hand-computed amount.

January 2026 (31 days, 22 weekdays) is one calendar month: a monthly amount is booked whole.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fcsim.model.accounting.costs import Ledger, NodeView, month_index, self_costs
from fcsim.model.accounting.facility import space_of
from fcsim.model.calendar import BusinessDays, WorkCalendar
from fcsim.model.node import NodeResult
from fcsim.model.parcels import Parcels
from fcsim.scenario.schema.scenario import SelfNode

JAN = 31
JAN_1 = dt.date(2026, 1, 1)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
# every fixed line off but the one a test looks at
QUIET = {
    "rent_eur_per_month": 0,
    "equipment_eur_per_month": 0,
    "it_eur_per_month": 0,
    "wms_eur_per_month": 0,
    "utilities_eur_per_m2_month": 0,
    "insurance_eur_per_year": 0,
    "insurance_share_of_stock_value": 0,
    "supervisors": 0,
}


def _node(costs: dict, **extra) -> SelfNode:
    return SelfNode.model_validate(
        {
            "kind": "self",
            "carriers": ["colissimo"],
            "holding_rate_per_year": 0.0,
            "costs": costs,
            **extra,
        }
    )


def _minutes(shifts: list[tuple[str, str]]) -> np.ndarray:
    cal = WorkCalendar.from_shifts([(WEEKDAYS, a, b) for a, b in shifts], JAN_1, JAN)
    return cal.minutes_per_day(JAN)


def _totals(
    node: SelfNode,
    scenario,
    *,
    stock_pallets: float | np.ndarray = 0.0,
    stock_value: float = 0.0,
    shifts: list[tuple[str, str]] = (("08:00", "16:00"),),
) -> dict[str, float]:
    """One January of a self-run centre with no parcels: the ledger's totals by category."""
    zero = ("written_off_eur", "refurbish_eur", "trucks_arrived", "pallets_arrived")
    zero += ("written_off_units", "refurbished_units")
    daily = {k: np.zeros(JAN) for k in zero}
    daily["stock_pallets"] = np.broadcast_to(np.asarray(stock_pallets, float), (JAN,)).copy()
    daily["stock_value_eur"] = np.full(JAN, stock_value)
    result = NodeResult(
        name="own",
        kind="warehouse",
        daily=daily,
        staff_minutes_by_day=_minutes(list(shifts)),
        headcount_by_day={"pickers": np.full(JAN, 2)},
        overtime_minutes_by_day=np.zeros(JAN),
    )
    p = Parcels(
        order=np.zeros(0, dtype=np.int64),
        node=np.zeros(0, dtype=np.int16),
        slot=np.zeros(0, dtype=np.int16),
        created_min=np.zeros(0),
        line_ptr=np.zeros(1, dtype=np.int64),
        lines=np.zeros(0, dtype=np.int64),
        units=np.zeros(0, dtype=np.int32),
        weight_kg=np.zeros(0),
        volume_l=np.zeros(0),
        value_eur=np.zeros(0),
        goods_cost_eur=np.zeros(0),
        all_soft=np.zeros(0, dtype=bool),
        any_fragile=np.zeros(0, dtype=bool),
    )
    none = np.zeros(0, dtype=bool)
    view = NodeView(
        scenario=scenario,
        parcels=p,
        orders=None,
        catalogue=None,
        result=result,
        mine=none,
        shipped=none,
        day=np.zeros(0, dtype=np.int64),
        months=month_index(BusinessDays(JAN_1, []), JAN),
        window=(0, JAN),
    )
    led = Ledger(JAN)
    self_costs(led, view, node)
    return led.totals(0, JAN)


def test_the_stock_that_needs_the_bigger_building_pays_its_rent(small_scenario) -> None:
    buildings = [
        {"name": "small", "capacity_pallets": 50, "rent_eur_per_month": 3000, "area_m2": 500},
        {"name": "large", "capacity_pallets": 100, "rent_eur_per_month": 5000, "area_m2": 900},
    ]
    costs = QUIET | {"buildings": buildings, "utilities_eur_per_m2_month": 1.2}
    costs.pop("rent_eur_per_month")
    node = _node(costs)
    stock = np.full(JAN, 40.0)
    small = _totals(node, small_scenario, stock_pallets=stock)
    assert small["rent"] == pytest.approx(3000)
    assert small["utilities"] == pytest.approx(500 * 1.2)
    stock[9] = 60.0  # one day above the small building: the lease is for the large one
    large = _totals(node, small_scenario, stock_pallets=stock)
    assert large["rent"] - small["rent"] == pytest.approx(2000)
    assert large["utilities"] - small["utilities"] == pytest.approx(400 * 1.2)
    assert large["overflow_storage"] == 0
    assert space_of(node, 60.0).name == "large"
    # beyond the largest building: its rent, and each pallet above it pays the overflow rate
    over = _totals(node, small_scenario, stock_pallets=np.full(JAN, 130.0))
    assert over["rent"] == pytest.approx(5000)
    assert over["overflow_storage"] == pytest.approx(30 * 1.0 * JAN)


def test_a_single_building_with_a_capacity_charges_the_overflow(small_scenario) -> None:
    node = _node(QUIET | {"capacity_pallets": 80, "overflow_eur_per_pallet_day": 0.8})
    t = _totals(node, small_scenario, stock_pallets=np.full(JAN, 90.0))
    assert t["overflow_storage"] == pytest.approx(10 * 0.8 * JAN)
    assert t["rent"] == 0  # QUIET: no rent


def test_a_second_shift_pays_its_own_supervisor(small_scenario) -> None:
    node = _node(QUIET | {"supervisors": 1, "supervisor_wage_eur_per_hour": 27})
    one = _totals(node, small_scenario, shifts=[("06:00", "14:00")])
    two = _totals(node, small_scenario, shifts=[("06:00", "14:00"), ("14:00", "22:00")])
    assert one["supervision"] == pytest.approx(22 * 8 * 27)  # 4,752.00
    assert two["supervision"] == pytest.approx(2 * one["supervision"])
    # the operatives are labour, the supervisors are not
    assert one["labour"] == pytest.approx(22 * 8 * 2 * 22.0)
    managed = _node(QUIET | {"supervisors": 1, "management_eur_per_month": 3000})
    with_manager = _totals(managed, small_scenario, shifts=[("06:00", "14:00")])
    assert with_manager["supervision"] - one["supervision"] == pytest.approx(3000)


def test_start_up_and_capital_spend_are_amortised(small_scenario) -> None:
    base = QUIET | {"startup_eur": 6000, "capex_eur": 30000, "amortisation_months": 12}
    t = _totals(_node(base), small_scenario)
    per_day = 36000 / 365  # 12 months of 30.44 days: 365 days
    assert t["startup_capex"] == pytest.approx(per_day * JAN)
    more = _totals(_node(base | {"capex_eur": 33650}), small_scenario)
    assert more["startup_capex"] - t["startup_capex"] == pytest.approx(3650 / 365 * JAN)
    # spread over one month, all of it lands in January... and nothing after
    short = _totals(_node(base | {"amortisation_months": 0.5}), small_scenario)
    assert short["startup_capex"] == pytest.approx(36000)


def test_utilities_per_square_metre_and_per_month(small_scenario) -> None:
    base = QUIET | {"area_m2": 1000, "utilities_eur_per_m2_month": 1.2}
    t = _totals(_node(base), small_scenario)
    assert t["utilities"] == pytest.approx(1200)
    more = _totals(_node(base | {"utilities_eur_per_month": 300}), small_scenario)
    assert more["utilities"] - t["utilities"] == pytest.approx(300)
    bigger = _totals(_node(base | {"area_m2": 1500}), small_scenario)
    assert bigger["utilities"] - t["utilities"] == pytest.approx(600)


def test_insurance_per_year_and_on_the_stock_value(small_scenario) -> None:
    base = QUIET | {"insurance_eur_per_year": 1500}
    t = _totals(_node(base), small_scenario, stock_value=100_000)
    assert t["site_insurance"] == pytest.approx(1500 * JAN / 365.25)
    on_stock = _totals(
        _node(base | {"insurance_share_of_stock_value": 0.003}),
        small_scenario,
        stock_value=100_000,
    )
    assert on_stock["site_insurance"] - t["site_insurance"] == pytest.approx(300 * JAN / 365.25)


def test_monthly_equipment_it_and_wms_lines(small_scenario) -> None:
    base = QUIET | {"equipment_eur_per_month": 1500, "it_eur_per_month": 150}
    t = _totals(_node(base), small_scenario)
    assert t["equipment_it"] == pytest.approx(1650)
    assert t["wms"] == 0
    wms = _totals(_node(base | {"wms_eur_per_month": 250}), small_scenario)
    assert wms["wms"] == pytest.approx(250)
    assert wms["equipment_it"] == pytest.approx(1650)


def test_rent_steps_are_one_way_to_give_the_space() -> None:
    step = {"name": "s", "capacity_pallets": 50, "rent_eur_per_month": 3000, "area_m2": 500}
    with pytest.raises(ValueError, match="rent_eur_per_month is given by each of `buildings`"):
        _node({"buildings": [step], "rent_eur_per_month": 4000})
    big = step | {"name": "b", "capacity_pallets": 20}
    with pytest.raises(ValueError, match="buildings must grow in capacity_pallets"):
        _node({"buildings": [step, big]})
