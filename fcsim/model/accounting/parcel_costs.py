"""The cost lines every node has, parcel by parcel, and their basis (D10-D13).

Place in the flow: `costs.ledger` calls `common_costs` for every node of a strategy, after the
lines of its operator's cost model. The lines: carrier shipping (billed at the node's volume
tier), compensation recovered (negative), claim handling, incidents (replacements or refunds
for lost and damaged parcels), shipping insurance, duties paid (DDP, imports), return labels
and lost sales, each dated on the parcel's creation day. Each line records its basis
(`Ledger.basis`): per carrier, parcels at the mean price of the rate card (weight, zone and
tier make it no simple product), claims x the claim's handling cost, labels x their price;
incidents, insurance, duties and lost sales at their mean per parcel or unit concerned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fcsim.scenario.schema.nodes import DropshipNode

if TYPE_CHECKING:
    from fcsim.model.accounting.costs import Ledger, NodeView
    from fcsim.scenario.schema.scenario import Node


def common_costs(led: Ledger, v: NodeView, node: Node) -> None:
    """Lines every node has: shipping, compensation, incidents, insurance, duties, returns."""
    p, sp, sc = v.parcels, v.shipped, v.scenario
    d = v.day
    billed = v.shipping_eur
    led.add_on_days("shipping", d[sp], billed[sp])
    # compensation is a share of the price billed: scaled with it by the volume tier
    tier = np.divide(billed, p.shipping_eur, out=np.zeros(p.n), where=p.shipping_eur > 0)
    compensation = -(p.compensation_eur * tier)
    led.add_on_days("compensation_recovered", d[sp], compensation[sp])
    claim_cost = np.zeros(p.n)
    for ci, carrier in enumerate(sc.carriers):
        if carrier.compensation is not None:
            claim_cost[p.carrier == ci] = carrier.compensation.claim_cost_eur
    claimed = sp & p.claims
    led.add_on_days("claims_handling", d[claimed], claim_cost[claimed])
    hit = sp & (p.lost | p.damaged)
    markup = node.price_markup if isinstance(node, DropshipNode) else 0.0
    replace = p.goods_cost_eur * (1 + markup) + billed
    # replaced: new goods and a second shipment; refunded: the price paid back, which also
    # cancels the sale's VAT, so the merchant is out of the price without VAT
    refund = p.value_ex_vat_eur
    incident = np.where(p.reshipped, replace, refund)
    led.add_on_days("incidents", d[hit], incident[hit])
    insurance = p.insurance_eur - p.insurance_paid_eur
    led.add_on_days("insurance", d[sp], insurance[sp])
    led.add_on_days("duties", d[sp], p.duties_eur[sp])
    labels = sc.returns.label_paid_by == "merchant" and not isinstance(node, DropshipNode)
    ret = sp & (p.units_returned > 0)  # a dropship node pays its own labels
    if labels:
        led.add_on_days("returns", d[ret], sc.returns.label_cost_eur)
    led.add_on_days("lost_sales", d[v.mine], p.short_margin_eur[v.mine])

    def on(mask: np.ndarray, weights: np.ndarray | float = 1.0) -> np.ndarray:
        w = weights[mask] if isinstance(weights, np.ndarray) else weights
        return led.per_day(d[mask], w)

    for ci, carrier in enumerate(sc.carriers):
        mine = sp & (p.carrier == ci)
        if not mine.any():
            continue
        c, name = f"carriers[{ci}]", carrier.name
        led.basis_mean(
            "shipping", v.name, f"{c}.rate_card", "EUR/parcel", on(mine),
            f"parcels by {name}", on(mine, billed),
        )  # fmt: skip
        paid = mine & (p.compensation_eur > 0)
        led.basis_mean(
            "compensation_recovered", v.name, f"{c}.compensation", "EUR/claim paid",
            on(paid), f"parcels compensated by {name}", on(paid, compensation),
        )  # fmt: skip
        if carrier.compensation is not None:
            led.basis(
                "claims_handling", v.name, f"{c}.compensation.claim_cost_eur",
                carrier.compensation.claim_cost_eur, "EUR/claim", on(claimed & mine),
                f"claims filed with {name}",
            )  # fmt: skip
    for mask, what in ((p.reshipped, "parcels replaced"), (~p.reshipped, "parcels refunded")):
        m = hit & mask
        led.basis_mean(
            "incidents", v.name, "incidents.reship", "EUR/parcel", on(m),
            f"lost or damaged {what}", on(m, incident),
        )  # fmt: skip
    insured = sp & (insurance != 0)
    led.basis_mean(
        "insurance", v.name, "carriers[].insurance.premium_share_of_value", "EUR/parcel",
        on(insured), "insured parcels (premium less goods repaid)", on(insured, insurance),
    )  # fmt: skip
    dutiable = sp & (p.duties_eur != 0)
    led.basis_mean(
        "duties", v.name, "destinations[].customs.duties_rate", "EUR/parcel", on(dutiable),
        "parcels with duties paid by the merchant", on(dutiable, p.duties_eur),
    )  # fmt: skip
    if labels:
        led.basis(
            "returns", v.name, "returns.label_cost_eur", sc.returns.label_cost_eur,
            "EUR/label", on(ret), "return labels",
        )  # fmt: skip
    short = v.mine & (p.short_margin_eur != 0)
    led.basis_mean(
        "lost_sales", v.name, "catalogue.categories[].unit_price_eur", "EUR/unit",
        on(short, p.units_short.astype(float)), "units not supplied (margin lost)",
        on(short, p.short_margin_eur),
    )  # fmt: skip
