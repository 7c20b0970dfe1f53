"""Shared look of the report's figures: colours, layout, and escaping of plot text.

Place in the flow: imported by every figure builder (`report/figures.py`, `detail.py`,
`series.py`, `sweep.py`). Plotly renders a subset of HTML in text (`<b>`, `<br>`, `<a>`), so
every user-supplied string that goes into a figure passes through `text()`
(`fcsim.core.templates.plain_text`).
"""

from __future__ import annotations

import plotly.graph_objects as go

from fcsim.core.templates import plain_text

STRATEGY_COLOURS = (
    "#1f4e79",
    "#c55a11",
    "#548235",
    "#7030a0",
    "#bf9000",
    "#2e75b6",
    "#843c0c",
    "#375623",
    "#a5a5a5",
)
"""Strategy colours, in the order strategies appear in the scenario."""

CATEGORY_COLOURS = {
    "labour": "#1f4e79",
    "supervision": "#41719c",
    "rent": "#2e75b6",
    "utilities": "#5b9bd5",
    "equipment_it": "#9dc3e6",
    "wms": "#bdd7ee",
    "site_insurance": "#d6dce5",
    "startup_capex": "#203864",
    "storage": "#00a3a3",
    "overflow_storage": "#006666",
    "cold_chain": "#66c2c2",
    "fulfilment_fees": "#7030a0",
    "receiving_fees": "#b4a7d6",
    "account_management": "#4b2a6b",
    "setup_exit": "#9e7cc1",
    "minimum_top_up": "#d9d2e9",
    "packaging": "#a9845a",
    "inserts": "#d9b98c",
    "shipping": "#ed7d31",
    "shipping_revenue": "#f8cbad",
    "compensation_recovered": "#70ad47",
    "claims_handling": "#c5e0b4",
    "incidents": "#c00000",
    "picking_errors": "#e06666",
    "insurance": "#ff7c80",
    "duties": "#8faadc",
    "returns": "#d36fa4",
    "write_offs": "#7f0000",
    "shrinkage": "#a64d4d",
    "markdown": "#b45f06",
    "inventory_holding": "#bf9000",
    "inbound_freight": "#548235",
    "supplier": "#ffd966",
    "customer_service": "#7f7f7f",
    "lost_sales": "#bfbfbf",
    "churn": "#595959",
}
"""Fixed colours of the cost categories (`fcsim.core.metrics`), so each keeps its colour."""

STAGE_COLOURS = {"picker": "#0f8b8d", "packer": "#e0a526", "receiver": "#8d6cab", "dock": "#7f7f7f"}
"""Staff pool colours: a palette of their own, never a strategy's colour (a bar of pickers is
not read as a strategy)."""
OTHER_COLOURS = ("#7030a0", "#bf9000", "#2e75b6", "#843c0c", "#a5a5a5")
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
PRINT_WIDTH_PX = 1020
"""Width of a figure when printed: an A4 landscape page less its margins (273 mm), in CSS px."""
PRINT_HEIGHT_PX = 600
"""Greatest height of a printed figure: a page less its margins, section title and note."""


def text(value: object) -> str:
    """A user-supplied string made safe for plotly text (shown literally, never as markup)."""
    return plain_text(value)


def strategy_colour(i: int) -> str:
    return STRATEGY_COLOURS[i % len(STRATEGY_COLOURS)]


def category_colour(name: str, i: int) -> str:
    return CATEGORY_COLOURS.get(name, OTHER_COLOURS[i % len(OTHER_COLOURS)])


def stage_colour(name: str, i: int) -> str:
    return STAGE_COLOURS.get(name, OTHER_COLOURS[i % len(OTHER_COLOURS)])


def rgba(hex_colour: str, alpha: float) -> str:
    """`#1f4e79` with transparency, for interval bands."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def band(
    fig: go.Figure, x: list, low: list, high: list, colour: str, group: str | None = None
) -> None:
    """A 95 % interval band between `low` and `high` along `x` (nothing when a bound is
    unknown: None or nan)."""
    bounds = [*low, *high]
    if not bounds or any(v is None or v != v for v in bounds):
        return
    fig.add_trace(
        go.Scatter(
            x=list(x) + list(x)[::-1],
            y=list(high) + list(low)[::-1],
            fill="toself",
            fillcolor=rgba(colour, 0.15),
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=group,
        )
    )


def finish(fig: go.Figure, height: int, legend_below: bool = False) -> go.Figure:
    """Common layout: white background, light grid, compact margins."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"t": 50, "b": 50, "l": 60, "r": 20},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
        hoverlabel={"namelength": -1},
    )
    if legend_below:  # a fixed distance in pixels below the plot area, whatever the height
        plot_h = height - 100
        fig.update_layout(legend={"orientation": "h", "x": 0, "yanchor": "top", "y": -75 / plot_h})
    return fig
