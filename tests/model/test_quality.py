"""Operations that go wrong, hand-computed: damage by fragility and packaging, a perishable lot
written off on the day its shelf life ends, a picking error found at packing re-picked by the
picker pool, and one found by the customer (reship, return label, order not right first time).

The tiny scenario is the hand cases' (one SKU, one self-run warehouse, deterministic times);
the horizon starts on Monday 2026-01-05 (day 0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from test_hand_cases import at, det, run, scenario

from fcsim.model.accounting.kpis import evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.scenario.schema.scenario import Scenario


def with_keys(sc: Scenario, **top: Any) -> Scenario:
    """`sc` with top-level keys and category figures replaced (`category={...}`)."""
    data = sc.model_dump(mode="python", by_alias=True)
    cat = top.pop("category", None)
    if cat:
        data["catalogue"]["categories"][0].update(cat)
    data.update(top)
    return Scenario.model_validate(data)


def weekday_times(n: int, per_day: int = 60) -> list[float]:
    """`n` order times, `per_day` a working day between 08:00 and 13:00, weekdays only."""
    out: list[float] = []
    day = 0
    while len(out) < n:
        if day % 7 < 5:
            step = 300 / per_day
            out += [at(day, "08:00") + i * step for i in range(min(per_day, n - len(out)))]
        day += 1
    return out


# ------------------------------------------------------------------ damage
def damaged_share(sc: Scenario, n: int) -> tuple[int, int]:
    r, _, _ = run(sc, weekday_times(n))
    p = r.parcels
    shipped = ~np.isnan(p.ship_min)
    return int((p.damaged & shipped).sum()), int(shipped.sum())


FAST = {
    "pickers": 20,
    "packers": 20,
    "picking": {"tour_setup_min": det(0), "pick_min_per_line": det(0)},
}


def test_a_fragile_item_in_a_poly_mailer_is_damaged_at_the_declared_rate() -> None:
    # carrier 2 %, factor 5 for fragile goods in no protection: 10 % of parcels, whose count
    # must fall within 4 standard deviations of the binomial mean
    base = scenario(node=FAST, carrier={"damage_probability": 0.02}, horizon_days=70)
    sc = with_keys(
        base,
        category={"soft_goods": True, "fragile": True},
        packaging=[{"name": "poly", "max_volume_l": 4.0, "cost_eur": 0.1, "soft_goods_only": True}],
        damage={"factors": [{"fragility": "fragile", "protection": "none", "factor": 5.0}]},
    )
    assert sc.packaging[0].protection_level == "none"
    damaged, shipped = damaged_share(sc, 3000)
    assert shipped == 3000
    p = 0.10
    sd = math.sqrt(shipped * p * (1 - p))
    assert abs(damaged - shipped * p) < 4 * sd, (damaged, shipped)


def test_a_cell_not_declared_keeps_the_carriers_damage_rate_and_draws() -> None:
    # a robust good is in no declared cell: the same parcels are damaged as with no table
    base = scenario(node=FAST, carrier={"damage_probability": 0.05}, horizon_days=40)
    robust = with_keys(base, category={"fragility": "robust"})
    table = with_keys(
        robust,
        damage={"factors": [{"fragility": "fragile", "protection": "standard", "factor": 9.0}]},
    )
    times = weekday_times(1000)
    a = run(robust, times)[0].parcels.damaged
    b = run(table, times)[0].parcels.damaged
    assert a.any() and (a == b).all()


def test_protective_packaging_trades_its_cost_against_damage() -> None:
    # cheapest_fitting packs fragile goods in the plain box (standard protection, factor 4);
    # smallest_fitting in the protective box (factor 1): fewer damaged parcels, dearer material
    base = scenario(node=FAST, carrier={"damage_probability": 0.03}, horizon_days=70)
    boxes = [
        {"name": "box", "max_volume_l": 4.0, "cost_eur": 0.4},
        {"name": "bubble", "max_volume_l": 4.0, "cost_eur": 1.2, "protective": True},
    ]
    table = {"factors": [{"fragility": "fragile", "protection": "standard", "factor": 4.0}]}
    runs = {}
    for policy in ("cheapest_fitting", "smallest_fitting"):
        node = FAST | {"packing": {"policy": policy, "pack_min_per_order": det(0)}}
        sc = with_keys(
            scenario(node=node, carrier={"damage_probability": 0.03}, horizon_days=70),
            category={"fragile": True},
            packaging=boxes,
            damage=table,
        )
        r = run(sc, weekday_times(2000))[0]
        runs[policy] = (r.parcels.damaged.mean(), r.parcels.packaging_eur.mean())
    assert base.damage.factors == []
    (cheap_dmg, cheap_eur), (safe_dmg, safe_eur) = (
        runs["cheapest_fitting"],
        runs["smallest_fitting"],
    )
    assert cheap_eur == pytest.approx(0.4) and safe_eur == pytest.approx(1.2)
    assert cheap_dmg > 2 * safe_dmg


# ------------------------------------------------------------------ perishables
def test_a_perishable_lot_past_its_shelf_life_is_written_off_on_the_right_day() -> None:
    # the opening stock is put away on day 0; a shelf life of 10 days writes it off at 00:00 of
    # day 10 (Thursday 2026-01-15), less the one unit ordered on day 0
    sc = with_keys(scenario(horizon_days=14), category={"shelf_life_days": 10})
    r, orders, streams = run(sc, [at(0, "10:00")])
    node = r.nodes[0]
    t, expired = node.totals, node.daily["expired_units"]
    assert t["initial_units"] > 1
    assert expired[:10].sum() == 0
    assert expired[10] == t["initial_units"] - 1
    assert node.daily["expired_eur"][10] == pytest.approx(10.0 * expired[10])
    assert t["expired_units"] >= expired[10]
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    ev = evaluate(sc, "own", r, orders, catalogue, streams)
    assert ev.ledger.by_category["write_offs"][10] == pytest.approx(10.0 * expired[10])


def test_shrinkage_takes_the_zones_share_per_month() -> None:
    # 30.4375 % a month = 1 % a day of 10,000 units: about 100 units the first day
    zone = {
        "name": "vault",
        "storage_class": "ambient",
        "capacity_pallets": 1000.0,
        "shrinkage_share_per_month": 0.304375,
    }
    node = {"zones": [zone], "replenishment": {"initial_cover_days": 1000.0}}
    sc = scenario(node=node, horizon_days=7)
    r, _, _ = run(sc, [at(0, "10:00")])
    d = r.nodes[0].daily
    first = r.nodes[0].totals["initial_units"] - 1
    assert abs(d["shrinkage_units"][1] - 0.01 * first) <= 1
    assert d["shrinkage_eur"][1] == pytest.approx(10.0 * d["shrinkage_units"][1])


# ------------------------------------------------------------------ picking errors
def picker_busy_min(r) -> float:
    node = r.nodes[0]
    util = np.nan_to_num(node.daily["picker_utilisation"])
    return float((util * node.staff_minutes_by_day[: len(util)]).sum())


def test_an_error_found_at_packing_takes_exactly_the_repick_time_from_the_pool() -> None:
    # every line mis-picked and found; the re-pick takes 7 minutes: an order at 10:00 is picked
    # 10:05 (5 min), picked again 10:05-10:12, packed at once (0 min): ready 10:12
    picking = {"tour_setup_min": det(0), "pick_min_per_line": det(5)}
    wrong = picking | {"error_rate": 1.0, "error_found_at_packing": 1.0,
                       "repick_min_per_line": det(7)}  # fmt: skip
    times = [at(0, "10:00"), at(1, "09:00"), at(1, "11:00")]
    ok = run(scenario(node={"picking": picking}), times)[0]
    r = run(scenario(node={"picking": wrong}), times)[0]
    p = r.parcels
    assert p.picked_min[0] == at(0, "10:05")
    assert p.ready_min[0] == at(0, "10:12")
    assert (p.mispicked == 1).all() and (p.wrong_lines == 0).all()
    assert picker_busy_min(r) - picker_busy_min(ok) == pytest.approx(3 * 7.0)


def test_an_error_the_customer_finds_is_reshipped_and_the_order_not_right_first_time() -> None:
    # nothing found at packing: each parcel costs a second shipment (8.40 EUR, 0.5 kg) and a
    # return label (returns.label_cost_eur) in picking_errors; the customer is dissatisfied
    picking = {"tour_setup_min": det(0), "pick_min_per_line": det(5), "error_rate": 1.0,
               "error_found_at_packing": 0.0}  # fmt: skip
    sc = scenario(node={"picking": picking})
    times = [at(0, "10:00"), at(1, "09:00")]
    r, orders, streams = run(sc, times)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    ev = evaluate(sc, "own", r, orders, catalogue, streams)
    label = sc.returns.label_cost_eur
    assert ev.kpis["cost_picking_errors_eur"] == pytest.approx(2 * (8.40 + label))
    assert ev.kpis["order_accuracy_rate"] == 0.0
    assert ev.kpis["wrong_item_orders"] == 2 and ev.kpis["repicked_lines"] == 0
    assert ev.outcomes.reaction.dissatisfied.all()
    terms = [b for b in ev.ledger.bases if b.category == "picking_errors"]
    assert sum(b.amount for b in terms) == pytest.approx(ev.kpis["cost_picking_errors_eur"])
