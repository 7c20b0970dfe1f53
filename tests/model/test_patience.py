"""Customers' patience with backorders (`customer_base.patience_days`): a parcel still waiting
for stock is cancelled on the drawn day, its held units go back to stock, and the inventory's
conservation law holds through cancellations (hand case and property test)."""

from __future__ import annotations

import math

import numpy as np
import simpy
from hypothesis import given
from hypothesis import strategies as st

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.catalogue import build_catalogue
from fcsim.model.customer_base import potential_orders
from fcsim.model.inventory import Inventory
from fcsim.model.network import build_nodes, run_context
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.stock import Replenishment

from conftest import SMALL

STARVED = (
    "strategies.own.replenishment={reorder_point_days: 0.5, order_up_to_days: 1, "
    "supplier_lead_time_days: {dist: deterministic, value: 9}}"
)


def _inventory(on_hand: list[int], available: list[int]) -> Inventory:
    inv = Inventory(np.ones(len(on_hand)), Replenishment(), available.append)
    inv.on_hand = list(on_hand)
    inv.initial_units = sum(on_hand)
    inv.track_waiting = True
    return inv


def _conserved(inv: Inventory) -> bool:
    left = inv.initial_units + inv.put_away_units + inv.restocked_units
    return left == sum(inv.on_hand) + inv.reserved_units


def test_cancel_hand_case():
    available: list[int] = []
    inv = _inventory([2, 0], available)
    assert inv.reserve(0, [0, 1], [3, 1]) == (False, 0)  # takes 2 of SKU 0, owes 1 + 1
    assert inv.reserve(1, [0], [1]) == (False, 0)  # owes 1 of SKU 0, behind parcel 0
    assert inv.backordered == [2, 1]
    assert inv.cancel(0) == 2  # parcel 0 gives back the 2 units it held
    assert available == [1]  # ... which serve parcel 1 first
    assert inv.on_hand == [1, 0] and inv.backordered == [0, 0]
    assert not inv.is_waiting(0) and not inv.is_waiting(1)
    assert _conserved(inv)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["reserve", "add", "cancel"]), st.integers(0, 2), st.integers(1, 4)
        ),
        max_size=40,
    )
)
def test_conservation_through_cancellations(ops):
    inv = _inventory([3, 1, 0], [])
    parcel = 0
    for op, sku, qty in ops:
        if op == "reserve":
            inv.reserve(parcel, [sku], [qty])
            parcel += 1
        elif op == "add":
            inv.add(sku, qty)
        else:
            waiting = sorted(inv._missing)
            if waiting:
                inv.cancel(waiting[qty % len(waiting)])
        assert _conserved(inv)
        assert min(inv.on_hand) >= 0
        owed = [sum(e[1] for e in inv._waiting.get(s, [])) for s in range(3)]
        assert owed == inv.backordered


def test_patience_cancels_on_the_drawn_day():
    sc = load_scenario(SMALL, ["horizon_days=28", "customer_base={}", STARVED])
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    pot = potential_orders(sc, cat, streams)
    env = simpy.Environment()
    placed = np.ones(pot.orders.n, dtype=bool)
    ctx = run_context(sc, "own", pot.orders, cat, streams, env=env, placed=placed)
    (model,) = build_nodes(ctx, "own")
    model.start()
    env.run(until=ctx.n_days * MIN_PER_DAY)
    p = ctx.parcels
    assert len(model.patience.cancelled_at) > 20
    patience = sc.customer_base.patience_days
    for g, t in model.patience.cancelled_at.items():
        u = streams.keyed("customer_base.patience", int(p.order[g]), int(p.slot[g]))
        days = max(1, math.ceil(patience.ppf(np.array([u]))[0]))
        assert t == p.created_min[g] + days * MIN_PER_DAY  # on the drawn day, to the minute
        assert p.cancelled_min[g] == t  # the parcel column the customer's verdict reads
        assert p.cancelled[g] and np.isnan(p.stock_ok_min[g]) and p.units_short[g] == p.units[g]
    # parcels served from stock never waited longer than the longest patience
    served = ~np.isnan(p.stock_ok_min)
    assert np.all(p.stock_ok_min[served] - p.created_min[served] <= 14 * MIN_PER_DAY)
