"""A warehouse's order intake: parcels arrive, take their stock, or wait for it, or are lost.

Place in the flow: a `WarehouseModel` (`model/warehouse.py`) builds one `Intake` and starts it
with its staff pools. Each of the node's parcels arrives at its order's creation time (one wait
per distinct time, driven by `simclock.Drive`: no SimPy process); with customers who react,
only the orders placed arrive. On arrival a parcel reserves its lines (`model/inventory.py`):
complete, it goes to the pickers (`WarehouseModel._stock_ok`); short with backorders, it waits
for the stock (and its customer's patience, `model/patience.py`); short without, the units are
lost, and a parcel with none of its units is cancelled. With routing `fallback`, a parcel this
node cannot serve from stock on hand is taken over by the first other warehouse that can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.picking import wave_times
from fcsim.model.simclock import Drive, Waits

if TYPE_CHECKING:
    from fcsim.model.warehouse import WarehouseModel

ARRIVAL_CHUNK = 4096
"""Parcels whose arrival data are turned into Python lists at once (speed against memory)."""


class Intake:
    """The arrivals of the parcels of warehouse `wh` (its own parcels, by creation time)."""

    def __init__(self, wh: WarehouseModel, *, waves: bool) -> None:
        self.wh = wh
        # wave picking: parcels with their stock wait here for the next release time
        self.wave: list[int] | None = [] if waves else None
        self.drive: Drive | None = None

    def start(self) -> None:
        """Schedule the wave releases, if any, and the arrivals (from now, the run's start)."""
        wh = self.wh
        if self.drive is not None:
            raise RuntimeError(f"the intake of node {wh.name!r} is already started")
        env = wh.ctx.env
        if self.wave is not None:
            Drive(env, self._waves(wave_times(wh.calendar, wh.cfg.picking, wh.ctx.n_days)))
        self.drive = Drive(env, self._arrivals())

    def stock_ok(self, local: int) -> None:
        """Parcel `local` has all its stock now: to the pickers, or to the next wave."""
        wh = self.wh
        at = local if wh._block else wh.ids[local]
        wh._stock_ok_at[at] = wh.ctx.env._now  # type: ignore[attr-defined]
        if self.wave is None:
            wh.pickers.put(local)
        else:
            self.wave.append(local)

    def _waves(self, times: list[float]) -> Waits:
        """Wave picking: release the waiting parcels to pickers at the wave times."""
        env, put = self.wh.ctx.env, self.wh.pickers.put
        for t in times:
            if t > env.now:
                yield t - env.now
            released, self.wave = self.wave or [], []
            for local in released:
                put(local)

    def _arrivals(self) -> Waits:
        wh = self.wh
        env, p, orders, inv = wh.ctx.env, wh.ctx.parcels, wh.ctx.orders, wh.inventory
        fallbacks, patience, stock_ok, reserve = (
            wh.fallbacks,
            wh.patience,
            self.stock_ok,
            inv.reserve,
        )
        ids = wh.own
        for first in range(0, len(ids), ARRIVAL_CHUNK):
            # one chunk of parcels as Python lists: fast per-parcel access, bounded memory
            chunk = ids[first : first + ARRIVAL_CHUNK]
            created = p.created_min[chunk].tolist()
            ptr = np.concatenate(([0], np.cumsum(p.line_ptr[chunk + 1] - p.line_ptr[chunk])))
            lines, _ = p.lines_of_many(chunk)
            skus = orders.line_sku[lines].tolist()
            units = orders.line_units[lines].tolist()
            ptr = ptr.tolist()
            for j in wh.ctx.arriving(chunk):
                t = created[j]
                if t > env._now:  # type: ignore[attr-defined]
                    yield t - env._now  # type: ignore[attr-defined]
                local, a, b = first + j, ptr[j], ptr[j + 1]
                if fallbacks and not inv.has(skus[a:b], units[a:b]):
                    other = next((m for m in fallbacks if m.inventory.has(
                        skus[a:b], units[a:b])), None)  # fmt: skip
                    if other is not None:
                        other.intake.take_over(int(chunk[j]), skus[a:b], units[a:b])
                        continue
                ok, short = reserve(local, skus[a:b], units[a:b])
                if short:
                    g = int(chunk[j])
                    self.short(g, short)
                    if short == p.units[g]:
                        p.cancelled[g] = True
                        continue
                wh.in_process += 1
                if ok:
                    stock_ok(local)
                elif patience is not None:
                    patience.watch(local)

    def cancelled(self, g: int) -> None:
        """A backordered parcel its customer cancelled: a lost sale (`model/patience.py`)."""
        p = self.wh.ctx.parcels
        self.wh.in_process -= 1
        p.cancelled[g] = True
        self.short(g, int(p.units[g]))

    def take_over(self, g: int, skus: list[int], units: list[int]) -> None:
        """Serve parcel `g`, routed to another warehouse short of its stock, from here."""
        wh = self.wh
        p, local = wh.ctx.parcels, wh.local_of[g]
        p.node[g] = wh.index
        p.packaging_eur[g] = wh.pack_cost[local]
        p.inserts[g] = wh.pick.inserts[local]
        p.parcel_volume_l[g] = wh.packed_l[local]
        p.packaging[g] = wh.packaging[local]
        if wh.pick.mispicked is not None:
            p.track_picking_errors()
            p.mispicked[g] = wh.pick.mispicked[local]
            p.wrong_lines[g] = wh.pick.wrong_lines[local]
        elif p.mispicked.flags.writeable:  # this node makes no errors: none of the first node's
            p.mispicked[g] = 0
            p.wrong_lines[g] = 0
        wh.inventory.reserve(local, skus, units)  # complete: this node has the stock
        wh.fallen_in[int(wh.ctx.env.now // MIN_PER_DAY)] += 1
        wh.in_process += 1
        self.stock_ok(local)

    def short(self, g: int, short_units: int) -> None:
        """Record units lost for lack of stock (no backorders), valued at the parcel's mean
        margin without VAT."""
        p = self.wh.ctx.parcels
        share = short_units / p.units[g]
        p.units_short[g] = short_units
        vat = p.vat_by_zone[p.zone[g]]
        p.short_margin_eur[g] = (p.value_eur[g] / (1 + vat) - p.goods_cost_eur[g]) * share
