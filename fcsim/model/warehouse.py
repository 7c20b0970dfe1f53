"""A fulfilment centre (self-run, 3PL or marketplace): wires intake, picking, packing, dock and
inbound.

Place in the flow: `model/network.py` builds one `WarehouseModel` per warehouse node of a
strategy and drives it through the node life cycle (`model/node.py`): building it prepares the
node's pick and pack times, stock targets and staff pools; `start` writes the packaging into the
parcel columns and starts its processes; `collect` returns its `NodeResult`. Per parcel, in
SimPy: arrival -> stock reservation (or wait for stock), both in `model/intake.py` -> picker pool
-> packer pool -> dock (with `picking.express_first`, the pickers take the parcels that need an
express carrier first).
Once a day, one process per node: dispatches the parcels at the dock (`carriers.dispatch`,
vectorised), plans their returns, queues today's returned parcels and truck receipts for the
receiving staff, reviews stock (replenishment) and records the day's stock, backlog and
utilisation (at a 3PL, also the storage its fee schedule bills: `model/billing.py`).
"""

from __future__ import annotations

import numpy as np

from fcsim.model.billing import StorageBilling
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.carriers import CarrierChoice, Collections, dispatch, planned_express
from fcsim.model.context import RunContext
from fcsim.model.forecast import demand_forecast, demand_share
from fcsim.model.headcount import headcount_by_day, roster, units_per_carton
from fcsim.model.inbound import Inbound
from fcsim.model.intake import Intake
from fcsim.model.inventory import Inventory
from fcsim.model.lifecycle import Clearance, forecast_factor
from fcsim.model.node import NodeModel, NodeResult
from fcsim.model.packing import pack_work
from fcsim.model.patience import patience_for
from fcsim.model.picking import pick_work, picker_load, take_policy
from fcsim.model.returns import plan_returns
from fcsim.model.staff import ExpressFirst, StaffPool
from fcsim.model.stock_losses import node_stock_losses
from fcsim.model.storage import StorageZones
from fcsim.scenario.schema.nodes import ThirdPartyNode, WarehouseNode


class WarehouseModel(NodeModel[WarehouseNode]):
    """The SimPy processes of one warehouse node."""

    def __init__(
        self,
        ctx: RunContext,
        *,
        index: int,
        name: str,
        cfg: WarehouseNode,
        ids: np.ndarray,
        fallback_ids: np.ndarray | None = None,
    ) -> None:
        """`ids`: the parcels routed here; `fallback_ids`: those routed to the strategy's other
        warehouses, which this node may take over (routing `fallback`)."""
        own = ids
        if fallback_ids is not None and len(fallback_ids):
            ids = np.concatenate([own, fallback_ids])  # own parcels keep local indices 0..n-1
        super().__init__(ctx, index=index, name=name, cfg=cfg, ids=ids)
        self.own = own
        extra = [] if fallback_ids is None else fallback_ids.tolist()
        self.local_of = {g: len(own) + i for i, g in enumerate(extra)}
        self.fallbacks: list[WarehouseModel] = []  # where a parcel goes when stock is short here
        self.fallen_in = np.zeros(ctx.n_days)  # parcels taken over from other warehouses
        self.intake = Intake(
            self, waves=bool(cfg.picking.release_times)
        )  # the parcels' arrivals (`model/intake.py`)
        sc = ctx.scenario
        shifts = [
            (s.days, s.start, s.end, [(b.start, b.end) for b in s.breaks]) for s in cfg.shifts
        ]
        # an outage: no work on its days (staff idle, still paid), and no collection
        self.outage = ctx.disruptions.node_days(name, cfg.kind)
        self.calendar, self.idle_paid_min = ctx.disruptions.staff_calendar(
            shifts, name, cfg.kind, ctx.calendar_days
        )
        p = ctx.parcels
        share = demand_share(ctx, own)
        n_days = ctx.n_days
        self.zones = StorageZones(cfg.zones, ctx.catalogue, n_days) if cfg.zones else None
        self.pick = pick_work(
            cfg.picking,
            p,
            ids,
            streams=ctx.streams,
            sku_of_line=ctx.orders.line_sku,
            stocked=share > 0,
            seed=sc.seed,
            extra_min_of_sku=self.zones.extra_pick_min() if self.zones else None,
        )
        # packaging cost and packed volume are written into the parcel columns at `start`
        self.pack_min, self.pack_cost, self.packed_l, self.packaging = pack_work(
            cfg.packing, sc.packaging, p, ids, ctx.streams
        )
        self.choice = CarrierChoice(
            ctx.carrier_indices(cfg.carriers), cfg.carrier_policy, cfg.carrier_discount
        )
        self.collections = Collections()
        self.blocked = ctx.disruptions.blocked(self.choice.carriers, self.outage)
        expected = ctx.catalogue.daily_units * share
        error = forecast_factor(cfg.replenishment.forecast_error_cv, len(share), ctx.streams)
        lc = ctx.life_cycles
        self.inventory = Inventory(
            expected if error is None else expected * error,
            cfg.replenishment,
            self.intake.stock_ok,
            demand_forecast(ctx, own) if cfg.replenishment.follow_forecast else None,
            None if lc is None else (lc.skus, lc.level(lc.skus, n_days)),
        )
        self.losses = node_stock_losses(
            self.inventory, ctx, self.zones, stocked=share > 0, node_index=index
        )
        self.clearance = None if lc is None else Clearance(lc, ctx.catalogue.cost_eur, n_days)
        # customers who react: backorders cancelled when the customer's patience runs out
        self.patience = patience_for(ctx, self.inventory, ids, self.intake.cancelled)
        self.headcount = headcount_by_day(cfg, sc.start_date, ctx.calendar_days)
        self.overtime_min = np.zeros(n_days)
        self.express = self._express()
        self.pickers = StaffPool(
            ctx.env,
            f"{name}.pickers",
            workers=roster(self.headcount["pickers"]),
            calendar=self.calendar,
            duration=self.pick.tour,
            done=self._picked,
            n_days=n_days,
            take=take_policy(cfg.picking),
            # express first: parcel i, then its re-pick task n + i, in their class
            queue=None if self.express is None else ExpressFirst(self.express * 2),
        )
        self.packers = StaffPool(
            ctx.env,
            f"{name}.packers",
            workers=roster(self.headcount["packers"]),
            calendar=self.calendar,
            duration=self._pack_duration,
            done=self._packed,
            n_days=n_days,
        )
        self.inbound = Inbound(
            ctx,
            node_index=index,
            name=name,
            workers=roster(self.headcount["receivers"]),
            calendar=self.calendar,
            cfg=cfg.receiving,
            inventory=self.inventory,
            units_per_carton=units_per_carton(cfg),
        )
        self.dock: list[int] = []
        self.trucks: dict[int, tuple[np.ndarray, ...]] = {}  # (skus, ordered, delivered)
        self.returns_due: dict[int, list[int]] = {}
        self.in_process = 0  # parcels accepted and not yet at the dock
        self.daily = {
            key: np.zeros(n_days)
            for key in (
                "stock_units",
                "stock_pallets",
                "stock_value_eur",
                "stock_volume_l",
                "backlog_parcels",
                "waiting_for_stock",
                "po_units",
                "transferred_out_units",
                "transferred_in_units",
            )
        }
        self.billing = (
            StorageBilling(cfg.fees, ctx.catalogue, n_days)
            if isinstance(cfg, ThirdPartyNode)
            else None
        )
        # batch picking: set-up minutes spent on tours short of a full batch (an idle picker
        # takes what is queued), so that the overload verdict reads the load, not busy time
        self._batch = cfg.picking.batch_size if cfg.picking.policy == "batch" else 1
        self.short_tour_setup_min = np.zeros(n_days)
        # the columns the per-parcel flow writes, as this node's rows: views by local position
        # when its parcels are one block of rows in order (one-node strategies), else whole
        # columns by `ids[local]` (a node that may take over others' parcels has its own, then
        # theirs)
        self._block = len(ids) > 0 and bool(
            np.array_equal(ids, np.arange(int(ids[0]), int(ids[0]) + len(ids)))
        )
        rows = slice(int(ids[0]), int(ids[-1]) + 1) if self._block else slice(None)
        self._stock_ok_at = p.stock_ok_min[rows]
        self._pick_start_at, self._picked_at = p.pick_start_min[rows], p.picked_min[rows]
        # the parcels with lines to pick again (`PickWork.repick_task`; None: no errors)
        rp = self.pick.repick_min
        self._repicks = None if rp is None else set(np.flatnonzero(rp > 0).tolist())
        self._pack_wait_at, self._ready_at = p.pack_wait_min[rows], p.ready_min[rows]

    def _express(self) -> list[bool] | None:
        """With `picking.express_first`, which of the node's parcels need an express carrier
        (by local position: the carrier policy asked at the order's time); None otherwise."""
        if not self.cfg.picking.express_first:
            return None
        p = self.ctx.parcels
        return planned_express(
            p, self.ids, self.choice, self.ctx.delivery, p.created_min[self.ids], self.packed_l
        ).tolist()

    def _start(self) -> None:
        """Packaging into the parcel columns; staff pools, then waves and arrivals, the day."""
        p, own, env = self.ctx.parcels, self.own, self.ctx.env
        n = len(own)
        p.packaging_eur[own] = self.pack_cost[:n]
        p.inserts[own] = self.pick.inserts[:n]
        p.parcel_volume_l[own] = self.packed_l[:n]
        p.packaging[own] = self.packaging[:n]
        if self.pick.mispicked is not None:
            p.track_picking_errors()
            p.mispicked[own] = self.pick.mispicked[:n]
            p.wrong_lines[own] = self.pick.wrong_lines[:n]
        self.pickers.start()
        self.packers.start()
        self.inbound.start()
        self.intake.start()  # wave releases (if any), then arrivals
        env.process(self._daily())

    # ------------------------------------------------------------------ per-parcel flow
    def _picked(self, group: list[int], start: float, end: float) -> None:
        block, ids, n = self._block, self.ids, len(self.ids)
        if len(group) < self._batch and group[0] < n:  # a tour short of a full batch
            day = min(int(end // MIN_PER_DAY), len(self.short_tour_setup_min) - 1)
            spare = 1.0 - len(group) / self._batch
            self.short_tour_setup_min[day] += float(self.pick.setup_min[group[0]]) * spare
        began, picked, repicks = self._pick_start_at, self._picked_at, self._repicks
        pack = self.packers.put
        for local in group:
            if local >= n:  # a re-pick of lines found wrong at packing: now it is packed
                pack(local - n)
                continue
            g = local if block else ids[local]
            began[g] = start
            picked[g] = end
            if repicks is None or local not in repicks:
                pack(local)
            else:  # `self.pick.repick_task(local)`
                self.pickers.put(len(self.pick.setup_min) + local)

    def _pack_duration(self, group: list[int]) -> float:
        if len(group) == 1:  # packers take one parcel at a time
            return self.pack_min.item(group[0])
        return float(sum(self.pack_min[i] for i in group))

    def _packed(self, group: list[int], start: float, end: float) -> None:
        block, ids, dock = self._block, self.ids, self.dock
        wait, ready, picked = self._pack_wait_at, self._ready_at, self._picked_at
        for local in group:
            g = local if block else ids[local]
            wait[g] = start - picked.item(g)
            ready[g] = end
            dock.append(local)
        self.in_process -= len(group)

    # ------------------------------------------------------------------ once a day
    def _daily(self):
        env, ctx = self.ctx.env, self.ctx
        inv = self.inventory
        cat = ctx.catalogue
        for day in range(ctx.n_days):
            if day * MIN_PER_DAY > env.now:
                yield env.timeout(day * MIN_PER_DAY - env.now)
            self.dispatch_dock()
            self._overtime(day)
            due = self.returns_due.pop(day, None)
            if due:
                self.inbound.returned(due)
            truck = self.trucks.pop(day, None)
            if truck is not None:
                self.inbound.truck(day, *truck)
            if self.losses is not None:
                self.losses.day(day)
            if self.clearance is not None:
                self.clearance.run(day, inv)
            skus, units = inv.review(day)
            if len(skus):
                self._purchase(day, skus, units)
            stock = inv.stock_units()
            self.daily["stock_units"][day] = stock.sum()
            self.daily["stock_pallets"][day] = float((stock / cat.units_per_pallet).sum())
            self.daily["stock_value_eur"][day] = float(stock @ cat.cost_eur)
            self.daily["stock_volume_l"][day] = float(stock @ cat.volume_l)
            if self.zones is not None:
                self.zones.record(day, stock)
            if self.billing is not None:
                self.billing.record(day, stock)
            self.daily["backlog_parcels"][day] = self.in_process
            self.daily["waiting_for_stock"][day] = inv.waiting_parcels

    def _overtime(self, day: int) -> None:
        """Extend today's last shift when the backlog at the start of the day is high."""
        ot = self.cfg.overtime
        if ot is None or self.in_process < ot.backlog_threshold_parcels:
            return
        end = self.calendar.day_end(day)
        if end is None:
            return  # not a working day
        extra = ot.max_hours_per_day * 60
        self.calendar.add(end, end + extra)
        self.overtime_min[day] = extra

    def _purchase(self, day: int, skus: np.ndarray, units: np.ndarray) -> None:
        """Place a purchase order: the supplier's lead time, lateness and short deliveries."""
        rep = self.cfg.replenishment
        u = self.ctx.streams.keyed("supply", self.index, day, np.arange(4))
        lead = float(rep.supplier_lead_time_days.ppf(u[0:1])[0])
        if u[1] < rep.supplier_late_probability:
            lead += float(rep.supplier_late_days.ppf(u[2:3])[0])
        delivered = units
        if u[3] < rep.supplier_short_probability:
            delivered = np.floor(units * rep.supplier_short_fill).astype(np.int64)
        arrive = self.ctx.disruptions.delayed_arrival(rep.supplier, day, lead)
        truck = (skus, units, delivered)
        self.arriving(arrive, truck)
        self.daily["po_units"][day] = units.sum()

    def arriving(self, day: int, truck: tuple[np.ndarray, ...]) -> None:
        """Goods on their way, due on `day`: one truck with what else arrives that day."""
        prev = self.trucks.get(day)
        if prev is not None:  # same arrival day: one consolidated truck
            truck = tuple(np.concatenate([a, b]) for a, b in zip(prev, truck, strict=True))
        self.trucks[day] = truck

    def dispatch_dock(self) -> None:
        """Hand every parcel at the dock to its carrier; plan its return, if any."""
        if not self.dock:
            return
        ctx = self.ctx
        g = self.ids[np.asarray(self.dock, dtype=np.int64)]
        self.dock = []
        col, blocked = self.collections, self.blocked
        dispatch(
            ctx.parcels, g, self.choice, ctx.delivery, ctx.streams, collected=col, blocked=blocked
        )
        plan_returns(
            ctx.parcels,
            g,
            orders=ctx.orders,
            catalogue=ctx.catalogue,
            policy=ctx.scenario.returns,
            business_weekdays=ctx.scenario.promise.business_weekdays,
            bd=ctx.bd,
            streams=ctx.streams,
        )
        back = g[ctx.parcels.return_day[g] >= 0]
        for p, d in zip(back.tolist(), ctx.parcels.return_day[back].tolist(), strict=True):
            self.returns_due.setdefault(d, []).append(p)

    # ------------------------------------------------------------------ after the run
    def _collect(self) -> NodeResult:
        """Daily series and totals; the parcels still at the dock are dispatched first."""
        self.dispatch_dock()
        n = self.ctx.n_days
        inv, inb = self.inventory, self.inbound
        cfg = self.cfg
        daily = dict(self.daily) | (self.zones.series() if self.zones else {})
        daily |= self.billing.daily if self.billing else {}
        daily |= self.losses.daily if self.losses else {}
        daily |= self.clearance.daily if self.clearance else {}
        daily["picker_utilisation"] = self.pickers.utilisation_by_day(n)
        daily["picker_load"] = picker_load(
            daily["picker_utilisation"], self.pickers.busy_by_day[:n], self.short_tour_setup_min
        )
        daily["packer_utilisation"] = self.packers.utilisation_by_day(n)
        daily["receiver_utilisation"] = inb.pool.utilisation_by_day(n)
        daily["dock_utilisation"] = inb.docks.utilisation_by_day(n)
        daily |= inb.series(n)
        daily["fallback_parcels"] = self.fallen_in
        totals = {
            "initial_units": inv.initial_units,
            "put_away_units": inv.put_away_units,
            "restocked_units": inv.restocked_units,
            "reserved_units": inv.reserved_units,
            "on_hand_units": int(sum(inv.on_hand)),
            "cleared_units": inv.cleared_units,
            "transferred_out_units": inv.transferred_out_units,
            "rejected_units": inb.rejected_units,
            "return_written_off_units": inb.return_written_off_units,
            "return_written_off_eur": inb.return_written_off_eur,
            "returned_units_inspected": inb.returned_units_inspected,
            "dock_to_stock_h_mean": float(np.mean(inb.dock_to_stock_min)) / 60
            if inb.dock_to_stock_min
            else float("nan"),
            "headcount": cfg.pickers + cfg.packers + cfg.receivers,
            "overtime_days": int((self.overtime_min > 0).sum()),
            **(self.patience.totals() if self.patience else {}),
            **(self.zones.totals() if self.zones else {}),
            **(self.losses.totals() if self.losses else {}),
        }
        return NodeResult(
            name=self.name,
            kind="warehouse",
            daily=daily,
            totals=totals,
            staff_minutes_by_day=self.calendar.minutes_per_day(n) + self.idle_paid_min,
            headcount_by_day={role: h[:n] for role, h in self.headcount.items()},
            overtime_minutes_by_day=self.overtime_min,
        )
