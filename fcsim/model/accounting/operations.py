"""How the warehouse kept up: the warehouse part of the lead time, and the overload verdict.

Place in the flow: `fcsim.model.accounting.kpis.evaluate` calls `warehouse_times` (order to
packed, the wait for a picker; per strategy and per node) and `overload_reasons` (why a run shows
its strategy cannot keep up with the demand) on the parcel columns and daily series of one run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.core.metrics import STAFF_POOLS, UTILISATION
from fcsim.model.accounting.reduce import _mean, _pct
from fcsim.model.demand import Orders
from fcsim.model.network import StrategyRun

OVERLOAD_UNFINISHED = 0.005
"""A strategy that leaves more than this share of its orders unshipped cannot keep up."""
OVERLOAD_UTILISATION = 0.97
"""...nor one whose staff pool is this busy, on average over the last `OVERLOAD_DAYS` days."""
OVERLOAD_DAYS = 28
OVERLOAD_BACKLOG_DAYS = 5.0
"""...nor one whose backlog at the end of the window is more than this many days of its current
demand, and more than twice its usual (median) backlog in days of demand."""


def overload_reasons(
    run: StrategyRun, daily: dict[str, np.ndarray], k: dict[str, float], window: tuple[int, int]
) -> list[str]:
    """Why a run shows that its strategy cannot keep up with the demand (empty: it can).

    Three signs, each enough: orders left unshipped at the end (`unfinished_rate` above
    `OVERLOAD_UNFINISHED`); a staff pool of a node busy `OVERLOAD_UTILISATION` of its paid time
    or more over the last `OVERLOAD_DAYS` days of the window (pickers: their load, the busy
    time less the set-up of tours short of a full batch, `picking.picker_load`: with batch
    picking an idle picker starts a tour with whatever is queued, so busy time alone overstates
    it); a backlog that has run away — over the window's last 7 days, more than
    `OVERLOAD_BACKLOG_DAYS` days of the demand of the time (orders of the trailing 7 days) and
    more than twice its median over the window in the same unit. Measuring the backlog in days
    of current demand keeps a seasonal peak, which raises the backlog and the demand together,
    from reading as an overload.
    """
    lo, hi = window
    out = []
    if k["unfinished_rate"] > OVERLOAD_UNFINISHED:
        out.append(f"{100 * k['unfinished_rate']:.1f} % of the orders not shipped by the end")
    last = slice(max(lo, hi - OVERLOAD_DAYS), hi)
    for node, name in zip(run.nodes, run.node_names, strict=True):
        for pool in STAFF_POOLS:
            busy = node.daily.get(UTILISATION.name(pool.name))
            if pool.name == "picker" and "picker_load" in node.daily:
                busy = node.daily["picker_load"]  # batch picking: full-batch work, not busy time
            if busy is not None and _mean(np.asarray(busy[last], dtype=float)) >= (
                OVERLOAD_UTILISATION
            ):
                out.append(f"{pool.name}s of {name} busy {OVERLOAD_UTILISATION:.0%}+ of the time")
    backlog = np.asarray(daily["backlog_parcels"][lo:hi], dtype=float)
    if len(backlog) >= 14:
        created = np.asarray(daily["orders_created"], dtype=float)
        trailing = np.convolve(created, np.ones(7) / 7.0)[: len(created)][lo:hi]
        days = backlog / np.maximum(trailing, 1e-9)
        final, usual = float(days[-7:].mean()), float(np.median(days))
        if final > OVERLOAD_BACKLOG_DAYS and final > 2 * usual:
            out.append(
                f"backlog ran away to {final:.0f} days of demand by the end of the window "
                f"(usually {usual:.1f})"
            )
    return out


@dataclass(frozen=True)
class WarehouseTimes:
    """The warehouse part of the lead time: order to packed, and the wait for a picker."""

    strategy: dict[str, float]  # over the whole strategy
    nodes: dict[str, dict[str, float]]  # node name -> the same metrics for its parcels


def warehouse_times(run: StrategyRun, orders: Orders, in_window: np.ndarray) -> WarehouseTimes:
    """Order → packed (ready for the carrier) and the wait for a picker, in hours.

    An order is packed when its last parcel is ready at its node (a dropship supplier's ready
    time included); orders with a parcel never packed (cancelled, or still in progress at the
    end) are left out. The wait for a picker is, per parcel of a node with pickers, the time
    from the moment it could be picked (created, and its stock there) to the start of its pick.
    Window orders only, as for every KPI.
    """
    p = run.parcels
    live = ~p.cancelled
    first = np.searchsorted(p.order, np.arange(orders.n))
    ready = np.where(live, p.ready_min, -np.inf)  # NaN (never packed) propagates to the order
    packed = np.maximum.reduceat(ready, first)
    packed = np.where(np.isfinite(packed), packed, np.nan)
    to_packed = ((packed - orders.created_min) / 60)[in_window]
    pw = in_window[p.order] & live
    wait = (p.pick_start_min - np.maximum(p.created_min, p.stock_ok_min)) / 60
    picker_key = UTILISATION.name("picker")
    picked_at = np.array([picker_key in n.daily for n in run.nodes], dtype=bool)
    at_pickers = pw & picked_at[p.node]
    strategy = {
        "order_to_packed_h_mean": _mean(to_packed),
        "order_to_packed_h_p95": _pct(to_packed, 95),
        "picker_wait_h_mean": _mean(wait[at_pickers]),
        "picker_wait_h_p95": _pct(wait[at_pickers], 95),
    }
    nodes = {}
    for i, name in enumerate(run.node_names):
        mine = pw & (p.node == i)
        parcel_to_packed = ((p.ready_min - p.created_min) / 60)[mine]
        nodes[name] = {
            "order_to_packed_h_mean": _mean(parcel_to_packed),
            "order_to_packed_h_p95": _pct(parcel_to_packed, 95),
            "picker_wait_h_mean": _mean(wait[mine]) if picked_at[i] else float("nan"),
            "picker_wait_h_p95": _pct(wait[mine], 95) if picked_at[i] else float("nan"),
        }
    return WarehouseTimes(strategy=strategy, nodes=nodes)
