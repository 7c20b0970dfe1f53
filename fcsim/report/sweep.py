"""Sweep curves: KPIs versus the swept key with 95 % interval bands, break-even points marked.

Place in the flow: `report/html.py` builds a sweep page from the files `fcsim sweep` writes
(`fcsim.experiment.sweep`): `sweep.json`, whose `vary` maps each swept dotted key to its values, and
`runs.parquet`, one row per point x strategy x replication with one column per swept key
(named by the key) holding the point's value. The first key is the x axis; further keys, if
any, give one line per combination of their values.

A break-even point is where the paired difference in cost per order between a strategy and
the reference (replication by replication, at each point) changes sign between two adjacent
points; its position is interpolated linearly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup
from plotly.subplots import make_subplots

from fcsim.experiment.stats import interval
from fcsim.report.metrics import Shown, fmt_interval, number, shown
from fcsim.report.page import part
from fcsim.report.ranking import Pairs, marks, overloaded_in, rank
from fcsim.report.style import finish, rgba, strategy_colour, text

CURVES: tuple[Shown, ...] = tuple(
    shown(n) for n in ("cost_per_order_eur", "order_to_delivery_h_mean", "late_rate")
)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


@dataclass(frozen=True)
class BreakEven:
    """Where `strategy` and `reference` cost the same per order, along `key`."""

    strategy: str
    reference: str
    key: str
    x: float
    cheaper_above: bool  # True: `strategy` is cheaper than `reference` beyond `x`
    others: str = ""  # values of the other swept keys, when several

    def sentence(self) -> str:
        side = "above" if self.cheaper_above else "below"
        where = f" (with {self.others})" if self.others else ""
        return (
            f"{self.strategy} and {self.reference} cost the same per order at {self.key} ≈ "
            f"{self.x:,.3g}{where}; {self.strategy} is cheaper {side} it."
        )


def sweep_keys(doc: dict[str, Any], runs: pd.DataFrame) -> list[str]:
    """The swept keys of a `sweep.json` document that are columns of the runs table."""
    keys = list(doc.get("vary") or {})
    return [k for k in keys if k in runs.columns]


def reference(doc: dict[str, Any], order: list[str]) -> str:
    """The reference strategy of a sweep (the one every point's paired differences use)."""
    for point in doc.get("points") or []:
        ref = (point.get("paired") or {}).get("reference")
        if ref:
            return str(ref)
    return str(doc.get("reference_strategy") or (order[0] if order else ""))


def _numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def integer_ticks(values: pd.Series, most: int = 20) -> bool:
    """Whether a swept key's values are whole numbers, few enough to tick each one."""
    if not _numeric(values):
        return False
    v = values.dropna().astype(float)
    return bool((v == v.round()).all()) and 0 < v.nunique() <= most


def _combos(runs: pd.DataFrame, others: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """(label, rows) for each combination of the other swept keys' values."""
    if not others:
        return [("", runs)]
    out = []
    for values, g in runs.groupby(others, sort=True, dropna=False):
        vals = values if isinstance(values, tuple) else (values,)
        out.append((", ".join(f"{k}={v}" for k, v in zip(others, vals, strict=True)), g))
    return out


def point_intervals(runs: pd.DataFrame, key: str, metric: str) -> pd.DataFrame:
    """Per (x, strategy): the 95 % interval of `metric` over replications, sorted by x."""
    rows = []
    for (x, s), g in runs.groupby([key, "strategy"], sort=True):
        rows.append({"x": x, "strategy": s, **interval(g[metric])})
    return pd.DataFrame(rows, columns=["x", "strategy", "mean", "ci_low", "ci_high", "n"])


def crossings(x: np.ndarray, diff: np.ndarray) -> list[tuple[float, bool]]:
    """Sign changes of `diff` along sorted `x`: (position, True when it turns negative).

    Between two points of opposite sign the position is interpolated linearly; when the
    difference is exactly zero at points in between, the position is their mean.
    """
    nonzero = np.flatnonzero(np.isfinite(diff) & (diff != 0))
    out = []
    for i, k in itertools.pairwise(nonzero):
        a, b = float(diff[i]), float(diff[k])
        if a * b > 0:
            continue
        zeros = [j for j in range(i + 1, k) if diff[j] == 0]
        cross = float(np.mean(x[zeros])) if zeros else x[i] + (x[k] - x[i]) * a / (a - b)
        pos = float(cross)
        out.append((pos, b < 0))
    return out


def break_evens(runs: pd.DataFrame, keys: list[str], reference: str) -> list[BreakEven]:
    """Break-even points of cost per order, each strategy against the reference; never across
    a point where either could not keep up."""
    key, others = keys[0], keys[1:]
    metric = "cost_per_order_eur"
    if not _numeric(runs[key]) or metric not in runs.columns:
        return []
    found = []
    for label, g in _combos(runs, others):
        wide = g.pivot_table(
            index=[key, "replication"], columns="strategy", values=metric, aggfunc="mean"
        )
        if reference not in wide.columns:
            continue
        for s in wide.columns:
            if s == reference:
                continue
            d = (wide[s] - wide[reference]).groupby(level=0).mean().sort_index()
            void = _overloaded_at(g, key, (str(s), reference))
            xs = d.index.to_numpy(float)
            for x, down in crossings(xs, d.to_numpy(float)):
                known = xs[np.isfinite(d.to_numpy(float))]
                lo, hi = known[known <= x].max(), known[known >= x].min()
                if any(lo <= float(v) <= hi for v in void):
                    continue  # a cost of orders never shipped is no comparison
                found.append(BreakEven(str(s), reference, key, x, down, label))
    return found


def _overloaded_at(runs: pd.DataFrame, key: str, strategies: tuple[str, ...]) -> set:
    """Values of `key` where one of `strategies` had a run that could not keep up."""
    if "overloaded" not in runs.columns:
        return set()
    r = runs[runs["strategy"].isin(strategies)]
    share = r.groupby(key)["overloaded"].max()
    return set(share[share > 0].index)


def _band(fig: go.Figure, x: list, iv: pd.DataFrame, colour: str, col: int, scale: float) -> None:
    if iv["ci_low"].isna().all():
        return
    for bound, fill in (("ci_high", None), ("ci_low", "tonexty")):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=iv[bound] * scale,
                mode="lines",
                line={"width": 0},
                fill=fill,
                fillcolor=rgba(colour, 0.18),
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )


def sweep_curves(
    runs: pd.DataFrame, keys: list[str], order: list[str], reference: str
) -> go.Figure | None:
    """KPI curves versus the first swept key, one line per strategy (and other-key values)."""
    if not keys or runs.empty:
        return None
    key, others = keys[0], keys[1:]
    numeric = _numeric(runs[key])
    metrics = [m for m in CURVES if m.key in runs.columns]
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=[m.label for m in metrics])
    for j, m in enumerate(metrics, start=1):
        scale = m.factor
        for c, (label, g) in enumerate(_combos(runs, others)):
            iv_all = point_intervals(g, key, m.key)
            for i, s in enumerate(order):
                iv = iv_all[iv_all["strategy"] == s]
                if iv.empty:
                    continue
                colour = strategy_colour(i)
                x = list(iv["x"]) if numeric else [text(v) for v in iv["x"]]
                _band(fig, x, iv, colour, j, scale)
                name = text(s) + (f" · {text(label)}" if label else "")
                fig.add_trace(
                    go.Scatter(
                        x=x,
                        y=iv["mean"] * scale,
                        mode="lines+markers",
                        name=name,
                        legendgroup=name,
                        showlegend=j == 1,
                        line={"color": colour, "dash": DASHES[c % len(DASHES)]},
                        hovertemplate=f"{name}: %{{y:.2f}}<extra>{text(key)} = %{{x}}</extra>",
                    ),
                    row=1,
                    col=j,
                )
        fig.update_xaxes(title_text=text(key), row=1, col=j)
        if integer_ticks(runs[key]):  # a headcount, a number of shifts: whole-number ticks
            ticks = sorted({int(v) for v in runs[key]})
            fig.update_xaxes(tickmode="array", tickvals=ticks, row=1, col=j)
        if not numeric:
            fig.update_xaxes(type="category", row=1, col=j)
    for k, be in enumerate(break_evens(runs, keys, reference) if numeric else []):
        fig.add_vline(x=be.x, line={"color": "#000", "dash": "dot", "width": 1}, row=1, col=1)
        fig.add_annotation(
            x=be.x,
            y=0.98 - 0.07 * (k % 8),
            xref="x",
            yref="y domain",
            xanchor="left",
            yanchor="top",
            text=f"{text(be.strategy)} = {text(be.reference)} @ {number(be.x, 1)}",
            showarrow=False,
            font={"size": 10},
        )
    return finish(fig, 420, legend_below=True)


def point_table_html(runs: pd.DataFrame, keys: list[str], order: list[str]) -> Markup:
    """One row per point and strategy: the curve metrics with their 95 % intervals.

    At each point a cell is marked best only when its strategy is better than every other
    there at 95 %, paired by replication, and could keep up (`report/ranking.py`).
    """
    metrics = [m for m in CURVES if m.key in runs.columns]
    rank_of = {s: i for i, s in enumerate(order)}
    rows = []
    for values, g in runs.groupby(keys, sort=True):
        vals = values if isinstance(values, tuple) else (values,)
        names = sorted(
            (s for s in dict.fromkeys(g["strategy"]) if s in rank_of), key=lambda s: rank_of[s]
        )
        cells = {
            (s, m.key): interval(g.loc[g["strategy"] == s, m.key]) for s in names for m in metrics
        }
        pairs, overloaded = Pairs(g), overloaded_in(g)
        marked = {
            m.key: marks(
                rank(
                    {s: cells[(s, m.key)]["mean"] for s in names},
                    m.key,
                    m.lower_is_better,
                    pairs,
                    overloaded,
                ),
                overloaded,
            )
            for m in metrics
        }
        for j, s in enumerate(names):
            row_cells = []
            for m in metrics:
                mark, tag = marked[m.key].get(s, ("", ""))
                row_cells.append(
                    {"text": fmt_interval(cells[(s, m.key)], m.kind), "mark": mark, "tag": tag}
                )
            rows.append(
                {
                    "point": [str(v) for v in vals] if j == 0 else [],
                    "span": len(names),
                    "strategy": s,
                    "flag": s in overloaded,
                    "cells": row_cells,
                }
            )
    return part("points_table.html.j2", keys=keys, labels=[m.label for m in metrics], rows=rows)
