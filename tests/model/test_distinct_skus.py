"""The lines of an order are distinct SKUs, drawn by popularity without replacement.

`lines_per_order` is documented as "order lines (distinct SKUs) per order": no basket holds one
SKU twice, the number of lines keeps its distribution (up to the number of SKUs on sale), and
the basket is a draw without replacement by popularity.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _reference(sku, line_start, popularity, rng):
    """The redraws written the plain way (every order sorted by SKU in every round): the fast
    `distinct_skus` must give the same SKUs, drawing the same numbers in the same order."""
    sku = sku.copy()
    order = np.repeat(np.arange(len(line_start) - 1), np.diff(line_start))
    cum = np.cumsum(popularity)
    cum[-1] = 1.0

    def repeated(s):
        idx = np.lexsort((np.arange(len(s)), s, order))
        same = (order[idx[1:]] == order[idx[:-1]]) & (s[idx[1:]] == s[idx[:-1]])
        out = np.zeros(len(s), dtype=bool)
        out[idx[1:][same]] = True
        return out

    for _ in range(MAX_REDRAW_ROUNDS):
        again = repeated(sku)
        if not again.any():
            return sku
        sku[again] = np.searchsorted(cum, rng.random(int(again.sum())), side="right")
    positive = np.flatnonzero(popularity > 0)
    log_w = np.log(popularity[positive])
    for o in np.unique(order[repeated(sku)]):
        lo, hi = int(line_start[o]), int(line_start[o + 1])
        keys = np.log(-np.log(rng.random(len(positive)))) - log_w
        sku[lo:hi] = positive[np.argsort(keys, kind="stable")[: hi - lo]]
    return sku


def test_a_hand_made_basket_redraws_only_its_repeated_lines() -> None:
    # orders: (2, 2, 2) -> its 2nd and 3rd lines repeat; (0, 1) and (1,) are distinct already
    line_start = np.array([0, 3, 5, 6])
    first = np.array([2, 2, 2, 0, 1, 1], dtype=np.int32)
    p = np.full(4, 0.25)
    sku = distinct_skus(first, line_start, p, np.random.default_rng(7))
    assert sku[0] == 2 and len(set(sku[:3].tolist())) == 3
    assert sku[3:].tolist() == [0, 1, 1]
    assert np.array_equal(sku, _reference(first, line_start, p, np.random.default_rng(7)))


@settings(max_examples=150, deadline=None)
@given(
    n_lines=st.lists(st.integers(1, 6), min_size=0, max_size=40),
    weights=st.lists(st.floats(0.0, 1.0), min_size=6, max_size=9),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_redraws_match_the_plain_sort_based_ones_draw_for_draw(n_lines, weights, seed) -> None:
    p = np.asarray(weights, dtype=float)
    if p.sum() > 0:
        p = p / p.sum()  # a tiny weight may become 0 here: checked after
    if (p > 0).sum() < max(n_lines, default=1):
        p = (p + 1.0) / (p + 1.0).sum()  # enough SKUs on sale for the longest basket
    line_start = np.concatenate([[0], np.cumsum(n_lines, dtype=np.int64)])
    rng = np.random.default_rng(seed)
    first = rng.integers(0, len(p), int(line_start[-1])).astype(np.int32)
    fast = distinct_skus(first, line_start, p, np.random.default_rng(seed + 1))
    plain = _reference(first, line_start, p, np.random.default_rng(seed + 1))
    assert fast.dtype == plain.dtype and np.array_equal(fast, plain)
