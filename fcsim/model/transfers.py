"""Stock transfers between the warehouses of a hybrid strategy: periodic rebalancing.

Place in the flow: `model/network.py` starts a `Rebalancing` after the nodes when the strategy
declares `transfers`. Every `every_days` days at 00:00, for each SKU and each pair of centres
(giver, taker) in node order, the giver sends the units it holds above `above_cover_days` of
its expected demand (on hand; what it holds of a SKU it does not stock is not moved) to a taker
whose inventory position covers fewer than `below_cover_days`, up to that cover. The units
leave the giver's stock at once and stay on order at the taker until they are received there:
they reach its dock `transit_days` later as a truck (with its purchase orders due that day),
are checked and put away by its receivers, and cost its inbound freight.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.context import RunContext
from fcsim.model.warehouse import WarehouseModel
from fcsim.scenario.schema.routing import Transfers


def planned_moves(
    on_hand: np.ndarray,
    position: np.ndarray,
    daily: np.ndarray,
    cfg: Transfers,
) -> list[tuple[int, int, np.ndarray]]:
    """The moves of one rebalancing: (giver, taker, units per SKU) for every pair that moves.

    Arrays are (centres, SKUs): on hand, inventory position and expected units per day.
    """
    stocked = daily > 0
    excess = np.where(stocked, np.floor(on_hand - cfg.above_cover_days * daily), 0)
    need = np.where(stocked, np.ceil(cfg.below_cover_days * daily - position), 0)
    excess = np.maximum(excess, 0).astype(np.int64)
    need = np.maximum(need, 0).astype(np.int64)
    moves = []
    k = len(on_hand)
    for giver in range(k):
        for taker in range(k):
            if giver == taker:
                continue
            units = np.minimum(excess[giver], need[taker])
            if units.any():
                excess[giver] -= units
                need[taker] -= units
                moves.append((giver, taker, units))
    return moves


class Rebalancing:
    """The periodic transfers of one strategy run between its warehouse nodes."""

    def __init__(self, ctx: RunContext, cfg: Transfers, centres: list[WarehouseModel]) -> None:
        self.ctx = ctx
        self.cfg = cfg
        self.centres = centres

    def start(self) -> None:
        """Schedule the rebalancings (after the nodes have started)."""
        if len(self.centres) >= 2:
            self.ctx.env.process(self._run())

    def _run(self):
        env = self.ctx.env
        for day in range(self.cfg.every_days, self.ctx.n_days, self.cfg.every_days):
            if day * MIN_PER_DAY > env.now:
                yield env.timeout(day * MIN_PER_DAY - env.now)
            self.rebalance(day)

    def rebalance(self, day: int) -> None:
        """Move stock from centres above their cover to centres below theirs."""
        invs = [c.inventory for c in self.centres]
        moves = planned_moves(
            np.stack([inv.stock_units() for inv in invs]),
            np.stack([inv.position() for inv in invs]),
            np.stack([inv.daily_units for inv in invs]),
            self.cfg,
        )
        for giver, taker, units in moves:
            skus = np.flatnonzero(units)
            send(self.centres[giver], day, skus, units[skus])
            receive(self.centres[taker], day + self.cfg.transit_days, skus, units[skus])


def send(centre: WarehouseModel, day: int, skus: np.ndarray, units: np.ndarray) -> None:
    """Units of `skus` leave `centre`'s stock on `day` for another centre."""
    for k, u in zip(skus.tolist(), units.tolist(), strict=True):
        centre.inventory.transfer_out(k, u)
    centre.daily["transferred_out_units"][day] += units.sum()


def receive(centre: WarehouseModel, day: int, skus: np.ndarray, units: np.ndarray) -> None:
    """Units sent by another centre, on order at `centre` until received: at its dock on `day`
    in a truck with what else arrives that day, checked and put away like a purchase."""
    centre.inventory.on_order[skus] += units
    centre.arriving(day, (skus, units, units))
    centre.daily["transferred_in_units"][min(day, centre.ctx.n_days - 1)] += units.sum()
