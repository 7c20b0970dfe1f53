"""The node life cycle: every node kind of the shipped scenarios is built, started, run and
collected through the one `NodeModel` protocol; building schedules no SimPy event."""

from __future__ import annotations

import inspect
import math
import typing
from pathlib import Path

import numpy as np
import pytest
import simpy

from fcsim.model.calendar import MIN_PER_DAY, WorkCalendar
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import (
    NODE_MODELS,
    build_nodes,
    node_model,
    run_context,
    run_strategy,
)
from fcsim.model.node import NodeModel, NodeResult
from fcsim.model.staff import StaffPool
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.nodes import HybridStrategy, Node

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
SHORT = ["horizon_days=14", "warmup_days=0", "drain_days=7"]
"""Two weeks of orders: enough for every stage to see work, quick to run."""


def _node_kinds() -> set[str]:
    """The `kind` of every member of the scenario's node union."""
    union = typing.get_args(Node)[0]
    return {typing.get_args(m.model_fields["kind"].annotation)[0] for m in typing.get_args(union)}


@pytest.fixture(scope="module")
def shipped() -> dict[str, tuple[Path, str]]:
    """For each node kind in the shipped scenarios: a scenario and a one-node strategy of it."""
    found: dict[str, tuple[Path, str]] = {}
    for path in SCENARIOS:
        sc = load_scenario(path)
        for name, strategy in sc.strategies.items():
            if not isinstance(strategy, HybridStrategy):
                found.setdefault(strategy.kind, (path, name))
            for node in sc.nodes_of(name).values():
                found.setdefault(node.kind, (path, name))
    return found


def test_every_node_kind_has_a_model_following_the_protocol(shipped) -> None:
    assert set(shipped) == {"self", "3pl", "marketplace", "dropship"}
    assert set(NODE_MODELS) == _node_kinds()
    for kind in shipped:
        model = node_model(kind)
        assert issubclass(model, NodeModel) and not inspect.isabstract(model), kind
    with pytest.raises(ValueError, match="no node model for node kind 'drone'"):
        node_model("drone")


@pytest.mark.parametrize("kind", ["self", "3pl", "marketplace", "dropship"])
def test_build_schedules_nothing_start_then_collect(shipped, kind: str) -> None:
    path, strategy = shipped[kind]
    sc = load_scenario(path, SHORT)
    assert not isinstance(sc.strategies[strategy], HybridStrategy)
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    env = simpy.Environment()
    ctx = run_context(sc, strategy, orders, cat, streams, env=env)
    before = {k: v.copy() for k, v in vars(ctx.parcels).items() if isinstance(v, np.ndarray)}

    (node,) = build_nodes(ctx, strategy)
    assert isinstance(node, node_model(kind))
    assert env.peek() == math.inf  # nothing scheduled: no process, no timeout
    for column, values in before.items():  # nor anything written into the parcels
        assert np.array_equal(getattr(ctx.parcels, column), values, equal_nan=True), column
    with pytest.raises(RuntimeError, match="never started"):
        node.collect()

    node.start()
    with pytest.raises(RuntimeError, match="already started"):
        node.start()
    if kind == "dropship":  # no process: every parcel is computed at start
        assert env.peek() == math.inf
        assert np.isfinite(ctx.parcels.ready_min[~ctx.parcels.cancelled]).all()
    else:
        assert env.peek() == 0.0
    env.run(until=ctx.n_days * MIN_PER_DAY)
    result = node.collect()

    assert isinstance(result, NodeResult) and result.name == next(iter(sc.nodes_of(strategy)))
    if kind == "dropship":
        assert result.kind == "supplier" and result.totals["units_shipped"] > 0
    else:
        assert result.kind == "warehouse"
        assert len(result.daily["picker_utilisation"]) == ctx.n_days
        assert result.totals["initial_units"] > 0
        assert np.isfinite(ctx.parcels.ready_min).any()
    # the record is the one the whole run reports for this node
    same = run_strategy(sc, strategy, orders, cat, Streams(sc.seed, 0)).nodes[0]
    assert same.totals.keys() == result.totals.keys()
    for key, value in result.totals.items():
        assert value == same.totals[key] or (math.isnan(value) and math.isnan(same.totals[key]))
    assert same.daily.keys() == result.daily.keys()
    for key, series in result.daily.items():
        assert np.array_equal(series, same.daily[key], equal_nan=True), key


def test_a_staff_pool_schedules_its_workers_only_when_started() -> None:
    env = simpy.Environment()
    done: list[tuple[str, float]] = []
    pool = StaffPool(
        env,
        "p",
        workers=np.array([0, 1, 1]),  # nobody on the roster on day 0: a worker waits for day 1
        calendar=WorkCalendar.always(3),
        duration=lambda group: 30.0,
        done=lambda group, start, end: done.append((group[0], start)),
        n_days=3,
    )
    pool.put("early")  # put before start: waits in the queue
    assert env.peek() == math.inf and pool.queued == 1
    pool.start()
    assert env.peek() == MIN_PER_DAY
    with pytest.raises(RuntimeError, match="already started"):
        pool.start()
    env.run(until=2 * MIN_PER_DAY)
    assert done == [("early", MIN_PER_DAY)]
