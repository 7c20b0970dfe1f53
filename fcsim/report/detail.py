"""Figures from the per-run detail tables: lead-time distributions, late rates, utilisation.

Place in the flow: `report/html.py` passes `breakdowns.parquet` (see
`fcsim.model.accounting.breakdowns` for its columns) and the strategy order; every builder returns a
plotly `Figure`, or None when the table holds nothing for it. Intervals are 95 % t-intervals over
replications of the per-replication values, like the summary.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fcsim.core.metrics import staff_pool
from fcsim.experiment.stats import interval
from fcsim.report.style import finish, stage_colour, strategy_colour, text

LEAD_TIME_TITLES = {
    "order_to_ship_h": "Order → ship (days)",
    "order_to_delivery_h": "Order → delivery (days)",
}
"""Lead-time histograms (hours in the files) and their panel titles: plotted in days."""
HOURS_PER_DAY = 24.0
AXIS_SHARE = 0.995
"""Lead-time axes end at the 99.5th percentile of the slowest strategy: a rare very late order
does not squeeze the rest of the distribution into a corner."""


def ecdf_points(hist: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Share of orders at or below each bin edge, from fixed-bin counts (any replications).

    Two points per non-empty bin (its low edge with the share before it, its high edge with
    the share after it), so the line is exact at every edge and linear inside a bin. The
    open-ended last bin is drawn one day wide.
    """
    h = hist.groupby(["low", "high"], as_index=False)["count"].sum().sort_values("low")
    total = h["count"].sum()
    if total <= 0:
        return np.zeros(0), np.zeros(0)
    low = h["low"].to_numpy(float)
    high = h["high"].to_numpy(float)
    high = np.where(np.isfinite(high), high, low + 24.0)
    after = np.cumsum(h["count"].to_numpy(float)) / total
    before = np.concatenate([[0.0], after[:-1]])
    x = np.column_stack([low, high]).ravel()
    y = np.column_stack([before, after]).ravel()
    return x, y


def lead_time_ecdf(b: pd.DataFrame, order: list[str]) -> go.Figure | None:
    """Empirical CDF of order → ship and order → delivery per strategy (replications pooled),
    in days, each axis cut at the slowest strategy's 99.5th percentile (`AXIS_SHARE`)."""
    lt = b[b["table"] == "lead_time"]
    groups = [g for g in LEAD_TIME_TITLES if (lt["group"] == g).any()]
    if not groups:
        return None
    fig = make_subplots(
        rows=1, cols=len(groups), subplot_titles=[LEAD_TIME_TITLES[g] for g in groups]
    )
    for j, g in enumerate(groups, start=1):
        cut = 0.0  # the axis ends where every strategy has its share AXIS_SHARE of orders
        for i, s in enumerate(order):
            x, y = ecdf_points(lt[(lt["group"] == g) & (lt["strategy"] == s)])
            if not len(x):
                continue
            cut = max(cut, float(x[np.argmax(y >= AXIS_SHARE)]) / HOURS_PER_DAY)
            fig.add_trace(
                go.Scatter(
                    x=x / HOURS_PER_DAY,
                    y=100 * y,
                    mode="lines",
                    name=text(s),
                    legendgroup=text(s),
                    showlegend=j == 1,
                    line={"color": strategy_colour(i), "width": 2},
                    hovertemplate=f"{text(s)}: %{{y:.1f}} % within %{{x:.1f}} days<extra></extra>",
                ),
                row=1,
                col=j,
            )
        fig.update_xaxes(title_text="days", rangemode="tozero", row=1, col=j)
        if cut > 0:
            fig.update_xaxes(range=[0, cut * 1.02], row=1, col=j)
    fig.update_yaxes(range=[0, 101], ticksuffix=" %")
    fig.update_yaxes(title_text="orders", row=1, col=1)
    return finish(fig, 400, legend_below=True)


def rate_intervals(b: pd.DataFrame, table: str, order: list[str]) -> pd.DataFrame:
    """Per strategy and key: mean over replications of late/count, its interval, volume."""
    t = b[(b["table"] == table) & (b["count"] > 0)]
    if t.empty:
        return pd.DataFrame(columns=["strategy", "key", "mean", "ci_low", "ci_high", "count"])
    t = t.assign(rate=t["value"] / t["count"])
    rows = []
    for (s, k), g in t.groupby(["strategy", "key"], sort=False):
        iv = interval(g["rate"])
        rows.append({"strategy": s, "key": k, **iv, "count": float(g["count"].sum())})
    out = pd.DataFrame(rows)
    rank = {s: i for i, s in enumerate(order)}
    out["rank"] = out["strategy"].map(rank)
    return out.dropna(subset=["rank"]).sort_values(["rank", "key"]).drop(columns="rank")


def _err(df: pd.DataFrame, scale: float, top: float | None = 1.0) -> dict[str, Any]:
    """Error bars of a share, clipped to [0, top] (a t-interval of a share can overshoot)."""
    high = df["ci_high"] if top is None else df["ci_high"].clip(upper=top)
    up = (high - df["mean"]).clip(lower=0).fillna(0) * scale
    down = (df["mean"] - df["ci_low"].clip(lower=0)).clip(lower=0).fillna(0) * scale
    return {"type": "data", "array": up.tolist(), "arrayminus": down.tolist(), "visible": True}


def late_rates(doc: dict[str, Any], b: pd.DataFrame, order: list[str]) -> go.Figure | None:
    """Late deliveries by strategy (summary), by carrier and by month of order.

    A carrier's bar is split (`late_by_carrier_split`): the hatched part are the parcels already
    late when it got them (a rescue carrier's), the solid part those it, or customs, made late.
    """
    by_carrier = rate_intervals(b, "late_by_carrier", order)
    split = b[(b["table"] == "late_by_carrier_split") & (b["group"] == "assigned_late")]
    assigned = rate_intervals(split, "late_by_carrier_split", order)
    by_month = rate_intervals(b, "late_by_month", order)
    strategies = doc.get("strategies") or {}
    if not strategies and by_carrier.empty and by_month.empty:
        return None
    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.25, 0.35, 0.40],
        subplot_titles=["By strategy", "By carrier (parcels)", "By month of order"],
    )
    for i, s in enumerate(order):
        colour = strategy_colour(i)
        v = strategies.get(s, {}).get("late_rate") or {}
        if v.get("mean") is not None:
            one = pd.DataFrame([v])
            fig.add_trace(
                go.Bar(
                    x=[text(s)],
                    y=[100 * v["mean"]],
                    error_y=_err(one, 100),
                    marker_color=colour,
                    name=text(s),
                    legendgroup=text(s),
                    hovertemplate=f"{text(s)}: %{{y:.1f}} %<extra></extra>",
                ),
                row=1,
                col=1,
            )
        c = by_carrier[by_carrier["strategy"] == s]
        if not c.empty:
            a = assigned[assigned["strategy"] == s].set_index("key")["mean"]
            base = 100 * a.reindex(c["key"]).fillna(0.0).to_numpy()
            keys = [text(k) for k in c["key"]]
            fig.add_trace(
                go.Bar(
                    x=keys,
                    y=base,
                    marker={"color": colour, "opacity": 0.45, "pattern": {"shape": "/"}},
                    offsetgroup=s,
                    name=f"{text(s)}: late when handed over",
                    legendgroup=text(s),
                    showlegend=False,
                    hovertemplate=(
                        f"{text(s)} · %{{x}}: %{{y:.1f}} % already late when handed over"
                        "<extra></extra>"
                    ),
                ),
                row=1,
                col=2,
            )
            fig.add_trace(
                go.Bar(
                    x=keys,
                    y=100 * c["mean"] - base,
                    base=base,
                    error_y=_err(c, 100),
                    marker_color=colour,
                    offsetgroup=s,
                    name=text(s),
                    legendgroup=text(s),
                    showlegend=False,
                    customdata=c[["count", "mean"]].to_numpy() * [1, 100],
                    hovertemplate=(
                        f"{text(s)} · %{{x}}: %{{customdata[1]:.1f}} % of "
                        "%{customdata[0]:,.0f} parcels late; made late by the carrier or "
                        "customs: %{y:.1f} %<extra></extra>"
                    ),
                ),
                row=1,
                col=2,
            )
        m = by_month[by_month["strategy"] == s]
        if not m.empty:
            fig.add_trace(
                go.Scatter(
                    x=pd.to_datetime(m["key"] + "-01"),
                    y=100 * m["mean"],
                    error_y=_err(m, 100),
                    mode="lines+markers",
                    line={"color": colour},
                    name=text(s),
                    legendgroup=text(s),
                    showlegend=False,
                    hovertemplate=f"{text(s)} · %{{x|%b %Y}}: %{{y:.1f}} %<extra></extra>",
                ),
                row=1,
                col=3,
            )
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    months = by_month["key"].nunique() if not by_month.empty else 0
    fig.update_xaxes(
        type="date", tickformat="%b %Y", dtick="M1" if months <= 8 else "M2", row=1, col=3
    )
    fig.update_xaxes(showticklabels=False, row=1, col=1)  # the legend names the colours
    fig.update_layout(barmode="group")
    return finish(fig, 400, legend_below=True)


def utilisation(b: pd.DataFrame, order: list[str]) -> go.Figure | None:
    """Mean utilisation of every staff pool of every node, with 95 % intervals."""
    u = b[b["table"] == "utilisation"]
    if u.empty:
        return None
    rows = []
    for (s, node, stage), g in u.groupby(["strategy", "key", "group"], sort=False):
        rows.append({"strategy": s, "node": node, "stage": stage, **interval(g["value"])})
    df = pd.DataFrame(rows)
    rank = {s: i for i, s in enumerate(order)}
    df = df[df["strategy"].isin(rank)]
    if df.empty:
        return None
    df["label"] = [
        text(s) if s == n else f"{text(s)} · {text(n)}"
        for s, n in zip(df["strategy"], df["node"], strict=True)
    ]
    df = df.sort_values(["strategy"], key=lambda c: c.map(rank), kind="stable")
    fig = go.Figure()
    for i, stage in enumerate(dict.fromkeys(df["stage"])):
        d = df[df["stage"] == stage]
        pool = text(staff_pool(stage).plural)
        fig.add_trace(
            go.Bar(
                y=d["label"],
                x=100 * d["mean"],
                orientation="h",
                name=pool,
                marker_color=stage_colour(stage, i),
                error_x=_err(d, 100, top=None),
                hovertemplate=f"{pool} · %{{y}}: %{{x:.1f}} %<extra></extra>",
            )
        )
    n_labels = df["label"].nunique()
    fig.update_layout(barmode="group", xaxis_title="share of paid working time busy")
    fig.update_xaxes(ticksuffix=" %", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", type="category")
    return finish(fig, 140 + 28 * n_labels * max(1, df["stage"].nunique()), legend_below=True)
