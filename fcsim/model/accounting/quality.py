"""Lines of operations that go wrong: picking errors, perishables past their shelf life,
shrinkage and the cold chain; with their basis.

Place in the flow: `costs.ledger` calls `quality_costs` for every warehouse node, after its
zones. A mis-picked line that reaches the customer (`Parcels.wrong_lines`) costs a second
shipment of the parcel at the price billed for the first (the right items) and a return label
for the wrong item, which comes back to stock (`picking_errors`). The node's daily series give
the units written off past their shelf life (`write_offs`, at cost), the units lost to a zone's
shrinkage (`shrinkage`, at cost) and the unit-days stored in a zone with a cold-chain cost
(`cold_chain`). A re-pick of a line found at packing costs picker time, not cash: it is in the
labour the node pays for its shifts (or in the 3PL's fees), and it takes capacity from the pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fcsim.model.accounting.costs import Ledger, NodeView
    from fcsim.scenario.schema.nodes import WarehouseNode


def quality_costs(led: Ledger, v: NodeView, node: WarehouseNode) -> None:
    """Picking errors that reached the customer, expired stock, shrinkage and cold storage."""
    p, sp, d = v.parcels, v.shipped, v.day
    wrong = sp & (p.wrong_lines > 0)
    if wrong.any():
        label = v.scenario.returns.label_cost_eur
        reship = v.shipping_eur
        led.add_on_days("picking_errors", d[wrong], reship[wrong] + label)
        parcels = led.per_day(d[wrong], 1.0)
        led.basis_mean(
            "picking_errors", v.name, "carriers[].rate_card", "EUR/parcel", parcels,
            "parcels reshipped with the right items", led.per_day(d[wrong], reship[wrong]),
        )  # fmt: skip
        led.basis(
            "picking_errors", v.name, "returns.label_cost_eur", label, "EUR/label", parcels,
            "return labels for wrong items",
        )  # fmt: skip
    daily = v.result.daily
    if "expired_eur" in daily:
        led.add_daily("write_offs", daily["expired_eur"])
        led.basis_mean(
            "write_offs", v.name, "catalogue.categories[].shelf_life_days", "EUR/unit",
            daily["expired_units"], "units past their shelf life, at cost", daily["expired_eur"],
        )  # fmt: skip
    if "shrinkage_eur" in daily:
        led.add_daily("shrinkage", daily["shrinkage_eur"])
        led.basis_mean(
            "shrinkage", v.name, v.key("zones[].shrinkage_share_per_month"), "EUR/unit",
            daily["shrinkage_units"], "units lost to shrinkage, at cost",
            daily["shrinkage_eur"],
        )  # fmt: skip
    for i, z in enumerate(node.zones):
        key = f"cold_unit_days.{z.name}"
        if z.cold_eur_per_unit_day > 0 and key in daily:
            led.add_daily("cold_chain", daily[key] * z.cold_eur_per_unit_day)
            led.basis(
                "cold_chain", v.name, v.key(f"zones[{i}].cold_eur_per_unit_day"),
                z.cold_eur_per_unit_day, "EUR/unit-day", daily[key],
                f"unit-days stored cold ({z.name})",
            )  # fmt: skip
