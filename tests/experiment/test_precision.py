"""Replications by precision: reading targets, measuring half-widths, the next count."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from fcsim.core.errors import UsageError
from fcsim.experiment.loading import load_scenario
from fcsim.experiment.pipeline import Execution, PointPlan, run_points
from fcsim.experiment.precision import (
    Check,
    measure,
    next_count,
    parse_targets,
    run_to_precision,
)

from conftest import SMALL


def test_parse_targets() -> None:
    a, b, c = parse_targets("cost_per_order_eur=0.5%, late_rate=0.2pp,order_to_ship_h_mean=2", "-p")
    assert (a.metric, a.value, a.relative) == ("cost_per_order_eur", 0.005, True)
    assert (b.metric, b.value, b.relative) == ("late_rate", pytest.approx(0.002), False)
    assert (c.metric, c.value, c.relative) == ("order_to_ship_h_mean", 2.0, False)
    assert a.bound(-20.0) == pytest.approx(0.1) and b.bound(5.0) == pytest.approx(0.002)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "METRIC=VALUE"),
        ("cost_per_order_eur", "expected METRIC=VALUE"),
        ("cost_per_order=1%", "did you mean `cost_per_order_eur`"),
        ("late_rate=abc", "not a number"),
        ("late_rate=-1pp", "not a number"),
        ("cost_per_order_eur=1pp", "pp (percentage points) is for rates"),
        ("cost_per_order_eur=0", "above 0"),
        ("late_rate=1pp,late_rate=2pp", "given twice"),
        ("late_rate=1pp,", "METRIC=VALUE"),
    ],
)
def test_bad_targets(text: str, says: str) -> None:
    with pytest.raises(UsageError, match="--precision") as err:
        parse_targets(text, "--precision")
    assert says in str(err.value)


def test_indifference_is_absolute() -> None:
    with pytest.raises(UsageError, match="not in %"):
        parse_targets("cost_per_order_eur=1%", "--indifference", relative=False)
    (t,) = parse_targets("late_rate=1pp", "--indifference", relative=False)
    assert t.value == pytest.approx(0.01)


def test_measure_hand_case() -> None:
    # a: 10, 12 -> mean 11, sd 1.4142, half = t(0.975, 1) · 1.4142 / √2 = 12.706
    # b: 20, 20 -> half 0
    runs = pd.DataFrame(
        {
            "strategy": ["a", "b", "a", "b"],
            "replication": [0, 0, 1, 1],
            "cost_per_order_eur": [10.0, 20.0, 12.0, 20.0],
        }
    )
    check = measure(runs, parse_targets("cost_per_order_eur=50%", "--precision"))
    assert check.replications == 2
    assert check.widths["a"]["cost_per_order_eur"]["half_width"] == pytest.approx(12.7062, 1e-4)
    assert check.widths["a"]["cost_per_order_eur"]["bound"] == pytest.approx(5.5)
    assert [m["strategy"] for m in check.missed] == ["a"] and not check.met
    assert check.worst_ratio() == pytest.approx(12.7062 / 5.5, 1e-4)
    assert measure(runs, parse_targets("cost_per_order_eur=13", "--precision")).met


def _check(n: int, ratio: float) -> Check:
    missed = [] if ratio <= 1 else [{"half_width": ratio, "bound": 1.0}]
    return Check(n, {}, missed)


def test_next_count() -> None:
    assert next_count(_check(3, 1.1), 50) == 4  # 3 · 1.21 = 3.6: one more
    assert next_count(_check(4, 1.3), 50) == 7  # 4 · 1.69 = 6.8 -> 7
    assert next_count(_check(4, 3.0), 50) == 8  # 36 wanted: at most double
    assert next_count(_check(30, 3.0), 50) == 50  # at most the maximum
    assert next_count(Check(3, {}, [{"half_width": math.nan, "bound": 1.0}]), 50) == 6


def test_run_to_precision_stops_as_soon_as_met() -> None:
    """Two strategies of the small scenario, 3 % on cost per order: the half-widths written
    meet it, the check before did not, and the runs are those of a fixed count (common random
    numbers: replication k is the same run whatever the stopping point)."""
    sc = load_scenario(SMALL, ["horizon_days=21", "warmup_days=7"])
    point = PointPlan.of(sc, strategies=("out", "drop"))
    targets = parse_targets("cost_per_order_eur=3%", "--precision")
    outcome = run_to_precision(point, targets, 50, Execution(workers=1))
    (res,) = outcome.points
    doc = res.doc
    p = doc["precision"]
    n = doc["replications"]
    assert p["stopped"] == "precision met" and p["replications"] == n and n > 3
    assert [c["met"] for c in p["checks"]] == [False] * (len(p["checks"]) - 1) + [True]
    for metrics in doc["strategies"].values():
        cost = metrics["cost_per_order_eur"]
        assert (cost["ci_high"] - cost["ci_low"]) / 2 <= 0.03 * abs(cost["mean"])
    before = p["checks"][-2]["replications"]
    runs = res.runs
    assert sorted(runs["replication"].unique()) == list(range(n))
    assert not measure(runs[runs["replication"] < before], targets).met
    fixed_point = PointPlan.of(sc, 3, strategies=("out", "drop"))
    (fixed,) = run_points([fixed_point], Execution(workers=1)).points
    cols = [c for c in fixed.runs.columns if c != "wall_s"]
    first = runs[runs["replication"] < 3].reset_index(drop=True)
    pd.testing.assert_frame_equal(first[cols], fixed.runs[cols])
