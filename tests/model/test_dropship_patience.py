"""Patience at dropship suppliers (`backorder_days` with `customer_base.patience_days`): a
parcel with a line the supplier lacks waits for its restock, and is cancelled when its
customer's patience (the same draw as at a warehouse) ends before the restock."""

from __future__ import annotations

import math

import numpy as np
import simpy

from fcsim.core.timeofday import minutes_of
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.catalogue import build_catalogue
from fcsim.model.customer_base import potential_orders
from fcsim.model.network import build_nodes, run_context
from fcsim.model.streams import Streams
from fcsim.model.supplier import whole_days
from fcsim.scenario.load import load_scenario

from conftest import SMALL

BACKORDERS = [
    "horizon_days=28",
    "strategies.drop.stock_availability=0.7",
    "strategies.drop.backorder_days={dist: uniform, low: 0, high: 12}",
]


def _run(extra: list[str], reactive: bool = True):
    sc = load_scenario(SMALL, BACKORDERS + extra)
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    pot = potential_orders(sc, cat, streams)
    placed = np.ones(pot.orders.n, dtype=bool) if reactive else None
    env = simpy.Environment()
    ctx = run_context(sc, "drop", pot.orders, cat, streams, env=env, placed=placed)
    (model,) = build_nodes(ctx, "drop")
    model.start()
    env.run(until=ctx.n_days * MIN_PER_DAY)
    return sc, streams, ctx.parcels, model


def test_cancelled_when_patience_ends_before_the_restock():
    sc, streams, p, model = _run(["customer_base={}"])
    lines, owner = p.lines_of_many(model.ids)
    short = np.bincount(
        owner,
        weights=streams.keyed("supplier_stock", lines) >= 0.7,
        minlength=len(model.ids),
    )
    backordered = model.ids[short > 0]
    assert model.backorders == len(backordered) > 50
    cancelled = backordered[p.cancelled[backordered]]
    assert model.backorders_cancelled == len(cancelled) > 10
    assert model.backorders_cancelled < model.backorders  # some customers waited long enough
    patience = sc.customer_base.patience_days
    cfg = sc.strategies["drop"]
    bd = BusinessDays(sc.start_date, sc.calendar.holidays)
    ready = minutes_of(model.ready_time)
    for g in backordered.tolist():
        u = streams.keyed("customer_base.patience", int(p.order[g]), int(p.slot[g]))
        days = max(1, math.ceil(patience.ppf(np.array([u]))[0]))
        if p.cancelled[g]:  # a lost sale of every unit, margin without VAT
            assert p.units_short[g] == p.units[g] and np.isnan(p.ready_min[g])
            # cancelled when the patience ran out (the customer's verdict is then)
            assert p.cancelled_min[g] == p.created_min[g] + days * MIN_PER_DAY
            vat = p.vat_by_zone[p.zone[g]]
            margin = p.value_eur[g] / (1 + vat) - p.goods_cost_eur[g]
            assert math.isclose(p.short_margin_eur[g], margin)
        else:  # restocked in time: ships complete, after the restock
            assert p.units_short[g] == 0 and p.ready_min[g] > p.created_min[g]
            assert p.pick_start_min[g] - p.created_min[g] >= 0
        # cancelled exactly when the patience ends before the supplier has restocked
        o, s = np.array([p.order[g]]), np.array([p.slot[g]])
        wait = whole_days(
            cfg.backorder_days,
            streams.keyed("supplier_backorder", o, s, 0),
            streams.keyed("supplier_backorder", o, s, 1),
        )
        start = bd.next_at(p.created_min[[g]], model.ready_time, cfg.working_days)
        restocked = bd.offset(start, wait, cfg.working_days)[0] * MIN_PER_DAY + ready
        assert p.cancelled[g] == (p.created_min[g] + days * MIN_PER_DAY < restocked)
    # a parcel not short is never cancelled nor delayed by a restock
    fine = model.ids[short == 0]
    assert not p.cancelled[fine].any() and (p.units_short[fine] == 0).all()


def test_without_patience_backorders_wait_and_ship():
    _, _, p, model = _run(["customer_base={patience_days: null}"])
    assert model.backorders > 50 and model.backorders_cancelled == 0
    assert not p.cancelled[model.ids].any() and (p.units_short[model.ids] == 0).all()


def test_without_backorders_lines_are_lost_sales():
    _, _, p, model = _run(["strategies.drop.backorder_days=null", "customer_base={}"])
    assert model.backorders == 0
    assert (p.units_short[model.ids] > 0).sum() > 50
