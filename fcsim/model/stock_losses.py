"""Stock that leaves a node without being sold: perishables past their shelf life and a
storage zone's shrinkage (D2).

Place in the flow: a warehouse node whose SKUs have a `shelf_life_days` or whose zones have a
`shrinkage_share_per_month` creates one `StockLosses` and hands its `Lots` to the `Inventory`,
which records every unit put into and taken out of sellable stock. A perishable SKU's stock is
a FIFO queue of lots stamped with the day they were put away (the opening stock on day 0):
reservations take the oldest units first, and at 00:00 of the day a lot reaches its shelf life
(put away on day d, shelf life L: day d + L) its units left are written off. Shrinkage takes,
each day, share / 30.4375 of the zone's units of every SKU, rounded stochastically (floor of
units x rate + u, u keyed by node, day and SKU: unbiased, the same in every strategy), oldest
lots first. The node's daily series `expired_units`, `expired_eur`, `shrinkage_units` and
`shrinkage_eur` (at cost) feed the ledger (`accounting/quality.py`) and the KPIs.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from fcsim.model.streams import Streams

if TYPE_CHECKING:
    from fcsim.model.context import RunContext
    from fcsim.model.inventory import Inventory
    from fcsim.model.storage import StorageZones

DAYS_PER_MONTH = 30.4375


class Lots:
    """FIFO lots of the perishable SKUs of one node: [day put away, units] oldest first."""

    def __init__(self, shelf_life_days: np.ndarray, on_hand: list[int]) -> None:
        self.shelf = shelf_life_days
        self.queues: dict[int, deque[list[int]]] = {
            int(s): deque([[0, on_hand[s]]] if on_hand[s] else [])
            for s in np.flatnonzero(shelf_life_days > 0)
        }
        self.today = 0

    def put(self, sku: int, units: int) -> None:
        """`units` of `sku` put into sellable stock today."""
        q = self.queues.get(sku)
        if q is None:
            return
        if q and q[-1][0] == self.today:
            q[-1][1] += units
        else:
            q.append([self.today, units])

    def take(self, sku: int, units: int) -> None:
        """`units` of `sku` leave sellable stock, oldest first."""
        q = self.queues.get(sku)
        while q is not None and units > 0 and q:
            give = min(units, q[0][1])
            q[0][1] -= give
            units -= give
            if q[0][1] == 0:
                q.popleft()

    def expire(self, day: int) -> dict[int, int]:
        """Start `day`: the units of every lot at the end of its shelf life, by SKU (removed)."""
        self.today = day
        out: dict[int, int] = {}
        for sku, q in self.queues.items():
            life = int(self.shelf[sku])
            while q and q[0][0] + life <= day:
                out[sku] = out.get(sku, 0) + q.popleft()[1]
        return out


class StockLosses:
    """Daily write-offs of one node's expired and shrunk units, with their daily series."""

    def __init__(
        self,
        on_hand: list[int],
        shelf_life_days: np.ndarray,
        shrink_per_day: np.ndarray | None,
        cost_eur: np.ndarray,
        *,
        node_index: int,
        streams: Streams,
        n_days: int,
    ) -> None:
        self.on_hand = on_hand  # the inventory's own list: changed in place
        self.lots = Lots(shelf_life_days, on_hand) if (shelf_life_days > 0).any() else None
        self.shrink = shrink_per_day
        self.shrink_skus = None if shrink_per_day is None else np.flatnonzero(shrink_per_day > 0)
        self.cost = cost_eur
        self.node_index = node_index
        self.streams = streams
        self.expired_units = 0
        self.shrunk_units = 0
        keys = (["expired_units", "expired_eur"] if self.lots else []) + (
            ["shrinkage_units", "shrinkage_eur"] if shrink_per_day is not None else []
        )
        self.daily = {k: np.zeros(n_days) for k in keys}

    def totals(self) -> dict[str, int]:
        """Units written off past their shelf life and lost to shrinkage, over the run."""
        return {"expired_units": self.expired_units, "shrunk_units": self.shrunk_units}

    def day(self, day: int) -> None:
        """At 00:00 of `day`: write off the lots past their shelf life, then the shrinkage."""
        on_hand = self.on_hand
        if self.lots is not None:
            for sku, units in self.lots.expire(day).items():
                on_hand[sku] -= units
                self.expired_units += units
                self.daily["expired_units"][day] += units
                self.daily["expired_eur"][day] += units * float(self.cost[sku])
        if self.shrink_skus is not None and len(self.shrink_skus):
            skus = self.shrink_skus
            stock = np.asarray(on_hand)[skus]
            u = self.streams.keyed("shrinkage", self.node_index, day, skus)
            lost = np.minimum(np.floor(stock * self.shrink[skus] + u), stock).astype(np.int64)
            for sku, units in zip(skus[lost > 0].tolist(), lost[lost > 0].tolist(), strict=True):
                on_hand[sku] -= units
                if self.lots is not None:
                    self.lots.take(sku, units)
            n = int(lost.sum())
            self.shrunk_units += n
            self.daily["shrinkage_units"][day] = n
            self.daily["shrinkage_eur"][day] = float(lost @ self.cost[skus])


def node_stock_losses(
    inventory: Inventory,
    ctx: RunContext,
    zones: StorageZones | None,
    *,
    stocked: np.ndarray,
    node_index: int,
) -> StockLosses | None:
    """The stock losses of a node holding `stocked` SKUs (its FIFO lots given to `inventory`),
    or None when none of its SKUs has a shelf life and none of its zones a shrinkage."""
    cat = ctx.catalogue
    shelf = np.where(stocked, cat.shelf_life_days, 0)
    shrink = zones.shrink_per_day() if zones is not None else None
    if not shelf.any() and shrink is None:
        return None
    losses = StockLosses(
        inventory.on_hand,
        shelf,
        shrink,
        cat.cost_eur,
        node_index=node_index,
        streams=ctx.streams,
        n_days=ctx.n_days,
    )
    inventory.lots = losses.lots
    return losses
