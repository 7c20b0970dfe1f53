"""Disruptions, hand-computed: an outage day, a strike day, a supplier failure; CRN; conservation.

The hand cases use the tiny deterministic scenario of `test_hand_cases` (one SKU, one self-run
warehouse working Mon-Fri 08:00-18:00, one picker taking 5 minutes a parcel, carrier `post`
collecting Mon-Fri at 16:00, 2 delivery days Mon-Sat). Day 0 is Monday 2026-01-05.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fcsim.model.accounting.kpis import evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.disruptions import DisruptionPlan
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario
from tests.model.test_conservation import NAME, check_orders, check_timestamps, scenarios
from tests.model.test_hand_cases import MON, at, day_of, det, run, scenario


def disrupted(sc: Scenario, *items: dict[str, Any]) -> Scenario:
    """`sc` with these disruptions (validated, and cross-checked against the scenario)."""
    data = sc.model_dump(mode="python", by_alias=True)
    data["disruptions"] = list(items)
    out = Scenario.model_validate(data)
    assert not out.problems(), out.problems()
    return out


def day(d: int) -> dt.date:
    return MON + dt.timedelta(days=d)


def evaluated(sc: Scenario, times: list[float]):
    """Run with the disruptions and without them; the disrupted run's evaluation."""
    r, orders, streams = run(sc, times)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    calm_sc = sc.model_copy(update={"disruptions": []})
    calm = evaluate(
        calm_sc, "own", run_strategy(calm_sc, "own", orders, cat, streams), orders, cat, streams
    )
    return r, evaluate(sc, "own", r, orders, cat, streams, counterfactual=calm)


# ------------------------------------------------------------------ node outage
def test_one_outage_day_moves_exactly_the_parcels_in_the_warehouse_that_day() -> None:
    # Outage on Tuesday (day 1). Orders: Monday 09:00 (shipped Monday, untouched), Tuesday 09:00
    # (picked Wednesday 08:00 instead of Tuesday 09:00: collected Wednesday, delivered Friday
    # instead of Thursday) and Wednesday 09:00 (picked at 08:05 after Tuesday's parcel, still
    # collected Wednesday: untouched).
    base = scenario()
    sc = disrupted(base, {"kind": "node_outage", "target": "own", "start": day(1), "days": 1})
    times = [at(0, "09:00"), at(1, "09:00"), at(2, "09:00")]
    calm, _, _ = run(base, times)
    r, ev = evaluated(sc, times)
    assert list(day_of(calm.parcels.ship_min)) == [0, 1, 2]
    assert list(day_of(r.parcels.ship_min)) == [0, 2, 2]
    assert r.parcels.pick_start_min[1] == at(2, "08:00")
    assert r.parcels.pick_start_min[2] == at(2, "09:00")  # arrived at 09:00, picker free
    assert list(day_of(r.parcels.delivery_min) - day_of(calm.parcels.delivery_min)) == [0, 1, 0]
    k = ev.kpis
    assert k["disruption_days"] == 1
    assert k["disruption_orders_affected"] == 1
    assert k["disruption_extra_days_mean"] == 1.0


def test_a_friday_outage_waits_over_the_weekend() -> None:
    # Outage on Friday (day 4): the Friday 09:00 order is picked Monday (day 7) 08:00, collected
    # Monday 16:00 and delivered Wednesday (day 9) instead of Monday (day 7: Saturday and Monday
    # are its two delivery days after a Friday collection): two days later.
    base = scenario()
    sc = disrupted(base, {"kind": "node_outage", "target": "own", "dates": [day(4)]})
    calm, _, _ = run(base, [at(4, "09:00")])
    r, ev = evaluated(sc, [at(4, "09:00")])
    assert r.parcels.pick_start_min[0] == at(7, "08:00")
    assert r.parcels.ship_min[0] == at(7, "16:00")
    assert day_of(calm.parcels.delivery_min)[0] == 7
    assert day_of(r.parcels.delivery_min)[0] == 9
    assert ev.kpis["disruption_extra_days_mean"] == 2.0
    # the staff are paid for the closed Friday: labour is the same as without the outage
    assert ev.ledger.totals(0, 14)["labour"] == evaluate_labour(base, [at(4, "09:00")])


def evaluate_labour(sc: Scenario, times: list[float]) -> float:
    r, orders, streams = run(sc, times)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    return evaluate(sc, "own", r, orders, cat, streams).ledger.totals(0, 14)["labour"]


def test_an_outage_closes_the_dock_too() -> None:
    # Packed Monday 17:00 after the cutoff (a 8 h pick from 09:00... done 17:00): its collection
    # would be Tuesday 16:00; the warehouse is closed on Tuesday, so Wednesday.
    slow = scenario(node={"picking": {"tour_setup_min": det(0), "pick_min_per_line": det(480)}})
    sc = disrupted(slow, {"kind": "node_outage", "target": "own", "dates": [day(1)]})
    r, _ = evaluated(sc, [at(0, "09:00")])
    assert r.parcels.ready_min[0] == at(0, "17:00")
    assert r.parcels.ship_min[0] == at(2, "16:00")


# ------------------------------------------------------------------ carrier strike
def test_a_strike_day_skips_the_collection_and_the_next_one_takes_the_parcels() -> None:
    # Strike of `post` on Tuesday (day 1): the parcels ready Tuesday (orders at 09:00 and
    # 10:00) leave with Wednesday's collection; Monday's and Wednesday's are untouched.
    base = scenario()
    sc = disrupted(base, {"kind": "carrier_strike", "target": "post", "dates": [day(1)]})
    times = [at(0, "09:00"), at(1, "09:00"), at(1, "10:00"), at(2, "09:00")]
    r, ev = evaluated(sc, times)
    assert list(r.parcels.ship_min) == [
        at(0, "16:00"),
        at(2, "16:00"),
        at(2, "16:00"),
        at(2, "16:00"),
    ]
    assert ev.kpis["disruption_orders_affected"] == 2
    assert ev.kpis["disruption_extra_days_mean"] == 1.0


def test_a_rerouting_strike_sends_the_parcels_with_the_other_carrier_at_its_rate() -> None:
    base = scenario()
    data = base.model_dump(mode="python", by_alias=True)
    express = dict(
        data["carriers"][0], name="express", rate_card=[{"max_kg": 5.0, "price_eur": 15.0}]
    )
    data["carriers"].append(express)
    data["strategies"]["own"]["carriers"] = ["post", "express"]
    two = Scenario.model_validate(data)
    sc = disrupted(
        two, {"kind": "carrier_strike", "target": "post", "dates": [day(1)], "reroute": True}
    )
    r, ev = evaluated(sc, [at(0, "09:00"), at(1, "09:00")])
    assert list(r.parcels.carrier) == [0, 1]  # Tuesday's parcel goes with express
    assert list(r.parcels.ship_min) == [at(0, "16:00"), at(1, "16:00")]
    assert r.parcels.shipping_eur[1] == 15.0
    assert ev.kpis["disruption_extra_cost_eur"] > 15.0 - 8.40 - 1e-9  # at least the dearer rate
    assert ev.kpis["disruption_orders_affected"] == 0  # delivered on the same day


# ------------------------------------------------------------------ supplier failure
def test_a_supplier_failure_delays_a_receipt_by_the_declared_days() -> None:
    # No initial stock: the review of day 0 orders from `acme` (3 days' lead time), due on
    # Thursday (day 3); acme sends nothing on days 3 and 4: the truck comes on day 5.
    rep = {
        "supplier": "acme",
        "initial_cover_days": 0.0,
        "supplier_lead_time_days": det(3),
        "reorder_point_days": 5.0,
        "order_up_to_days": 20.0,
    }
    base = scenario(node={"replenishment": rep})
    sc = disrupted(base, {"kind": "supplier_failure", "target": "acme", "start": 3, "days": 2})
    calm, _, _ = run(base, [at(0, "09:00")])
    r, _ = evaluated(sc, [at(0, "09:00")])
    assert np.flatnonzero(calm.nodes[0].daily["trucks_arrived"])[0] == 3
    assert np.flatnonzero(r.nodes[0].daily["trucks_arrived"])[0] == 5


def test_a_lead_time_factor_multiplies_the_lead_time_of_orders_placed_then() -> None:
    sc = disrupted(
        scenario(node={"replenishment": {"supplier": "acme"}}),
        {"kind": "supplier_failure", "target": "acme", "dates": [day(10)], "lead_time_factor": 2},
    )
    plan = DisruptionPlan(sc, Streams(1, 0), 40)
    assert plan.delayed_arrival("acme", 10, 3.0) == 16  # 6 days
    assert plan.delayed_arrival("acme", 11, 3.0) == 14  # placed after the failure: as usual
    assert plan.delayed_arrival(None, 10, 3.0) == 13  # another supplier


# ------------------------------------------------------------------ common random numbers
def test_random_disruptions_hit_every_strategy_on_the_same_days() -> None:
    from fcsim.scenario.load import load_scenario

    sc = load_scenario("tests/scenarios/small.yaml")
    sc = disrupted(
        sc,
        {"kind": "node_outage", "node_kind": "warehouse", "rate_per_year": 40},
        {"kind": "carrier_strike", "target": "colissimo", "rate_per_year": 30},
    )
    plans = [DisruptionPlan(sc, Streams(sc.seed, rep), 56) for rep in (0, 1)]
    for plan in plans:
        own, out = plan.node_days("own", "self"), plan.node_days("out", "3pl")
        assert len(own) and np.array_equal(own, out)
        assert np.array_equal(own, plan.node_days("a", "self"))  # the hybrid's own node too
        assert not len(plan.node_days("drop", "dropship"))
        assert np.array_equal(plan.strategy_days("own"), plan.strategy_days("out"))
    assert not np.array_equal(plans[0].node_days("own", "self"), plans[1].node_days("own", "self"))


# ------------------------------------------------------------------ conservation
@st.composite
def disrupted_scenarios(draw) -> Scenario:
    sc = draw(scenarios())
    carriers = [c.name for c in sc.carriers]
    items = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["node_outage", "carrier_strike"]))
        item: dict[str, Any] = {"kind": kind, "rate_per_year": draw(st.floats(5, 120))}
        item["duration_days"] = {"dist": "uniform", "low": 0, "high": draw(st.integers(1, 5))}
        if kind == "node_outage":
            item["node_kind"] = draw(st.sampled_from(["warehouse", "dropship"]))
        else:
            item["target"] = draw(st.sampled_from(carriers))
            item["reroute"] = draw(st.booleans())
        items.append(item)
    data = sc.model_dump(mode="python", by_alias=True)
    data["disruptions"] = items
    out = Scenario.model_validate(data)
    return out


@settings(max_examples=25, deadline=None)
@given(disrupted_scenarios())
def test_every_order_is_delivered_lost_cancelled_or_in_progress_with_disruptions(
    sc: Scenario,
) -> None:
    if sc.problems():  # a node kind the strategy does not have: not a case
        return
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data)
    r = run_strategy(sc, NAME, orders, catalogue, streams)
    ev = evaluate(sc, NAME, r, orders, catalogue, streams)
    check_orders(ev, orders.n)
    check_timestamps(sc, r)
    p = r.parcels
    shipped = p.ship_min <= r.n_days * 1440
    # no parcel is collected on a day its carrier is struck or its node is out
    for i, (name, node) in enumerate(sc.nodes_of(NAME).items()):
        out = r.disruptions.node_days(name, node.kind)
        for ci, c in enumerate(sc.carriers):
            m = shipped & (p.node == i) & (p.carrier == ci)
            blocked = np.union1d(out, r.disruptions.strike_days(c.name))
            assert not np.isin(day_of(p.ship_min[m]), blocked).any()
