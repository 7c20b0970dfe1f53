"""Figures built from the summary document alone: KPI comparison, paired differences, costs.

Place in the flow: `report/html.py` calls each builder with `summary.json` as a dictionary;
each returns a plotly `Figure`, or None when there is nothing to draw (e.g. a single strategy
has no paired differences). Figures from the detail tables are in `report/detail.py`, daily
series in `report/series.py`, sweep curves in `report/sweep.py`.
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fcsim.core.metrics import OPPORTUNITY  # the categories of lost margin (not cash out)
from fcsim.report.metrics import Shown
from fcsim.report.style import category_colour, finish, pretty, strategy_colour, text

COMPARED = (
    Shown("cost_per_order_eur", "Cost per order (EUR)", "eur"),
    Shown("order_to_ship_h_mean", "Order → ship, mean (h)", "hours"),
    Shown("order_to_delivery_h_mean", "Order → delivery, mean (h)", "hours"),
    Shown("late_rate", "Late deliveries (%)", "rate"),
)
"""The metrics of the KPI comparison and of the paired-difference (forest) plot."""
_COST_KEY = re.compile(r"^cost_per_order_(.+)_eur$")


def _scale(m: Shown) -> float:
    return 100.0 if m.kind == "rate" else 1.0


def _entry(metrics: dict[str, Any], key: str) -> tuple[float | None, float, float]:
    """(mean, error above, error below) of a summary entry; zero errors when unknown."""
    v = metrics.get(key) or {}
    mean, lo, hi = v.get("mean"), v.get("ci_low"), v.get("ci_high")
    if mean is None:
        return None, 0.0, 0.0
    up = 0.0 if hi is None else hi - mean
    down = 0.0 if lo is None else mean - lo
    return mean, up, down


def kpi_comparison(doc: dict[str, Any]) -> go.Figure | None:
    """Headline KPIs per strategy: bars with 95 % interval error bars."""
    names = list(doc.get("strategies") or {})
    if not names:
        return None
    fig = make_subplots(rows=1, cols=len(COMPARED), subplot_titles=[m.label for m in COMPARED])
    for j, m in enumerate(COMPARED, start=1):
        k = _scale(m)
        vals = [_entry(doc["strategies"][s], m.key) for s in names]
        fig.add_trace(
            go.Bar(
                x=[text(s) for s in names],
                y=[None if v is None else v * k for v, _, _ in vals],
                error_y={
                    "type": "data",
                    "array": [up * k for _, up, _ in vals],
                    "arrayminus": [down * k for _, _, down in vals],
                    "visible": True,
                },
                marker_color=[strategy_colour(i) for i in range(len(names))],
                showlegend=False,
                hovertemplate="%{x}: %{y:.2f}<extra></extra>",
            ),
            row=1,
            col=j,
        )
    return finish(fig, 360)


def paired_forest(doc: dict[str, Any]) -> go.Figure | None:
    """Each strategy minus the reference, replication by replication: mean and 95 % interval."""
    paired = doc.get("paired") or {}
    diffs = paired.get("differences") or {}
    names = [s for s in doc.get("strategies") or {} if s in diffs]
    if not names:
        return None
    order = list(doc["strategies"])
    ref = text(paired.get("reference", ""))
    titles = [m.label.replace("(%)", "(points)") for m in COMPARED]
    fig = make_subplots(rows=1, cols=len(COMPARED), subplot_titles=titles, shared_yaxes=True)
    for j, m in enumerate(COMPARED, start=1):
        k = _scale(m)
        for s in names:
            mean, up, down = _entry(diffs[s], m.key)
            span = "" if mean is None else f" [{(mean - down) * k:.2f}, {(mean + up) * k:.2f}]"
            fig.add_trace(
                go.Scatter(
                    x=[None if mean is None else mean * k],
                    y=[text(s)],
                    mode="markers",
                    marker={"size": 10, "color": strategy_colour(order.index(s))},
                    error_x={
                        "type": "data",
                        "array": [up * k],
                        "arrayminus": [down * k],
                        "visible": True,
                        "thickness": 2,
                    },
                    showlegend=False,
                    hovertemplate=f"{text(s)} − {ref}: %{{x:.2f}}{span}<extra></extra>",
                ),
                row=1,
                col=j,
            )
        fig.add_vline(x=0, line={"color": "#888", "dash": "dot"}, row=1, col=j)
    fig.update_yaxes(autorange="reversed")
    return finish(fig, 120 + 45 * len(names))


def cost_categories(doc: dict[str, Any]) -> list[str]:
    """Cost categories present in the summary, in the order the ledger wrote them."""
    found: dict[str, None] = {}
    for metrics in (doc.get("strategies") or {}).values():
        for key in metrics:
            m = _COST_KEY.match(key)
            if m:
                found.setdefault(m.group(1))
    return list(found)


def cost_breakdown(doc: dict[str, Any]) -> go.Figure | None:
    """Cost per order stacked by category (mean over replications), totals marked."""
    strategies = doc.get("strategies") or {}
    names = list(strategies)
    cats = cost_categories(doc)
    if not names or not cats:
        return None
    x = [text(s) for s in names]
    fig = go.Figure()
    for i, cat in enumerate(cats):
        key = f"cost_per_order_{cat}_eur"
        values = [(strategies[s].get(key) or {}).get("mean") or 0.0 for s in names]
        if not any(abs(v) > 1e-9 for v in values):
            continue
        lost_margin = cat in OPPORTUNITY
        fig.add_trace(
            go.Bar(
                name=pretty(cat) + (" (lost margin)" if lost_margin else ""),
                x=x,
                y=values,
                marker={
                    "color": category_colour(cat, i),
                    "pattern": {"shape": "/" if lost_margin else ""},
                },
                hovertemplate=f"{pretty(cat)}: %{{y:.2f}} EUR<extra>%{{x}}</extra>",
            )
        )
    for key, label, symbol in (
        ("cost_per_order_eur", "Total cost per order", "diamond"),
        ("economic_cost_per_order_eur", "Incl. lost margin", "diamond-open"),
    ):
        totals = [(strategies[s].get(key) or {}).get("mean") for s in names]
        if all(t is None for t in totals):
            continue
        fig.add_trace(
            go.Scatter(
                name=label,
                x=x,
                y=totals,
                mode="markers",
                marker={"symbol": symbol, "size": 12, "color": "#000"},
                hovertemplate=f"{label}: %{{y:.2f}} EUR<extra>%{{x}}</extra>",
            )
        )
    fig.update_layout(barmode="relative", yaxis_title="EUR per order")
    return finish(fig, 460, legend_below=True)
