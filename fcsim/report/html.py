"""The HTML report: one self-contained page (plotly.js embedded once, works offline; the small
basic bundle when every figure needs only its trace types, `report/bundle.py`).

Place in the flow: `fcsim run` (after the result files are written) and `fcsim report OUT`
(from the files alone) call `write_report`. The page is assembled from sections: the scenario
in brief, the answer at a glance, the summary table, then one figure per question. Each part is
a template of `fcsim/report/templates/` (see `report/page.py`) and every user-supplied string
(scenario name and description, strategy, node, carrier names, swept keys and values) goes into
it as data, escaped by the template. Two small inline scripts record script errors and mark which
figures drew (`data-figures`, `data-figures-drawn`, `data-script-errors` on `<html>`), so a
browser test, or a reader, can tell a broken page from a good one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from fcsim import __version__
from fcsim.core.files import write_text
from fcsim.core.metrics import BREAKDOWN_COLUMNS
from fcsim.report import (
    detail,
    figures,
    glance,
    lateness,
    monthly,
    ranking,
    selection,
    series,
    sweep,
)
from fcsim.report.bundle import plotly_js
from fcsim.report.cost_basis import cost_basis_html
from fcsim.report.files import ReportData
from fcsim.report.metrics import DETAIL, HEADLINE, Shown, fmt, fmt_interval
from fcsim.report.page import part, templates
from fcsim.report.style import PLOT_CONFIG, PRINT_HEIGHT_PX, PRINT_WIDTH_PX


@dataclass(frozen=True)
class Section:
    """A section of the page: its anchor, its title, its body (rendered HTML), and the plotly
    trace types of its figure (which plotly.js bundle the page needs, `report/bundle.py`)."""

    anchor: str
    title: str
    body: Markup
    traces: frozenset[str] = frozenset()


def trace_types(fig: go.Figure | None) -> frozenset[str]:
    """The trace types a figure draws ("scatter", "bar", ...)."""
    return frozenset() if fig is None else frozenset(str(t.type) for t in fig.data)


def summary_table_html(
    doc: dict[str, Any], runs: pd.DataFrame, shown: tuple[Shown, ...], note: str = ""
) -> Markup:
    """Metrics as rows, strategies as columns; the best value of a row marked only when it is
    better than every other strategy at 95 % and its strategy could keep up (`ranking.rank`)."""
    strategies = doc.get("strategies") or {}
    names = list(strategies)
    pairs = ranking.Pairs.of(doc, runs)
    overloaded = ranking.infeasible(doc)
    rows = []
    for m in shown:
        entries = {n: strategies[n].get(m.key) for n in names}
        if all(e is None for e in entries.values()):
            continue
        means = {n: (e or {}).get("mean") for n, e in entries.items()}
        r = ranking.rank(means, m.key, m.lower_is_better, pairs, set(overloaded))
        marked = ranking.marks(r, overloaded)
        cells = [
            {
                "text": fmt_interval(e, m.kind),
                "mark": marked.get(n, ("", ""))[0],
                "tag": marked.get(n, ("", ""))[1],
            }
            for n, e in entries.items()
        ]
        rows.append({"label": m.label, "cells": cells})
    return part("summary_table.html.j2", names=names, overloaded=overloaded, rows=rows, note=note)


def brief_html(data: ReportData, keys: list[str]) -> Markup:
    """The scenario in brief: horizon, volume, strategies, a sweep's points (the seed, the
    replications and the version are in the cover block at the top)."""
    doc, runs = data.doc, data.runs
    measured = int(doc.get("horizon_days", 0)) - int(doc.get("warmup_days", 0))
    facts: list[tuple[str, str]] = []
    start = doc.get("start_date")
    if start and doc.get("horizon_days"):
        end = dt.date.fromisoformat(start) + dt.timedelta(days=int(doc["horizon_days"]) - 1)
        facts.append(
            (
                "Horizon",
                f"{start} to {end.isoformat()}: {doc['horizon_days']} days, of which the "
                f"first {doc.get('warmup_days', 0)} are warm-up (not counted)",
            )
        )
    if "orders" in runs.columns and measured > 0 and not runs.empty and not keys:
        per_run = runs.groupby("replication")["orders"].mean().mean()
        facts.append(
            (
                "Volume",
                f"{fmt(per_run / measured, 'count')} orders a day measured "
                f"({fmt(per_run, 'count')} per replication)",
            )
        )
    names = _order(doc, runs)
    ref = sweep.reference(doc, names) if keys else doc.get("reference_strategy")
    facts.append(("Strategies", ", ".join(names) + (f" (reference: {ref})" if ref else "")))
    if keys:
        points = runs[keys].drop_duplicates()
        values = "; ".join(
            f"{k} = {', '.join(str(v) for v in dict.fromkeys(runs[k]))}" for k in keys
        )
        facts.append(("Sweep", f"{len(points)} points: {values}"))
    return part("brief.html.j2", facts=facts)


def daily_note(doc: dict[str, Any]) -> str:
    """The daily-flow figure's note: the warm-up detected, and its warnings."""
    note = "Mean over replications."
    w = doc.get("warmup") or {}
    if w:
        note += (
            f" Dashed: the warm-up {w.get('method', 'MSER-5')} detects in the backlog and stock "
            f"series, {w.get('detected_days', 0)} days (warmup_days: {w.get('warmup_days', 0)})."
        )
    warnings = selection.warmup_warnings(doc)
    if warnings:
        note += " Warning: " + " Warning: ".join(f"{x}." for x in warnings)
    return note


def figure_html(fig: go.Figure | None, n: int, note: str = "") -> Markup:
    if fig is None:
        return Markup("")
    div = fig.to_html(
        full_html=False, include_plotlyjs=False, config=PLOT_CONFIG, div_id=f"figure-{n}"
    )
    return part("figure.html.j2", plot=div, note=note)


def _order(doc: dict[str, Any], runs: pd.DataFrame) -> list[str]:
    """Strategies in the scenario's order."""
    named = list(doc.get("strategies") or {})
    if named or "strategy" not in runs.columns:
        return named
    return [str(s) for s in dict.fromkeys(runs["strategy"])]


def sweep_sections(data: ReportData, keys: list[str]) -> list[Section]:
    """A sweep: KPI curves along the first swept key, break-even points, a table per point."""
    doc, runs = data.doc, data.runs
    order = _order(doc, runs)
    ref = sweep.reference(doc, order)
    found = [be.sentence() for be in sweep.break_evens(runs, keys, ref)]
    text = part("break_evens.html.j2", sentences=found, reference=ref)
    fig = sweep.sweep_curves(runs, keys, order, ref)
    curves = figure_html(
        fig,
        1,
        "Lines: mean over replications; bands: 95 % intervals; dotted vertical lines: where a "
        f"strategy costs the same per order as {ref}.",
    )
    return [
        Section("sweep", "Key figures along the sweep", curves + text, trace_types(fig)),
        Section("points", "Every point", sweep.point_table_html(runs, keys, order)),
    ]


def run_sections(data: ReportData) -> list[Section]:
    """A comparison of strategies: the answer, the table, then one figure per question."""
    doc, runs = data.doc, data.runs
    b = data.breakdowns
    if b is None or b.empty:
        b = pd.DataFrame(columns=["strategy", "replication", *BREAKDOWN_COLUMNS])
    order = _order(doc, runs)
    ref = str(doc.get("reference_strategy", ""))
    out = []
    cards = glance.glance_html(glance.cards(doc, runs), int(doc.get("replications") or 0))
    if cards:
        out.append(Section("glance", "At a glance", cards))
    if doc.get("strategies"):
        out.append(
            Section(
                "summary",
                "Summary",
                summary_table_html(
                    doc,
                    runs,
                    HEADLINE + DETAIL,
                    "Mean ± half-width of the 95 % t-interval over replications, rounded to the "
                    "digits the interval carries. Highlighted: better than every other strategy "
                    "at 95 %, replication by replication, and able to keep up with the orders. "
                    "“not separable”: the best mean, but not clearly better than every other "
                    "strategy with these replications.",
                ),
            )
        )
    figs: list[tuple[str, str, go.Figure | None, str]] = [
        (
            "kpis",
            "Key figures",
            figures.kpi_comparison(doc),
            "Bars: mean; whiskers: 95 % interval.",
        ),
        (
            "paired",
            f"Differences against {ref}",
            figures.paired_forest(doc),
            f"Each strategy minus {ref}, replication by replication (the same orders and "
            "customers in both): mean and 95 % interval. An interval that does not cross the "
            "dotted zero line is a clear difference.",
        ),
        (
            "costs",
            "Cost per order by category",
            figures.cost_breakdown(doc),
            "Mean over replications. Amounts below zero are recovered (carrier compensation, "
            "shipping charged to customers). Hatched: margin lost (lost sales, churned "
            "customers), not cash out.",
        ),
        (
            "monthly-cost",
            "Cost per order month by month",
            monthly.monthly_cost_per_order(
                data.daily,
                order,
                doc.get("horizon_days"),
                int(doc.get("warmup_days") or 0),
                set(ranking.infeasible(doc)),
            ),
            f"Cost of the month's orders and of the month's staff, rent and fees, per order "
            f"placed in the month (months with fewer than {monthly.MIN_DAYS} measured days left "
            "out). Bands: 95 % intervals over replications. A dotted line marks a month whose "
            "cheapest strategy changes; “not separable” when the paired difference that month "
            "does not exclude zero. Dashed: a strategy that could not keep up (never counted "
            "as the cheapest).",
        ),
        (
            "lead-times",
            "Lead times",
            detail.lead_time_ecdf(b, order),
            "Share of orders shipped (left) or delivered (right) within a given time after the "
            "order, all replications together. The further left a line, the faster.",
        ),
        (
            "late",
            "Late deliveries",
            detail.late_rates(doc, b, order),
            "Late: delivered after the promised date, or lost. By carrier: share of the "
            "parcels each carrier took; hatched, those already late when the carrier got them "
            "(a carrier chosen only when another would miss the promise gets the parcels "
            "already behind), solid, those the carrier (or customs) made late. By month: "
            "orders by the month they were placed. Whiskers: 95 % intervals.",
        ),
        (
            "late-causes",
            "Why late",
            lateness.late_causes(doc, b, order),
            "Each late order counted once, under the stage that made it the most days late "
            "against a path without any wait (docs/lateness.md): the stacks add up to the "
            "late rate. By month: all replications together, per strategy.",
        ),
        (
            "daily",
            "Daily flow",
            series.daily_series(
                data.daily,
                order,
                doc.get("start_date"),
                doc.get("horizon_days"),
                int(doc.get("warmup_days") or 0),
                int((doc.get("warmup") or {}).get("detected_days") or 0),
            ),
            daily_note(doc),
        ),
        (
            "utilisation",
            "Utilisation of staff",
            detail.utilisation(b, order),
            "Share of paid working time spent working, per warehouse and staff pool, over the "
            "measured days. Near 100 %: a bottleneck.",
        ),
    ]
    basis = cost_basis_html(doc)
    for n, (anchor, title, fig, note) in enumerate(figs, start=1):
        if fig is not None:
            out.append(Section(anchor, title, figure_html(fig, n, note), trace_types(fig)))
        if anchor == "costs" and basis is not None:
            out.append(Section("cost-basis", "Where every euro comes from", basis))
    return out


def sections(data: ReportData) -> list[Section]:
    """Every section of the page, in order (empty ones left out)."""
    keys = sweep.sweep_keys(data.doc, data.runs)
    brief = Section("brief", "The scenario in brief", brief_html(data, keys))
    return [brief, *(sweep_sections(data, keys) if keys else run_sections(data))]


TITLE_CHARS = 80
"""A description's first line longer than this is cut at its first colon or full stop."""


def page_title(doc: dict[str, Any]) -> str:
    """The page's title: the first line of the scenario's description, else its name.

    A long first line is cut at its first ": " or ". " ("Mid-size online apparel shop,
    France: about 300 orders/day, ..." gives "Mid-size online apparel shop, France").
    """
    lines = str(doc.get("description") or "").strip().splitlines()
    first = lines[0].strip() if lines else ""
    if not first:
        return str(doc.get("scenario", ""))
    if len(first) > TITLE_CHARS:
        cuts = [i for i in (first.find(": "), first.find(". ")) if i > 0]
        if cuts:
            return first[: min(cuts)]
    return first


def cover(doc: dict[str, Any], runs: pd.DataFrame) -> list[tuple[str, str]]:
    """The cover block's facts: scenario, date, fcsim version, seed, replications, horizon."""
    facts = [("Scenario", str(doc.get("scenario", "")))]
    facts.append(("Date", dt.date.today().isoformat()))
    facts.append(("fcsim", str(doc.get("fcsim_version") or __version__)))
    facts.append(("Seed", str(doc.get("seed", "–"))))
    facts.append(("Replications", f"{doc.get('replications', '–')} per strategy"))
    horizon = doc.get("horizon_days")
    if horizon:
        start = doc.get("start_date")
        since = f" from {start}" if start else ""
        warmup = int(doc.get("warmup_days") or 0)
        facts.append(("Horizon", f"{horizon} days{since}, first {warmup} warm-up"))
    return facts


def page_html(
    doc: Mapping[str, Any],
    title: str,
    cover: Any,
    parts: Sequence[Section],
    banner: Markup | None = None,
) -> str:
    """A whole page (`page.html.j2`) of a results document: its cover, banner and sections,
    with the plotly.js its figures need (the run, advise and sensitivity pages)."""
    return (
        templates()
        .get_template("page.html.j2")
        .render(
            name=str(doc.get("scenario", "")),
            title=title,
            description=str(doc.get("description") or "").strip(),
            version=str(doc.get("fcsim_version") or __version__),
            cover=cover,
            failed=[str(f) for f in doc.get("failed_runs") or []],
            banner=banner or Markup(""),
            sections=parts,
            plotlyjs=plotly_js(frozenset().union(*(p.traces for p in parts))),
            print_width=PRINT_WIDTH_PX,
            print_height=PRINT_HEIGHT_PX,
        )
    )


def render(data: ReportData) -> str:
    """The whole page as a string."""
    doc = data.doc
    keys = sweep.sweep_keys(doc, data.runs)
    banner = glance.banner_html(doc) if not keys else Markup("")
    return page_html(doc, page_title(doc), cover(doc, data.runs), sections(data), banner)


def write_report(
    out: Path,
    doc: dict[str, Any],
    runs: pd.DataFrame,
    daily: pd.DataFrame,
    breakdowns: pd.DataFrame | None = None,
) -> Path:
    """Write `index.html` into `out` (atomically) and return its path."""
    path = out / "index.html"
    write_text(path, render(ReportData(doc, runs, daily, breakdowns)))
    return path
