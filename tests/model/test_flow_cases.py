"""Product life cycles, the order-level routing rule and stock transfers, by hand and by property.

Hand cases: a season's end clears exactly the stock left, marked down at the recovery rate (or
written off); the life cycle's weights and the thinning of the orders; the forecast error's
factor; the order-level rule sends a 3-line order with 2 lines at node B entirely to B; a
parcel routed to a node out of its stock falls back to the other; a transfer moves the planned
units and arrives after its transit. Property (hypothesis): with
these on, every warehouse's units are conserved (initial + put away + restocked = on hand +
reserved + cleared + transferred out) and every unit sent arrives or is still on its way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fcsim.model.accounting.kpis import evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import Orders, generate
from fcsim.model.lifecycle import LifeCycles, forecast_factor, life_cycles, thin_orders
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams
from fcsim.model.transfers import planned_moves
from fcsim.policies.routing import LineFacts, by_order
from fcsim.scenario.schema.routing import OrderRouting, Transfers
from fcsim.scenario.schema.scenario import Scenario

MON = dt.date(2026, 1, 5)
DAY = 1440


def det(value: float) -> dict[str, Any]:
    return {"dist": "deterministic", "value": float(value)}


def warehouse(**replenishment: Any) -> dict[str, Any]:
    return {
        "kind": "self",
        "shifts": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}],
        "pickers": 2,
        "packers": 2,
        "receivers": 2,
        "picking": {"policy": "discrete", "tour_setup_min": det(0), "pick_min_per_line": det(1)},
        "packing": {"pack_min_per_order": det(1), "pack_min_per_unit": 0.0},
        "replenishment": replenishment,
        "carriers": ["post"],
    }


def scenario(
    strategies: dict[str, Any],
    *,
    life_cycles: list[dict[str, Any]] | None = None,
    zones: int = 1,
    orders_per_day: float = 10.0,
    horizon_days: int = 14,
    skus: int = 1,
) -> Scenario:
    data: dict[str, Any] = {
        "name": "flow",
        "seed": 5,
        "start_date": MON,
        "horizon_days": horizon_days,
        "drain_days": 14,
        "catalogue": {
            "skus": skus,
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
        "destinations": [
            {"zone": f"z{i}", "share": 1.0 / zones, "vat_rate": 0.2} for i in range(zones)
        ],
        "packaging": [{"name": "mailer", "max_volume_l": 50.0, "cost_eur": 0.2}],
        "carriers": [
            {
                "name": "post",
                "cutoff": "16:00",
                "serves": [f"z{i}" for i in range(zones)],
                "transit_days": 1,
                "on_time_probability": 1.0,
                "rate_card": [{"max_kg": 30.0, "price_eur": 8.0}],
            }
        ],
        "strategies": strategies,
    }
    if life_cycles:
        data["life_cycles"] = life_cycles
    sc = Scenario.model_validate(data)
    assert not sc.problems()
    return sc


def one_unit_orders(times: list[float]) -> Orders:
    n = len(times)
    return Orders(
        created_min=np.asarray(times, dtype=float),
        line_start=np.arange(n + 1, dtype=np.int64),
        line_sku=np.zeros(n, dtype=np.int32),
        line_units=np.ones(n, dtype=np.int32),
    )


# ------------------------------------------------------------------ season's end
@pytest.mark.parametrize("recovery", [0.4, 0.0])
def test_the_season_end_clears_exactly_the_stock_left_at_the_recovery_rate(
    recovery: float,
) -> None:
    # One SKU, 10 units a day on average, season ending on day 3. Initial cover 1000 days of
    # the SKU's own level: it sells on days 0-2 only (level 1, then 0), so the initial stock is
    # ceil(1000 x 10 x 3/1000) = 30 units. s = 1 unit (the floor), so no purchase: four orders
    # on days 0-2 leave 26 units, cleared on day 3 at cost 10 EUR: 260 EUR of stock, a markdown
    # of 260 x (1 - recovery) (written off whole at recovery 0).
    wh = warehouse(initial_cover_days=1000.0, reorder_point_days=0.0, order_up_to_days=1.0)
    sc = scenario(
        {"own": wh},
        life_cycles=[
            {
                "name": "winter",
                "categories": ["goods"],
                "season_end": MON + dt.timedelta(days=3),
                "recovery_rate": recovery,
            }
        ],
    )
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = one_unit_orders([DAY * 0 + 600, DAY * 1 + 600, DAY * 2 + 600, DAY * 2 + 700])
    run = run_strategy(sc, "own", orders, catalogue, streams)
    node = run.nodes[0]
    assert node.totals["initial_units"] == 30
    assert node.daily["cleared_units"].tolist()[:5] == [0, 0, 0, 26, 0]
    assert node.daily["cleared_value_eur"][3] == pytest.approx(260.0)
    assert node.daily["markdown_eur"][3] == pytest.approx(260.0 * (1 - recovery))
    assert node.daily["po_units"].sum() == 0
    assert node.totals["on_hand_units"] == 0
    ev = evaluate(sc, "own", run, orders, catalogue, streams)
    assert ev.kpis["obsolete_units"] == 26
    assert ev.kpis["obsolete_value_eur"] == pytest.approx(260.0)
    assert ev.kpis["cost_markdown_eur"] == pytest.approx(260.0 * (1 - recovery))
    basis = [b for b in ev.ledger.bases if b.category == "markdown"]
    assert basis and basis[0].quantity == pytest.approx(26)


def cycles(launch: int, end: int, decline: float) -> LifeCycles:
    return LifeCycles(
        names=["c"],
        sku_cycle=np.array([0, -1]),
        launch_day=np.array([launch]),
        end_day=np.array([end]),
        decline=np.array([decline]),
        recovery=np.array([0.0]),
    )


def test_life_cycle_weights_by_hand() -> None:
    lc = cycles(launch=10, end=70, decline=0.2)
    day = np.array([0, 9, 10, 40, 69, 70, 40])
    sku = np.array([0, 0, 0, 0, 0, 0, 1])
    w = lc.weight(day, sku)
    assert w.tolist() == pytest.approx([0, 0, 1, 0.8, 0.8 ** (59 / 30), 0, 1])


def test_thinning_keeps_other_skus_and_drops_out_of_season_lines() -> None:
    lc = cycles(launch=2, end=4, decline=0.0)  # SKU 0 sells on days 2 and 3 only
    created = np.array([0, 1, 2, 3, 4, 5], dtype=float) * DAY + 60
    orders = Orders(
        created_min=created,
        line_start=np.arange(0, 13, 2, dtype=np.int64),
        line_sku=np.tile(np.array([0, 1], dtype=np.int32), 6),
        line_units=np.arange(1, 13, dtype=np.int32),
    )
    out = thin_orders(orders, lc, Streams(1, 0))
    assert out.n == 6  # every order keeps its SKU-1 line
    assert out.line_sku.tolist() == [1, 1, 0, 1, 0, 1, 1, 1]
    assert out.line_units.tolist() == [2, 4, 5, 6, 7, 8, 10, 12]
    assert thin_orders(orders, None, Streams(1, 0)) is orders
    only_seasonal = Orders(
        created_min=created[:1], line_start=np.array([0, 1]), line_sku=np.array([0]),
        line_units=np.array([1]),
    )  # fmt: skip
    assert thin_orders(only_seasonal, lc, Streams(1, 0)).n == 0  # no line left: no order


def test_forecast_error_is_off_at_zero_and_has_mean_one() -> None:
    streams = Streams(1, 0)
    assert forecast_factor(0.0, 10, streams) is None
    f = forecast_factor(0.3, 20_000, streams)
    assert f is not None and (f > 0).all()
    assert f.mean() == pytest.approx(1.0, abs=0.01)
    assert f.std() / f.mean() == pytest.approx(0.3, abs=0.01)
    again = forecast_factor(0.3, 10, Streams(1, 0))
    assert again.tolist() == f[:10].tolist()  # keyed by SKU: the same at every node


# ------------------------------------------------------------------ order-level routing
def test_the_order_rule_sends_a_three_line_order_with_two_lines_at_b_to_b() -> None:
    rule = OrderRouting.model_validate(
        {"policy": "order", "lines": {"policy": "category", "assign": {"x": "B"}, "default": "A"}}
    )
    # order 0: x, y, x -> 2 lines at B: all at B; order 1: y, x -> a tie (1-1), units 5 vs 1:
    # A; order 2: x -> B
    facts = LineFacts(
        sales_rank=np.arange(6),
        n_skus=6,
        category=np.array([0, 1, 0, 1, 0, 0]),
        category_names=["x", "y"],
        zone=np.zeros(6, dtype=np.int64),
        zone_names=["z"],
        month=np.ones(6, dtype=np.int64),
        month_day=np.full(6, 101),
        order=np.array([0, 0, 0, 1, 1, 2]),
        units=np.array([1, 1, 1, 5, 1, 1]),
    )
    assert by_order(rule, facts, ["A", "B"]).tolist() == [1, 1, 1, 0, 0, 1]
    per_line = LineFacts(**{**facts.__dict__, "order": None, "units": None})
    assert by_order(rule, per_line, ["A", "B"]).tolist() == [1, 0, 1, 0, 1, 1]


# ------------------------------------------------------------------ fallback
def test_a_line_at_an_out_of_stock_node_falls_back_to_the_other() -> None:
    # zone z0 goes to a, z1 to b. a starts with 1 unit (a stocked SKU's least) and its supplier
    # takes 60 days; b holds 1000 days of cover. With fallback, a serves its first parcel and
    # every later one goes to b (b's staff, carrier and costs), which has the stock at once.
    def net(fallback: bool) -> Scenario:
        strategies = two_centres(None)
        a, b = strategies["net"]["nodes"].values()
        a["replenishment"] |= {"initial_cover_days": 0.0, "min_reorder_point_units": 0.0,
                               "supplier_lead_time_days": det(60)}  # fmt: skip
        b["replenishment"] |= {"initial_cover_days": 1000.0, "supplier_lead_time_days": det(2)}
        strategies["net"]["routing"]["fallback"] = fallback
        return scenario(strategies, zones=2, orders_per_day=20, horizon_days=7)

    results = {}
    for fallback in (False, True):
        sc = net(fallback)
        streams = Streams(sc.seed, 0)
        catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
        orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams)
        run = run_strategy(sc, "net", orders, catalogue, streams)
        results[fallback] = (sc, run, orders, catalogue, streams)
    _, off, _, _, _ = results[False]
    sc, on, orders, catalogue, streams = results[True]
    routed_to_a = np.flatnonzero(off.parcels.node == 0)
    assert len(routed_to_a) > 5
    assert on.parcels.node[routed_to_a[0]] == 0  # a's one unit
    assert (on.parcels.node[routed_to_a[1:]] == 1).all()  # the rest fall back to b
    late_stock = on.parcels.stock_ok_min[routed_to_a] == on.parcels.created_min[routed_to_a]
    assert late_stock.all()  # b had their stock on arrival
    assert np.isnan(off.parcels.stock_ok_min[routed_to_a[1:]]).all()  # without: they wait
    assert on.nodes[1].daily["fallback_parcels"].sum() == len(routed_to_a) - 1
    assert on.nodes[0].daily["fallback_parcels"].sum() == 0
    ev = evaluate(sc, "net", on, orders, catalogue, streams)
    assert ev.kpis["fallback_parcels"] == len(routed_to_a) - 1
    assert ev.kpis["fill_rate"] == 1.0
    # the parcels that stayed at b (z1) are the same in both runs
    assert (on.parcels.node[off.parcels.node == 1] == 1).all()


# ------------------------------------------------------------------ transfers
def test_planned_moves_by_hand() -> None:
    cfg = Transfers(above_cover_days=20, below_cover_days=10, transit_days=2)
    # SKU 0: A holds 100 at 2/day: 60 above 20 days; B's position 3 at 2/day: needs 17 to
    # reach 10 days. SKU 1: B is above, A not below (position 25 > 10 x 2): nothing.
    moves = planned_moves(
        on_hand=np.array([[100, 25], [3, 80]]),
        position=np.array([[100, 25], [3, 80]]),
        daily=np.array([[2.0, 2.0], [2.0, 2.0]]),
        cfg=cfg,
    )
    assert len(moves) == 1
    giver, taker, units = moves[0]
    assert (giver, taker, units.tolist()) == (0, 1, [17, 0])


def two_centres(transfers: dict[str, Any] | None, **kw: Any) -> dict[str, Any]:
    # centre a starts with 1000 days of cover; b with none, and its supplier takes 60 days
    a = warehouse(initial_cover_days=1000.0, reorder_point_days=2.0, order_up_to_days=5.0)
    b = warehouse(
        initial_cover_days=0.0,
        reorder_point_days=2.0,
        order_up_to_days=5.0,
        min_reorder_point_units=0.0,
        supplier_lead_time_days=det(60),
        freight_eur_per_truck=100.0,
        freight_eur_per_pallet=10.0,
    )
    strat: dict[str, Any] = {
        "kind": "hybrid",
        "routing": {"policy": "region", "assign": {"z0": "a", "z1": "b"}, "default": "a"},
        "nodes": {"a": a, "b": b},
    }
    if transfers is not None:
        strat["transfers"] = transfers
    return {"net": strat}


def test_a_transfer_moves_the_planned_units_and_arrives_after_its_transit() -> None:
    sc = scenario(
        two_centres({"every_days": 7, "above_cover_days": 30, "below_cover_days": 10,
                     "transit_days": 2}),
        zones=2, orders_per_day=20, horizon_days=14,
    )  # fmt: skip
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams)
    run = run_strategy(sc, "net", orders, catalogue, streams)
    a, b = run.nodes
    sent = a.daily["transferred_out_units"]
    assert sent[7] > 0 and sent[:7].sum() == 0
    assert b.daily["transferred_in_units"][9] == sent[7]  # day 7 + 2 days of transit
    # b receives nothing but the transfer: one truck on day 9, the units checked and put away
    assert b.daily["trucks_arrived"][:9].sum() == 0 and b.daily["trucks_arrived"][9] == 1
    assert b.daily["units_received"][9:12].sum() == sent[7]
    assert b.totals["put_away_units"] + b.totals["rejected_units"] >= sent[7]
    assert a.totals["transferred_out_units"] == sent.sum()
    # at a's expected demand (10/day at each centre) b needed 10 x 10 days less its position
    ev = evaluate(sc, "net", run, orders, catalogue, streams)
    assert ev.kpis["transferred_units"] == sent[: sc.horizon_days].sum()
    freight = ev.ledger.totals(0, run.n_days)["inbound_freight"]
    assert freight >= 100.0 + 10.0 * sent[7] / 25.0 - 1e-9


def test_without_transfers_nothing_moves() -> None:
    sc = scenario(two_centres(None), zones=2, orders_per_day=20, horizon_days=14)
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams)
    run = run_strategy(sc, "net", orders, catalogue, streams)
    assert all(n.daily["transferred_out_units"].sum() == 0 for n in run.nodes)


# ------------------------------------------------------------------ conservation, by property
@settings(max_examples=15, deadline=None)
@given(
    end=st.integers(3, 20),
    decline=st.floats(0, 0.5),
    recovery=st.floats(0, 1),
    cv=st.sampled_from([0.0, 0.2, 0.6]),
    every=st.integers(1, 7),
    above=st.floats(3, 30),
    below=st.floats(0.5, 2.9),
    order_rule=st.booleans(),
    fallback=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_units_are_conserved_with_life_cycles_transfers_the_order_rule_and_fallback(
    end: int,
    decline: float,
    recovery: float,
    cv: float,
    every: int,
    above: float,
    below: float,
    order_rule: bool,
    fallback: bool,
    seed: int,
) -> None:
    nets = two_centres({"every_days": every, "above_cover_days": above,
                        "below_cover_days": below, "transit_days": 1 + seed % 3})  # fmt: skip
    for node in nets["net"]["nodes"].values():
        node["replenishment"]["forecast_error_cv"] = cv
        node["replenishment"]["supplier_lead_time_days"] = det(2 + seed % 5)
    if order_rule:
        nets["net"]["routing"] = {"policy": "order", "lines": nets["net"]["routing"]}
    nets["net"]["routing"]["fallback"] = fallback
    sc = scenario(
        nets,
        zones=2,
        orders_per_day=15,
        horizon_days=21,
        skus=6,
        life_cycles=[
            {
                "name": "s",
                "categories": ["goods"],
                "launch_date": MON + dt.timedelta(days=1),
                "season_end": MON + dt.timedelta(days=end),
                "decline_per_month": decline,
                "recovery_rate": recovery,
            }
        ],
    )
    streams = Streams(seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams)
    orders = thin_orders(orders, life_cycles(sc, catalogue), streams)
    assert (np.floor(orders.created_min / DAY) < end).all()  # nothing sells after the end
    run = run_strategy(sc, "net", orders, catalogue, streams)
    sent = received_back = 0.0
    for node in run.nodes:
        t, d = node.totals, node.daily
        assert t["initial_units"] + t["put_away_units"] + t["restocked_units"] == (
            t["on_hand_units"] + t["reserved_units"] + t["cleared_units"]
            + t["transferred_out_units"]
        )  # fmt: skip
        assert d["units_received"].sum() == t["put_away_units"] + t["rejected_units"]
        assert (d["stock_units"][end + 1 :] == 0).all()  # cleared every day after the end
        assert d["markdown_eur"].sum() == pytest.approx(
            d["cleared_value_eur"].sum() * (1 - recovery)
        )
        sent += d["transferred_out_units"].sum()
        received_back += d["transferred_in_units"].sum()
    assert sent == received_back  # what leaves a centre is on its way to the other
