"""A strategy that cannot keep up is flagged, with the reasons, in the KPIs and summary.json."""

from __future__ import annotations

from fcsim.experiment.pipeline import Execution, PointPlan, run_points
from fcsim.experiment.runs import RunSpec, simulate
from fcsim.scenario.load import load_scenario

from conftest import SMALL


def test_a_warehouse_with_one_slow_picker_for_the_demand_is_overloaded() -> None:
    sc = load_scenario(
        SMALL,
        ["horizon_days=35", "strategies.own.pickers=1", "demand.orders_per_day=300"],
    )
    r = simulate(RunSpec(sc, "own", 0, sc.seed))
    assert r.kpis["overloaded"] == 1.0
    assert any("pickers of own busy" in why or "not shipped" in why for why in r.overload)


def test_a_sized_warehouse_is_not_overloaded() -> None:
    sc = load_scenario(SMALL, ["horizon_days=35"])
    r = simulate(RunSpec(sc, "own", 0, sc.seed))
    assert r.kpis["overloaded"] == 0.0
    assert r.overload == []


def test_summary_lists_the_strategies_that_could_not_keep_up() -> None:
    sc = load_scenario(
        SMALL,
        ["horizon_days=35", "strategies.own.pickers=1", "demand.orders_per_day=300"],
    )
    point = PointPlan(sc, replications=2, seed=sc.seed, strategies=("own", "drop"))
    doc = run_points([point], Execution(workers=1)).points[0].doc
    assert set(doc["overloaded"]) == {"own"}
    assert doc["overloaded"]["own"]["share_of_runs"] == 1.0
    assert doc["overloaded"]["own"]["reasons"]
