"""The lines of an order are distinct SKUs, drawn by popularity without replacement.

`lines_per_order` is documented as "order lines (distinct SKUs) per order": no basket holds one
SKU twice, the number of lines keeps its distribution (up to the number of SKUs on sale), and
the basket is a draw without replacement by popularity.
"""

from __future__ import annotations

import itertools

import numpy as np

from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import MAX_REDRAW_ROUNDS, distinct_skus, generate
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario

from conftest import SMALL


def _baskets(line_start: np.ndarray, sku: np.ndarray) -> list[tuple[int, ...]]:
    return [tuple(sku[a:b]) for a, b in itertools.pairwise(line_start)]


def test_orders_of_a_small_catalogue_hold_distinct_skus_and_keep_their_line_count() -> None:
    sc = load_scenario(
        SMALL,
        [
            "catalogue.skus=6",
            "demand.lines_per_order={dist: empirical, values: [1, 2, 3, 4], weights: [4, 3, 2, 1]}",
        ],
    )
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    baskets = _baskets(orders.line_start, orders.line_sku)
    assert all(len(set(b)) == len(b) for b in baskets)
    n_lines = orders.n_lines
    expected = sc.demand.lines_per_order.mean()  # 2.0
    half = 4 * n_lines.std(ddof=1) / np.sqrt(len(n_lines))
    assert abs(n_lines.mean() - expected) < half


def test_a_two_line_basket_is_a_draw_without_replacement_by_popularity() -> None:
    p = np.array([0.6, 0.3, 0.1])
    n = 200_000
    rng = np.random.default_rng(3)
    line_start = np.arange(0, 2 * n + 1, 2)
    first = np.searchsorted(np.cumsum(p), rng.random(2 * n), side="right").astype(np.int32)
    sku = distinct_skus(first, line_start, p, np.random.default_rng(4))
    pairs = np.sort(sku.reshape(-1, 2), axis=1)
    # successive sampling: P({i, j}) = p_i p_j / (1 - p_i) + p_j p_i / (1 - p_j)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        exact = p[i] * p[j] / (1 - p[i]) + p[j] * p[i] / (1 - p[j])
        seen = np.mean((pairs[:, 0] == i) & (pairs[:, 1] == j))
        assert abs(seen - exact) < 4 * np.sqrt(exact * (1 - exact) / n), (i, j, seen, exact)
    # lines that were already distinct keep their first draw
    kept = first.reshape(-1, 2)[:, 0] != first.reshape(-1, 2)[:, 1]
    assert np.array_equal(sku.reshape(-1, 2)[kept], first.reshape(-1, 2)[kept])


def test_a_basket_of_almost_the_whole_catalogue_is_drawn_exactly_when_redraws_stall() -> None:
    p = np.array([1 - 2e-9, 1e-9, 1e-9])  # a redraw hits a rare SKU once in 10^9 draws
    line_start = np.array([0, 3, 6])
    sku = distinct_skus(np.zeros(6, dtype=np.int32), line_start, p, np.random.default_rng(1))
    assert MAX_REDRAW_ROUNDS < 1e9
    assert sorted(sku[:3]) == [0, 1, 2] and sorted(sku[3:]) == [0, 1, 2]
