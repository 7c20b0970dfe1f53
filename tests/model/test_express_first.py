"""Express parcels first at the picker (`picking.express_first`): which parcels need an express
carrier (against a hand rule), the pickers' queue discipline with the option on and off, and
conservation (the same parcels picked, the same picker minutes, whatever the order)."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest
import simpy

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.carriers import planned_express
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import build_nodes, run_context
from fcsim.model.staff import ExpressFirst
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario

from conftest import ROOT

EXPRESS = ROOT / "tests" / "scenarios" / "express_first.yaml"


def _run(on: bool):
    sc = load_scenario(EXPRESS, [f"strategies.own.picking.express_first={str(on).lower()}"])
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    env = simpy.Environment()
    ctx = run_context(sc, "own", orders, cat, streams, env=env)
    (model,) = build_nodes(ctx, "own")
    model.start()
    env.run(until=ctx.n_days * MIN_PER_DAY)
    p = ctx.parcels
    express = planned_express(
        p, model.ids, model.choice, ctx.delivery, p.created_min[model.ids], model.packed_l
    )
    return model, p, express


@pytest.fixture(scope="module")
def runs():
    return {on: _run(on) for on in (False, True)}


def test_express_parcels_by_hand_rule(runs):
    # D+2 promise (Mon-Fri), order cutoff 17:00; standard collects at 12:00 and delivers in
    # 2 days (Mon-Sat), express at 17:00 in 1 day. An order of Mon-Wed or Fri between 12:00
    # and 17:00 needs express: standard would leave the next business day and arrive a day
    # late (on Thursday it leaves Friday and arrives Monday, in time). Any other parcel takes
    # the cheaper, standard, unless its chargeable weight (the larger of kg and 0.2 kg per
    # litre) is above 7.1 kg, where standard (9.90 + 1 EUR per kg above 5) costs more than
    # express (12 EUR): cheapest meeting the promise is then express too.
    model, p, express = runs[True]
    ids = model.ids
    created = p.created_min[ids]
    tod = created % MIN_PER_DAY
    weekday = (created // MIN_PER_DAY).astype(np.int64) % 7  # day 0 is Monday 2026-01-05
    window = np.isin(weekday, [0, 1, 2, 4]) & (tod >= 12 * 60) & (tod < 17 * 60)
    kg = np.maximum(p.weight_kg[ids], 0.2 * model.packed_l)
    rule = window | (9.9 + (kg - 5) > 12.0)
    assert 0.05 < window.mean() < 0.5
    np.testing.assert_array_equal(express, rule)
    assert model.express == express.tolist()


def _waits(p, ids, express):
    wait = p.pick_start_min[ids] - p.stock_ok_min[ids]
    return float(np.nanmean(wait[express])), float(np.nanmean(wait[~express]))


def test_fifo_when_off(runs):
    model, p, _ = runs[False]
    assert model.express is None and isinstance(model.pickers.queue, deque)
    ids = model.ids
    order = np.argsort(p.stock_ok_min[ids], kind="stable")
    starts = p.pick_start_min[ids][order]
    assert np.all(np.diff(starts[~np.isnan(starts)]) >= 0)  # one picker: first come, first picked


def test_express_first_when_on(runs):
    model, p, express = runs[True]
    assert isinstance(model.pickers.queue, ExpressFirst)
    ids = model.ids
    ok, start = p.stock_ok_min[ids], p.pick_start_min[ids]
    for cls in (express, ~express):  # first come, first picked within each class
        order = np.argsort(ok[cls], kind="stable")
        assert np.all(np.diff(start[cls][order]) >= 0)
    # one picker: a parcel is taken when it is put to an idle picker, else when the picker
    # finishes the tour before it; none was taken while an express parcel waited
    by_start = np.argsort(start, kind="stable")
    taken = np.empty(len(ids))
    taken[by_start] = np.maximum(ok[by_start], np.r_[-np.inf, p.picked_min[ids][by_start][:-1]])
    e_ok, e_taken = ok[express], taken[express]
    waited = [t for t in taken[~express] if np.any((e_ok < t) & (e_taken > t))]
    assert not waited
    on_exp, on_std = _waits(p, ids, express)
    off_exp, off_std = _waits(runs[False][1], ids, runs[False][2])
    assert on_exp < on_std  # express waits less than standard ...
    assert on_exp < off_exp and on_std > off_std  # ... because it goes first, at standard's cost


def test_conservation(runs):
    (m0, p0, _), (m1, p1, _) = runs[False], runs[True]
    assert m0.pickers.tasks_done == m1.pickers.tasks_done == len(m0.ids)
    np.testing.assert_array_equal(np.isnan(p0.picked_min), np.isnan(p1.picked_min))
    np.testing.assert_allclose(m0.pickers.busy_by_day.sum(), m1.pickers.busy_by_day.sum())
    assert p0.units[~np.isnan(p0.ready_min)].sum() == p1.units[~np.isnan(p1.ready_min)].sum()


def test_queue_discipline():
    q = ExpressFirst([False, True, False, True])
    for task in range(4):
        q.append(task)
    assert len(q) == 4
    assert [q.popleft() for _ in range(4)] == [1, 3, 0, 2]
    assert len(q) == 0 and not q
