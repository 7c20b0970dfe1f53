"""Which metrics are shown to people, with their labels, units and better direction.

Place in the flow: shared by the terminal table (`report/terminal.py`) and the HTML report.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    key: str
    label: str
    kind: str  # "eur", "hours", "rate", "count", "number"
    lower_is_better: bool | None = True


HEADLINE = (
    Shown("cost_per_order_eur", "Cost per order (EUR)", "eur"),
    Shown("order_to_ship_h_mean", "Order → ship, mean (h)", "hours"),
    Shown("order_to_delivery_h_mean", "Order → delivery, mean (h)", "hours"),
    Shown("order_to_delivery_h_p95", "Order → delivery, p95 (h)", "hours"),
    Shown("late_rate", "Late deliveries", "rate"),
)

DETAIL = (
    Shown("orders", "Orders in window", "count", None),
    Shown("total_cost_eur", "Total cost (EUR)", "eur"),
    Shown("economic_cost_per_order_eur", "Cost per order incl. lost margin (EUR)", "eur"),
    Shown("on_time_in_full_rate", "On time in full", "rate", False),
    Shown("fill_rate", "Fill rate (units)", "rate", False),
    Shown("cutoff_miss_rate", "Carrier cutoff missed", "rate"),
    Shown("collection_deferred_rate", "Left behind by a full carrier collection", "rate"),
    Shown("parcels_per_order", "Parcels per order", "number"),
    Shown("lost_parcels", "Lost parcels", "count"),
    Shown("return_rate_units", "Returned units", "rate", None),
    Shown("wismo_contacts_per_100_orders", "'Where is my order?' per 100 orders", "number"),
    Shown("customers_lost", "Customers lost (churn)", "count"),
    Shown("picker_utilisation", "Picker utilisation", "rate", None),
    Shown("packer_utilisation", "Packer utilisation", "rate", None),
    Shown("backlog_parcels_max", "Backlog, max (parcels)", "count"),
    Shown("dock_to_stock_h_mean", "Dock to stock, mean (h)", "hours"),
)


def fmt(value: float | None, kind: str) -> str:
    """A value formatted for its kind."""
    if value is None or value != value:  # None or nan
        return "–"
    if kind == "rate":
        return f"{100 * value:.1f} %"
    if kind == "eur":
        return f"{value:,.2f}" if abs(value) < 1e5 else f"{value:,.0f}"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def fmt_interval(m: dict | None, kind: str) -> str:
    """`mean ± half-width` of a summary entry."""
    if not m or m.get("mean") is None:
        return "–"
    mean, lo, hi = m["mean"], m.get("ci_low"), m.get("ci_high")
    if lo is None or hi is None or lo != lo:
        return fmt(mean, kind)
    half = (hi - lo) / 2
    if kind == "rate":
        return f"{100 * mean:.1f} ± {100 * half:.1f} %"
    return f"{fmt(mean, kind)} ± {fmt(half, kind if kind != 'count' else 'number')}"


def best_cells(values: list[float | None], lower_is_better: bool | None) -> set[int]:
    """Positions of the best value (all of them when tied); none when all are equal."""
    finite = [(v, i) for i, v in enumerate(values) if v is not None and v == v]
    if lower_is_better is None or len(finite) < 2:
        return set()
    best = min(v for v, _ in finite) if lower_is_better else max(v for v, _ in finite)
    if all(v == best for v, _ in finite):
        return set()
    return {i for v, i in finite if v == best}
