"""Common random numbers: paired intervals are narrower than unpaired ones; plan and stats units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from fcsim.experiment.runs import RunSpec, plan
from fcsim.experiment.stats import half_width, interval, paired, paired_difference, unpaired, welch

from conftest import ROOT


def test_paired_intervals_are_narrower_than_unpaired_on_the_default_scenario() -> None:
    from fcsim.experiment.pipeline import execute
    from fcsim.experiment.results import runs_table
    from fcsim.scenario.load import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "default.yaml", ["horizon_days=42", "warmup_days=14"])
    ref, other = "own_warehouse", "outsourced_3pl"
    specs = plan(sc, 4, strategies=[ref, other])
    runs = runs_table(execute(specs, workers=1))
    pair = paired(runs, ref)[other]
    alone = unpaired(runs, ref)[other]
    for metric in ("cost_per_order_eur", "total_cost_eur", "order_to_ship_h_mean", "late_rate"):
        p, u = half_width(pair[metric]), half_width(alone[metric])
        assert p < u, f"{metric}: paired ±{p:.4g} is not narrower than unpaired ±{u:.4g}"
        # same point estimate either way: only the spread differs
        assert pair[metric]["mean"] == pytest.approx(alone[metric]["mean"], rel=1e-9, abs=1e-12)


def test_plan_order_filter_and_overrides(small_scenario) -> None:
    specs = plan(small_scenario, 2, seed=11, strategies=["hyb", "own"], overrides=("a.b=1",))
    assert [(s.replication, s.strategy) for s in specs] == [
        (0, "own"),
        (0, "hyb"),
        (1, "own"),
        (1, "hyb"),
    ]
    assert all(s.seed == 11 and s.overrides == ("a.b=1",) for s in specs)
    assert specs[1].label == "hyb #0 [a.b=1]"
    assert RunSpec(small_scenario, "own", 0, 1).overrides == ()


def test_welch_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(5, 1, 7), rng.normal(4, 2, 9)
    ours = welch(a, b)
    ci = sps.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert ours["ci_low"] == pytest.approx(ci.low)
    assert ours["ci_high"] == pytest.approx(ci.high)
    assert ours["mean"] == pytest.approx(a.mean() - b.mean())


def test_paired_difference_matches_on_replication() -> None:
    a = pd.DataFrame({"replication": [0, 1, 2], "m": [10.0, 12.0, 11.0]})
    b = pd.DataFrame({"replication": [2, 0, 1], "m": [10.5, 9.0, 11.0]})
    d = paired_difference(a, b, "m")
    assert d["mean"] == pytest.approx(np.mean([1.0, 1.0, 0.5]))
    assert d == interval([1.0, 1.0, 0.5])
