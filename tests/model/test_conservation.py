"""Conservation and invariants on small random valid scenarios (property tests, hypothesis).

Every example draws a scenario (one to two weeks; a self-run, 3PL, dropship or hybrid strategy;
random shifts, holidays, carriers, stock-outs with or without backorders, returns, losses), runs
it through the ordinary model and checks what must hold in every run:

- orders: created = delivered + lost + cancelled + in progress (each order in exactly one);
- units at each warehouse: initial + put away + restocked = on hand + reserved + written off
  past their shelf life + lost to shrinkage (picking errors, shelf lives, shrinkage, damage by
  packaging drawn on or off); a perishable SKU's FIFO lots hold its stock on hand; reserved =
  what parcels took from stock; received = put away + rejected; ordered = received + on order;
  inspected returns = restocked + written off; nothing returned that was not shipped;
- money: the ledger's categories sum to the totals, cost per order x orders = total, shipping
  and compensation equal the parcels' own amounts;
- no negative stock at any SKU, after any reservation or put-away;
- per-parcel timestamps ordered, collections at a cutoff on a collection day, deliveries on a
  delivery day within the delivery window;
- Little's law and the warehouses' work-in-progress counters.

Profiles (tests/conftest.py): `CI=true` runs >= 200 derandomised examples, locally fewer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from fcsim.model.accounting.costs import CASH, OPPORTUNITY
from fcsim.model.accounting.kpis import evaluate
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.inventory import Inventory
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams
from fcsim.scenario.schema.base import WEEKDAYS, minutes_of
from fcsim.scenario.schema.scenario import DropshipNode, Scenario
from fcsim.validation.little import little_exact

START = dt.date(2026, 1, 5)
NAME = "s"
EPS_MIN = 1e-6  # float rounding of SimPy clock arithmetic (minutes)


# ------------------------------------------------------------------ random valid scenarios
def weekdays(draw, min_size: int = 1) -> list[str]:
    chosen = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=min_size))
    return [d for d in WEEKDAYS if d in chosen]


def hhmm(draw, lo: int = 0, hi: int = 23) -> str:
    return f"{draw(st.integers(lo, hi)):02d}:{draw(st.sampled_from([0, 15, 30, 45])):02d}"


def dist(draw, lo: float, hi: float) -> dict[str, Any]:
    mean = draw(st.floats(lo, hi))
    if mean == 0 or draw(st.booleans()):
        return {"dist": "deterministic", "value": mean}
    return {"dist": "lognormal", "mean": mean, "cv": draw(st.floats(0.1, 1.0))}


def warehouse(draw, kind: str, carriers: list[str]) -> dict[str, Any]:
    shifts = []
    for _ in range(draw(st.integers(1, 2))):
        start = draw(st.integers(0, 20))
        length = draw(st.integers(4, 12))
        shifts.append(
            {
                "days": weekdays(draw),
                "start": f"{start:02d}:00",
                "end": f"{(start + length) % 24:02d}:00",
            }
        )
    s_days = draw(st.floats(0, 3))
    return {
        "kind": kind,
        "shifts": shifts,
        "pickers": draw(st.integers(1, 3)),
        "packers": draw(st.integers(1, 2)),
        "receivers": draw(st.integers(1, 2)),
        "picking": {
            "policy": draw(st.sampled_from(["discrete", "batch"])),
            "batch_size": draw(st.integers(1, 4)),
            "tour_setup_min": dist(draw, 0.0, 3.0),
            "pick_min_per_line": dist(draw, 0.2, 3.0),
            "error_rate": draw(st.sampled_from([0.0, 0.05, 0.5])),
            "error_found_at_packing": draw(st.floats(0, 1)),
            "repick_min_per_line": dist(draw, 0.0, 3.0),
        },
        "zones": [
            {
                "name": "main",
                "storage_class": "ambient",
                "capacity_pallets": 1000.0,
                "shrinkage_share_per_month": draw(st.sampled_from([0.0, 0.02, 0.5])),
                "extra_pick_min_per_line": draw(st.sampled_from([0.0, 1.5])),
                "cold_eur_per_unit_day": draw(st.sampled_from([0.0, 0.01])),
            }
        ],
        "packing": {
            "pack_min_per_order": dist(draw, 0.0, 3.0),
            "pack_min_per_unit": draw(st.floats(0, 0.5)),
        },
        "receiving": {"reject_rate": draw(st.floats(0, 0.2))},
        "replenishment": {
            "policy": draw(st.sampled_from(["s_S", "R_S"])),
            "review_period_days": draw(st.integers(1, 3)),
            "reorder_point_days": s_days,
            "order_up_to_days": s_days + draw(st.floats(0.5, 8)),
            "supplier_lead_time_days": dist(draw, 1.0, 4.0),
            "initial_cover_days": draw(st.floats(0, 5)),
            "backorders": draw(st.booleans()),
            "freight_eur_per_truck": draw(st.floats(0, 500)),
            "freight_eur_per_pallet": draw(st.floats(0, 40)),
        },
        "carriers": carriers,
    }


def dropship(draw, carriers: list[str], earliest_cutoff: str) -> dict[str, Any]:
    # a ready time after a carrier's cutoff is refused at load time; None: at the earliest cutoff
    ready = draw(st.sampled_from([None, "06:00", hhmm(draw, 6, 20)]))
    return {
        "kind": "dropship",
        "stock_availability": draw(st.floats(0.3, 1.0)),
        "defect_rate": draw(st.floats(0, 0.2)),
        "working_days": weekdays(draw),
        "ready_time": ready if ready is None or ready <= earliest_cutoff else earliest_cutoff,
        "carriers": carriers,
    }


@st.composite
def scenarios(draw) -> Scenario:
    horizon = draw(st.integers(5, 14))
    carriers = []
    for i in range(draw(st.integers(1, 2))):
        carriers.append(
            {
                "name": f"k{i}",
                "cutoff": hhmm(draw, 8, 20),
                "collection_days": weekdays(draw),
                "delivery_days": weekdays(draw),
                "transit_days": draw(st.integers(0, 3)),
                "on_time_probability": draw(st.floats(0.3, 1.0)),
                "loss_probability": draw(st.floats(0, 0.2)),
                "damage_probability": draw(st.floats(0, 0.1)),
                "rate_card": [{"max_kg": 2.0, "price_eur": draw(st.floats(2, 10))}],
                "collection_capacity_parcels": draw(st.one_of(st.none(), st.integers(1, 30))),
                "compensation": {"claim_rate": draw(st.floats(0, 1))}
                if draw(st.booleans())
                else None,
            }
        )
    names = [c["name"] for c in carriers]
    use = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    earliest = min(c["cutoff"] for c in carriers if c["name"] in use)
    kind = draw(st.sampled_from(["self", "3pl", "dropship", "hybrid"]))
    if kind == "hybrid":
        second = draw(st.sampled_from(["3pl", "dropship"]))
        strategy: dict[str, Any] = {
            "kind": "hybrid",
            "nodes": {
                "a": warehouse(draw, "self", use),
                "b": dropship(draw, use, earliest)
                if second == "dropship"
                else warehouse(draw, "3pl", use),
            },
            "routing": {
                "policy": "abc",
                "assign": {"A": "a", "B": "b", "C": draw(st.sampled_from(["a", "b"]))},
            },
        }
    elif kind == "dropship":
        strategy = dropship(draw, use, earliest)
    else:
        strategy = warehouse(draw, kind, use)
    categories = []
    for i in range(draw(st.integers(1, 2))):
        price = draw(st.floats(5, 100))
        categories.append(
            {
                "name": f"c{i}",
                "unit_price_eur": price,
                "unit_cost_eur": price * draw(st.floats(0.1, 0.9)),
                "unit_weight_kg": draw(st.floats(0.1, 3)),
                "unit_volume_l": draw(st.floats(0.2, 10)),
                "units_per_pallet": draw(st.floats(10, 500)),
                "return_rate": draw(st.floats(0, 0.5)),
                "soft_goods": draw(st.booleans()),
                "fragile": draw(st.booleans()),
                "shelf_life_days": draw(st.sampled_from([None, 1, 3, 10])),
            }
        )
    holidays = draw(st.lists(st.integers(0, horizon + 5), max_size=2, unique=True))
    data = {
        "name": "prop",
        "seed": draw(st.integers(0, 2**32)),
        "start_date": START,
        "horizon_days": horizon,
        "warmup_days": draw(st.integers(0, 2)),
        "drain_days": draw(st.integers(0, 10)),
        "calendar": {"holidays": [START + dt.timedelta(days=d) for d in holidays]},
        "catalogue": {"skus": draw(st.integers(1, 20)), "categories": categories},
        "demand": {
            "orders_per_day": draw(st.floats(1, 30)),
            "lines_per_order": {"dist": "empirical", "values": [1, 2, 3]},
            "units_per_line": {
                "dist": "empirical",
                "values": [1, 2, 3],
                "weights": [draw(st.floats(0.1, 1)) for _ in range(3)],
            },
        },
        "promise": {"business_days": draw(st.integers(0, 4)), "order_cutoff": hhmm(draw)},
        "returns": {
            "restock_share": draw(st.floats(0, 1)),
            "transit_business_days": draw(st.integers(0, 3)),
        },
        "incidents": {"reship": draw(st.booleans())},
        "damage": {
            "factors": [
                {"fragility": "fragile", "protection": "none", "factor": draw(st.floats(0, 20))},
                {"fragility": "fragile", "protection": "standard", "factor": 3.0},
            ]
        },
        "carriers": carriers,
        "strategies": {NAME: strategy},
    }
    sc = Scenario.model_validate(data)
    # holidays may leave a short run no day to work or collect on: the load refuses such a
    # scenario (tested in tests/scenario), so it is no case for conservation
    assume(not sc.problems())
    return sc


# ------------------------------------------------------------------ recording the stock
@contextmanager
def watched_inventories() -> Iterator[list[Inventory]]:
    """Record every `Inventory` built, and fail as soon as a SKU's stock goes negative."""
    made: list[Inventory] = []
    init, reserve, add = Inventory.__init__, Inventory.reserve, Inventory.add

    def init_(self, *args, **kwargs):
        init(self, *args, **kwargs)
        assert min(self.on_hand, default=0) >= 0
        made.append(self)

    def reserve_(self, parcel, skus, units):
        out = reserve(self, parcel, skus, units)
        assert min(self.on_hand[s] for s in skus) >= 0, "negative stock after a reservation"
        return out

    def add_(self, sku, units, *args, **kwargs):
        assert units >= 0
        add(self, sku, units, *args, **kwargs)
        assert self.on_hand[sku] >= 0 and self.backordered[sku] >= 0

    with (
        mock.patch.object(Inventory, "__init__", init_),
        mock.patch.object(Inventory, "reserve", reserve_),
        mock.patch.object(Inventory, "add", add_),
    ):
        yield made


# ------------------------------------------------------------------ the properties
@given(scenarios())
def test_conservation_and_invariants_hold_on_random_scenarios(sc: Scenario) -> None:
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data)
    with watched_inventories() as inventories:
        run = run_strategy(sc, NAME, orders, catalogue, streams)
    ev = evaluate(sc, NAME, run, orders, catalogue, streams)
    check_orders(ev, orders.n)
    check_timestamps(sc, run)
    check_units(sc, run, orders, inventories)
    check_money(sc, run, ev)
    check_work_in_progress(sc, run)


def check_orders(ev, n_orders: int) -> None:
    """Each order is exactly one of delivered, lost, cancelled, in progress."""
    oc, k = ev.outcomes, ev.kpis
    delivered = ~oc.in_progress & ~oc.cancelled & ~oc.lost
    states = np.vstack([delivered, oc.lost, oc.cancelled, oc.in_progress]).astype(int)
    assert (states.sum(axis=0) == 1).all(), "an order is in no state or in two states"
    assert len(oc.in_window) == n_orders
    assert k["orders"] == (
        k["orders_delivered"] + k["orders_lost"] + k["orders_cancelled"] + k["orders_in_progress"]
    )
    assert k["orders"] == int(oc.in_window.sum())


def check_timestamps(sc: Scenario, run) -> None:
    """created <= stock ok <= pick start <= picked <= ready <= ship <= delivery, on valid days."""
    p = run.parcels
    chain = [
        p.created_min,
        p.stock_ok_min,
        p.pick_start_min,
        p.picked_min,
        p.ready_min,
        p.ship_min,
        p.delivery_min,
    ]
    live = ~p.cancelled
    for earlier, later in itertools.pairwise(chain):
        both = live & ~np.isnan(earlier) & ~np.isnan(later)
        assert (earlier[both] <= later[both] + EPS_MIN).all()
        # nothing happens to a parcel before the previous step
        assert not (live & np.isnan(earlier) & ~np.isnan(later)).any()
    assert not np.isnan(p.created_min).any()
    bd = BusinessDays(sc.start_date, sc.calendar.holidays)
    holidays = set(sc.calendar.holidays)
    for ci, c in enumerate(sc.carriers):
        m = live & (p.carrier == ci) & ~np.isnan(p.ship_min)
        if not m.any():
            continue
        ship = p.ship_min[m]
        assert (np.mod(ship, MIN_PER_DAY) == minutes_of(c.cutoff)).all()
        ship_day = np.floor(ship / MIN_PER_DAY).astype(np.int64)
        if c.collection_capacity_parcels is not None:  # never more than a full collection
            key = p.node[m].astype(np.int64) * 100_000 + ship_day
            _, per_day = np.unique(key, return_counts=True)
            assert per_day.max() <= c.collection_capacity_parcels
        else:
            assert not p.deferred[m].any()
        dates = bd.date_of(ship_day).astype(dt.date)
        assert all(WEEKDAYS[d.weekday()] in c.collection_days for d in dates)
        assert not holidays.intersection(dates)
        dlv = p.delivery_min[m]
        dlv = dlv[~np.isnan(dlv)]
        tod = np.mod(dlv, MIN_PER_DAY)
        assert ((tod >= minutes_of(c.delivery_from)) & (tod <= minutes_of(c.delivery_until))).all()
        ddates = bd.date_of(np.floor(dlv / MIN_PER_DAY).astype(np.int64)).astype(dt.date)
        assert all(WEEKDAYS[d.weekday()] in c.delivery_days for d in ddates)
        assert not holidays.intersection(ddates)


def check_units(sc: Scenario, run, orders, inventories: list[Inventory]) -> None:
    """Stock identities of every warehouse node, and no unit returned that was not shipped."""
    p = run.parcels
    shipped_units = p.units.astype(np.int64) - p.units_short
    returned = p.units_returned.astype(np.int64)
    assert (p.units_short >= 0).all() and (shipped_units >= 0).all()
    assert (returned <= shipped_units).all(), "more units returned than were shipped"
    assert (p.units_defective <= p.units_returned).all()
    nodes = list(sc.nodes_of(NAME).values())
    warehouses = [i for i, node in enumerate(nodes) if not isinstance(node, DropshipNode)]
    assert len(inventories) == len(warehouses)
    for i, inv in zip(warehouses, inventories, strict=True):
        t, daily = run.nodes[i].totals, run.nodes[i].daily
        mine = (p.node == i) & ~p.cancelled
        assert t["initial_units"] + t["put_away_units"] + t["restocked_units"] == (
            t["on_hand_units"]
            + t["reserved_units"]
            + t.get("expired_units", 0)
            + t.get("shrunk_units", 0)
        )
        if inv.lots is not None:  # a perishable SKU's lots hold exactly its stock on hand
            for sku, lots in inv.lots.queues.items():
                assert sum(u for _, u in lots) == inv.on_hand[sku]
                assert all(u > 0 for _, u in lots)
        assert (p.wrong_lines[mine] <= p.mispicked[mine]).all()
        # what the parcels took from stock: their units, less those lost or still owed
        taken = int(shipped_units[mine].sum()) - int(sum(inv.backordered))
        assert t["reserved_units"] == taken
        assert min(inv.on_hand) >= 0 and min(inv.backordered) >= 0
        assert (inv.on_order >= 0).all()
        received = daily["units_received"].sum()
        assert received == t["put_away_units"] + t["rejected_units"]
        assert daily["po_units"].sum() == received + inv.on_order.sum()
        assert t["returned_units_inspected"] == (
            t["restocked_units"] + t["return_written_off_units"]
        )
        came_back = (p.node == i) & (p.return_day >= 0) & (p.return_day < run.n_days)
        assert t["returned_units_inspected"] <= returned[came_back].sum()
        assert (daily["stock_units"] >= 0).all()


def check_money(sc: Scenario, run, ev) -> None:
    """The ledger adds up, per order and per day, and matches the parcels' own amounts."""
    k = ev.kpis
    total = sum(k[f"cost_{c}_eur"] for c in CASH)
    assert np.isclose(k["total_cost_eur"], total, rtol=1e-9, atol=1e-6)
    assert np.isclose(k["lost_margin_eur"], sum(k[f"cost_{c}_eur"] for c in OPPORTUNITY), atol=1e-6)
    if k["orders"] and np.isnan(k["cost_per_order_eur"]):  # no parcel of the window shipped
        assert np.isnan(k["order_to_ship_h_mean"])
    elif k["orders"]:
        assert np.isclose(k["cost_per_order_eur"] * k["orders"], k["total_cost_eur"], atol=1e-6)
    w0, w1 = sc.warmup_days, sc.horizon_days
    assert np.isclose(ev.daily["cost_eur"][w0:w1].sum(), k["total_cost_eur"], atol=1e-6)
    p = run.parcels
    day = np.floor(p.created_min / MIN_PER_DAY)
    counted = (p.ship_min <= run.n_days * MIN_PER_DAY) & (day >= w0) & (day < w1)
    assert np.isclose(k["cost_shipping_eur"], p.shipping_eur[counted].sum(), atol=1e-6)
    assert np.isclose(
        k["cost_compensation_recovered_eur"], -p.compensation_eur[counted].sum(), atol=1e-6
    )
    # at most the schedule's top step (125 %), rounded to the cent
    assert (p.compensation_eur <= p.shipping_eur * 1.25 + 0.005 + 1e-9).all()


def check_work_in_progress(sc: Scenario, run) -> None:
    """Little's law and each warehouse's WIP counter, on this run."""
    a, b = sc.warmup_days * MIN_PER_DAY, sc.horizon_days * MIN_PER_DAY
    for i, node in enumerate(sc.nodes_of(NAME).values()):
        if not isinstance(node, DropshipNode):
            assert little_exact(run, i, a, b)
