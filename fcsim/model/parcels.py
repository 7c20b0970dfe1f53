"""Parcels: the unit of work of the model, as numpy columns.

Place in the flow: `model/network.py` splits every order into one parcel per node that serves
some of its lines (one parcel per order for one-node strategies). Static columns (content,
weight, value incl. VAT) are computed here, vectorised; the node models and `model/carriers.py`
fill the outcome columns (timestamps, carrier, delivery, lateness); `kpis.py` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.demand import Orders
from fcsim.model.money import ex_vat

NAN = np.nan


def _nan(n: int) -> np.ndarray:
    return np.full(n, NAN)


@dataclass
class Parcels:
    """One row per (order, node). Lines of parcel p: `lines[line_ptr[p]:line_ptr[p + 1]]`.

    Outcome columns are as narrow as their values allow, exactly (they are kept for the whole
    run): a parcel's VAT rate is its zone's (`vat_by_zone[zone]`, not a column), and the unit
    counts short, defective and returned are int16 when every parcel holds fewer than 32,768
    units (int32 otherwise): widen them (`astype(np.int64)`) before multiplying by integers.
    """

    order: np.ndarray
    node: np.ndarray
    slot: np.ndarray  # 0 for the first parcel of an order, 1 for the second, ...
    created_min: np.ndarray
    line_ptr: np.ndarray
    lines: np.ndarray  # indices into the order-line columns, grouped by parcel
    units: np.ndarray
    weight_kg: np.ndarray
    volume_l: np.ndarray
    value_eur: np.ndarray
    goods_cost_eur: np.ndarray
    all_soft: np.ndarray
    any_fragile: np.ndarray
    # int8: the most fragile class of its goods (index into schema FRAGILITY); None: standard
    fragility: np.ndarray = None  # type: ignore[assignment]
    zone: np.ndarray = field(init=False)  # destination zone index (set by the network)
    vat_by_zone: np.ndarray = field(init=False)  # VAT rate of each zone (set by the network)
    parcel_volume_l: np.ndarray = field(init=False)  # packed volume (content until packed)
    # outcome columns (nan / -1 / False until set)
    stock_ok_min: np.ndarray = field(init=False)
    pick_start_min: np.ndarray = field(init=False)
    picked_min: np.ndarray = field(init=False)
    pack_wait_min: np.ndarray = field(init=False)  # float32: picked -> a packer starts on it
    ready_min: np.ndarray = field(init=False)
    ship_min: np.ndarray = field(init=False)
    delivery_min: np.ndarray = field(init=False)  # final delivery (a replacement's, if any)
    promised_day: np.ndarray = field(init=False)
    carrier: np.ndarray = field(init=False)
    transit_days: np.ndarray = field(init=False)  # int8: the carrier's guaranteed transit
    shipping_eur: np.ndarray = field(init=False)
    packaging_eur: np.ndarray = field(init=False)
    inserts: np.ndarray = field(init=False)  # inserts (samples, flyers) added at packing
    packaging: np.ndarray = field(init=False)  # int16: packaging option index, -1: not packed
    mispicked: np.ndarray = field(init=False)  # int16: lines mis-picked (found or not)
    wrong_lines: np.ndarray = field(init=False)  # int16: mis-picked lines the customer got
    compensation_eur: np.ndarray = field(init=False)
    claims: np.ndarray = field(init=False)
    carrier_days_late: np.ndarray = field(init=False)
    lost: np.ndarray = field(init=False)
    damaged: np.ndarray = field(init=False)
    reshipped: np.ndarray = field(init=False)
    deferred: np.ndarray = field(init=False)  # waited for a later collection: carrier was full
    insurance_eur: np.ndarray = field(init=False)
    insurance_paid_eur: np.ndarray = field(init=False)
    customs_days: np.ndarray = field(init=False)
    duties_eur: np.ndarray = field(init=False)
    cancelled: np.ndarray = field(init=False)
    units_short: np.ndarray = field(init=False)  # units not supplied (lost sales); see below
    short_margin_eur: np.ndarray = field(init=False)
    units_defective: np.ndarray = field(init=False)
    units_returned: np.ndarray = field(init=False)
    refunded_without_return: np.ndarray = field(init=False)  # the goods did not come back
    return_day: np.ndarray = field(init=False)
    inspected_day: np.ndarray = field(init=False)  # day a return's inspection ended, -1: not
    cancelled_min: np.ndarray = field(init=False)  # when a customer's patience cancelled it

    def __post_init__(self) -> None:
        n = len(self.order)
        if self.fragility is None:
            self.fragility = np.ones(n, dtype=np.int8)
        for name in ("stock_ok_min", "pick_start_min", "picked_min", "ready_min", "ship_min"):
            setattr(self, name, _nan(n))
        self.delivery_min = _nan(n)
        self.pack_wait_min = np.zeros(n, dtype=np.float32)
        self.zone = np.zeros(n, dtype=np.int16)
        self.vat_by_zone = np.zeros(1)
        self.parcel_volume_l = self.volume_l.copy()
        self.customs_days = np.zeros(n, dtype=np.int16)
        self.promised_day = np.zeros(n, dtype=np.int32)  # day index
        self.carrier = np.full(n, -1, dtype=np.int16)
        self.transit_days = np.zeros(n, dtype=np.int8)
        self.carrier_days_late = np.zeros(n, dtype=np.int16)
        for name in (
            "shipping_eur",
            "packaging_eur",
            "compensation_eur",
            "short_margin_eur",
            "insurance_eur",
            "insurance_paid_eur",
            "duties_eur",
        ):
            setattr(self, name, np.zeros(n))
        for name in (
            "claims",
            "lost",
            "cancelled",
            "damaged",
            "reshipped",
            "deferred",
            "refunded_without_return",
        ):
            setattr(self, name, np.zeros(n, dtype=bool))
        # at most the parcel's units: 2 bytes each when every parcel holds < 32,768 units
        few = len(self.units) == 0 or int(self.units.max()) <= np.iinfo(np.int16).max
        for name in ("units_short", "units_defective", "units_returned"):
            setattr(self, name, np.zeros(n, dtype=np.int16 if few else np.int32))
        self.return_day = np.full(n, -1, dtype=np.int32)  # day index, -1: none
        # read-only -1 until a node that refunds after inspection asks (`track_inspections`)
        self.inspected_day = np.broadcast_to(np.full(1, -1, dtype=np.int32), (n,))
        # read-only NaN until a node whose customers' patience may cancel asks
        self.cancelled_min = np.broadcast_to(np.full(1, np.nan), (n,))
        self.inserts = np.zeros(n, dtype=np.int16)
        self.packaging = np.full(n, -1, dtype=np.int16)
        # picking errors: one shared read-only zero (no memory per parcel) until a node with an
        # error rate asks for the columns (`track_picking_errors`)
        self.mispicked = np.broadcast_to(np.zeros(1, dtype=np.int16), (n,))
        self.wrong_lines = self.mispicked

    def track_inspections(self) -> None:
        """Give `inspected_day` memory of its own (refunds after inspection); a no-op when it
        has it already."""
        if not self.inspected_day.flags.writeable:
            self.inspected_day = np.full(len(self.order), -1, dtype=np.int32)

    def track_cancellations(self) -> None:
        """Give `cancelled_min` memory of its own (customers whose patience may run out); a
        no-op when it has it already. NaN: not cancelled by patience (a parcel cancelled for
        want of stock at its order is cancelled at its creation)."""
        if not self.cancelled_min.flags.writeable:
            self.cancelled_min = np.full(len(self.order), np.nan)

    def track_picking_errors(self) -> None:
        """Give `mispicked` and `wrong_lines` memory of their own, to be written (a node with a
        picking error rate); a no-op when they have it already."""
        if not self.mispicked.flags.writeable:
            self.mispicked = np.zeros(self.n, dtype=np.int16)
            self.wrong_lines = np.zeros(self.n, dtype=np.int16)

    @property
    def n(self) -> int:
        return len(self.order)

    @property
    def vat_rate(self) -> np.ndarray:
        """VAT rate of every parcel: its zone's (a read-only array made on each call: index
        it once, or use `vat_by_zone[zone[i]]` for one parcel)."""
        out = self.vat_by_zone[self.zone]
        out.flags.writeable = False
        return out

    @property
    def value_ex_vat_eur(self) -> np.ndarray:
        """Selling value of the goods without VAT (`value_eur` is VAT-inclusive)."""
        return ex_vat(self.value_eur, self.vat_rate)

    def lines_of(self, p: int) -> np.ndarray:
        return self.lines[self.line_ptr[p] : self.line_ptr[p + 1]]

    def lines_of_many(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(order-line indices, position in `ids` of their parcel) for all lines of `ids`."""
        counts = self.line_ptr[ids + 1] - self.line_ptr[ids]
        total = int(counts.sum())
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        pos = np.repeat(self.line_ptr[ids], counts) + offsets
        return self.lines[pos], np.repeat(np.arange(len(ids)), counts)


def split_orders(orders: Orders, catalogue: CatalogueArrays, line_node: np.ndarray) -> Parcels:
    """One parcel per (order, node serving some of its lines), sorted by order then node."""
    line_order = orders.line_order
    perm = np.lexsort((line_node, line_order))
    po, pn = line_order[perm], line_node[perm]
    new = np.ones(len(perm), dtype=bool)
    new[1:] = (po[1:] != po[:-1]) | (pn[1:] != pn[:-1])
    starts = np.flatnonzero(new)
    order, node = po[starts], pn[starts]
    first_of_order = np.ones(len(starts), dtype=bool)
    first_of_order[1:] = order[1:] != order[:-1]
    run_start = np.maximum.accumulate(np.where(first_of_order, np.arange(len(starts)), 0))
    slot = np.arange(len(starts)) - run_start
    line_ptr = np.append(starts, len(perm)).astype(np.int64)

    sku = orders.line_sku[perm]
    u = orders.line_units[perm].astype(np.int64)

    def per_parcel(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts) if len(starts) else np.zeros(0)

    return Parcels(
        order=order.astype(np.int64),
        node=node.astype(np.int16),
        slot=slot.astype(np.int16),
        created_min=orders.created_min[order],
        line_ptr=line_ptr,
        lines=perm.astype(np.int64),
        units=per_parcel(u).astype(np.int32),
        weight_kg=per_parcel(u * catalogue.weight_kg[sku]),
        volume_l=per_parcel(u * catalogue.volume_l[sku]),
        value_eur=per_parcel(u * catalogue.price_eur[sku]),
        goods_cost_eur=per_parcel(u * catalogue.cost_eur[sku]),
        all_soft=per_parcel((~catalogue.soft[sku]).astype(np.int64)) == 0,
        any_fragile=per_parcel(catalogue.fragile[sku].astype(np.int64)) > 0,
        fragility=(
            np.maximum.reduceat(catalogue.fragility[sku], starts)
            if len(starts)
            else np.zeros(0, dtype=np.int8)
        ),
    )
