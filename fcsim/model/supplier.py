"""A dropshipping supplier (D16): ships the merchant's orders directly to customers.

Place in the flow: `model/network.py` builds one `SupplierModel` per dropship node and drives
it through the node life cycle (`model/node.py`). The supplier's warehouse is not the
merchant's to model: nothing competes with the merchant's own resources, so the node has no
SimPy process: `start` computes all of its parcels at once, vectorised, and `collect` sums them.
Per order line, the supplier has the item in stock with `stock_availability` (else the line is
cancelled: a lost sale, its margin without VAT). The parcel is ready at the supplier's
`ready_time` after a whole number of its business days drawn without rounding bias
(`whole_days`); the default ready time is the earliest cutoff of its carriers, so no parcel
waits a day at the dock. It then goes through the same carrier and returns arithmetic as a
warehouse parcel, with the supplier's defect rate added to customer returns; a share of the
returns is refunded without the goods coming back; parcels imported into the merchant's customs
union pay the import charges of `model/imports.py`.
"""

from __future__ import annotations

import numpy as np

from fcsim.core.distributions import Distribution
from fcsim.core.timeofday import minutes_of
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.carriers import CarrierChoice, Collections, dispatch
from fcsim.model.imports import import_charges
from fcsim.model.money import ex_vat
from fcsim.model.node import NodeModel, NodeResult
from fcsim.model.patience import patience_days
from fcsim.model.returns import plan_returns
from fcsim.scenario.schema.delivery import Carrier
from fcsim.scenario.schema.nodes import DropshipNode

# fields of the "processing" noise, per (order, slot)
_DRAW, _ROUND = 0, 1


def whole_days(dist: Distribution, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Whole days from a distribution of days, without rounding bias (at least 0).

    A draw x = ppf(u) becomes floor(x) + 1 when v < x - floor(x), else floor(x): the expected
    number of days is E[x], the distribution's mean (rounding up would add about half a day).
    """
    x = np.maximum(0.0, dist.ppf(u))
    base = np.floor(x)
    return (base + (v < x - base)).astype(np.int64)


def ready_time_of(cfg: DropshipNode, carriers: list[Carrier]) -> str:
    """The supplier's ready time: as given, else the earliest cutoff of its carriers."""
    if cfg.ready_time is not None:
        return cfg.ready_time
    return min((c.cutoff for c in carriers), key=minutes_of)


class SupplierModel(NodeModel[DropshipNode]):
    """A dropship node: availability, processing delay, then carriers and returns."""

    backorders = 0  # parcels that waited for the supplier's restock (`backorder_days`)
    backorders_cancelled = 0  # ... and were cancelled by their customer's patience

    def _start(self) -> None:
        """Every parcel of the node, before the run: short lines, ready time, delivery."""
        ctx, cfg, ids = self.ctx, self.cfg, self.ids
        p, orders, cat, st = ctx.parcels, ctx.orders, ctx.catalogue, ctx.streams
        if ctx.placed is not None:  # customers who react: only the orders placed
            ids = self.ids = ids[ctx.placed[p.order[ids]]]
        if len(ids) == 0:
            return
        lines, owner = p.lines_of_many(ids)
        units = orders.line_units[lines].astype(np.int64)
        sku = orders.line_sku[lines]
        missing = st.keyed("supplier_stock", lines) >= cfg.stock_availability
        short = np.bincount(owner, weights=units * missing, minlength=len(ids))
        net_price = cat.price_eur[sku] / (1 + p.vat_by_zone[p.zone[ids]][owner])
        short_margin = np.bincount(
            owner, weights=units * missing * (net_price - cat.cost_eur[sku]), minlength=len(ids)
        )
        waiting = np.zeros(len(ids), dtype=bool)
        if cfg.backorder_days is not None:  # backordered: the supplier restocks, then ships all
            waiting = short > 0
            short = np.zeros(len(ids))
            short_margin = np.zeros(len(ids))
        p.units_short[ids] = short.astype(np.int32)
        p.short_margin_eur[ids] = short_margin
        cancelled = short >= p.units[ids]
        p.cancelled[ids] = cancelled

        live = ids[~cancelled]
        created = p.created_min[live]
        o, s = p.order[live], p.slot[live]
        days = whole_days(
            cfg.processing_days,
            st.keyed("processing", o, s, _DRAW),
            st.keyed("processing", o, s, _ROUND),
        )
        carrier_idx = ctx.carrier_indices(cfg.carriers)
        ready_time = self.ready_time = ready_time_of(
            cfg, [ctx.scenario.carriers[i] for i in carrier_idx]
        )
        outage = ctx.disruptions.node_dates(self.name, cfg.kind)
        bd = BusinessDays(ctx.scenario.start_date, [*ctx.scenario.calendar.holidays, *outage])
        if not outage:
            bd = ctx.bd  # no outage: the run's business days
        start = bd.next_at(created, ready_time, cfg.working_days)
        if waiting.any():
            start, live, days = self._backorders(live, waiting[~cancelled], start, days, bd)
            created = p.created_min[live]
        ready_day = bd.offset(start, days, cfg.working_days)
        ready = ready_day * MIN_PER_DAY + minutes_of(ready_time)
        p.stock_ok_min[live] = created
        p.pick_start_min[live] = ready
        p.picked_min[live] = ready
        p.ready_min[live] = ready
        choice = CarrierChoice(carrier_idx, cfg.carrier_policy, cfg.carrier_discount)
        blocked = ctx.disruptions.blocked(
            carrier_idx, ctx.disruptions.node_days(self.name, cfg.kind)
        )
        dispatch(p, live, choice, ctx.delivery, st, collected=Collections(), blocked=blocked)
        if cfg.imports is not None:
            inside = np.array([d.customs is None for d in ctx.scenario.destinations])[p.zone[live]]
            imported = live[inside]
            vat = p.vat_by_zone[p.zone[imported]]
            value = ex_vat(p.value_eur[imported], vat)
            p.duties_eur[imported] += import_charges(cfg.imports, value, vat)
        plan_returns(
            p,
            live,
            orders=orders,
            catalogue=cat,
            policy=ctx.scenario.returns,
            business_weekdays=ctx.scenario.promise.business_weekdays,
            bd=ctx.bd,
            streams=st,
            defect_rate=cfg.defect_rate,
        )
        back = live[p.units_returned[live] > 0]
        kept = st.keyed("refund_without_return", p.order[back], p.slot[back])
        p.refunded_without_return[back] = kept < cfg.refund_without_return_share

    def _backorders(
        self,
        live: np.ndarray,
        waiting: np.ndarray,
        start: np.ndarray,
        days: np.ndarray,
        bd: BusinessDays,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Backordered parcels (`waiting`, of `live`): their processing starts once restocked,
        `backorder_days` later; those whose customer's patience ends first are cancelled (a
        lost sale of every unit). The parcels, start days and processing days kept."""
        ctx, cfg, p, st = self.ctx, self.cfg, self.ctx.parcels, self.ctx.streams
        o, s = p.order[live], p.slot[live]
        assert cfg.backorder_days is not None
        wait = whole_days(
            cfg.backorder_days,
            st.keyed("supplier_backorder", o, s, _DRAW),
            st.keyed("supplier_backorder", o, s, _ROUND),
        )
        start = np.where(waiting, bd.offset(start, wait, cfg.working_days), start)
        keep = np.ones(len(live), dtype=bool)
        patience = patience_days(ctx, p, live[waiting])
        if patience is not None:
            restocked = start[waiting] * MIN_PER_DAY + minutes_of(self.ready_time)
            gone = p.created_min[live[waiting]] + patience * MIN_PER_DAY < restocked
            keep[np.flatnonzero(waiting)[gone]] = False
            lost = live[~keep]
            p.cancelled[lost] = True
            p.track_cancellations()
            p.cancelled_min[lost] = (p.created_min[live[waiting]] + patience * MIN_PER_DAY)[gone]
            p.units_short[lost] = p.units[lost]
            p.short_margin_eur[lost] = (
                ex_vat(p.value_eur[lost], p.vat_by_zone[p.zone[lost]]) - p.goods_cost_eur[lost]
            )
            self.backorders_cancelled = len(lost)
        self.backorders = int(waiting.sum())
        return start[keep], live[keep], days[keep]

    def _collect(self) -> NodeResult:
        """Totals of this node."""
        p, ids = self.ctx.parcels, self.ids
        return NodeResult(
            name=self.name,
            kind="supplier",
            totals={
                "units_shipped": float(p.units[ids][~p.cancelled[ids]].sum()),
                "units_short": float(p.units_short[ids].sum()),
                "units_defective": float(p.units_defective[ids].sum()),
                "supplier_backorders": float(self.backorders),
                "backorders_cancelled": float(self.backorders_cancelled),
            },
        )
