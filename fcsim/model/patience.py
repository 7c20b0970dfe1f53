"""Customers' patience with backorders (customers who react, `customer_base.patience_days`).

Place in the flow: a `WarehouseModel` (`model/warehouse.py`) of a reactive run makes one
`Patience` and calls `watch` for every parcel that has to wait for stock at intake. The
parcel's customer waits a drawn number of whole days (keyed by the order and the parcel:
the same in every strategy); if the parcel still waits then, the inventory cancels it (its
held units go back to stock) and the warehouse books a lost sale (`on_cancel`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fcsim.core.distributions import Distribution
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.context import RunContext
from fcsim.model.inventory import Inventory
from fcsim.model.parcels import Parcels


class Patience:
    """Cancels the backordered parcels of one warehouse node whose customer's patience ends."""

    def __init__(
        self,
        ctx: RunContext,
        dist: Distribution,
        inventory: Inventory,
        ids: np.ndarray,
        on_cancel: Callable[[int], None],
    ) -> None:
        self.ctx, self.dist, self.inventory, self.ids = ctx, dist, inventory, ids
        self.on_cancel = on_cancel
        self.cancelled_at: dict[int, float] = {}  # parcel -> minute its customer cancelled
        inventory.track_waiting = True
        ctx.parcels.track_cancellations()  # the parcel column `cancelled_min`

    def days(self, g: int) -> int:
        """Whole days the customer of parcel `g` waits (rounded up, at least 1)."""
        p = self.ctx.parcels
        u = self.ctx.streams.keyed("customer_base.patience", int(p.order[g]), int(p.slot[g]))
        return max(1, int(np.ceil(self.dist.ppf(np.array([u]))[0])))

    def watch(self, local: int) -> None:
        """Start the wait of the node's parcel `local` (it waits for stock from now on)."""
        self.ctx.env.process(self._wait(local))

    def _wait(self, local: int):
        g = int(self.ids[local])
        created = float(self.ctx.parcels.created_min[g])
        yield self.ctx.env.timeout(created + self.days(g) * MIN_PER_DAY - self.ctx.env.now)
        if self.inventory.is_waiting(local):
            self.inventory.cancel(local)
            self.cancelled_at[g] = self.ctx.env.now
            self.ctx.parcels.cancelled_min[g] = self.ctx.env.now
            self.on_cancel(g)

    def totals(self) -> dict[str, float]:
        return {"backorders_cancelled": len(self.cancelled_at)}


def patience_days(ctx: RunContext, parcels: Parcels, g: np.ndarray) -> np.ndarray | None:
    """Whole days the customers of parcels `g` wait for a backorder (as `Patience.days`,
    vectorised: a dropship supplier's backorders), or None when they do not give up."""
    cb = ctx.scenario.customer_base
    if ctx.placed is None or cb is None or cb.patience_days is None:
        return None
    u = ctx.streams.keyed("customer_base.patience", parcels.order[g], parcels.slot[g])
    return np.maximum(1, np.ceil(cb.patience_days.ppf(u))).astype(np.int64)


def patience_for(
    ctx: RunContext, inventory: Inventory, ids: np.ndarray, on_cancel: Callable[[int], None]
) -> Patience | None:
    """The node's `Patience` in a reactive run whose customers have one; None otherwise."""
    cb = ctx.scenario.customer_base
    if ctx.placed is None or cb is None or cb.patience_days is None:
        return None
    return Patience(ctx, cb.patience_days, inventory, ids, on_cancel)
