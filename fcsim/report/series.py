"""Daily series of the report: orders, parcels shipped, backlog, stock (and, with customers who
react, active customers and the rating) per strategy.

Place in the flow: `report/html.py` passes `daily.parquet` (one row per strategy x
replication x day); each point is a week (Monday to Sunday): the mean of its days over the
replications, so weekday swings do not hide the trend (and the page stays small). The warm-up,
excluded from every statistic, is shaded grey, and the warm-up MSER-5 detects in the backlog
and stock series (`fcsim.experiment.warmup`, summary.json `warmup`) is a dashed line; the days
a disruption is in force (the daily column `disruptions_active`, written when the scenario
declares disruptions) are shaded red, a band per run of consecutive days on which a disruption
hits some strategy in some replication; the drain days after the horizon (no new orders) are
not drawn.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from fcsim.report.style import finish, strategy_colour, text

DAILY = (
    ("orders_created", "Orders placed per day (weekly mean)", ",.0f"),
    ("parcels_shipped", "Parcels shipped per day (weekly mean)", ",.0f"),
    (
        "backlog_parcels",
        "Backlog (parcels in the warehouse at the end of a day, weekly mean)",
        ",.0f",
    ),
    ("stock_units", "Stock on hand (units at the end of a day, weekly mean)", ",.0f"),
    (
        "active_customers",
        "Active customers (present, not churned, at a day's end; weekly mean)",
        ",.0f",
    ),
    ("rating", "Shop rating shown (stars, weekly mean)", ".2f"),
)
"""Daily columns drawn, with their titles and number formats (a column missing or empty is
left out; the customers' columns exist with a `customer_base`, the rating with its reviews)."""


def daily_series(
    daily: pd.DataFrame,
    order: list[str],
    start_date: str | None = None,
    horizon_days: int | None = None,
    warmup_days: int = 0,
    detected_days: int = 0,
) -> go.Figure | None:
    """One panel per daily column, one line per strategy (mean over replications); a dashed
    line at `detected_days`, the warm-up MSER-5 detects (summary.json `warmup`), when > 0."""
    if daily.empty or "strategy" not in daily.columns:
        return None
    bands = disruption_bands(daily, horizon_days)
    d = daily
    if horizon_days is not None and "day" in d.columns:
        d = d[d["day"] < horizon_days]
    cols = [(c, t, f) for c, t, f in DAILY if c in d.columns and d[c].fillna(0).abs().sum() > 0]
    if not cols:
        return None
    x_col = "date" if "date" in d.columns else "day"
    if x_col == "date":
        # each day to the Monday of its week, as an ISO date, whatever datetime resolution
        # pandas and Parquet chose (a page rebuilt by `fcsim report` is then the same page)
        dates = pd.to_datetime(d[x_col])
        monday = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
        d = d.assign(**{x_col: monday.dt.strftime("%Y-%m-%d")})
    else:
        d = d.assign(**{x_col: d[x_col] // 7 * 7})
    mean = d.groupby(["strategy", x_col], sort=False)[[c for c, *_ in cols]].mean().reset_index()
    fig = make_subplots(
        rows=len(cols),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[t for _, t, _ in cols],
    )
    for i, s in enumerate(order):
        g = mean[mean["strategy"] == s]
        if g.empty:
            continue
        for r, (c, _, fmt) in enumerate(cols, start=1):
            fig.add_trace(
                go.Scatter(
                    x=g[x_col],
                    y=g[c],
                    mode="lines",
                    name=text(s),
                    legendgroup=text(s),
                    showlegend=r == 1,
                    line={"color": strategy_colour(i), "width": 1.5},
                    hovertemplate=f"{text(s)}: %{{y:{fmt}}}<extra>week of %{{x}}</extra>",
                ),
                row=r,
                col=1,
            )
    if warmup_days > 0 and x_col == "date":
        x0 = pd.Timestamp(start_date) if start_date else pd.Timestamp(d[x_col].min())
        x1 = x0 + pd.Timedelta(days=warmup_days)
        for r in range(1, len(cols) + 1):
            fig.add_vrect(x0=x0, x1=x1, fillcolor="#888", opacity=0.12, line_width=0, row=r, col=1)
        fig.add_annotation(
            x=x0,
            y=0.98,
            xref="x",
            yref="y domain",
            xanchor="left",
            yanchor="top",
            text="warm-up (not counted)",
            showarrow=False,
            font={"size": 10, "color": "#666"},
        )
    if detected_days > 0 and x_col == "date":
        x0 = pd.Timestamp(start_date) if start_date else pd.Timestamp(d[x_col].min())
        cut = (x0 + pd.Timedelta(days=detected_days)).strftime("%Y-%m-%d")
        for r in range(1, len(cols) + 1):
            fig.add_vline(x=cut, line_dash="dash", line_color="#b05000", line_width=1, row=r, col=1)
        fig.add_annotation(
            x=cut,
            y=0.80,
            xref="x",
            yref="y domain",
            xanchor="left",
            yanchor="top",
            text=f"MSER-5 warm-up: {detected_days} days",
            showarrow=False,
            font={"size": 10, "color": "#b05000"},
        )
    if bands and x_col == "date":
        x0 = pd.Timestamp(start_date) if start_date else pd.Timestamp(d[x_col].min())
        for first, last in bands:
            a, b = x0 + pd.Timedelta(days=first), x0 + pd.Timedelta(days=last + 1)
            for r in range(1, len(cols) + 1):
                fig.add_vrect(
                    x0=a, x1=b, fillcolor="#d62728", opacity=0.15, line_width=0, row=r, col=1
                )
        fig.add_annotation(
            x=x0 + pd.Timedelta(days=bands[0][0]),
            y=0.02,
            xref="x",
            yref="y domain",
            xanchor="left",
            yanchor="bottom",
            text="disruption (red bands)",
            showarrow=False,
            font={"size": 10, "color": "#a11"},
        )
    return finish(fig, 170 * len(cols) + 120, legend_below=True)


def disruption_bands(daily: pd.DataFrame, horizon_days: int | None = None) -> list[tuple[int, int]]:
    """(first day, last day) of each run of consecutive days on which some run of the table has
    a disruption in force (`disruptions_active` > 0); none without that column."""
    if "disruptions_active" not in daily.columns or "day" not in daily.columns:
        return []
    hit = daily.loc[daily["disruptions_active"].fillna(0) > 0, "day"]
    days = sorted({int(x) for x in hit if horizon_days is None or x < horizon_days})
    bands: list[tuple[int, int]] = []
    for day in days:
        if bands and day == bands[-1][1] + 1:
            bands[-1] = (bands[-1][0], day)
        else:
            bands.append((day, day))
    return bands
