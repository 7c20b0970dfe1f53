"""Plotly figures of the report, built from result tables only.

Place in the flow: `report/html.py` calls each builder; every builder returns a plotly
`Figure` (or None when there is nothing to draw, e.g. no warehouse for utilisation).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fcsim.costs import CATEGORIES
from fcsim.report.metrics import HEADLINE

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5")


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def kpi_comparison(doc: dict[str, Any]) -> go.Figure:
    """Headline KPIs per strategy with 95 % interval error bars."""
    shown = [m for m in HEADLINE if m.key != "order_to_delivery_h_p95"]
    fig = make_subplots(rows=1, cols=len(shown), subplot_titles=[m.label for m in shown])
    names = list(doc["strategies"])
    for j, m in enumerate(shown, start=1):
        scale = 100.0 if m.kind == "rate" else 1.0
        means, err_hi, err_lo = [], [], []
        for s in names:
            v = doc["strategies"][s].get(m.key) or {}
            mean = v.get("mean")
            lo, hi = v.get("ci_low"), v.get("ci_high")
            means.append(None if mean is None else mean * scale)
            err_hi.append(0 if hi is None or mean is None else (hi - mean) * scale)
            err_lo.append(0 if lo is None or mean is None else (mean - lo) * scale)
        fig.add_trace(
            go.Bar(
                x=names,
                y=means,
                marker_color=[_colour(i) for i in range(len(names))],
                error_y={"type": "data", "array": err_hi, "arrayminus": err_lo, "visible": True},
                showlegend=False,
                hovertemplate="%{x}: %{y:.2f}<extra></extra>",
            ),
            row=1,
            col=j,
        )
        if m.kind == "rate":
            fig.update_yaxes(ticksuffix=" %", row=1, col=j)
    fig.update_layout(height=380, margin={"t": 60, "b": 40, "l": 40, "r": 20})
    return fig


def cost_breakdown(doc: dict[str, Any]) -> go.Figure:
    """Cost per order stacked by category (mean over replications)."""
    names = list(doc["strategies"])
    fig = go.Figure()
    for i, cat in enumerate(CATEGORIES):
        key = f"cost_per_order_{cat}_eur"
        values = [(doc["strategies"][s].get(key) or {}).get("mean") or 0.0 for s in names]
        if not any(abs(v) > 1e-9 for v in values):
            continue
        fig.add_trace(
            go.Bar(
                name=cat.replace("_", " "),
                x=names,
                y=values,
                marker_color=_colour(i) if i < len(PALETTE) else None,
                hovertemplate=f"{cat}: %{{y:.2f}} EUR<extra>%{{x}}</extra>",
            )
        )
    fig.update_layout(
        barmode="relative",
        height=420,
        yaxis_title="EUR per order",
        margin={"t": 30, "b": 40, "l": 60, "r": 20},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def daily_series(daily: pd.DataFrame, columns: tuple[str, ...], title: str) -> go.Figure | None:
    """Mean over replications of daily columns, one line per strategy and column."""
    cols = [c for c in columns if c in daily.columns and daily[c].notna().any()]
    if not cols or daily.empty:
        return None
    mean = daily.groupby(["strategy", "date"], sort=False)[cols].mean().reset_index()
    fig = make_subplots(rows=len(cols), cols=1, shared_xaxes=True, subplot_titles=cols)
    for i, (strategy, g) in enumerate(mean.groupby("strategy", sort=False)):
        for r, c in enumerate(cols, start=1):
            fig.add_trace(
                go.Scatter(
                    x=g["date"],
                    y=g[c],
                    mode="lines",
                    name=str(strategy),
                    legendgroup=str(strategy),
                    showlegend=r == 1,
                    line={"color": _colour(i), "width": 1.5},
                ),
                row=r,
                col=1,
            )
    fig.update_layout(height=230 * len(cols) + 60, title=title, margin={"t": 70, "b": 30})
    return fig
