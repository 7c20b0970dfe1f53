"""The decision of `fcsim sensitivity` at a point: the cheapest feasible strategy, by the rules of
`fcsim.report.ranking` (hand-made summaries: never an infeasible strategy crowned)."""

from __future__ import annotations

import pandas as pd

from fcsim.report.sensitivity import NONE, NOT_SEPARATED, ONLY, SEPARATED, decision


def _runs(costs: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"strategy": s, "replication": r, "cost_per_order_eur": c}
        for s, values in costs.items()
        for r, c in enumerate(values)
    ]
    return pd.DataFrame(rows)


def _doc(costs: dict[str, list[float]], **flags: dict) -> dict:
    strategies = {
        s: {"cost_per_order_eur": {"mean": sum(v) / len(v), "ci_low": None, "ci_high": None}}
        for s, v in costs.items()
    }
    return {"strategies": strategies, **flags}


def test_the_cheapest_feasible_strategy_is_named_never_one_that_misses_the_target() -> None:
    costs = {"a": [10.0, 10.2, 9.9], "b": [12.0, 12.1, 12.3], "c": [13.0, 13.4, 13.1]}
    d = decision(_doc(costs, missed_target={"a": ["late"]}), _runs(costs))
    assert d["cheapest"] == "b" and d["runner_up"] == "c" and d["status"] == SEPARATED
    assert d["infeasible"] == {"a": "misses the target"}


def test_an_overloaded_strategy_is_never_named_and_close_costs_are_not_separable() -> None:
    costs = {"a": [10.0, 10.2, 9.9], "b": [12.0, 12.5, 11.9], "c": [12.2, 12.0, 12.6]}
    d = decision(_doc(costs, overloaded={"a": {"share_of_runs": 1.0}}), _runs(costs))
    assert d["cheapest"] == "b" and d["status"] == NOT_SEPARATED


def test_one_or_no_feasible_strategy() -> None:
    costs = {"a": [10.0, 10.2], "b": [12.0, 12.1]}
    only = decision(_doc(costs, missed_target={"a": ["late"]}), _runs(costs))
    assert only["cheapest"] == "b" and only["status"] == ONLY
    none = decision(_doc(costs, missed_target={"a": ["x"], "b": ["y"]}), _runs(costs))
    assert none["cheapest"] is None and none["status"] == NONE
