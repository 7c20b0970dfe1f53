"""Sizing searches: bisection, break-even and minimisation on made-up evaluators; one CLI run."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fcsim.core.errors import UsageError
from fcsim.experiment.sizing import (
    Axis,
    Condition,
    Linked,
    Point,
    Search,
    break_even,
    minimise,
    smallest,
)

from conftest import SMALL, run_in_process

REPS = 5


def fake(axis: Axis, metrics: dict[str, dict[str, Callable[[float], float]]], noise: float):
    """An evaluator: metric(x) plus replication noise shared by every x and strategy (CRN)."""
    shared = np.random.default_rng(1).normal(0, noise, REPS)

    def evaluate(k: int) -> Point:
        x = axis.value(k)
        rows = [
            {"strategy": s, "replication": r, **{m: f(x) + shared[r] for m, f in fs.items()}}
            for s, fs in metrics.items()
            for r in range(REPS)
        ]
        return Point(k, x, pd.DataFrame(rows))

    return evaluate


def test_condition_and_axis_parsing() -> None:
    c = Condition.parse("late_rate<=2%", "--smallest")
    assert (c.metric, c.op, c.bound) == ("late_rate", "<=", 0.02)
    assert c.sure({"mean": 0.01, "ci_low": 0.0, "ci_high": 0.019})
    assert not c.sure({"mean": 0.01, "ci_low": 0.0, "ci_high": 0.021})
    assert c.by_mean({"mean": 0.01, "ci_low": 0.0, "ci_high": 0.021})
    with pytest.raises(UsageError, match="METRIC<=VALUE"):
        Condition.parse("late_rate<0.02", "--smallest")
    ax = Axis.parse("k", "2:12", None)
    assert (ax.whole, ax.last, ax.value(3)) == (True, 10, 5)
    fa = Axis.parse("a", "0:0.6", "0.05")
    assert (fa.last, fa.value(3), fa.text(7)) == (12, 0.15, "0.35")
    assert Axis.parse("v", "100:900", None).step == 1
    assert Axis.parse("v", "0:1.0", None).step == 0.05
    with pytest.raises(UsageError, match="LO < HI"):
        Axis.parse("k", "5:5", None)
    staff = Axis.parse(
        "v", "100:900", "100", [Linked.parse("s.packers=1:9"), Linked("f", 0.5, 1.0)]
    )
    assert staff.overrides(2) == ["v=300", "s.packers=3", "f=0.625"]
    assert staff.overrides(staff.last)[1:] == ["s.packers=9", "f=1"]
    with pytest.raises(UsageError, match=r"KEY\.PATH=LO:HI"):
        Linked.parse("s.packers=3")


def test_smallest_is_a_bisection_on_the_upper_bound() -> None:
    ax = Axis("pickers", 1, 64, 1)
    evaluate = fake(ax, {"own": {"late_rate": lambda x: 0.5 / x}}, noise=0.002)
    calls = []
    search = Search(ax, lambda k: calls.append(k) or evaluate(k))
    ans = smallest(search, "own", [Condition("late_rate", "<=", 0.02)])
    assert ans.found
    # the same answers as trying every value
    entries = {k: evaluate(k).entry("own", "late_rate") for k in range(ax.last + 1)}
    sure = min(ax.value(k) for k, e in entries.items() if e["ci_high"] <= 0.02)
    by_mean = min(ax.value(k) for k, e in entries.items() if e["mean"] <= 0.02)
    assert (ans.value, ans.details["by_mean"]) == (sure, by_mean)
    assert sure > by_mean  # certainty costs a margin
    assert len(set(calls)) <= 2 + 2 * math.ceil(math.log2(64))
    none = smallest(search, "own", [Condition("late_rate", "<=", 0.001)])
    assert not none.found and "no value" in none.sentence


def test_largest_mirrors_smallest() -> None:
    ax = Axis("volume", 100, 1000, 10)
    evaluate = fake(ax, {"own": {"late_rate": lambda x: x / 10000}}, noise=0.001)
    ans = smallest(Search(ax, evaluate), "own", [Condition("late_rate", "<=", 0.05)], largest=True)
    assert ans.found and 470 <= ans.value <= 500


def test_break_even_of_a_fixed_cost_against_a_variable_cost() -> None:
    ax = Axis("orders_per_day", 100, 2000, 10)
    metrics = {
        "self": {"cost_per_order_eur": lambda v: 4 + 3000 / v},  # fixed cost spread
        "3pl": {"cost_per_order_eur": lambda v: 9.0 + 0 * v},
    }
    ans = break_even(Search(ax, fake(ax, metrics, noise=0.3)), "self", "3pl", "cost_per_order_eur")
    assert ans.found
    assert ans.value == pytest.approx(600, abs=10)  # 4 + 3000/v = 9  <=>  v = 600
    low, high = ans.details["range95"]
    assert low <= ans.value <= high
    assert "becomes cheaper" in ans.sentence
    # a break-even where a strategy fails a condition is no answer
    strained = {s: {**fs, "late_rate": lambda v: v / 1000} for s, fs in metrics.items()}
    capped = break_even(
        Search(ax, fake(ax, strained, noise=0.3)),
        "self",
        "3pl",
        "cost_per_order_eur",
        [Condition("late_rate", "<=", 0.3)],
    )
    assert not capped.found and "is not met there" in capped.sentence
    flat = {"self": {"c": lambda v: 10.0}, "3pl": {"c": lambda v: 9.0}}
    none = break_even(Search(ax, fake(ax, flat, 0.1)), "self", "3pl", "c")
    assert not none.found and "no break-even" in none.sentence


def test_no_break_even_is_claimed_where_a_strategy_cannot_keep_up() -> None:
    """The own warehouse's cost per order keeps falling with volume while it stops shipping:
    above 550 orders a day it cannot keep up, and a cost of orders never shipped is no
    comparison, so the break-even near 600 is not claimed; nor is "no break-even" when an end
    of the range is overloaded."""
    ax = Axis("orders_per_day", 100, 2000, 10)
    metrics = {
        "self": {"cost_per_order_eur": lambda v: 4 + 3000 / v, "overloaded": lambda v: v > 550},
        "3pl": {"cost_per_order_eur": lambda v: 9.0 + 0 * v, "overloaded": lambda v: 0.0},
    }
    ans = break_even(Search(ax, fake(ax, metrics, noise=0.0)), "self", "3pl", "cost_per_order_eur")
    assert not ans.found
    assert "no break-even is claimed across it: self could not keep up at 590" in ans.sentence
    flat = {
        "self": {"c": lambda v: 10.0, "overloaded": lambda v: v > 1500},
        "3pl": {"c": lambda v: 9.0, "overloaded": lambda v: 0.0},
    }
    none = break_even(Search(ax, fake(ax, flat, 0.0)), "self", "3pl", "c")
    assert not none.found and "no break-even claimed" in none.sentence
    assert "self could not keep up at 2000" in none.sentence
    # kept up everywhere: the break-even is given with the digits its range carries
    for fs in metrics.values():
        del fs["overloaded"]  # (the fake's noise would reach it)
    ok = break_even(Search(ax, fake(ax, metrics, noise=0.3)), "self", "3pl", "cost_per_order_eur")
    assert ok.found
    shown = ok.sentence.split("≈ ", 1)[1].split(" ", 1)[0]
    assert len(shown.replace(",", "").replace(".", "").rstrip("0")) <= 3, ok.sentence


def test_minimise_subject_to_a_condition_by_successive_halving() -> None:
    ax = Axis("a_share", 0.0, 0.6, 0.025)
    metrics = {
        "hyb": {
            "cost_per_order_eur": lambda a: 10 + 40 * (a - 0.4) ** 2,
            "late_rate": lambda a: 0.02 + 0.1 * a,
        }
    }
    search = Search(ax, fake(ax, metrics, noise=0.001))
    free = minimise(search, "hyb", "cost_per_order_eur")
    assert free.value == pytest.approx(0.4)
    bounded = minimise(search, "hyb", "cost_per_order_eur", [Condition("late_rate", "<=", 0.05)])
    # late_rate <= 0.05 needs a <= 0.3 (upper bound: a little less); the cost falls up to there
    assert bounded.value in (0.25, 0.275)
    assert bounded.value in bounded.details["not_significantly_worse"]
    assert len(search.points) < ax.last + 1  # not every grid point was run


def test_maximise_finds_the_highest_profit_not_the_lowest() -> None:
    # profit peaks inside the range; its lowest value is at the far end
    ax = Axis("a_share", 0.0, 0.6, 0.025)
    metrics = {"hyb": {"profit_per_order_eur": lambda a: 5 - 40 * (a - 0.25) ** 2}}
    search = Search(ax, fake(ax, metrics, noise=0.001))
    best = minimise(search, "hyb", "profit_per_order_eur", maximise=True)
    assert best.value == pytest.approx(0.25)
    assert "highest at a_share = 0.25" in best.sentence
    # the values not significantly worse are those not significantly below the best
    assert 0.25 in best.details["not_significantly_worse"]
    assert 0.6 not in best.details["not_significantly_worse"]
    assert minimise(search, "hyb", "profit_per_order_eur").value == pytest.approx(0.6)


def test_break_even_on_a_profit_says_more_or_less_profitable() -> None:
    ax = Axis("orders_per_day", 100, 900, 100)
    fixed = {"own": {"p": lambda v: 20 - 3000 / v}, "out": {"p": lambda v: 12.0}}
    words = ("more profitable", "less profitable")
    ans = break_even(Search(ax, fake(ax, fixed, noise=0.01)), "own", "out", "p", words=words)
    assert ans.found and 300 <= ans.value <= 400  # 20 - 3000 / v = 12 at v = 375
    assert "own becomes more profitable than out on p" in ans.sentence
    flat = {"own": {"p": lambda v: 10.0}, "out": {"p": lambda v: 12.0}}
    none = break_even(Search(ax, fake(ax, flat, noise=0.01)), "own", "out", "p", words=words)
    assert not none.found and "own is less profitable than out on p at both ends" in none.sentence


def test_size_command_answers_on_the_small_scenario(tmp_path: Path) -> None:
    out = tmp_path / "size"
    args = ["size", str(SMALL), "--key", "strategies.own.pickers", "--range", "1:4"]
    args += ["--set", "horizon_days=21"]
    res = run_in_process(
        *args,
        "--smallest",
        "order_to_ship_h_mean<=200",
        "--strategy",
        "own",
        "-r",
        "2",
        "-w",
        "1",
        "-o",
        str(out),
        "-q",
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads((out / "size.json").read_text())
    assert doc["answer"]["found"] and doc["answer"]["value"] == 1
    assert "=> smallest strategies.own.pickers" in res.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    assert set(runs["strategy"]) == {"own"}  # only the strategy concerned is run
    assert runs.columns[0] == "strategies.own.pickers"
    bad = run_in_process(*args, "--smallest", "late_rate<0.1", "-o", str(tmp_path / "bad"))
    assert bad.returncode == 2 and "METRIC<=VALUE" in bad.stderr
    unmet = run_in_process(
        *args, "--smallest", "late_rate<=0", "-r", "2", "-w", "1", "-o", str(tmp_path / "u"), "-q"
    )
    assert unmet.returncode == 1, unmet.stderr
    assert "no value of strategies.own.pickers" in unmet.stdout


def test_a_point_whose_runs_all_failed_has_no_value_and_meets_no_condition() -> None:
    empty = Point(2, 3, pd.DataFrame())  # the runs table of a point where every run raised
    entry = empty.entry("own", "late_rate")
    assert entry["n"] == 0 and math.isnan(entry["mean"])
    assert not Condition.parse("late_rate<=0.1", "--smallest").sure(entry)
    assert empty.difference("own", "out", "cost_per_order_eur")["n"] == 0
