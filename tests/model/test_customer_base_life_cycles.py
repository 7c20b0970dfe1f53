"""Customers who react with product life cycles: the checkout visits are thinned by the life
cycles as the orders of a run without a customer base are, before baskets are topped up, and
every strategy sees the same visits.

The small test scenario with a customer base (four weeks) and its tops (category 0) launched on
day 7 (2026-01-12), losing 40 % of their demand a month, off sale from day 28 (2026-02-02).
"""

from __future__ import annotations

import math

import numpy as np

from fcsim.experiment.runs import RunSpec, simulate
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.catalogue import build_catalogue
from fcsim.model.customer_base import order_values, potential_orders
from fcsim.model.lifecycle import life_cycles
from fcsim.model.reactive import run_reactive
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario

from conftest import SMALL

BASE = ["horizon_days=35", "customer_base={}", "shipping_fee.policy=free"]
TOPS = (
    "life_cycles=[{name: spring, categories: [tops], launch_date: 2026-01-12, "
    "season_end: 2026-02-02, decline_per_month: 0.4}]"
)
LAUNCH, END = 7, 28


def _world(*overrides: str):
    sc = load_scenario(SMALL, [*BASE, *overrides])
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    streams = Streams(sc.seed, 0)
    return sc, cat, streams, potential_orders(sc, cat, streams)


def _line_days(orders) -> np.ndarray:
    return np.floor(orders.created_min[orders.line_order] / MIN_PER_DAY).astype(np.int64)


def test_visits_follow_the_life_cycle_and_other_lines_are_untouched() -> None:
    sc, cat, _, pot = _world(TOPS)
    _, _, _, plain = _world()  # the same visits drawn, not thinned
    tops = cat.category == cat.category_names.index("tops")
    day, sku = _line_days(pot.orders), pot.orders.line_sku
    on = tops[sku]
    assert on.any() and not (on & ((day < LAUNCH) | (day >= END))).any()
    # the other SKUs' lines are exactly the unthinned ones
    pday, psku = _line_days(plain.orders), plain.orders.line_sku
    other = ~tops[psku]
    assert np.array_equal(np.sort(sku[~on]), np.sort(psku[other]))
    assert np.array_equal(np.bincount(day[~on]), np.bincount(pday[other]))
    # the tops lines kept: the weight of their day, (1 - 0.4)^(days since launch / 30)
    drawn = tops[psku] & (pday >= LAUNCH) & (pday < END)
    w = life_cycles(sc, cat).weight(pday[drawn], psku[drawn])
    assert np.allclose(w, 0.6 ** ((pday[drawn] - LAUNCH) / 30))
    expected, var = w.sum(), (w * (1 - w)).sum()
    assert abs(on.sum() - expected) < 4 * math.sqrt(var)
    # a visit left without a line is no visit
    assert pot.orders.n < plain.orders.n and np.all(pot.orders.n_lines > 0)


def test_baskets_are_topped_up_after_the_thinning() -> None:
    top_up = [
        "shipping_fee.policy=free_above",
        "shipping_fee.free_above_eur=65",
        "customer_base.top_up_share=1",
        "customer_base.top_up_window_eur=40",
    ]
    _, cat, _, pot = _world(TOPS, *top_up)
    _, _, _, plain = _world(TOPS)  # thinned, not topped up
    before, after = order_values(plain.orders, cat), order_values(pot.orders, cat)
    window = (before < 65) & (before >= 25)
    assert window.any()
    assert np.all(after[window] >= 65)  # no topped-up basket loses a line afterwards
    assert np.array_equal(after[~window], before[~window])


def test_the_combination_runs_and_every_strategy_sees_the_same_visits() -> None:
    sc, cat, _, pot = _world(TOPS)
    tops = cat.category == cat.category_names.index("tops")
    runs = {s: run_reactive(sc, s, pot, cat, Streams(sc.seed, 0)) for s in ("own", "out")}
    for rr in runs.values():
        placed = rr.orders
        day = _line_days(placed)
        assert not (tops[placed.line_sku] & ((day < LAUNCH) | (day >= END))).any()
        assert rr.facts.unsettled == 0
    own, out = runs["own"].facts, runs["out"].facts
    assert np.array_equal(own.visit_min, out.visit_min)
    assert np.array_equal(own.customer, out.customer)
    kpis = {s: simulate(RunSpec(sc, s, 0, sc.seed)).kpis for s in ("own", "out")}
    assert kpis["own"]["potential_orders"] == kpis["out"]["potential_orders"] > 0
    assert kpis["own"]["orders"] > 0 and kpis["out"]["orders"] > 0
