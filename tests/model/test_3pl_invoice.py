"""A 3PL's invoice on each storage and receiving basis, checked to the cent by hand.

Each case is a tiny hand-built month (January 2026, 31 days unless said): a few SKUs with
known stock, a few received lines, a few parcels. The invoice is worked out in the comments.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from fcsim.model.accounting.costs import Ledger, NodeView, month_index, self_costs
from fcsim.model.accounting.invoices import pick_pack_rates, third_party_invoice
from fcsim.model.billing import (
    StorageBilling,
    billed_receipts,
    location_key,
    locations_by_type,
    whole_pallets,
)
from fcsim.model.calendar import BusinessDays
from fcsim.model.inbound import pallet_chunks
from fcsim.model.node import NodeResult
from fcsim.model.parcels import Parcels
from fcsim.model.picking import insert_counts
from fcsim.model.streams import Streams
from fcsim.scenario.schema.fees import ThreePLFees
from fcsim.scenario.schema.nodes import MarketplaceNode, SelfNode, ThirdPartyNode
from fcsim.scenario.schema.stations import Packing, Picking
from tests.model.test_hand_cases import at, replenished, run, scenario

JAN = 31
BILLED = (
    "pallets_received_whole",
    "cartons_received",
    "units_received",
    "receiving_min",
    "stock_pallets_whole",
    "stock_volume_l",
    "stock_units",
)
LOCATIONS = [
    {"name": "bin", "capacity_l": 20, "eur_per_month": 2.0},
    {"name": "shelf", "capacity_l": 120, "eur_per_month": 6.0},
    {"name": "pallet", "capacity_l": 600, "eur_per_month": 25.0, "peak_eur_per_month": 35.0},
]


def node(fees: dict[str, Any] | None = None, **extra: Any) -> ThirdPartyNode:
    """A 3PL with no fees but those given (no set-up, no minimum)."""
    base = {"setup_eur": 0, "monthly_minimum_eur": 0, "returns_eur_each": 0}
    return ThirdPartyNode.model_validate(
        {"kind": "3pl", "carriers": ["post"], "fees": base | (fees or {}), **extra}
    )


def months(first_month: str = "2026-01", n: int = JAN) -> np.ndarray:
    start = np.datetime64(first_month, "M").astype("datetime64[D]").astype(object)
    return month_index(BusinessDays(start, []), n)


def invoice(
    nd: ThirdPartyNode,
    daily: dict[str, np.ndarray] | None = None,
    *,
    units: list[int] | None = None,
    inserts: list[int] | None = None,
    first_month: str = "2026-01",
    n: int = JAN,
) -> dict[str, float]:
    """The invoice's lines totalled over the days simulated; parcels one a day from day 0."""
    m = months(first_month, n)
    units_a = np.asarray(units or [], dtype=np.int64)
    series = {k: np.zeros(n) for k in BILLED} | {
        location_key(t.name): np.zeros(n) for t in nd.fees.storage_locations
    }
    lines = third_party_invoice(
        nd,
        daily=series | (daily or {}),
        months=m,
        peak_days=np.isin(m % 12 + 1, nd.fees.peak_months),
        month_share=1.0 / _days_in(m),
        parcel_day=np.arange(len(units_a)) % n,
        parcel_units=units_a,
        parcel_inserts=np.asarray(inserts or [0] * len(units_a), dtype=np.int64),
        returned_units_by_day=np.zeros(n),
        window=(0, n),
    )
    return {k: round(float(v.sum()), 2) for k, v in lines.items()}


def _days_in(m: np.ndarray) -> np.ndarray:
    first = m.astype("datetime64[M]").astype("datetime64[D]")
    return ((m + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(float)


def storage_daily(nd: ThirdPartyNode, stock_by_day: np.ndarray, cat: Any) -> dict:
    """The node's billing recorder run over a per-day, per-SKU stock matrix."""
    billing = StorageBilling(nd.fees, cat, len(stock_by_day))
    for day, stock in enumerate(stock_by_day):
        billing.record(day, stock)
    daily = dict(billing.daily)
    daily["stock_units"] = stock_by_day.sum(axis=1).astype(float)
    daily["stock_volume_l"] = (stock_by_day @ cat.volume_l).astype(float)
    return daily


# ------------------------------------------------------------------ storage bases
def test_per_location_storage_every_stocked_sku_rents_at_least_one_location() -> None:
    # bin 20 l at 2.00, shelf 120 l at 6.00, pallet 600 l at 25.00 a month. Stock (units of 1 l):
    #   SKU 0: 1 unit   =   1 l -> a bin (the minimum: one location for one unit)
    #   SKU 1: 20 units =  20 l -> a bin (exactly full)
    #   SKU 2: 21 units =  21 l -> a shelf
    #   SKU 3: 0 units         -> nothing
    #   SKU 4: 700 units = 700 l -> a full pallet + 100 l on a shelf
    # all month: 2 bins x 2 + 2 shelves x 6 + 1 pallet x 25 = 41.00
    nd = node({"storage_basis": "per_location", "storage_locations": LOCATIONS})
    cat = SimpleNamespace(volume_l=np.ones(5), units_per_pallet=np.full(5, 500.0))
    stock = np.tile([1, 20, 21, 0, 700], (JAN, 1))
    daily = storage_daily(nd, stock, cat)
    assert daily[location_key("bin")][0] == 2
    assert daily[location_key("shelf")][0] == 2
    assert daily[location_key("pallet")][0] == 1
    assert invoice(nd, daily)["storage"] == 41.00
    # SKU 2 sells out after 15 days: 16 days without its shelf
    # 15/31 x 41.00 + 16/31 x 35.00 = (615 + 560) / 31 = 37.903... -> 37.90
    stock[15:, 2] = 0
    assert invoice(nd, storage_daily(nd, stock, cat))["storage"] == 37.90


def test_locations_are_sized_by_volume_per_sku() -> None:
    caps = np.array([20.0, 120.0, 600.0])
    # 3 units of 0.1 l (a bin), 2 units of 300 l (one full pallet), 1,300 units of 1 l (two full
    # pallets + 100 l on a shelf), 3 units of 7 l = 21 l (a shelf)
    counts = locations_by_type(np.array([3, 2, 1300, 3]), np.array([0.1, 300.0, 1.0, 7.0]), caps)
    assert counts.tolist() == [1, 2, 3]


def test_per_pallet_storage_bills_whole_pallets_per_sku() -> None:
    # 50 units a pallet: 130 units -> 3 pallets (50, 50, 30), 50 -> 1, 1 -> 1, 0 -> none:
    # 5 pallets x 25.00 = 125.00 in January (the pallet-equivalents would be 3.62 -> 90.50)
    nd = node({"storage_basis": "per_pallet", "storage_eur_per_pallet_month": 25})
    cat = SimpleNamespace(volume_l=np.ones(4), units_per_pallet=np.full(4, 50.0))
    stock = np.tile([130, 50, 1, 0], (JAN, 1))
    assert whole_pallets(stock[0], cat.units_per_pallet) == 5
    assert invoice(nd, storage_daily(nd, stock, cat))["storage"] == 125.00


def test_per_pallet_peak_rate_in_december() -> None:
    # the same 5 pallets in December at the peak rate: 5 x 35.00 = 175.00
    nd = node(
        {
            "storage_basis": "per_pallet",
            "storage_eur_per_pallet_month": 25,
            "storage_peak_eur_per_pallet_month": 35,
            "peak_months": [12],
        }
    )
    cat = SimpleNamespace(volume_l=np.ones(4), units_per_pallet=np.full(4, 50.0))
    stock = np.tile([130, 50, 1, 0], (31, 1))
    assert invoice(nd, storage_daily(nd, stock, cat), first_month="2026-12")["storage"] == 175.00


def test_per_location_peak_rate_by_location_type() -> None:
    # December: the pallet's peak rate applies (35.00), the bin keeps its 2.00: 37.00
    nd = node({"storage_locations": LOCATIONS, "peak_months": [12]})
    cat = SimpleNamespace(volume_l=np.ones(2), units_per_pallet=np.full(2, 500.0))
    stock = np.tile([5, 600], (31, 1))
    assert invoice(nd, storage_daily(nd, stock, cat), first_month="2026-12")["storage"] == 37.00


def test_per_cubic_metre_storage() -> None:
    # 1,000 units of 2.5 l = 2.5 m3 all January at 20.00 per m3-month: 50.00
    nd = node({"storage_basis": "per_cubic_metre", "storage_eur_per_m3_month": 20})
    cat = SimpleNamespace(volume_l=np.array([2.5]), units_per_pallet=np.array([100.0]))
    assert invoice(nd, storage_daily(nd, np.full((JAN, 1), 1000), cat))["storage"] == 50.00


def test_per_unit_storage() -> None:
    # 1,200 units all January at 0.05 per unit-month: 60.00
    nd = node({"storage_basis": "per_unit", "storage_eur_per_unit_month": 0.05})
    cat = SimpleNamespace(volume_l=np.ones(2), units_per_pallet=np.full(2, 100.0))
    stock = np.tile([700, 500], (JAN, 1))
    assert invoice(nd, storage_daily(nd, stock, cat))["storage"] == 60.00


# ------------------------------------------------------------------ receiving bases
def receipts(units_per_carton: int) -> dict[str, np.ndarray]:
    """Two received lines on day 2: 130 units at 50 a pallet (pallets of 50, 50, 30) and 40 units
    at 50 a pallet (one part pallet)."""
    units = np.array([130, 40])
    _, chunk, _, before = pallet_chunks(units, units, np.array([50.0, 50.0]))
    whole, cartons = billed_receipts(chunk, before, chunk / 50.0, units_per_carton)
    daily = {k: np.zeros(JAN) for k in ("pallets_received_whole", "cartons_received")}
    daily["pallets_received_whole"][2] = whole.sum()
    daily["cartons_received"][2] = cartons.sum()
    daily["units_received"] = np.zeros(JAN)
    daily["units_received"][2] = chunk.sum()
    return daily


def test_receiving_per_whole_pallet() -> None:
    # 3 pallets (50, 50, 30) + 1 part pallet (40) = 4 pallets x 10.00 = 40.00
    # (the pallet-equivalents 2.6 + 0.8 = 3.4 would bill 34.00)
    nd = node({"receiving_basis": "per_pallet", "receiving_eur_per_pallet": 10})
    assert invoice(nd, receipts(12))["receiving"] == 40.00


def test_receiving_per_carton_counts_cartons_per_line() -> None:
    # 12 units a carton: ceil(130 / 12) = 11 and ceil(40 / 12) = 4 cartons x 6.00 = 90.00
    # (a carton is not counted twice where the line's pallets split it)
    nd = node(
        {
            "receiving_basis": "per_carton",
            "receiving_eur_per_carton": 6,
            "receiving_units_per_carton": 12,
        }
    )
    daily = receipts(12)
    assert daily["cartons_received"][2] == 15
    assert invoice(nd, daily)["receiving"] == 90.00


def test_receiving_per_unit() -> None:
    # 170 units x 0.20 = 34.00
    nd = node({"receiving_basis": "per_unit", "receiving_eur_per_unit": 0.2})
    assert invoice(nd, receipts(1))["receiving"] == 34.00


def test_receiving_per_hour() -> None:
    # 150 minutes on day 2 and 90 on day 9: 4 h x 35.00 = 140.00
    nd = node({"receiving_basis": "per_hour", "receiving_eur_per_hour": 35})
    minutes = np.zeros(JAN)
    minutes[2], minutes[9] = 150, 90
    assert invoice(nd, {"receiving_min": minutes})["receiving"] == 140.00


def test_the_inbound_counts_what_receiving_bills() -> None:
    # the hand case of test_hand_cases.replenished, at a 3PL with 12 units a carton: 50 units at
    # 25 a pallet reach the dock on Thursday (day 3): 2 whole pallets, ceil(50 / 12) = 5
    # cartons, 50 units; minutes: unloading 2 x 2 + 2 pallets x (25 x 0.5 + 2) = 33
    base = replenished().strategies["own"].model_dump()
    base.pop("costs")
    sc = scenario(
        node=base
        | {
            "kind": "3pl",
            "fees": {
                "receiving_basis": "per_carton",
                "receiving_units_per_carton": 12,
                "storage_basis": "per_pallet",
            },
        }
    )
    r, _, _ = run(sc, [at(0, "10:00")])
    daily = r.nodes[0].daily
    assert daily["pallets_received_whole"][3] == 2
    assert daily["cartons_received"][3] == 5
    assert daily["units_received"][3] == 50
    assert daily["receiving_min"][3] == pytest.approx(33.0)
    assert daily["receiving_min"].sum() == pytest.approx(33.0)
    # storage on whole pallets: 1 unit from day 0 -> 1 pallet; 42 units on day 4 -> 2 pallets
    assert daily["stock_pallets_whole"][:5].tolist() == [1, 0, 0, 0, 2]


# ------------------------------------------------------------------ other invoice lines
def test_account_management_set_up_integration_exit_and_contract_term() -> None:
    # set-up 600 + integration 400 + exit 500 = 1,500.00 spread over 12 months = 365 days
    # (round(12 x 30.4375)): January pays 31 / 365 x 1,500 = 127.397 -> 127.40;
    # account management 150.00 a month, outside the minimum of 100.00 (no activity: the
    # whole minimum is topped up)
    fees = {
        "setup_eur": 600,
        "integration_eur": 400,
        "exit_eur": 500,
        "setup_amortisation_months": 12,
        "account_management_eur_per_month": 150,
        "monthly_minimum_eur": 100,
    }
    inv = invoice(node(fees))
    assert inv["setup_exit"] == 127.40
    assert inv["account_management"] == 150.00
    assert inv["minimum_top_up"] == 100.00
    # a 24-month minimum term spreads them over 730 days (round(730.5)): 31 / 730 x 1,500
    # = 63.699 -> 63.70
    assert invoice(node(fees | {"contract_min_term_months": 24}))["setup_exit"] == 63.70
    # a term shorter than the amortisation changes nothing
    assert invoice(node(fees | {"contract_min_term_months": 6}))["setup_exit"] == 127.40


def test_pick_pack_volume_tier_by_the_months_orders() -> None:
    # 100 parcels a day for 31 days = 3,100 orders in January: below 3,000 the base 2.50 +
    # 0.50 per extra unit, from 3,000 the tier's 2.00 + 0.40. Parcels of 2 units:
    # 3,100 x (2.00 + 0.40) = 7,440.00
    tier = {"from_orders_per_month": 3000, "first_item_eur": 2.0, "extra_item_eur": 0.4}
    nd = node({"pick_pack_first_item_eur": 2.5, "pick_pack_tiers": [tier]})
    units = [2] * 3100
    assert invoice(nd, units=units)["pick_pack"] == 7440.00
    # 2,900 orders stay on the base fees: 2,900 x 3.00 = 8,700.00
    assert invoice(nd, units=[2] * 2900)["pick_pack"] == 8700.00
    # 15 simulated days of January with 1,500 parcels: 1,500 x 31 / 15 = 3,100 a month
    # reach the tier: 1,500 x 2.40 = 3,600.00
    assert invoice(nd, units=[2] * 1500, n=15)["pick_pack"] == 3600.00
    # days after the horizon (drain days, no new orders) do not dilute the month's volume:
    # 1,500 parcels over the first 15 days of a 31-day simulated January reach the tier
    jan = months()
    first, _ = pick_pack_rates(nd.fees, np.arange(1500) % 15, jan, order_days=15)
    assert (first == 2.0).all()
    first, _ = pick_pack_rates(nd.fees, np.arange(1500) % 15, jan, order_days=31)
    assert (first == 2.5).all()  # had orders been possible all month, 1,500 is below 3,000


def test_branded_packaging_at_the_3pl_moves_its_cost_by_the_surcharge() -> None:
    # 120 parcels at 0.35 per parcel for branded packaging: +42.00, only when branded
    fees = {"branded_packaging_eur": 0.35, "packaging_eur_per_order": 0.20}
    plain = invoice(node(fees), units=[1] * 120)
    branded = invoice(node(fees, packing={"branded": True}), units=[1] * 120)
    assert plain["branded_packaging"] == 0.00
    assert branded["branded_packaging"] == 42.00
    assert round(sum(branded.values()) - sum(plain.values()), 2) == 42.00
    assert branded["packaging"] == plain["packaging"] == 24.00  # 120 x 0.20


def test_insert_fee_at_the_3pl_per_insert() -> None:
    # 10 parcels with 2 inserts and 5 without, at 0.15 per insert: 20 x 0.15 = 3.00
    inv = invoice(node({"insert_eur": 0.15}), units=[1] * 15, inserts=[2] * 10 + [0] * 5)
    assert inv["insert_fee"] == 3.00


# ------------------------------------------------------------------ through the ledger
def _parcels(n: int, inserts: list[int], packaging_eur: float) -> Parcels:
    p = Parcels(
        order=np.arange(n),
        node=np.zeros(n, dtype=np.int16),
        slot=np.zeros(n, dtype=np.int16),
        created_min=np.arange(n) % JAN * 1440.0 + 600,
        line_ptr=np.arange(n + 1),
        lines=np.arange(n),
        units=np.ones(n, dtype=np.int32),
        weight_kg=np.ones(n),
        volume_l=np.ones(n),
        value_eur=np.full(n, 40.0),
        goods_cost_eur=np.full(n, 15.0),
        all_soft=np.ones(n, dtype=bool),
        any_fragile=np.zeros(n, dtype=bool),
    )
    p.ship_min[:] = p.created_min + 300
    p.inserts[:] = inserts
    p.packaging_eur[:] = packaging_eur
    return p


def _self_view(p: Parcels, small_scenario) -> NodeView:
    keys = (
        "stock_value_eur",
        "stock_pallets",
        "written_off_eur",
        "refurbish_eur",
        "refurbished_units",
        "written_off_units",
        "trucks_arrived",
    )
    daily = {k: np.zeros(JAN) for k in (*keys, "pallets_arrived")}
    mine = np.ones(p.n, dtype=bool)
    return NodeView(
        scenario=small_scenario,
        parcels=p,
        orders=None,
        catalogue=None,
        result=NodeResult(
            name="own",
            kind="warehouse",
            daily=daily,
            staff_minutes_by_day=np.zeros(JAN),
            overtime_minutes_by_day=np.zeros(JAN),
        ),
        mine=mine,
        shipped=mine,
        day=np.floor(p.created_min / 1440).astype(int),
        months=months(),
        window=(0, JAN),
    )


def test_own_warehouse_pays_insert_material(small_scenario) -> None:
    # 40 parcels with 3 inserts, 60 without, 0.12 of material an insert: 120 x 0.12 = 14.40
    own = SelfNode.model_validate(
        {
            "kind": "self",
            "carriers": ["post"],
            "picking": {"insert_material_eur": 0.12, "inserts_per_order": 3},
            "costs": {"rent_eur_per_month": 0, "equipment_eur_per_month": 0, "it_eur_per_month": 0},
        }
    )
    p = _parcels(100, [3] * 40 + [0] * 60, packaging_eur=0.5)
    led = Ledger(JAN)
    self_costs(led, _self_view(p, small_scenario), own)
    t = led.totals(0, JAN)
    assert round(t["inserts"], 2) == 14.40
    assert round(t["packaging"], 2) == 50.00  # 100 x 0.50: materials as before


def test_branded_packaging_costs_the_own_warehouse_its_extra() -> None:
    # the branded extra is added to each parcel's packaging only when the packing is branded
    from fcsim.model.packing import pack_work
    from fcsim.scenario.schema.business import default_packaging

    p = _parcels(4, [0] * 4, 0.0)
    ids = np.arange(4)
    plain = pack_work(Packing(), default_packaging(), p, ids, Streams(1, 0))[1]
    branded = pack_work(
        Packing(branded=True, branded_extra_eur=0.5), default_packaging(), p, ids, Streams(1, 0)
    )[1]
    assert np.allclose(branded - plain, 0.5)


# ------------------------------------------------------------------ inserts for a share
def test_insert_share_draws_the_same_orders_in_every_strategy() -> None:
    n = 10_000
    p = _parcels(n, [0] * n, 0.0)
    streams = Streams(7, 0)
    cfg = Picking(insert_share=0.3, inserts_per_order=2)
    counts = insert_counts(cfg, p, np.arange(n), streams)
    assert set(np.unique(counts).tolist()) == {0, 2}
    # 30 % of 10,000 orders: 3,000, binomial sd ~46: within 4 sd
    assert abs(np.count_nonzero(counts) - 3000) < 4 * np.sqrt(n * 0.3 * 0.7)
    # another strategy serving only every third order at another node draws the same orders
    some = np.arange(0, n, 3)
    again = insert_counts(cfg, p, some, Streams(7, 0))
    assert np.array_equal(again, counts[some])
    assert not insert_counts(Picking(insert_share=0.0), p, some, streams).any()
    assert (insert_counts(Picking(), p, some, streams) == 1).all()  # default: every order, 1


def test_insert_time_only_for_the_orders_that_get_inserts(small_scenario) -> None:
    from fcsim.model.picking import pick_work

    n = 2000
    p = _parcels(n, [0] * n, 0.0)
    kw = {"streams": Streams(7, 0), "sku_of_line": np.zeros(n, dtype=np.int64), "seed": 1}
    kw["stocked"] = np.ones(1, dtype=bool)
    base = pick_work(Picking(), p, np.arange(n), **kw)
    some = pick_work(Picking(insert_min_per_order=1.5, insert_share=0.25), p, np.arange(n), **kw)
    extra = some.lines_min - base.lines_min
    assert np.allclose(extra, np.where(some.inserts > 0, 1.5, 0.0))
    assert 0.2 < np.mean(some.inserts > 0) < 0.3


# ------------------------------------------------------------------ schema
def test_a_rate_of_another_basis_is_an_error() -> None:
    with pytest.raises(ValidationError, match="storage_basis: per_pallet or remove"):
        node({"storage_eur_per_pallet_month": 28})
    with pytest.raises(ValidationError, match="receiving_basis: per_unit or remove"):
        node({"receiving_basis": "per_pallet", "receiving_eur_per_unit": 0.25})
    # a schedule dumped and read again (every key set, at its default) is accepted
    nd = node({"storage_basis": "per_unit", "storage_eur_per_unit_month": 0.04})
    assert ThreePLFees.model_validate(nd.fees.model_dump()) == nd.fees


def test_per_carton_needs_the_units_of_a_carton() -> None:
    with pytest.raises(ValidationError, match="units of a carton"):
        node({"receiving_basis": "per_carton"})
    node({"receiving_basis": "per_carton"}, replenishment={"case_pack_units": 6})


def test_branded_inputs_are_refused_where_they_would_do_nothing() -> None:
    with pytest.raises(ValidationError, match="set branded: true"):
        Packing(branded_extra_eur=0.5)
    with pytest.raises(ValidationError, match=r"fees\.branded_packaging_eur"):
        node(packing={"branded": True, "branded_extra_eur": 0.5})
    with pytest.raises(ValidationError, match="marketplace's own packaging"):
        MarketplaceNode.model_validate(
            {"kind": "marketplace", "carriers": ["post"], "packing": {"branded": True}}
        )


def test_location_types_ordered_by_capacity() -> None:
    with pytest.raises(ValidationError, match="rising capacity_l"):
        node({"storage_locations": list(reversed(LOCATIONS))})
