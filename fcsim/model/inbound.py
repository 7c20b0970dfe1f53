"""Inbound (D1): supplier trucks and customer returns through the receiving staff.

Place in the flow: a warehouse node builds its `Inbound` with the node, starts it when the node
starts, and hands it the purchase-order lines arriving today and the returned parcels arriving
today. A truck first waits for a dock door (a pool of `docks`) and is unloaded there; then each
line becomes a task for the receiving staff pool (a SimPy contention point shared by receipts
and returns inspection):
- a purchase-order line: count and check every unit (rejects written off), put the pallets
  away; only then is stock sellable (dock-to-stock time, from the truck's arrival);
- a returned parcel: inspect each unit; restock a share, write off the rest (with
  `returns.refund_after: inspection` the day it ends is the parcel's `inspected_day`, from which
  the refund is counted).
What a 3PL bills for receipts is counted by the day the work is done: whole pallets (a part
pallet counts as one), cartons, units and the minutes of unloading, checking and put-away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fcsim.model.billing import billed_receipts
from fcsim.model.calendar import MIN_PER_DAY, WorkCalendar
from fcsim.model.context import RunContext
from fcsim.model.inventory import Inventory
from fcsim.model.staff import StaffPool
from fcsim.scenario.schema.stock import Receiving


@dataclass(kw_only=True)
class Receipt:
    """One pallet (or the last, partial one) of a purchase-order line at the dock."""

    sku: int
    units: int  # delivered
    ordered: int  # on order (more than delivered when the supplier ships short: last pallet)
    arrived_min: float
    work_min: float
    rejects: int
    pallets: float
    whole_pallets: int  # pallets billed: a part pallet counts as one
    cartons: int


@dataclass
class Truck:
    """A truck at a dock door: its pallets are unloaded, then each line is checked."""

    receipts: list[Receipt]
    unload_min: float


@dataclass
class ReturnedParcel:
    """One returned parcel waiting for inspection."""

    parcel: int  # global parcel index
    work_min: float
    items: list[tuple[int, int, float]]  # (sku, units, outcome draw) of the returned lines


class Inbound:
    """Receiving staff, receipts and returns inspection of one warehouse node."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        node_index: int,
        name: str,
        workers: int | np.ndarray,
        calendar: WorkCalendar,
        cfg: Receiving,
        inventory: Inventory,
        units_per_carton: int = 1,
    ) -> None:
        """The receiving staff (`workers`, a headcount or one per day) and dock doors of node
        `node_index` (`name`), working in `calendar`; receipts and restocks go to `inventory`.
        Cartons of `units_per_carton` units are counted for receiving fees.
        """
        self.cfg = cfg
        self.units_per_carton = units_per_carton
        self.returns = ctx.scenario.returns
        self.inventory = inventory
        self.catalogue = ctx.catalogue
        self.orders = ctx.orders
        self.parcels = ctx.parcels
        if self.returns.refund_after == "inspection":
            self.parcels.track_inspections()
        self.streams = ctx.streams
        self.node_index = node_index
        n_days = ctx.n_days
        self.pool = StaffPool(
            ctx.env,
            f"{name}.receivers",
            workers=workers,
            calendar=calendar,
            duration=self._duration,
            done=self._done,
            n_days=n_days,
        )
        self.docks = StaffPool(
            ctx.env,
            f"{name}.docks",
            workers=cfg.docks,
            calendar=calendar,
            duration=lambda trucks: sum(t.unload_min for t in trucks),
            done=self._unloaded,
            n_days=n_days,
        )
        self.pallets_by_day = np.zeros(n_days + 1)
        self.trucks_arrived_by_day = np.zeros(n_days + 1)  # on the day they reach the dock
        self.pallets_arrived_by_day = np.zeros(n_days + 1)
        self.units_received_by_day = np.zeros(n_days + 1)
        self.whole_pallets_by_day = np.zeros(n_days + 1)
        self.cartons_by_day = np.zeros(n_days + 1)
        self.receiving_min_by_day = np.zeros(n_days + 1)  # unloading and receipts, not returns
        self.returns_by_day = np.zeros(n_days + 1)
        self.written_off_eur_by_day = np.zeros(n_days + 1)
        self.refurbish_eur_by_day = np.zeros(n_days + 1)
        self.refurbished_units_by_day = np.zeros(n_days + 1)  # the basis of the two above
        self.written_off_units_by_day = np.zeros(n_days + 1)
        self.dock_to_stock_min: list[float] = []
        self.rejected_units = 0
        self.return_written_off_units = 0
        self.return_written_off_eur = 0.0
        self.returned_units_inspected = 0

    def series(self, n: int) -> dict[str, np.ndarray]:
        """The daily series of receiving and returns inspection over the `n` simulated days."""
        return {
            "pallets_received": self.pallets_by_day[:n],
            "trucks_arrived": self.trucks_arrived_by_day[:n],
            "pallets_arrived": self.pallets_arrived_by_day[:n],
            "units_received": self.units_received_by_day[:n],
            "pallets_received_whole": self.whole_pallets_by_day[:n],
            "cartons_received": self.cartons_by_day[:n],
            "receiving_min": self.receiving_min_by_day[:n],
            "returns_inspected": self.returns_by_day[:n],
            "written_off_eur": self.written_off_eur_by_day[:n],
            "refurbish_eur": self.refurbish_eur_by_day[:n],
            "refurbished_units": self.refurbished_units_by_day[:n],
            "written_off_units": self.written_off_units_by_day[:n],
        }

    def start(self) -> None:
        """Receivers, then dock doors, look for work (when the node starts)."""
        self.pool.start()
        self.docks.start()

    # ---------------------------------------------------------------- arrivals
    def truck(
        self, day: int, skus: np.ndarray, ordered: np.ndarray, units: np.ndarray | None = None
    ) -> None:
        """A truck with these purchase-order lines arrives at the start of `day`.

        `ordered` units were on order; `units` (default: all of them) are on the truck.
        """
        if len(skus) == 0:
            return
        units = ordered if units is None else units
        cfg, cat, st = self.cfg, self.catalogue, self.streams
        upp = cat.units_per_pallet[skus]
        unload = cfg.unload_min_per_pallet.ppf(st.keyed("receiving", self.node_index, day, skus, 0))
        putaway = cfg.putaway_min_per_pallet.ppf(
            st.keyed("receiving", self.node_index, day, skus, 1)
        )
        u = st.keyed("receiving", self.node_index, day, skus, 2)
        # each full pallet of a line is a task of its own (the last one takes the rest), so
        # several receivers work on a large line at once and each pallet is sellable once put
        # away; rejects are spread so that the line's total stays floor(units * rate + u)
        line, units_c, ordered_c, before_c = pallet_chunks(
            np.asarray(units, dtype=np.int64), np.asarray(ordered, dtype=np.int64), upp
        )
        rejects_through = np.floor((before_c + units_c) * cfg.reject_rate + u[line])
        rejects_before = np.floor(before_c * cfg.reject_rate + u[line])
        rejects = np.minimum(rejects_through - rejects_before, units_c).astype(np.int64)
        pallets = units_c / upp[line]
        whole, cartons = billed_receipts(units_c, before_c, pallets, self.units_per_carton)
        work = pallets * putaway[line] + units_c * cfg.check_min_per_unit
        t = float(day * MIN_PER_DAY)
        receipts = [
            Receipt(
                sku=int(s),
                units=int(n),
                ordered=int(o),
                arrived_min=t,
                work_min=float(w),
                rejects=int(r),
                pallets=float(pl),
                whole_pallets=int(wp),
                cartons=int(c),
            )
            for s, n, o, w, r, pl, wp, c in zip(
                skus[line].tolist(),
                units_c.tolist(),
                ordered_c.tolist(),
                work.tolist(),
                rejects.tolist(),
                pallets.tolist(),
                whole.tolist(),
                cartons.tolist(),
                strict=True,
            )
        ]
        # a purchase order fills as many trucks as its pallets need, in line order
        per_truck = cfg.pallets_per_truck
        truck_of = np.floor((np.cumsum(pallets) - pallets) / per_truck + 1e-9).astype(np.int64)
        unload_min = np.bincount(truck_of, weights=pallets * unload[line])
        arrival_day = min(day, len(self.trucks_arrived_by_day) - 1)
        self.trucks_arrived_by_day[arrival_day] += np.count_nonzero(np.bincount(truck_of))
        self.pallets_arrived_by_day[arrival_day] += float(pallets.sum())
        for k in range(int(truck_of[-1]) + 1):
            chunks = np.flatnonzero(truck_of == k)
            if len(chunks):
                self.docks.put(Truck([receipts[i] for i in chunks], float(unload_min[k])))

    def returned(self, parcels: Sequence[int]) -> None:
        """Returned parcels arriving today are queued for inspection.

        The returned lines are the ones `returns.plan_returns` drew (same keyed noise), capped
        at the parcel's returned units; the outcome draw decides restock, refurbish or write-off.
        """
        ids = np.asarray(parcels, dtype=np.int64)
        p, st, cat = self.parcels, self.streams, self.catalogue
        n_units = p.units_returned[ids].astype(np.int64)
        work = self.returns.inspect_min_per_unit.ppf(st.keyed("inspect", ids)) * n_units
        lines, owner = p.lines_of_many(ids)
        sku = self.orders.line_sku[lines]
        back = st.keyed("returns", lines) < cat.return_rate[sku]
        outcome = st.keyed("restock", lines)
        items: list[list[tuple[int, int, float]]] = [[] for _ in ids]
        left = n_units.tolist()  # at most what was supplied comes back
        rows = zip(
            owner.tolist(),
            sku.tolist(),
            self.orders.line_units[lines].tolist(),
            back.tolist(),
            outcome.tolist(),
            strict=True,
        )
        for i, s, u, b, o in rows:
            if b and left[i]:
                u = min(u, left[i])
                left[i] -= u
                items[i].append((s, u, o))
        for i, g in enumerate(ids.tolist()):
            self.pool.put(ReturnedParcel(g, float(work[i]), items[i]))

    # ---------------------------------------------------------------- staff pool hooks
    def _unloaded(self, trucks: Sequence[Truck], start: float, end: float) -> None:
        day = min(int(end // MIN_PER_DAY), len(self.receiving_min_by_day) - 1)
        for truck in trucks:
            self.receiving_min_by_day[day] += truck.unload_min
            for receipt in truck.receipts:
                self.pool.put(receipt)

    @staticmethod
    def _duration(group: Sequence[Receipt | ReturnedParcel]) -> float:
        return sum(task.work_min for task in group)

    def _done(self, group: Sequence[Receipt | ReturnedParcel], start: float, end: float) -> None:
        day = min(int(end // MIN_PER_DAY), len(self.pallets_by_day) - 1)
        for task in group:
            if isinstance(task, Receipt):
                accepted = task.units - task.rejects
                self.rejected_units += task.rejects
                self.written_off_units_by_day[day] += task.rejects
                self.written_off_eur_by_day[day] += task.rejects * float(
                    self.catalogue.cost_eur[task.sku]
                )
                self.inventory.received(task.sku, task.ordered)
                self.inventory.add(task.sku, accepted)
                self.pallets_by_day[day] += task.pallets
                self.whole_pallets_by_day[day] += task.whole_pallets
                self.cartons_by_day[day] += task.cartons
                self.receiving_min_by_day[day] += task.work_min
                self.units_received_by_day[day] += task.units
                self.dock_to_stock_min.append(end - task.arrived_min)
            else:
                self._restock(task, day)

    def _restock(self, task: ReturnedParcel, day: int) -> None:
        restock = self.returns.restock_share
        refurbish = restock + self.returns.refurbish_share
        cost = self.catalogue.cost_eur
        self.returns_by_day[day] += 1
        if self.returns.refund_after == "inspection":
            self.parcels.inspected_day[task.parcel] = day
        for s, u, o in task.items:
            self.returned_units_inspected += u
            if o < restock:
                self.inventory.add(s, u, restock=True)
            elif o < refurbish:
                self.refurbish_eur_by_day[day] += u * self.returns.refurbish_cost_eur_per_unit
                self.refurbished_units_by_day[day] += u
                self.inventory.add(s, u, restock=True)
            else:
                self.return_written_off_units += u
                self.return_written_off_eur += u * float(cost[s])
                self.written_off_eur_by_day[day] += u * float(cost[s])
                self.written_off_units_by_day[day] += u


def pallet_chunks(
    units: np.ndarray, ordered: np.ndarray, units_per_pallet: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split purchase-order lines into pallets: (line, units, ordered, units before) per chunk.

    A line of `units` makes ceil(units / floor(units_per_pallet)) chunks (at least one): full
    pallets, then the rest; a unit bigger than a pallet is a chunk of its own. The units
    ordered but not delivered are carried by the line's last chunk.
    """
    upp = np.maximum(np.floor(units_per_pallet), 1).astype(np.int64)  # whole units per chunk
    n = np.maximum(1, -(-units // upp))
    line = np.repeat(np.arange(len(units)), n)
    k = np.arange(len(line)) - np.repeat(np.cumsum(n) - n, n)  # pallet number within its line
    before = k * upp[line]
    chunk = np.minimum(upp[line], units[line] - before)
    chunk = np.maximum(chunk, 0)
    last = k == n[line] - 1
    ordered_c = chunk + np.where(last, ordered[line] - units[line], 0)
    return line, chunk, ordered_c, before
