"""Where every euro comes from: the cost section's table of each line and its inputs.

Place in the flow: `report/html.py` (a run's sections) and `report/workbook.py` (the "Cost basis"
sheet) read the `cost_basis` section of `summary.json` (written by the model's
`accounting/basis.py`): per strategy and cost category, the terms rate x quantity over the
measured days, with their mean over replications and the amount per order. One row per term,
largest first: the category's label (from the metric registry), the node (for a strategy of
several nodes), EUR per order with the digits of the cost figure (two decimals), and how it
is made, `24.00 EUR/h (costs.wage_eur_per_hour) × 6,240 paid staff-hours`; a line that is no
simple product (a rate card, goods at their own value) reads `8,068 parcels × 7.87 EUR/parcel
on average (carriers[0].rate_card)`.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from fcsim.core.metrics import cost_category
from fcsim.report.metrics import number
from fcsim.report.page import part

PER_ORDER_DECIMALS = 2
"""Digits of EUR per order: those of the cost figure's values."""


def amount(x: float) -> str:
    """A rate or a quantity with the digits it needs: whole from 100, else 2 decimals, small
    shares to 4 significant digits; thousands separated."""
    a = abs(x)
    if a >= 100:
        return number(x, 0)
    if a >= 0.1 or a == 0:
        return number(x, 2)
    return f"{x:.4g}"


def short_key(key: str, strategy: str, node: str) -> str:
    """The rate's key without the strategy's (and the node's) prefix the row already names."""
    for prefix in (f"strategies.{strategy}.nodes.{node}.", f"strategies.{strategy}."):
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def how(term: dict[str, Any], strategy: str) -> str:
    """How a term is made: `rate unit (key) × quantity unit`, or for a mean rate
    `quantity unit × rate unit on average (key)`."""
    key = short_key(str(term["key"]), strategy, str(term.get("node", "")))
    rate = f"{amount(float(term['rate']))} {term['rate_unit']}"
    quantity = f"{amount(float(term['quantity']))} {term['quantity_unit']}"
    if term.get("product", True):
        return f"{rate} ({key}) × {quantity}"
    return f"{quantity} × {rate} on average ({key})"


def label(category: str) -> str:
    """The category's label from the registry (the name itself when unknown)."""
    try:
        c = cost_category(category)
    except KeyError:
        return category
    return c.label + (" (lost margin)" if c.opportunity else "")


def rows(doc: dict[str, Any], strategy: str) -> list[dict[str, Any]]:
    """The terms of a strategy, largest amount per order first: category label, node, EUR per
    order (text and value), how."""
    cats = (doc.get("cost_basis") or {}).get(strategy) or {}
    out = [
        {
            "category": category,
            "label": label(category),
            "node": str(t.get("node", "")),
            "per_order": float(t["per_order_eur"]),
            "text": number(float(t["per_order_eur"]), PER_ORDER_DECIMALS),
            "how": how(t, strategy),
            "term": t,
        }
        for category, c in cats.items()
        for t in c.get("terms", [])
    ]
    return sorted(out, key=lambda r: -abs(r["per_order"]))


def cost_basis_html(doc: dict[str, Any]) -> Markup | None:
    """One table per strategy of every cost line and its inputs; None without a basis."""
    basis = doc.get("cost_basis") or {}
    tables = []
    for strategy in doc.get("strategies") or basis:
        r = rows(doc, strategy)
        if not r:
            continue
        nodes = {x["node"] for x in r if x["node"]}
        cash = sum(x["per_order"] for x in r if not lost_margin(x["category"]))
        tables.append(
            {
                "strategy": strategy,
                "rows": r,
                "nodes": len(nodes) > 1,
                "total": number(cash, PER_ORDER_DECIMALS),
            }
        )
    if not tables:
        return None
    start, stop = doc.get("warmup_days"), doc.get("horizon_days")
    return part("cost_basis.html.j2", tables=tables, start=start, stop=stop)


def lost_margin(category: str) -> bool:
    """Whether a category is margin lost rather than cash out (unknown ones count as cash)."""
    try:
        return cost_category(category).opportunity
    except KeyError:
        return False
