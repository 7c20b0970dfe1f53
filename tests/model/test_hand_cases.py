"""Hand-computed cases: deterministic times and calendars where every timestamp is known.

Each case builds a tiny scenario with deterministic durations, places hand-made orders at known
minutes and runs the ordinary model (`run_strategy`); the expected timestamps are worked out in
the comments. The horizon starts on Monday 2026-01-05 (day 0); minute m of day d is
`d * 1440 + m`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from fcsim.model.accounting.kpis import evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import Orders
from fcsim.model.inbound import pallet_chunks
from fcsim.model.network import StrategyRun, run_strategy
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario

MON = dt.date(2026, 1, 5)
DAY = 1440


def at(day: int, hhmm: str) -> float:
    """Simulation minute of `hhmm` on day index `day`."""
    h, m = hhmm.split(":")
    return day * DAY + int(h) * 60 + int(m)


def det(value: float) -> dict[str, Any]:
    return {"dist": "deterministic", "value": float(value)}


def scenario(
    node: dict[str, Any] | None = None,
    carrier: dict[str, Any] | None = None,
    holidays: tuple[dt.date, ...] = (),
    promise_days: int = 1,
    orders_per_day: float = 10.0,
    horizon_days: int = 14,
) -> Scenario:
    """One SKU, one self-run warehouse, one carrier; everything deterministic."""
    wh: dict[str, Any] = {
        "kind": "self",
        "shifts": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}],
        "pickers": 1,
        "packers": 1,
        "receivers": 1,
        "picking": {"policy": "discrete", "tour_setup_min": det(0), "pick_min_per_line": det(5)},
        "packing": {"pack_min_per_order": det(0), "pack_min_per_unit": 0.0},
        "replenishment": {"initial_cover_days": 1000.0},
        "carriers": ["post"],
    }
    wh.update(node or {})
    post: dict[str, Any] = {
        "name": "post",
        "cutoff": "16:00",
        "collection_days": ["mon", "tue", "wed", "thu", "fri"],
        "delivery_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
        "transit_days": 2,
        "on_time_probability": 1.0,
        "loss_probability": 0.0,
        "damage_probability": 0.0,
        "rate_card": [{"max_kg": 1.0, "price_eur": 8.40}, {"max_kg": 5.0, "price_eur": 12.0}],
        "compensation": {"claim_rate": 1.0},
    }
    post.update(carrier or {})
    data = {
        "name": "hand",
        "seed": 3,
        "start_date": MON,
        "horizon_days": horizon_days,
        "drain_days": 21,
        "calendar": {"holidays": list(holidays)},
        "catalogue": {
            "skus": 1,
            "categories": [
                {
                    "name": "goods",
                    "unit_price_eur": 30.0,
                    "unit_cost_eur": 10.0,
                    "unit_weight_kg": 0.5,
                    "unit_volume_l": 1.0,
                    "units_per_pallet": 25.0,
                }
            ],
        },
        "demand": {
            "orders_per_day": orders_per_day,
            "lines_per_order": det(1),
            "units_per_line": det(1),
        },
        "promise": {"business_days": promise_days, "order_cutoff": "14:00"},
        "packaging": [{"name": "mailer", "max_volume_l": 2.0, "cost_eur": 0.2}],
        "carriers": [post],
        "strategies": {"own": wh},
    }
    sc = Scenario.model_validate(data)
    assert not sc.problems()
    return sc


def orders_at(times: list[float]) -> Orders:
    """One order of one unit of SKU 0 at each time (sorted)."""
    n = len(times)
    return Orders(
        created_min=np.asarray(times, dtype=float),
        line_start=np.arange(n + 1, dtype=np.int64),
        line_sku=np.zeros(n, dtype=np.int32),
        line_units=np.ones(n, dtype=np.int32),
    )


def run(sc: Scenario, times: list[float]) -> tuple[StrategyRun, Orders, Streams]:
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = orders_at(times)
    return run_strategy(sc, "own", orders, catalogue, streams), orders, streams


def day_of(t: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(t) / DAY).astype(int)


# ------------------------------------------------------------------ cutoffs and weekends
def test_packed_friday_after_the_cutoff_leaves_monday_and_arrives_wednesday() -> None:
    # Friday (day 4) 13:00, 185 minutes of picking: packed 16:05, after the 16:00 cutoff.
    # No Saturday collection: collected Monday (day 7) 16:00; 2 delivery days -> Wednesday (9).
    # Ordered before the 14:00 order cutoff on a business day: promised D+1 = Monday (7).
    sc = scenario(node={"picking": {"tour_setup_min": det(0), "pick_min_per_line": det(185)}})
    r, orders, streams = run(sc, [at(4, "13:00")])
    p = r.parcels
    assert p.pick_start_min[0] == at(4, "13:00")
    assert p.ready_min[0] == at(4, "16:05")
    assert p.ship_min[0] == at(7, "16:00")
    assert day_of(p.delivery_min)[0] == 9
    assert at(9, "09:00") <= p.delivery_min[0] <= at(9, "19:00")
    assert p.promised_day[0] == 7
    assert p.shipping_eur[0] == pytest.approx(8.40)
    assert p.compensation_eur[0] == 0.0  # the carrier kept its own 2-day guarantee
    ev = evaluate(
        sc, "own", r, orders, build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data), streams
    )
    assert ev.outcomes.days_late[0] == 2
    assert ev.outcomes.late[0]


def test_a_parcel_ready_exactly_at_the_cutoff_leaves_the_same_day() -> None:
    # Friday 13:00 + 180 minutes = 16:00 sharp: makes Friday's 16:00 collection (the cutoff is
    # inclusive); 2 delivery days (Mon-Sat) after Friday: Saturday (5), then Monday (7).
    sc = scenario(node={"picking": {"tour_setup_min": det(0), "pick_min_per_line": det(180)}})
    r, _, _ = run(sc, [at(4, "13:00")])
    assert r.parcels.ship_min[0] == at(4, "16:00")
    assert day_of(r.parcels.delivery_min)[0] == 7


def test_compensation_for_a_carrier_one_and_two_days_late_to_the_cent() -> None:
    # Same order, but the carrier is always late by a fixed number of delivery days: delivered
    # Thursday (10) with 1 day of delay: 25 % of 8.40 = 2.10 EUR; Friday (11) with 2 days:
    # 75 % = 6.30 EUR (Coliposte schedule). Days late against the Monday promise: 3 and 4.
    slow = {"picking": {"tour_setup_min": det(0), "pick_min_per_line": det(185)}}
    for delay, dday, eur in ((1, 10, 2.10), (2, 11, 6.30)):
        sc = scenario(node=slow, carrier={"on_time_probability": 0.0, "delay_days": det(delay)})
        r, orders, streams = run(sc, [at(4, "13:00")])
        p = r.parcels
        assert day_of(p.delivery_min)[0] == dday
        assert p.carrier_days_late[0] == delay
        assert p.claims[0]
        assert round(float(p.compensation_eur[0]), 2) == eur
        cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
        ev = evaluate(sc, "own", r, orders, cat, streams)
        assert ev.outcomes.days_late[0] == dday - 7


# ------------------------------------------------------------------ holidays
def test_a_holiday_monday_moves_collection_delivery_promise_and_work() -> None:
    # Monday 12 January (day 7) is a holiday: no collection, no delivery, no shift, and it is
    # not a business day of the promise.
    # Order A: Friday 13:00, packed 16:05 -> collected Tuesday (8) -> delivered Thursday (10);
    #   promised Friday + 1 business day = Tuesday (8): 2 days late.
    # Order B: Friday 17:50, 185 minutes of picking: 10 minutes on Friday (shift ends 18:00),
    #   175 on Tuesday from 08:00 -> 10:55; collected Tuesday 16:00, delivered Thursday (10);
    #   ordered after the 14:00 order cutoff: counts from Tuesday, promised Wednesday (9).
    sc = scenario(
        node={"picking": {"tour_setup_min": det(0), "pick_min_per_line": det(185)}},
        holidays=(dt.date(2026, 1, 12),),
    )
    r, orders, streams = run(sc, [at(4, "13:00"), at(4, "17:50")])
    p = r.parcels
    assert p.ready_min.tolist() == [at(4, "16:05"), at(8, "10:55")]
    assert p.ship_min.tolist() == [at(8, "16:00"), at(8, "16:00")]
    assert day_of(p.delivery_min).tolist() == [10, 10]
    assert p.promised_day.tolist() == [8, 9]
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    ev = evaluate(sc, "own", r, orders, cat, streams)
    assert ev.outcomes.days_late.tolist() == [2, 1]


# ------------------------------------------------------------------ shift ends
def test_three_pickers_seven_orders_of_four_minutes_before_a_1700_shift_end() -> None:
    # Monday 16:50, 7 orders, 3 pickers, 4 minutes each, shift 08:00-17:00:
    # orders 0-2 16:50-16:54, orders 3-5 16:54-16:58, order 6 starts 16:58, works 2 minutes
    # until 17:00 and the last 2 minutes on Tuesday from 08:00: done 08:02.
    sc = scenario(
        node={
            "pickers": 3,
            "shifts": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "17:00"}
            ],
            "picking": {"tour_setup_min": det(0), "pick_min_per_line": det(4)},
        }
    )
    r, _, _ = run(sc, [at(0, "16:50")] * 7)
    p = r.parcels
    assert p.pick_start_min.tolist() == [at(0, "16:50")] * 3 + [at(0, "16:54")] * 3 + [
        at(0, "16:58")
    ]
    assert p.picked_min.tolist() == [at(0, "16:54")] * 3 + [at(0, "16:58")] * 3 + [at(1, "08:02")]
    # all ready after Monday's 16:00 cutoff: collected Tuesday 16:00
    assert set(p.ship_min.tolist()) == {at(1, "16:00")}


def test_work_started_on_friday_evening_finishes_on_monday_morning() -> None:
    # 30 minutes of picking from Friday 17:45: 15 minutes Friday, 15 minutes Monday 08:00.
    sc = scenario(node={"picking": {"tour_setup_min": det(0), "pick_min_per_line": det(30)}})
    r, _, _ = run(sc, [at(4, "17:45")])
    assert r.parcels.picked_min[0] == at(7, "08:15")


def test_an_order_placed_at_night_waits_for_the_shift() -> None:
    sc = scenario()
    r, _, _ = run(sc, [at(1, "03:00")])
    assert r.parcels.pick_start_min[0] == at(1, "08:00")
    assert r.parcels.picked_min[0] == at(1, "08:05")


# ------------------------------------------------------------------ batch release
def test_batch_release_takes_what_is_queued_up_to_the_batch_size() -> None:
    # One picker, batches of up to 3, 2 minutes of set-up per tour + 1 minute per line.
    # Five orders at 10:00: the idle picker takes the first alone (10:00-10:03), then the next
    # three together (2 + 3 = 5 minutes: 10:03-10:08), then the last (10:08-10:11).
    sc = scenario(
        node={
            "picking": {
                "policy": "batch",
                "batch_size": 3,
                "tour_setup_min": det(2),
                "pick_min_per_line": det(1),
            }
        }
    )
    r, _, _ = run(sc, [at(0, "10:00")] * 5)
    p = r.parcels
    assert p.pick_start_min.tolist() == [
        at(0, "10:00"),
        at(0, "10:03"),
        at(0, "10:03"),
        at(0, "10:03"),
        at(0, "10:08"),
    ]
    assert p.picked_min.tolist() == [
        at(0, "10:03"),
        at(0, "10:08"),
        at(0, "10:08"),
        at(0, "10:08"),
        at(0, "10:11"),
    ]


def test_packing_follows_picking_with_its_own_staff() -> None:
    # 5 minutes of picking, 3 minutes of packing + 1 per unit = 4 minutes; two orders at 09:00:
    # picked 09:05 and 09:10; packed 09:09 and 09:14 by the single packer.
    sc = scenario(node={"packing": {"pack_min_per_order": det(3), "pack_min_per_unit": 1.0}})
    r, _, _ = run(sc, [at(0, "09:00"), at(0, "09:00")])
    assert r.parcels.picked_min.tolist() == [at(0, "09:05"), at(0, "09:10")]
    assert r.parcels.ready_min.tolist() == [at(0, "09:09"), at(0, "09:14")]


# ------------------------------------------------------------------ receiving and stock
def replenished(receivers: int = 1) -> Scenario:
    """One unit in stock; an (s, S) review orders a truck with a 3-day lead time.

    10 orders/day of one unit, targets on the average day (no forecast scaling), no floor:
    s = 1 day = 10 units, S = 5.1 days = 51 units; the initial stock is 1 unit (at least one
    unit of a stocked SKU). At Monday's review (day 0, 00:00) the position is 1 <= s: 50 units
    are ordered and arrive on Thursday (day 3) at 00:00: 2 pallets of 25. From 08:00 (one
    receiver): unload 2 min per pallet (08:04), then each pallet is a task: count and check 0.5
    min per unit and put away 2 min: 25 x 0.5 + 2 = 14.5 min, the first pallet is put away at
    08:18:30, the second at 08:33. 10 % rejected at the check: 5 units written off, 45 put away.
    """
    return scenario(
        node={
            "receivers": receivers,
            "replenishment": {
                "policy": "s_S",
                "reorder_point_days": 1.0,
                "order_up_to_days": 5.1,
                "initial_cover_days": 0.0,
                "min_reorder_point_units": 0.0,
                "follow_forecast": False,
                "supplier_lead_time_days": det(3),
                "backorders": True,
            },
            "receiving": {
                "unload_min_per_pallet": det(2),
                "check_min_per_unit": 0.5,
                "putaway_min_per_pallet": det(2),
                "reject_rate": 0.1,
            },
        }
    )


def test_pallets_go_through_receiving_and_stock_is_sellable_only_after_put_away() -> None:
    # Order 0: Monday 10:00 takes the only unit. Order 1: Monday 11:00, no stock: waits
    # (backorder) for the truck. Order 2: Thursday 08:10: the truck is at the dock but nothing
    # is put away yet: waits too. Both get their stock when the first pallet is put away
    # (08:18:30) and are picked one after the other (5 min each). Order 3: Thursday 08:25, the
    # first pallet's units are sellable while the second is still being checked: served at once.
    sc = replenished()
    r, _, _ = run(sc, [at(0, "10:00"), at(0, "11:00"), at(3, "08:10"), at(3, "08:25")])
    p = r.parcels
    first_pallet = at(3, "08:18") + 0.5
    assert p.stock_ok_min.tolist() == [at(0, "10:00"), first_pallet, first_pallet, at(3, "08:25")]
    assert p.pick_start_min.tolist() == [
        at(0, "10:00"),
        first_pallet,
        first_pallet + 5,
        first_pallet + 10,
    ]
    node = r.nodes[0]
    assert node.totals["initial_units"] == 1
    assert node.totals["rejected_units"] == 5
    assert node.totals["put_away_units"] == 45
    assert node.totals["on_hand_units"] == 42  # 45 put away - 3 sold
    # per pallet, from the truck's arrival at 00:00: 08:18:30 and 08:33
    assert node.totals["dock_to_stock_h_mean"] == pytest.approx((498.5 + 513) / 2 / 60)
    assert node.daily["po_units"][0] == 50
    assert node.daily["po_units"][1:].sum() == 0  # position 49 > s after Monday
    assert node.daily["pallets_received"][3] == pytest.approx(2.0)
    # one truck (33 pallets a truck by default) reaches the dock on Thursday
    assert node.daily["trucks_arrived"].tolist()[:5] == [0, 0, 0, 1, 0]
    assert node.daily["pallets_arrived"][3] == pytest.approx(2.0)
    assert node.daily["units_received"][3] == 50
    assert node.daily["stock_units"][:5].tolist() == [1, 0, 0, 0, 42]  # read at 00:00


def test_the_pallets_of_one_line_are_received_in_parallel() -> None:
    # the same truck with two receivers: each takes a pallet after the unloading (08:04) and
    # both are put away at 08:18:30; with one receiver the second waited for the first
    r, _, _ = run(replenished(receivers=2), [at(0, "10:00")])
    node = r.nodes[0]
    assert node.totals["put_away_units"] == 45
    assert node.totals["dock_to_stock_h_mean"] == pytest.approx(498.5 / 60)


def test_a_purchase_order_fills_as_many_trucks_as_its_pallets_need() -> None:
    # one pallet per truck: the two pallets come in two trucks, each paid as a truck
    sc = scenario(
        node={
            "replenishment": replenished().strategies["own"].replenishment.model_dump(),
            "receiving": {"pallets_per_truck": 1.0},
        }
    )
    r, _, _ = run(sc, [at(0, "10:00")])
    node = r.nodes[0]
    assert node.daily["trucks_arrived"][3] == 2
    assert node.daily["pallets_arrived"][3] == pytest.approx(2.0)


def test_purchase_order_lines_split_into_pallets() -> None:
    # 130 units at 50 per pallet: 50, 50, 30; 4 more were ordered than shipped (last pallet);
    # a line of nothing shipped stays one (empty) task carrying what was ordered; a unit
    # bigger than a pallet (0.5 per pallet) is a task of its own
    line, units, ordered, before = pallet_chunks(
        np.array([130, 0, 2]), np.array([134, 7, 2]), np.array([50.0, 10.0, 0.5])
    )
    assert line.tolist() == [0, 0, 0, 1, 2, 2]
    assert units.tolist() == [50, 50, 30, 0, 1, 1]
    assert ordered.tolist() == [50, 50, 34, 7, 1, 1]
    assert before.tolist() == [0, 50, 100, 0, 0, 1]


def test_an_order_placed_after_put_away_is_served_from_stock_at_once() -> None:
    sc = replenished()
    r, _, _ = run(sc, [at(3, "09:00")])
    assert r.parcels.stock_ok_min[0] == at(3, "09:00")
    assert r.parcels.pick_start_min[0] == at(3, "09:00")
