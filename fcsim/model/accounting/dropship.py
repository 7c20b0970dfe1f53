"""Cost lines of a dropship supplier (D16): its price and handling, returns and write-offs.

Place in the flow: `costs.ledger` calls `dropship_costs` for each dropship node, besides the
lines every node has (`costs.common_costs`: shipping, incidents, duties including the import
charges of `model/imports.py`, lost sales). Goods are bought from the supplier at its price
(wholesale x (1 + price_markup)); only the part above wholesale is a cost of this strategy,
since the wholesale cost of goods sold is the same for every strategy.

Returns: a parcel with returned units either goes back to the supplier, on a return label to
the supplier (`return_label_cost_eur`, a cross-border label when it is abroad; when the
merchant pays labels), or is refunded without the goods coming back
(`refund_without_return_share`: no label, every returned unit written off). Of the units sent
back, the supplier credits `return_credit_share` of the sound ones; the rest, and every
defective unit, is written off at the supplier's price.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fcsim.scenario.schema.nodes import DropshipNode

if TYPE_CHECKING:
    from fcsim.model.accounting.costs import Ledger, NodeView


def dropship_costs(led: Ledger, v: NodeView, node: DropshipNode) -> None:
    """Supplier premium over wholesale and handling; return labels; goods written off."""
    p, sp, sc = v.parcels, v.shipped, v.scenario
    supplied = np.maximum(p.units - p.units_short, 0) / np.maximum(p.units, 1)
    premium = p.goods_cost_eur * node.price_markup * supplied
    led.add_daily("supplier", v.by_parcel_day(premium[sp] + node.handling_eur_per_order))
    wholesale = v.by_parcel_day((p.goods_cost_eur * supplied)[sp])
    led.basis(
        "supplier", v.name, v.key("price_markup"), node.price_markup, "of wholesale",
        wholesale, "EUR of goods supplied at wholesale",
    )  # fmt: skip
    led.basis(
        "supplier", v.name, v.key("handling_eur_per_order"), node.handling_eur_per_order,
        "EUR/parcel", v.by_parcel_day(1.0), "parcels",
    )  # fmt: skip
    credit = node.return_credit_share
    credit = sc.returns.restock_share if credit is None else credit
    unit_price = p.goods_cost_eur * (1 + node.price_markup) / np.maximum(p.units, 1)
    sent_back = p.units_defective + (p.units_returned - p.units_defective) * (1 - credit)
    written = np.where(p.refunded_without_return, p.units_returned, sent_back) * unit_price
    led.add_daily("write_offs", v.by_parcel_day(written[sp]))
    units = np.where(p.refunded_without_return, p.units_returned, sent_back)
    led.basis_mean(
        "write_offs", v.name, v.key("return_credit_share"), "EUR/unit",
        v.by_parcel_day(units[sp]), "units written off at the supplier's price",
        v.by_parcel_day(written[sp]),
    )  # fmt: skip
    if sc.returns.label_paid_by == "merchant":
        label = node.return_label_cost_eur
        label = sc.returns.label_cost_eur if label is None else label
        back = sp & (p.units_returned > 0) & ~p.refunded_without_return
        led.add_on_days("returns", v.day[back], label)
        key = "return_label_cost_eur" if node.return_label_cost_eur is not None else None
        led.basis(
            "returns", v.name, v.key(key) if key else "returns.label_cost_eur", label,
            "EUR/label", led.per_day(v.day[back], 1.0), "return labels to the supplier",
        )  # fmt: skip
