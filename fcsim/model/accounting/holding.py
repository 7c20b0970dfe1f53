"""Lines of every stocking node: the stock's capital cost, goods written off, refurbishing,
inbound freight, markdowns at a season's end, and the merchant's insert material; with their
basis.

Place in the flow: the cost models of `costs.py` (own warehouse, 3PL) and `marketplace.py` call
`stockholding_costs` and `insert_material` for their node. The capital cost of stock is the
day's stock value at cost x `holding_rate_per_year` / 365.25; goods written off (receiving
rejects, returns not restocked) at their cost; returned units refurbished at
`returns.refurbish_cost_eur_per_unit`; inbound freight per truck and per pallet on the day the
trucks reach the dock (stock transfers between centres included: they arrive as trucks);
the markdown of stock cleared at a season's end, its cost value x (1 - the life cycle's
`recovery_rate`), on the clearance day; insert material per insert in the node's shipped
parcels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fcsim.model.accounting.costs import Ledger, NodeView
    from fcsim.scenario.schema.nodes import MarketplaceNode, SelfNode, ThirdPartyNode


def stockholding_costs(
    led: Ledger, v: NodeView, node: SelfNode | ThirdPartyNode | MarketplaceNode
) -> None:
    """Capital cost of the stock the merchant owns, goods written off at the node, and the
    inbound transport of its purchase orders (on the day the trucks reach the dock)."""
    daily = v.result.daily
    led.add_daily(
        "inventory_holding", daily["stock_value_eur"] * node.holding_rate_per_year / 365.25
    )
    years = daily["stock_value_eur"] / 365.25
    led.basis(
        "inventory_holding", v.name, v.key("holding_rate_per_year"), node.holding_rate_per_year,
        "per year", years, "EUR-years of stock at cost",
    )  # fmt: skip
    led.add_daily("write_offs", daily["written_off_eur"])
    led.basis_mean(
        "write_offs", v.name, "catalogue.categories[].unit_cost_eur", "EUR/unit",
        daily["written_off_units"], "units written off (rejects, returns) at cost",
        daily["written_off_eur"],
    )  # fmt: skip
    led.add_daily("returns", daily["refurbish_eur"])
    led.basis(
        "returns", v.name, "returns.refurbish_cost_eur_per_unit",
        v.scenario.returns.refurbish_cost_eur_per_unit, "EUR/unit",
        daily["refurbished_units"], "refurbished units",
    )  # fmt: skip
    if "markdown_eur" in daily:
        led.add_daily("markdown", daily["markdown_eur"])
        led.basis_mean(
            "markdown", v.name, "life_cycles[].recovery_rate", "EUR/unit",
            daily["cleared_units"], "units cleared at the season's end, cost x (1 - recovery)",
            daily["markdown_eur"],
        )  # fmt: skip
    rp = node.replenishment
    led.add_daily(
        "inbound_freight",
        daily["trucks_arrived"] * rp.freight_eur_per_truck
        + daily["pallets_arrived"] * rp.freight_eur_per_pallet,
    )
    for field, rate, q, unit in (
        ("freight_eur_per_truck", rp.freight_eur_per_truck, "trucks_arrived", "trucks"),
        ("freight_eur_per_pallet", rp.freight_eur_per_pallet, "pallets_arrived", "pallets"),
    ):
        led.basis(
            "inbound_freight", v.name, v.key(f"replenishment.{field}"), rate,
            f"EUR/{unit[:-1]}", daily[q], f"{unit} arrived",
        )  # fmt: skip


def insert_material(
    led: Ledger, v: NodeView, node: SelfNode | ThirdPartyNode | MarketplaceNode
) -> None:
    """The merchant's inserts (samples, flyers) added to the node's shipped parcels."""
    material = node.picking.insert_material_eur
    if material > 0:
        inserts = v.by_parcel_day(v.parcels.inserts[v.shipped])
        led.add_daily("inserts", v.by_parcel_day(v.parcels.inserts[v.shipped] * material))
        led.basis(
            "inserts", v.name, v.key("picking.insert_material_eur"), material, "EUR/insert",
            inserts, "inserts",
        )  # fmt: skip
