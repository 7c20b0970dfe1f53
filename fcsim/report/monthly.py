"""Cost per order month by month, per strategy, with the months where the cheapest changes.

Place in the flow: `report/html.py` passes `daily.parquet` (one row per strategy x replication
x day, with the day's cost and the orders placed that day); `monthly_costs` sums both by calendar
month over the measured days (the warm-up left out) and divides, replication by replication,
then takes the mean and 95 % interval over replications. A month with fewer than
`MIN_DAYS` measured days is left out (a partial month at either end is noise, not a trend).

A **crossover** is a month whose cheapest strategy (lowest mean, among strategies that could
keep up with the orders) is not the previous month's. It is marked on the chart, and called
clear when the paired difference of the two strategies in that month (the same orders and
customers in both, replication by replication) excludes zero at 95 %, "not separable"
otherwise. Per-parcel costs are dated on the day the order was placed, so a month's cost per
order is the cost of that month's orders plus the month's time-based costs (staff, rent, fees).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from fcsim.experiment.stats import interval
from fcsim.report.style import band, finish, strategy_colour, text

MIN_DAYS = 7
"""Fewest measured days a month needs to be drawn."""


@dataclass(frozen=True)
class Crossover:
    """A month whose cheapest strategy differs from the previous month's."""

    month: str  # "YYYY-MM"
    before: str  # the previous month's cheapest strategy
    after: str  # this month's
    clear: bool  # the paired 95 % interval of (before − after) this month excludes zero


def monthly_costs(
    daily: pd.DataFrame, horizon_days: int | None = None, warmup_days: int = 0
) -> pd.DataFrame:
    """Cost per order of each strategy, replication and month: columns strategy, replication,
    month ("YYYY-MM"), cost_eur, orders, cost_per_order_eur (NaN without orders)."""
    need = {"strategy", "replication", "day", "date", "cost_eur", "orders_created"}
    if daily.empty or not need <= set(daily.columns):
        return pd.DataFrame(columns=[*sorted(need), "month", "cost_per_order_eur"])
    d = daily[daily["day"] >= warmup_days]
    if horizon_days is not None:
        d = d[d["day"] < horizon_days]
    d = d.assign(month=pd.to_datetime(d["date"]).dt.strftime("%Y-%m"))
    days = d.groupby("month")["day"].nunique()
    d = d[d["month"].isin(days[days >= MIN_DAYS].index)]
    g = (
        d.groupby(["strategy", "replication", "month"], sort=False)
        .agg(cost_eur=("cost_eur", "sum"), orders=("orders_created", "sum"))
        .reset_index()
    )
    orders = g["orders"].where(g["orders"] > 0)
    return g.assign(cost_per_order_eur=g["cost_eur"] / orders)


def _paired(m: pd.DataFrame, a: str, b: str, month: str) -> dict[str, float]:
    x = m[(m["strategy"] == a) & (m["month"] == month)].set_index("replication")
    y = m[(m["strategy"] == b) & (m["month"] == month)].set_index("replication")
    common = x.index.intersection(y.index)
    diff = x.loc[common, "cost_per_order_eur"] - y.loc[common, "cost_per_order_eur"]
    return interval(diff.to_numpy(float))


def crossovers(m: pd.DataFrame, feasible: list[str]) -> list[Crossover]:
    """The months where the cheapest of the `feasible` strategies changes."""
    means = (
        m[m["strategy"].isin(feasible)]
        .groupby(["month", "strategy"])["cost_per_order_eur"]
        .mean()
        .unstack("strategy")
        .sort_index()
    )
    out: list[Crossover] = []
    previous: str | None = None
    for month, row in means.iterrows():
        row = row.dropna()
        if row.empty:
            continue
        cheapest = str(row.idxmin())
        if previous is not None and cheapest != previous:
            d = _paired(m, previous, cheapest, str(month))
            lo, hi = d["ci_low"], d["ci_high"]
            clear = not (math.isnan(lo) or math.isnan(hi)) and lo > 0
            out.append(Crossover(str(month), previous, cheapest, clear))
        previous = cheapest
    return out


def monthly_cost_per_order(
    daily: pd.DataFrame,
    order: list[str],
    horizon_days: int | None = None,
    warmup_days: int = 0,
    overloaded: set[str] | frozenset[str] = frozenset(),
) -> go.Figure | None:
    """One line per strategy (mean over replications) with its 95 % band; crossovers marked.
    A strategy that could not keep up is dashed and never counted as the cheapest."""
    m = monthly_costs(daily, horizon_days, warmup_days)
    if m.empty or m["month"].nunique() < 2:
        return None
    fig = go.Figure()
    for i, s in enumerate(order):
        g = m[m["strategy"] == s]
        if g.empty:
            continue
        rows = [(month, interval(v["cost_per_order_eur"])) for month, v in g.groupby("month")]
        months = [r[0] for r in rows]
        mean = [r[1]["mean"] for r in rows]
        lo = [r[1]["ci_low"] for r in rows]
        hi = [r[1]["ci_high"] for r in rows]
        colour = strategy_colour(i)
        name = text(s) + (" (could not keep up)" if s in overloaded else "")
        band(fig, months, lo, hi, colour, name)
        fig.add_trace(
            go.Scatter(
                x=months,
                y=mean,
                mode="lines+markers",
                name=name,
                legendgroup=name,
                line={"color": colour, "width": 2, "dash": "dash" if s in overloaded else None},
                hovertemplate=f"{text(s)}: %{{y:,.2f}} EUR/order<extra>%{{x}}</extra>",
            )
        )
    feasible = [s for s in order if s not in overloaded]
    for c in crossovers(m, feasible):
        label = f"cheapest: {text(c.before)} → {text(c.after)}"
        label += "" if c.clear else " (not separable)"
        fig.add_vline(x=c.month, line={"color": "#444", "dash": "dot", "width": 1})
        fig.add_annotation(
            x=c.month,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            text=label,
            showarrow=False,
            font={"size": 10, "color": "#444"},
        )
    fig.update_xaxes(type="category", title_text="month (orders placed)")
    fig.update_yaxes(title_text="cost per order (EUR)", tickformat=",.2f")
    return finish(fig, 420, legend_below=True)
