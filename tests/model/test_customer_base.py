"""Customers who react (`customer_base`): conversion, churn, common random numbers, conservation.

Hand-computed cases on the small test scenario with a customer base switched on (four weeks,
60 orders/day at free shipping), and property tests of the superset's compaction.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fcsim.experiment.runs import RunSpec, simulate
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.catalogue import build_catalogue
from fcsim.model.customer_base import (
    base_size,
    checkout,
    conversion,
    order_values,
    potential_orders,
    settle,
)
from fcsim.model.demand import Orders
from fcsim.model.parcels import split_orders
from fcsim.model.reactive import compact_orders, compact_parcels, run_reactive
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario

from conftest import SMALL

SHORT = ["horizon_days=28", "customer_base={}"]


def _scenario(*overrides: str):
    return load_scenario(SMALL, [*SHORT, *overrides])


def _world(sc, replication: int = 0):
    streams = Streams(sc.seed, replication)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    return cat, streams, potential_orders(sc, cat, streams)


def test_off_by_default_and_hash_unchanged():
    sc = load_scenario(SMALL)
    assert sc.customer_base is None
    # an absent opt-in block leaves the scenario's content hash (run store, baselines) as it was
    assert "customer_base" not in sc.model_dump(mode="json", exclude={"customer_base"})
    on = _scenario()
    assert on.content_hash() != load_scenario(SMALL, ["horizon_days=28"]).content_hash()


def test_conversion_function_declared():
    cfg = _scenario().customer_base
    assert conversion(cfg, np.array([0.0]), np.array([2]))[0] == pytest.approx(0.30)
    assert conversion(cfg, np.array([0.0]), np.array([1]))[0] == pytest.approx(0.30)
    assert conversion(cfg, np.array([4.9]), np.array([2]))[0] == pytest.approx(
        0.30 * math.exp(-0.06 * 4.9)
    )
    assert conversion(cfg, np.array([0.0]), np.array([4]))[0] == pytest.approx(
        0.30 * math.exp(-0.05 * 2)
    )


@pytest.mark.parametrize("policy", ["free", "flat"])
def test_conversion_at_checkout_within_binomial_interval(policy):
    """Flat 4.90 vs free shipping: conversion falls by exp(-0.06 x 4.90) (hand-computed)."""
    sc = _scenario(f"shipping_fee.policy={policy}")
    cat, streams, pot = _world(sc)
    n = pot.orders.n
    zone = np.zeros(n, dtype=np.int16)
    converts, fee = checkout(sc, pot, cat, zone, np.full(n, 2), streams)
    expected = 0.30 if policy == "free" else 0.30 * math.exp(-0.06 * 4.9)  # 0.2236
    assert np.all(fee == (0.0 if policy == "free" else 4.9))
    half = 3 * math.sqrt(expected * (1 - expected) / n)
    assert abs(converts.mean() - expected) < half


def test_steady_volume_at_free_shipping():
    """Free shipping, promise at the reference: visits x baseline conversion = orders_per_day."""
    sc = _scenario("shipping_fee.policy=free")
    assert base_size(sc.customer_base, sc.demand) == round(60 * 365 / 2.0)
    r = simulate(RunSpec(sc, "out", 0, sc.seed))
    days = sc.horizon_days - sc.warmup_days
    expected = 60 * days
    assert abs(r.kpis["orders"] - expected) < 4 * math.sqrt(expected)
    assert r.kpis["conversion_rate"] == pytest.approx(0.30, abs=0.03)


def test_top_up_reaches_the_threshold():
    sc = _scenario(
        "shipping_fee.policy=free_above",
        "shipping_fee.free_above_eur=65",
        "customer_base.top_up_share=1",
        "customer_base.top_up_window_eur=40",
    )
    cat, _, pot = _world(sc)
    plain = _world(_scenario("shipping_fee.policy=free"))[2]
    before = order_values(plain.orders, cat)
    after = order_values(pot.orders, cat)
    window = (before < 65) & (before >= 25)  # the test catalogue's prices: 30 and 80 EUR
    assert window.any()
    assert np.all(after[window] >= 65)  # every basket within 40 EUR of 65 topped up
    assert np.array_equal(after[~window], before[~window])


def test_identical_service_gives_identical_orders():
    """Two strategies with the same configuration see the same customers decide the same."""
    twin = "strategies.twin={kind: self, pickers: 2, packers: 2, carriers: [colissimo]}"
    sc = _scenario(twin, "customers.churn_share_of_dissatisfied=1")
    cat, streams, pot = _world(sc)
    a = run_reactive(sc, "own", pot, cat, streams)
    b = run_reactive(sc, "twin", pot, cat, Streams(sc.seed, 0))
    assert np.array_equal(a.facts.placed, b.facts.placed)
    assert np.array_equal(a.orders.created_min, b.orders.created_min)
    assert np.array_equal(a.orders.line_units, b.orders.line_units)
    assert np.array_equal(a.run.parcels.delivery_min, b.run.parcels.delivery_min, equal_nan=True)


def test_churned_customer_orders_no_more():
    sc = _scenario(
        "customers.churn_share_of_dissatisfied=1", "customer_base.orders_per_customer_per_year=24"
    )
    cat, streams, pot = _world(sc)
    rr = run_reactive(sc, "drop", pot, cat, streams)
    f = rr.facts
    churned = np.isfinite(f.churn_min)
    assert churned.sum() > 5
    after = f.placed & (f.visit_min > f.churn_min[f.customer])
    assert not after.any()  # a churned customer places no later order
    lost = f.converts & ~f.placed
    assert lost.any() and np.all(f.visit_min[lost] > f.churn_min[f.customer[lost]])
    assert f.unsettled == 0 and f.passes >= 2


def test_churn_share_one_loses_the_expected_orders():
    """Orders lost to churn match the model's expectation: each churned customer would have
    visited at the visit rate per customer for the rest of the horizon (while present) and
    converted at the baseline (free shipping); Poisson interval, 4 sigma."""
    often = "customer_base.orders_per_customer_per_year=24"  # monthly: many repeat visits
    sc = _scenario("customers.churn_share_of_dissatisfied=1", "shipping_fee.policy=free", often)
    none = simulate(RunSpec(_scenario("shipping_fee.policy=free", often), "drop", 0, sc.seed))
    assert none.kpis["orders_lost_to_churn"] >= 0
    cat, streams, pot = _world(sc)
    rr = run_reactive(sc, "drop", pot, cat, streams)
    f = rr.facts
    cfg = sc.customer_base
    horizon = sc.horizon_days * MIN_PER_DAY
    per_min = 60 / 0.30 / MIN_PER_DAY / base_size(cfg, sc.demand)  # visits per customer-minute
    delta = cfg.attrition_per_year / (365 * MIN_PER_DAY)
    t = f.churn_min[np.isfinite(f.churn_min) & (f.churn_min < horizon)]
    t = np.maximum(t, 0)
    stay = (1 - np.exp(-delta * (horizon - t))) / delta  # expected minutes still present
    expected = float((per_min * 0.30 * stay).sum())
    lost = float((f.converts & ~f.placed).sum())
    assert expected > 10
    assert abs(lost - expected) < 4 * math.sqrt(expected)
    r = simulate(RunSpec(sc, "drop", 0, sc.seed))
    assert r.kpis["orders_lost_to_churn"] == lost_in_window(f, sc)
    assert r.kpis["orders"] < none.kpis["orders"]  # churn share 1 vs 0.35: fewer orders


def lost_in_window(f, sc) -> float:
    w = (f.visit_min >= sc.warmup_days * MIN_PER_DAY) & (
        f.visit_min < sc.horizon_days * MIN_PER_DAY
    )
    return float((w & f.converts & ~f.placed).sum())


def test_paired_interval_much_narrower_than_unpaired():
    """A small service difference (one picker instead of two: more late parcels, so more
    churn): the paired interval of the profit difference is much narrower than the unpaired
    one, because both strategies see the same customers decide the same wherever service is
    the same."""
    sc = _scenario(
        "horizon_days=14",
        "strategies.own.pickers=1",
        "customers.churn_share_of_dissatisfied=1",
        "strategies.twin={kind: self, pickers: 2, packers: 2, carriers: [colissimo]}",
    )
    a, b, late = [], [], []
    for rep in range(4):
        ra = simulate(RunSpec(sc, "own", rep, sc.seed)).kpis
        rb = simulate(RunSpec(sc, "twin", rep, sc.seed)).kpis
        a.append(ra["profit_eur"])
        b.append(rb["profit_eur"])
        late.append(ra["late_rate"] - rb["late_rate"])
    assert any(d > 0 for d in late)  # the service does differ
    a, b = np.array(a), np.array(b)
    paired = np.std(a - b, ddof=1) / math.sqrt(len(a))
    unpaired = math.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))
    assert paired < 0.25 * unpaired


@lru_cache(maxsize=1)
def _catalogue():
    sc = load_scenario(SMALL)
    return build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)


@st.composite
def _orders(draw):
    n = draw(st.integers(1, 30))
    lines = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    line_start = np.concatenate([[0], np.cumsum(lines)]).astype(np.int64)
    total = int(line_start[-1])
    sku = np.array(draw(st.lists(st.integers(0, 4), min_size=total, max_size=total)), np.int32)
    units = np.array(draw(st.lists(st.integers(1, 5), min_size=total, max_size=total)), np.int32)
    orders = Orders(np.sort(np.arange(n) * 7.0), line_start, sku, units)
    keep = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    nodes = np.array(draw(st.lists(st.integers(0, 2), min_size=total, max_size=total)))
    return orders, keep, nodes


@given(_orders())
def test_compaction_conserves_orders_lines_and_units(case):
    """Visits = placed + not placed; the compacted orders and parcels hold exactly the placed
    visits' lines and units, each parcel with the lines of its own order."""
    orders, keep, nodes = case
    cat = _catalogue()
    parcels = split_orders(orders, cat, nodes)
    small, line_map = compact_orders(orders, keep)
    cp = compact_parcels(parcels, keep, line_map)
    assert small.n == keep.sum()
    placed_units = orders.line_units[keep[orders.line_order]]
    assert small.line_units.sum() == placed_units.sum() == cp.units.sum()
    assert np.array_equal(small.created_min, orders.created_min[keep])
    for p in range(cp.n):
        lines = cp.lines_of(p)
        assert np.all(small.line_order[lines] == cp.order[p])
    assert cp.n == int(keep[parcels.order].sum())
    assert np.all(np.diff(cp.order) >= 0)


def test_base_decays_to_the_birth_death_steady_state():
    """Churn at a constant rate per order: the active base follows dA/dt = b - (d + v q) A with
    births b = d N0 (attrition d, order rate v per customer, churn q per order), so at the end
    A(H) = A* + (N0 - A*) exp(-(d + v q) H), A* = d N0 / (d + v q); no simulation needed."""
    sc = _scenario(
        "horizon_days=365",
        "shipping_fee.policy=free",
        "customer_base.orders_per_customer_per_year=24",
    )
    cat, streams, pot = _world(sc)
    cfg = sc.customer_base
    n0 = base_size(cfg, sc.demand)
    converts, _ = checkout(
        sc, pot, cat, np.zeros(pot.orders.n, np.int16), np.full(pot.orders.n, 2), streams
    )
    q = 0.05
    keys = np.flatnonzero(converts)
    churns = streams.keyed("test.churn", keys) < q  # each order churns its customer, at once
    t = np.where(churns, pot.orders.created_min[keys], np.inf)
    _, churn_at = settle(
        converts, pot.orders.created_min, pot.customer, len(pot.arrival_min), keys, t
    )
    horizon = sc.horizon_days * MIN_PER_DAY
    present = (pot.arrival_min <= horizon) & (pot.departure_min > horizon)
    active = present & (churn_at > horizon)
    d = cfg.attrition_per_year
    h = cfg.orders_per_customer_per_year * q  # churn hazard per year of an active customer
    # given who is present at the end, each escaped churn since her arrival: exp(-h x years)
    years = (horizon - pot.arrival_min[present]) / (365 * MIN_PER_DAY)
    given = float(np.exp(-h * years).sum())
    assert abs(active.sum() - given) < 4 * math.sqrt(given)
    # and the birth-death balance (births and departures random too: a wider interval)
    steady = d * n0 / (d + h)
    expected = steady + (n0 - steady) * math.exp(-(d + h) * sc.horizon_days / 365)
    assert abs(active.sum() - expected) < 4 * math.sqrt(expected) + 0.1 * expected
    assert active.sum() < 0.5 * n0  # it did decay
