"""Figures built from the summary document alone: KPI comparison, paired differences, costs.

Place in the flow: `report/html.py` calls each builder with `summary.json` as a dictionary;
each returns a plotly `Figure`, or None when there is nothing to draw (e.g. a single strategy
has no paired differences). Figures from the detail tables are in `report/detail.py`, daily
series in `report/series.py`, sweep curves in `report/sweep.py`.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fcsim.core.metrics import COST_CATEGORIES, COST_PER_ORDER, cost_category
from fcsim.experiment.records import SummaryEntry
from fcsim.report.metrics import Shown, shown
from fcsim.report.style import category_colour, finish, strategy_colour, text

COMPARED: tuple[Shown, ...] = tuple(
    shown(n)
    for n in ("cost_per_order_eur", "order_to_ship_h_mean", "order_to_delivery_h_mean", "late_rate")
)
"""The metrics of the KPI comparison and of the paired-difference (forest) plot, each labelled
with the unit it is plotted in (lead times in days, shares in percent)."""


def _scale(m: Shown) -> float:
    """Plots show the unit people read: lead times in days, shares in percent."""
    return m.factor


def _entry(metrics: dict[str, Any], key: str) -> tuple[float | None, float, float]:
    """(mean, error above, error below) of a summary entry; zero errors when unknown."""
    e = SummaryEntry.read(metrics.get(key))
    if e.mean is None:
        return None, 0.0, 0.0
    up = 0.0 if e.ci_high is None else e.ci_high - e.mean
    down = 0.0 if e.ci_low is None else e.mean - e.ci_low
    return e.mean, up, down


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
    """Cost categories with a cost per order in the summary, in ledger order."""
    found = {
        c
        for metrics in (doc.get("strategies") or {}).values()
        for key in metrics
        if (c := COST_PER_ORDER.member(key)) is not None
    }
    return [c.name for c in COST_CATEGORIES if c.name in found]


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
        key = COST_PER_ORDER.name(cat)
        values = [SummaryEntry.read(strategies[s].get(key)).mean or 0.0 for s in names]
        if not any(abs(v) > 1e-9 for v in values):
            continue
        category = cost_category(cat)
        lost_margin = category.opportunity
        fig.add_trace(
            go.Bar(
                name=category.label + (" (lost margin)" if lost_margin else ""),
                x=x,
                y=values,
                marker={
                    "color": category_colour(cat, i),
                    "pattern": {"shape": "/" if lost_margin else ""},
                },
                hovertemplate=f"{category.label}: %{{y:.2f}} EUR<extra>%{{x}}</extra>",
            )
        )
    for key, label, symbol in (
        ("cost_per_order_eur", "Total cost per order", "diamond"),
        ("economic_cost_per_order_eur", "Incl. lost margin", "diamond-open"),
    ):
        totals = [SummaryEntry.read(strategies[s].get(key)).mean for s in names]
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
