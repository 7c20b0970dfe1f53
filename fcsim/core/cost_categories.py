"""The cost categories of the ledger, declared once.

Place in the flow: the lowest layer, with the metric registry (`fcsim.core.metrics`, which
re-exports them and declares one metric per category); the model's accounting books every
amount into one of these categories, and the report and the regression gate read their labels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CostCategory:
    """A line of the cost ledger: cash out, or margin lost (an opportunity cost)."""

    name: str
    label: str
    opportunity: bool = False


COST_CATEGORIES: tuple[CostCategory, ...] = (
    CostCategory("labour", "Labour"),
    CostCategory("supervision", "Management and supervision"),
    CostCategory("rent", "Rent"),
    CostCategory("utilities", "Utilities"),
    CostCategory("equipment_it", "Equipment and IT"),
    CostCategory("wms", "WMS licence"),
    CostCategory("site_insurance", "Warehouse insurance"),
    CostCategory("startup_capex", "Start-up and capital (amortised)"),
    CostCategory("storage", "Storage"),
    CostCategory("overflow_storage", "Overflow storage"),
    CostCategory("cold_chain", "Cold chain"),
    CostCategory("fulfilment_fees", "Fulfilment fees"),
    CostCategory("receiving_fees", "Receiving fees"),
    CostCategory("account_management", "Account management"),
    CostCategory("setup_exit", "Set-up, integration and exit"),
    CostCategory("minimum_top_up", "Monthly-minimum top-up"),
    CostCategory("packaging", "Packaging"),
    CostCategory("inserts", "Inserts"),
    CostCategory("shipping", "Shipping"),
    CostCategory("shipping_revenue", "Shipping revenue"),
    CostCategory("compensation_recovered", "Compensation recovered"),
    CostCategory("claims_handling", "Claims handling"),
    CostCategory("incidents", "Incidents"),
    CostCategory("picking_errors", "Picking errors (reships, returns)"),
    CostCategory("insurance", "Insurance"),
    CostCategory("duties", "Duties"),
    CostCategory("returns", "Returns"),
    CostCategory("write_offs", "Write-offs"),
    CostCategory("shrinkage", "Shrinkage"),
    CostCategory("markdown", "Season-end markdown"),
    CostCategory("inventory_holding", "Inventory holding"),
    CostCategory("inbound_freight", "Inbound freight"),
    CostCategory("supplier", "Supplier (dropship)"),
    CostCategory("customer_service", "Customer service"),
    CostCategory("lost_sales", "Lost sales", opportunity=True),
    CostCategory("churn", "Churn", opportunity=True),
)
"""Every cost category, in ledger order; cash categories sum to the total cost."""

CASH: tuple[str, ...] = tuple(c.name for c in COST_CATEGORIES if not c.opportunity)
"""Cash cost categories; their sum is the total cost."""
OPPORTUNITY: tuple[str, ...] = tuple(c.name for c in COST_CATEGORIES if c.opportunity)
"""Margin lost (not cash out): lost sales and churned customers' future orders."""
