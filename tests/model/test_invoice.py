"""A 3PL invoice and a marketplace invoice, checked to the cent against hand calculations."""

from __future__ import annotations

import numpy as np
import pytest

from fcsim.model.accounting.costs import (
    Ledger,
    NodeView,
    marketplace_costs,
    month_index,
    third_party_costs,
)
from fcsim.model.calendar import BusinessDays
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import Orders
from fcsim.model.node import NodeResult
from fcsim.model.parcels import Parcels
from fcsim.scenario.schema.scenario import MarketplaceNode, ThirdPartyNode

JAN_DAYS = 31


def _parcels(units: list[int], day: list[int], return_day: list[int], returned: list[int]):
    n = len(units)
    p = Parcels(
        order=np.arange(n),
        node=np.zeros(n, dtype=np.int16),
        slot=np.zeros(n, dtype=np.int16),
        created_min=np.asarray(day, float) * 1440 + 600,
        line_ptr=np.arange(n + 1),
        lines=np.arange(n),
        units=np.asarray(units, dtype=np.int32),
        weight_kg=np.ones(n),
        volume_l=np.ones(n),
        value_eur=np.full(n, 40.0),
        goods_cost_eur=np.full(n, 15.0),
        all_soft=np.ones(n, dtype=bool),
        any_fragile=np.zeros(n, dtype=bool),
    )
    p.ship_min[:] = p.created_min + 300
    p.return_day[:] = return_day
    p.units_returned[:] = returned
    return p


def _view(p: Parcels, daily: dict[str, np.ndarray], small_scenario, orders=None, cat=None):
    months = month_index(BusinessDays(small_scenario.start_date.replace(day=1), []), JAN_DAYS)
    n = JAN_DAYS
    zero = (
        "stock_value_eur",
        "written_off_eur",
        "refurbish_eur",
        "refurbished_units",
        "written_off_units",
        "trucks_arrived",
        "pallets_arrived",
        "pallets_received_whole",
        "stock_pallets_whole",
        *(f"storage_locations_{t}" for t in ("bin", "shelf", "pallet")),
    )
    base = {k: np.zeros(n) for k in zero}
    base.update(daily)
    res = NodeResult(name="node", kind="warehouse", daily=base)
    day = np.floor(p.created_min / 1440).astype(int)
    mine = np.ones(p.n, dtype=bool)
    return NodeView(
        scenario=small_scenario,
        parcels=p,
        orders=orders,
        catalogue=cat,
        result=res,
        mine=mine,
        shipped=mine,
        day=day,
        months=months,
        window=(0, JAN_DAYS),
    )


def test_3pl_invoice_with_monthly_minimum(small_scenario) -> None:
    node = ThirdPartyNode.model_validate(
        {
            "kind": "3pl",
            "carriers": ["colissimo"],
            "holding_rate_per_year": 0.0,
            "fees": {
                "setup_eur": 0,
                "receiving_basis": "per_pallet",
                "receiving_eur_per_pallet": 10,
                "storage_basis": "per_pallet",
                "storage_eur_per_pallet_month": 25,
                "pick_pack_first_item_eur": 2.5,
                "pick_pack_extra_item_eur": 0.5,
                "returns_eur_each": 4,
                "monthly_minimum_eur": 1000,
            },
        }
    )
    # 100 orders in January: 60 of one unit, 40 of three units; 10 units returned
    units = [1] * 60 + [3] * 40
    days = [i % JAN_DAYS for i in range(100)]
    ret_day = [-1] * 95 + [20] * 5
    returned = [0] * 95 + [2] * 5
    p = _parcels(units, days, ret_day, returned)
    pallets = np.zeros(JAN_DAYS)
    pallets[2], pallets[16] = 3, 2  # 5 whole pallets received (a part pallet counts as one)
    daily = {"pallets_received_whole": pallets, "stock_pallets_whole": np.full(JAN_DAYS, 20.0)}
    led = Ledger(JAN_DAYS)
    third_party_costs(led, _view(p, daily, small_scenario), node)
    receiving = 5 * 10  # 50.00
    storage = 20 * 25  # 500.00: 20 pallets all month
    pick_pack = 60 * 2.5 + 40 * (2.5 + 2 * 0.5)  # 290.00
    returns = 10 * 4  # 40.00
    fees = receiving + storage + pick_pack + returns  # 880.00
    # top-up: 1000 - 880.00 = 120.00
    t = led.totals(0, JAN_DAYS)
    assert round(t["storage"], 2) == 500.00
    assert round(t["receiving_fees"], 2) == 50.00
    assert round(t["fulfilment_fees"], 2) == round(pick_pack + returns, 2)
    assert round(t["minimum_top_up"], 2) == 120.00
    billed = t["storage"] + t["fulfilment_fees"] + t["receiving_fees"] + t["minimum_top_up"]
    assert round(billed, 2) == 1000.00
    # above the minimum there is no top-up
    led2 = Ledger(JAN_DAYS)
    daily["stock_pallets_whole"] = np.full(JAN_DAYS, 40.0)  # storage 1,000.00
    third_party_costs(led2, _view(p, daily, small_scenario), node)
    t2 = led2.totals(0, JAN_DAYS)
    assert t2["minimum_top_up"] == 0
    billed2 = t2["storage"] + t2["fulfilment_fees"] + t2["receiving_fees"]
    assert round(billed2, 2) == round(fees + 500, 2)


def test_marketplace_invoice_by_size_tier(small_scenario) -> None:
    node = MarketplaceNode.model_validate(
        {
            "kind": "marketplace",
            "carriers": ["colissimo"],
            "holding_rate_per_year": 0.0,
            "fees": {
                "size_tiers": [
                    {
                        "name": "small",
                        "max_weight_kg": 0.5,
                        "max_volume_l": 2,
                        "fee_per_unit_eur": 3,
                    },
                    {
                        "name": "large",
                        "max_weight_kg": 5,
                        "max_volume_l": 20,
                        "fee_per_unit_eur": 5,
                    },
                ],
                "storage_eur_per_l_month": 0.03,
                "storage_peak_eur_per_l_month": 0.09,
                "peak_months": [12],
                "returns_eur_each": 2,
            },
        }
    )
    sc = small_scenario
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    small = int(np.flatnonzero(cat.weight_kg <= 0.5)[0])  # a 0.3 kg, 1.2 l top
    large = int(np.flatnonzero(cat.weight_kg > 0.5)[0])  # a 1.1 kg, 8 l shoe box
    orders = Orders(
        created_min=np.array([600.0, 2000.0]),
        line_start=np.array([0, 1, 2]),
        line_sku=np.array([small, large], dtype=np.int32),
        line_units=np.array([2, 1], dtype=np.int32),
    )
    p = _parcels([2, 1], [0, 1], [10, -1], [1, 0])
    daily = {"stock_volume_l": np.full(JAN_DAYS, 1000.0)}
    led = Ledger(JAN_DAYS)
    marketplace_costs(led, _view(p, daily, sc, orders, cat), node)
    t = led.totals(0, JAN_DAYS)
    assert round(t["fulfilment_fees"], 2) == 2 * 3 + 1 * 5 + 1 * 2  # 13.00
    assert t["storage"] == pytest.approx(1000 * 0.03)  # January is not a peak month


def test_inbound_freight_per_truck_and_pallet(small_scenario) -> None:
    node = ThirdPartyNode.model_validate(
        {
            "kind": "3pl",
            "carriers": ["colissimo"],
            "holding_rate_per_year": 0.0,
            "replenishment": {"freight_eur_per_truck": 450, "freight_eur_per_pallet": 12.5},
        }
    )
    p = _parcels([1], [0], [-1], [0])
    trucks, pallets = np.zeros(JAN_DAYS), np.zeros(JAN_DAYS)
    trucks[3], pallets[3] = 2, 40.5  # a full truck of 33 pallets and a part-load of 7.5
    trucks[17], pallets[17] = 1, 2.25
    daily = {
        "trucks_arrived": trucks,
        "pallets_arrived": pallets,
    }
    led = Ledger(JAN_DAYS)
    third_party_costs(led, _view(p, daily, small_scenario), node)
    # 3 trucks x 450.00 + 42.75 pallets x 12.50 = 1,350.00 + 534.375, on the arrival days
    assert led.totals(0, JAN_DAYS)["inbound_freight"] == pytest.approx(1884.375)
    freight = led.by_category["inbound_freight"]
    assert freight[3] == pytest.approx(2 * 450 + 40.5 * 12.5)
    assert freight[17] == pytest.approx(450 + 2.25 * 12.5)
    assert np.count_nonzero(freight) == 2
