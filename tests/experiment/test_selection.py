"""Selection of the best: hand-computed subsets, properties, and the probability of a correct
selection on synthetic normal data and on a small real scenario."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from fcsim.experiment.selection import (
    MISSES,
    OVERLOADED,
    excluded_strategies,
    metric_selection,
    selection_block,
    subset,
)

# three strategies, three replications (columns paired: the same seed)
A = [10.0, 11.0, 12.0]  # mean 11
B = [12.0, 13.0, 14.0]  # mean 13, B − A = 2 in every replication (sd 0)
C = [10.5, 12.5, 11.0]  # mean 11.333, C − A = [0.5, 1.5, −1], sd 1.2583


def test_hand_case_without_indifference() -> None:
    r = subset(np.array([A, B, C]), delta=0.0)
    # W(C, A) = t(0.975, 2) · 1.2583 / √3 = 4.3027 · 0.7265 = 3.126 > 11.333 − 11: C stays;
    # B − A has no spread, so W(B, A) = 0 and 13 > 11: B goes
    assert r.kept == (0, 2)
    assert r.n == 3
    assert r.quantile == pytest.approx(4.302653, rel=1e-6)
    assert r.means == pytest.approx((11.0, 13.0, 34.0 / 3))


def test_hand_case_indifference_zone_drops_the_near_one() -> None:
    # with δ = 4 > W(C, A) = 3.126, C must have a mean <= A's: it has not
    assert subset(np.array([A, B, C]), delta=4.0).kept == (0,)
    # δ = 3 < 3.126 leaves 0.126 of slack, less than C − A = 0.333: C goes too
    assert subset(np.array([A, B, C]), delta=3.0).kept == (0,)
    # δ = 2.7 leaves 0.426 > 0.333: C stays
    assert subset(np.array([A, B, C]), delta=2.7).kept == (0, 2)


def test_higher_is_better_mirrors() -> None:
    r = subset(-np.array([A, B, C]), delta=0.0, lower_is_better=False)
    assert r.kept == (0, 2)


def test_edges() -> None:
    assert subset(np.array([A]), 0.1).kept == (0,)  # a single strategy
    assert subset(np.array([[1.0], [2.0]]), 0.1).kept == (0, 1)  # one replication: all kept
    r = subset(np.array([[1.0, 2.0, math.nan], [3.0, 4.0, 5.0]]), 0.0)
    assert r.n == 2 and r.kept == (0,)  # a broken pair is dropped
    with pytest.raises(ValueError):
        subset(np.array([A, B]), -1.0)
    with pytest.raises(ValueError):
        subset(np.array([A, B]), 0.1, confidence=1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 5),
    st.integers(2, 8),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 2.0),
    st.floats(0.0, 2.0),
)
def test_properties(k: int, n: int, seed: int, d1: float, d2: float) -> None:
    x = np.random.default_rng(seed).normal(0.0, 1.0, size=(k, n))
    small, large = sorted((d1, d2))
    a, b = subset(x, small), subset(x, large)
    best = int(np.argmin(x.mean(axis=1)))
    assert best in a.kept and best in b.kept  # the best sample mean is never screened out
    assert set(b.kept) <= set(a.kept)  # a wider indifference zone keeps no more
    perm = np.random.default_rng(seed + 1).permutation(k)
    c = subset(x[perm], small)
    assert {int(perm[i]) for i in c.kept} == set(a.kept)  # the order of strategies is moot


def test_known_best_is_selected_with_the_confidence_on_normal_data() -> None:
    """Least favourable configuration: the best is exactly δ better than the four others,
    correlated (common random numbers): a correct selection (the best alone, or a subset
    holding it) at least 95 % of the time; and the best alone is the answer when the gap is
    wide."""
    rng = np.random.default_rng(20261202)
    k, n, delta, trials = 5, 10, 0.1, 2000
    mu = np.array([0.0, *[delta] * (k - 1)])
    holds = alone = 0
    for _ in range(trials):
        common = rng.normal(0.0, 1.0, size=n)
        x = mu[:, None] + common[None, :] + rng.normal(0.0, 0.1, size=(k, n))
        kept = subset(x, delta).kept
        holds += 0 in kept
        alone += kept == (0,)
    assert holds / trials >= 0.95
    wide = 0
    for _ in range(200):
        common = rng.normal(0.0, 1.0, size=n)
        x = (mu * 5)[:, None] + common[None, :] + rng.normal(0.0, 0.1, size=(k, n))
        wide += subset(x, delta).kept == (0,)
    assert wide / 200 >= 0.95


def _runs(values: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"strategy": s, "replication": r, "cost_per_order_eur": v}
            for s, vs in values.items()
            for r, v in enumerate(vs)
        ]
    )


def test_entry_excludes_infeasible_and_says_so() -> None:
    runs = _runs({"a": A, "b": B, "c": C})
    excluded = excluded_strategies({"c": {"share_of_runs": 1.0}}, {"a": ["late"], "c": ["late"]})
    assert excluded == {"a": MISSES, "c": OVERLOADED}
    e = metric_selection(runs, "cost_per_order_eur", 0.1, 0.95, excluded)
    assert e is not None
    assert e["candidates"] == ["b"] and e["subset"] == ["b"] and e["selected"] == "b"
    assert e["excluded"] == {"a": MISSES, "c": OVERLOADED}
    e = metric_selection(runs, "cost_per_order_eur", 0.0, 0.95, {})
    assert e["subset"] == ["a", "c"] and e["selected"] is None and e["replications"] == 3
    block = selection_block(runs, {})
    assert block["confidence"] == 0.95 and list(block["metrics"]) == ["cost_per_order_eur"]


def test_bonferroni_quantile_grows_with_the_strategies() -> None:
    x = np.random.default_rng(1).normal(size=(6, 5))
    assert subset(x, 0.0).quantile == pytest.approx(sps.t.ppf(1 - 0.05 / 5, 4))


@pytest.mark.slow
def test_a_strategy_cheaper_by_more_than_delta_is_selected_95_percent_of_the_time() -> None:
    """On the small scenario `out` costs about 0.7 EUR/order less than `drop` and far less than
    `own` (δ = 0.10): for 20 values of the master seed, with 3 replications each, it is
    selected alone in at least 19."""
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.pipeline import Execution, PointPlan, run_points

    from conftest import SMALL

    sc = load_scenario(SMALL, ["horizon_days=28", "service_target.late_rate=0.2"])
    points = [PointPlan.of(sc, 3, 1000 + i, strategies=("own", "out", "drop")) for i in range(20)]
    outcome = run_points(points, Execution(workers=2)).require_all()
    chosen = [
        p.doc["selection"]["metrics"]["cost_per_order_eur"]["selected"] for p in outcome.points
    ]
    assert sum(c == "out" for c in chosen) >= 19, chosen
