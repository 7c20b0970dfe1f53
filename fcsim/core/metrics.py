"""The metric registry: every KPI and cost category fcsim reports, declared once.

Place in the flow: the lowest layer. The model's accounting (`fcsim.model.accounting`) computes
the metrics named here; the terminal table, the HTML report and the regression gate read their
labels, units, better direction and groups from here, so a metric is added in one place.
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
    CostCategory("rent", "Rent"),
    CostCategory("equipment_it", "Equipment and IT"),
    CostCategory("storage", "Storage fees"),
    CostCategory("fulfilment_fees", "Fulfilment fees"),
    CostCategory("packaging", "Packaging"),
    CostCategory("shipping", "Shipping"),
    CostCategory("shipping_revenue", "Shipping revenue"),
    CostCategory("compensation_recovered", "Compensation recovered"),
    CostCategory("claims_handling", "Claims handling"),
    CostCategory("incidents", "Incidents"),
    CostCategory("insurance", "Insurance"),
    CostCategory("duties", "Duties"),
    CostCategory("returns", "Returns"),
    CostCategory("write_offs", "Write-offs"),
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

BREAKDOWN_COLUMNS = ("table", "group", "key", "low", "high", "count", "value")
"""Columns of the long-format breakdown table of a run (`breakdowns.parquet`)."""
