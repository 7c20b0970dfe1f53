"""Reproducibility and common random numbers.

- the same seed gives identical results, bit for bit;
- changing a warehouse parameter changes neither the orders nor the randomness that does not
  belong to the warehouse (carrier lateness and losses, returns, customers);
- a strategy's results do not depend on which other strategies the scenario compares;
- results do not depend on the number of worker processes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fcsim.experiment.pipeline import execute
from fcsim.experiment.runs import RunResult, RunSpec, plan, simulate
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario


def same_result(a: RunResult, b: RunResult) -> list[str]:
    """Names of the KPIs and daily series that differ (nan equals nan)."""
    diff = [
        k
        for k in a.kpis.keys() | b.kpis.keys()
        if not (
            k in a.kpis
            and k in b.kpis
            and (a.kpis[k] == b.kpis[k] or (math.isnan(a.kpis[k]) and math.isnan(b.kpis[k])))
        )
    ]
    for k in a.daily.keys() | b.daily.keys():
        x, y = a.daily.get(k), b.daily.get(k)
        if x is None or y is None or not np.array_equal(x, y, equal_nan=True):
            diff.append(f"daily.{k}")
    return diff


def with_node(sc: Scenario, strategy: str, **changes) -> Scenario:
    """The scenario with some fields of one (non-hybrid) strategy changed, revalidated."""
    data = sc.model_dump(mode="python", by_alias=True)
    data["strategies"][strategy].update(changes)
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def short(small_scenario) -> Scenario:
    """The small test scenario cut to two weeks of orders."""
    return small_scenario.model_copy(update={"horizon_days": 14, "drain_days": 10})


def test_the_same_seed_gives_identical_results(short) -> None:
    for name in short.strategies:
        spec = RunSpec(short, name, 1, short.seed)
        a, b = simulate(spec), simulate(spec)
        assert not same_result(a, b), name
    other = simulate(RunSpec(short, "own", 1, short.seed + 1))
    assert same_result(simulate(RunSpec(short, "own", 1, short.seed)), other)


def test_a_warehouse_parameter_changes_neither_demand_nor_outside_randomness(
    small_scenario,
) -> None:
    sc = small_scenario
    faster = with_node(
        sc,
        "own",
        pickers=5,
        packers=4,
        picking={"pick_min_per_line": {"dist": "lognormal", "mean": 0.4, "cv": 0.6}},
    )
    runs = []
    for scenario in (sc, faster):
        streams = Streams(scenario.seed, 2)
        cat = build_catalogue(scenario.catalogue, scenario.demand, scenario.seed, scenario.data)
        orders = generate(
            scenario.demand,
            cat,
            scenario.start_date,
            scenario.horizon_days,
            streams,
            data=scenario.data,
        )
        runs.append((orders, run_strategy(scenario, "own", orders, cat, streams)))
    (o1, r1), (o2, r2) = runs
    for col in ("created_min", "line_start", "line_sku", "line_units"):
        assert np.array_equal(getattr(o1, col), getattr(o2, col)), col
    p1, p2 = r1.parcels, r2.parcels
    assert np.array_equal(p1.order, p2.order)
    assert np.array_equal(p1.promised_day, p2.promised_day)
    # the warehouse did change: parcels are ready at other times
    assert not np.array_equal(p1.ready_min, p2.ready_min, equal_nan=True)
    # ...but what happens outside it is drawn per order: same lateness, losses and returns
    both = ~np.isnan(p1.ship_min) & ~np.isnan(p2.ship_min) & (p1.carrier == p2.carrier)
    assert both.sum() > 0.9 * len(both)
    for col in ("carrier_days_late", "lost", "units_returned"):
        assert np.array_equal(getattr(p1, col)[both], getattr(p2, col)[both]), col
    # a parcel shipped on the same day is delivered at the same minute
    same_day = both & (p1.ship_min == p2.ship_min)
    assert same_day.sum() > 0
    assert np.array_equal(p1.delivery_min[same_day], p2.delivery_min[same_day], equal_nan=True)


@pytest.mark.parametrize("strategy", ["own", "drop"])
def test_a_strategy_does_not_depend_on_the_other_strategies(short, strategy) -> None:
    sc = short
    alone = sc.model_copy(update={"strategies": {strategy: sc.strategies[strategy]}})
    a = simulate(RunSpec(sc, strategy, 0, sc.seed))
    b = simulate(RunSpec(alone, strategy, 0, sc.seed))
    assert not same_result(a, b)


def test_results_do_not_depend_on_the_number_of_workers(short) -> None:
    specs = plan(short, replications=2, strategies=["hyb"])
    one = execute(specs, workers=1)
    two = execute(specs, workers=2)
    assert [(r.strategy, r.replication) for r in one] == [
        (s.strategy, s.replication) for s in specs
    ]
    for a, b in zip(one, two, strict=True):
        assert (a.strategy, a.replication) == (b.strategy, b.replication)
        assert not same_result(a, b)
