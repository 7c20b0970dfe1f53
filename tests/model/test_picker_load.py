"""Batch picking's load: busy time less the set-up of tours short of a full batch.

With `picking.policy: batch` an idle picker starts a tour with whatever is queued, so on a light
day pickers look busy (a set-up for every one or two orders). The overload verdict reads the
load instead: the share of the pickers' time the work would take in full batches.
"""

from __future__ import annotations

import numpy as np
import pytest

from fcsim.model.accounting.operations import overload_reasons
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import run_strategy
from fcsim.model.picking import picker_load
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario

from conftest import SMALL

BATCH = (
    "strategies.own.picking={policy: batch, batch_size: 6, "
    "tour_setup_min: {dist: deterministic, value: 6}, "
    "pick_min_per_line: {dist: deterministic, value: 1}}"
)


def test_picker_load_hand_computed():
    """540 busy minutes of which 108 were set-up of short tours: 0.9 busy -> 0.72 load; a day
    without work keeps its utilisation (0 or NaN)."""
    out = picker_load(np.array([0.9, 0.0, np.nan]), np.array([540.0, 0.0, 0.0]), np.zeros(3))
    assert out[0] == pytest.approx(0.9)
    short = np.array([108.0, 0.0, 0.0])
    out = picker_load(np.array([0.9, 0.0, np.nan]), np.array([540.0, 0.0, 0.0]), short)
    assert out[0] == pytest.approx(0.72) and out[1] == 0.0 and np.isnan(out[2])


def _node_daily(*overrides: str) -> tuple[dict[str, np.ndarray], object]:
    """The own warehouse's daily series on the small scenario (four weeks)."""
    sc = load_scenario(SMALL, ["horizon_days=28", *overrides])
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    run = run_strategy(sc, "own", orders, cat, streams)
    return run.nodes[0].daily, run


def test_light_batch_picking_load_below_busy_time():
    """Ten pickers for ~60 orders a day: most tours leave with one or two orders, each with its
    6-minute set-up (an order takes ~1.5 line-minutes), so the load is well below the busy
    time (the night's orders still make full batches at the shift's start). Discrete picking
    has no batch to fill: load and busy time are the same."""
    daily, _ = _node_daily(BATCH, "strategies.own.pickers=10")
    open_days = daily["picker_utilisation"] > 0
    busy = float(np.mean(daily["picker_utilisation"][open_days]))
    load = float(np.mean(daily["picker_load"][open_days]))
    assert load < 0.75 * busy
    discrete, _ = _node_daily("strategies.own.pickers=10")
    assert np.array_equal(discrete["picker_load"], discrete["picker_utilisation"], equal_nan=True)


def test_overload_reads_the_load_not_busy_time():
    """Busy pickers with a light load are not an overload; busy pickers at full batches are."""
    _, run = _node_daily(BATCH, "strategies.own.pickers=10")
    node = run.nodes[0]
    n = run.n_days
    daily = {"backlog_parcels": np.zeros(n), "orders_created": np.full(n, 60.0)}
    k = {"unfinished_rate": 0.0}
    node.daily["picker_utilisation"] = np.full(n, 0.99)  # busy all day...
    node.daily["picker_load"] = np.full(n, 0.40)  # ...with tours of one order
    assert not any("pickers" in r for r in overload_reasons(run, daily, k, (0, 28)))
    node.daily["picker_load"] = np.full(n, 0.99)  # full batches, still busy: overloaded
    assert any("pickers" in r for r in overload_reasons(run, daily, k, (0, 28)))
