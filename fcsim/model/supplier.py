"""A dropshipping supplier (D16): ships the merchant's orders directly to customers.

Place in the flow: `model/network.py` builds one `SupplierModel` per dropship node and drives
it through the node life cycle (`model/node.py`). The supplier's warehouse is not the
merchant's to model: nothing competes with the merchant's own resources, so the node has no
SimPy process: `start` computes all of its parcels at once, vectorised, and `collect` sums them.
Per order line, the supplier has the item in stock with `stock_availability` (else the line is
cancelled: a lost sale); the parcel is ready after a processing delay in the supplier's business
days; it then goes through the same carrier and returns arithmetic as a warehouse parcel, with
the supplier's defect rate added to customer returns.
"""

from __future__ import annotations

import numpy as np

from fcsim.core.timeofday import minutes_of
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.carriers import CarrierChoice, Collections, dispatch
from fcsim.model.node import NodeModel, NodeResult
from fcsim.model.returns import plan_returns
from fcsim.scenario.schema.nodes import DropshipNode


class SupplierModel(NodeModel[DropshipNode]):
    """A dropship node: availability, processing delay, then carriers and returns."""

    def _start(self) -> None:
        """Every parcel of the node, before the run: short lines, ready time, delivery."""
        ctx, cfg, ids = self.ctx, self.cfg, self.ids
        p, orders, cat, st = ctx.parcels, ctx.orders, ctx.catalogue, ctx.streams
        if len(ids) == 0:
            return
        lines, owner = p.lines_of_many(ids)
        units = orders.line_units[lines].astype(np.int64)
        sku = orders.line_sku[lines]
        missing = st.keyed("supplier_stock", lines) >= cfg.stock_availability
        short = np.bincount(owner, weights=units * missing, minlength=len(ids))
        short_margin = np.bincount(
            owner,
            weights=units * missing * (cat.price_eur[sku] - cat.cost_eur[sku]),
            minlength=len(ids),
        )
        p.units_short[ids] = short.astype(np.int32)
        p.short_margin_eur[ids] = short_margin
        cancelled = short >= p.units[ids]
        p.cancelled[ids] = cancelled

        live = ids[~cancelled]
        created = p.created_min[live]
        days = np.maximum(
            0, np.ceil(cfg.processing_days.ppf(st.keyed("processing", p.order[live], p.slot[live])))
        ).astype(np.int64)
        start = ctx.bd.next_at(created, cfg.ready_time, cfg.working_days)
        ready_day = ctx.bd.offset(start, days, cfg.working_days)
        ready = ready_day * MIN_PER_DAY + minutes_of(cfg.ready_time)
        p.stock_ok_min[live] = created
        p.pick_start_min[live] = ready
        p.picked_min[live] = ready
        p.ready_min[live] = ready
        choice = CarrierChoice(
            ctx.carrier_indices(cfg.carriers), cfg.carrier_policy, cfg.carrier_discount
        )
        dispatch(p, live, choice, ctx.delivery, st, collected=Collections())
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
            },
        )
