"""The "why late" figure: late deliveries stacked by cause, per strategy and per month of order.

Place in the flow: `report/html.py` passes the summary document (`late_cause_<cause>_rate`
means, `fcsim.core.metrics.LATE_CAUSE`) and `breakdowns.parquet` (`late_cause_by_month`, see
`fcsim.model.accounting.breakdowns`); `late_causes` returns a plotly `Figure`, or None when
neither holds a cause. The causes and the rule that picks one per late order are in
docs/lateness.md; the stacks of a strategy add up to its late rate.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fcsim.core.metrics import LATE_CAUSE, LATE_CAUSES
from fcsim.experiment.records import SummaryEntry
from fcsim.report.style import OTHER_COLOURS, finish, text

CAUSE_COLOURS = dict(
    zip(
        (name for name, _ in LATE_CAUSES),
        (
            "#7f7f7f",  # promise
            "#d62728",  # stock
            "#8c564b",  # supplier
            "#ff7f0e",  # cutoff
            "#e6b800",  # backlog
            "#bcbd22",  # collection
            "#9467bd",  # customs
            "#1f77b4",  # carrier
            "#17becf",  # incident
        ),
        strict=True,
    )
)


HEIGHT_PX = 560
BOTTOM_PX = 190
"""Height of the figure, and of its bottom margin: the month panel's labels, then the legend."""


def _colour(cause: str, i: int) -> str:
    return CAUSE_COLOURS.get(cause, OTHER_COLOURS[i % len(OTHER_COLOURS)])


def by_month(b: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per (month, strategy, cause): late orders of the cause over finished orders, pooled over
    replications (columns `month`, `strategy`, `cause`, `share`)."""
    t = b[(b["table"] == "late_cause_by_month") & b["strategy"].isin(order)]
    if t.empty:
        return pd.DataFrame(columns=["month", "strategy", "cause", "share"])
    g = t.groupby(["key", "strategy", "group"], as_index=False)[["count", "value"]].sum()
    g = g[g["count"] > 0]
    g = g.assign(share=g["value"] / g["count"])
    g = g.rename(columns={"key": "month", "group": "cause"})
    rank = {s: i for i, s in enumerate(order)}
    g = g.assign(rank=g["strategy"].map(rank)).sort_values(["month", "rank"])
    return g[["month", "strategy", "cause", "share"]]


def late_causes(doc: dict[str, Any], b: pd.DataFrame, order: list[str]) -> go.Figure | None:
    """Late deliveries per strategy (left) and per month of order (right), stacked by cause."""
    strategies = doc.get("strategies") or {}
    names = [s for s in order if s in strategies]
    shares = {
        cause: [SummaryEntry.read(strategies[s].get(LATE_CAUSE.name(cause))).mean for s in names]
        for cause, _ in LATE_CAUSES
    }
    months = by_month(b, names)
    if all(v is None for vals in shares.values() for v in vals) and months.empty:
        return None
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.3, 0.7],
        subplot_titles=["By strategy", "By month of order"],
    )
    x = [text(s) for s in names]
    for i, (cause, label) in enumerate(LATE_CAUSES):
        values = [100 * (v or 0.0) for v in shares[cause]]
        m = months[months["cause"] == cause]
        if not any(v > 0 for v in values) and not (m["share"] > 0).any():
            continue  # a cause no strategy has: left out of the legend
        colour = _colour(cause, i)
        fig.add_trace(
            go.Bar(
                x=x,
                y=values,
                name=label,
                legendgroup=cause,
                marker_color=colour,
                hovertemplate=f"{label}: %{{y:.2f}} % of orders<extra>%{{x}}</extra>",
            ),
            row=1,
            col=1,
        )
        if not m.empty:
            fig.add_trace(
                go.Bar(
                    x=[m["month"].tolist(), [text(s) for s in m["strategy"]]],
                    y=100 * m["share"],
                    name=label,
                    legendgroup=cause,
                    showlegend=False,
                    marker_color=colour,
                    hovertemplate=f"{label}: %{{y:.2f}} %<extra>%{{x}}</extra>",
                ),
                row=1,
                col=2,
            )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero", title_text="orders late", col=1)
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero", col=2)
    fig.update_xaxes(tickfont={"size": 10}, col=2)
    finish(fig, HEIGHT_PX)
    # below the strategies' names, which the month panel writes upright under every bar
    plot_h = HEIGHT_PX - 50 - BOTTOM_PX
    fig.update_layout(
        margin={"b": BOTTOM_PX},
        legend={"orientation": "h", "x": 0, "yanchor": "top", "y": -(BOTTOM_PX - 30) / plot_h},
    )
    return fig
