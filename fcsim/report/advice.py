"""The page and terminal text of `fcsim advise`: which strategy, at which volume, sized how.

Place in the flow: `fcsim.commands.advise` calls `write_advice_page(folder, doc)` with the
document it writes as `advice.json` (`fcsim.experiment.advise`), and prints `terminal_text(doc)`.
The page reuses the report's template (`page.html.j2`): the answer (cheapest feasible strategy
per volume, break-even volumes with their 95 % interval), cost per order against volume with
interval bands (infeasible points drawn hollow, never joined), late deliveries against the
target, and the sized setting of every strategy at every volume.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup, escape

from fcsim import __version__
from fcsim.core.files import write_text
from fcsim.experiment.records import SummaryEntry
from fcsim.report.html import Section, figure_html, page_html, page_title, trace_types
from fcsim.report.metrics import fmt, fmt_interval
from fcsim.report.style import (
    band,
    finish,
    strategy_colour,
    text,
)


def _entry(z: dict[str, Any], metric: str) -> SummaryEntry:
    return SummaryEntry.read((z.get("metrics") or {}).get(metric))


def _short(key: str) -> str:
    """A setting's key without its strategy: `pickers`, `own.pickers`, `routing.a_share`."""
    short = key.split(".", 2)[-1] if key.startswith("strategies.") else key
    return short.removeprefix("nodes.")


def _setting(z: dict[str, Any], dated: bool = True) -> str:
    """A sizing's setting in words; `dated`: its scaled dated changes one by one (False: how
    many, for the terminal's width)."""
    if not z.get("setting") and z.get("candidates_screened"):
        return "not sized (" + str(z.get("reason") or "it misses the target") + ")"
    parts = []
    for key, value in (z.get("setting") or {}).items():
        short = _short(key)
        parts.append(f"{short} {value:g}" if isinstance(value, float) else f"{short} {value}")
    changes = _dated(z)
    if changes and not dated:
        n = len(changes)
        changes = [f"{n} dated change{'s' if n > 1 else ''} scaled with it (advice.json: staffing)"]
    return "; ".join([", ".join(parts) or "nothing to size", *changes])


def _dated(z: dict[str, Any]) -> list[str]:
    """The dated headcount changes a setting carries (scaled with it, `staffing` in
    advice.json), one text per change: `own from 2026-11-23: pickers 3, packers 6`."""
    out = []
    for key, changes in (z.get("staffing") or {}).items():
        path = key.split(".")  # strategies.S[.nodes.N]
        node = f"{path[3]} " if len(path) > 3 else ""
        for change in changes:
            pools = ", ".join(f"{k} {v}" for k, v in change.items() if k != "from_date")
            out.append(f"{node}from {change['from_date']}: {pools}")
    return out


def _segments(sizings: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Runs of consecutive feasible volumes."""
    out: list[list[dict[str, Any]]] = []
    run: list[dict[str, Any]] = []
    for z in sizings:
        if z.get("feasible"):
            run.append(z)
        elif run:
            out.append(run)
            run = []
    return [*out, run] if run else out


_OBJECTIVE_METRIC = {"cost": "cost_per_order_eur", "profit": "profit_per_order_eur"}
_OBJECTIVE_LABEL = {"cost": "cost per order", "profit": "profit per order"}


def cost_curves(doc: dict[str, Any]) -> go.Figure | None:
    """Cost per order (profit per order with the profit objective) against volume, one line
    per strategy, 95 % bands; infeasible hollow."""
    sizings = doc.get("sizings") or []
    metric = _OBJECTIVE_METRIC[objective_of(doc)]
    if not sizings:
        return None
    fig = go.Figure()
    for i, s in enumerate(doc.get("strategies") or []):
        mine = [z for z in sizings if z["strategy"] == s]
        colour = strategy_colour(i)
        for seg in _segments(mine):  # feasible volumes in a row: a band each, never joined
            xs = [z["volume"] for z in seg]
            es = [_entry(z, metric) for z in seg]
            band(fig, xs, [e.ci_low for e in es], [e.ci_high for e in es], colour, s)
        ok = [z for z in mine if z.get("feasible")]
        gapped = [z if z.get("feasible") else None for z in mine]
        fig.add_trace(
            go.Scatter(
                x=[z["volume"] for z in mine],
                y=[_entry(z, metric).mean if z else None for z in gapped],
                mode="lines+markers",
                name=text(s),
                legendgroup=s,
                line={"color": colour, "width": 2},
                connectgaps=False,
                customdata=[_setting(z) if z else "" for z in gapped],
                hovertemplate=f"{text(s)}: %{{y:,.2f}} EUR/order at %{{x:,}} orders/day"
                "<br>%{customdata}<extra></extra>",
                showlegend=bool(ok),
            )
        )
        bad = [z for z in mine if not z.get("feasible") and _entry(z, metric).known]
        if bad:
            fig.add_trace(
                go.Scatter(
                    x=[z["volume"] for z in bad],
                    y=[_entry(z, metric).mean for z in bad],
                    mode="markers",
                    name=f"{text(s)}: misses the target",
                    legendgroup=s,
                    marker={"color": colour, "symbol": "circle-open", "size": 10},
                    customdata=[text(z.get("reason", "")) for z in bad],
                    hovertemplate=f"{text(s)} misses the target at %{{x:,}} orders/day:"
                    "<br>%{customdata}<extra></extra>",
                )
            )
    for b in (doc.get("answers") or {}).get("break_evens") or []:
        lo, hi = b.get("ci_low"), b.get("ci_high")
        vols = doc.get("volumes") or [b["volume"]]
        x0 = vols[0] if lo is None else lo
        x1 = vols[-1] if hi is None else hi
        fig.add_vrect(x0=x0, x1=x1, fillcolor="#888", opacity=0.12, line_width=0)
        fig.add_vline(x=b["volume"], line={"color": "#444", "dash": "dot", "width": 1})
        fig.add_annotation(
            x=b["volume"],
            y=1.0,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"break-even {text(b['below'])} → {text(b['above'])}",
            font={"size": 10, "color": "#444"},
        )
    fig.update_xaxes(title_text="orders a day", tickformat=",")
    fig.update_yaxes(title_text=f"{_OBJECTIVE_LABEL[objective_of(doc)]} (EUR)", tickformat=",.2f")
    return finish(fig, 460, legend_below=True)


def late_curves(doc: dict[str, Any]) -> go.Figure | None:
    """Late deliveries of each sized strategy against volume, with the target."""
    sizings = [z for z in doc.get("sizings") or [] if _entry(z, "late_rate").known]
    if not sizings:
        return None
    fig = go.Figure()
    for i, s in enumerate(doc.get("strategies") or []):
        mine = [z for z in sizings if z["strategy"] == s]
        if not mine:
            continue
        es = [_entry(z, "late_rate") for z in mine]
        up = [0.0 if e.ci_high is None else 100 * (e.ci_high - e.mean) for e in es]
        down = [0.0 if e.ci_low is None else 100 * (e.mean - e.ci_low) for e in es]
        fig.add_trace(
            go.Scatter(
                x=[z["volume"] for z in mine],
                y=[100 * e.mean for e in es],
                mode="lines+markers",
                name=text(s),
                line={"color": strategy_colour(i), "width": 1.5},
                error_y={"type": "data", "array": up, "arrayminus": down, "width": 3},
                hovertemplate=f"{text(s)}: %{{y:.1f}} % late at %{{x:,}} orders/day<extra></extra>",
            )
        )
    target = 100 * float((doc.get("target") or {}).get("late_rate", math.nan))
    if math.isfinite(target):
        fig.add_hline(y=target, line={"color": "#c00000", "dash": "dash", "width": 1})
        fig.add_annotation(
            x=1.0,
            xref="paper",
            y=target,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            text=f"target {target:g} %",
            font={"size": 10, "color": "#c00000"},
        )
    fig.update_xaxes(title_text="orders a day", tickformat=",")
    fig.update_yaxes(title_text="late deliveries (%)", rangemode="tozero")
    return finish(fig, 380, legend_below=True)


def answer_lines(doc: dict[str, Any]) -> list[str]:
    """The answer in sentences: per volume, then the break-evens and the hybrids' shares."""
    a = doc.get("answers") or {}
    profit = objective_of(doc) == "profit"
    lines = [objective_line(doc)]
    for p in a.get("per_volume") or []:
        v = f"{_volume(p['volume'])} orders/day"
        if not p.get("cheapest"):
            lines.append(f"{v}: no strategy meets the target")
            continue
        cost = fmt_interval(p.get("cost_per_order_eur"), "eur")
        if profit:
            gain = fmt_interval(p.get("profit_per_order_eur"), "eur")
            line = f"{v}: {p['cheapest']} (profit {gain} EUR/order, cost {cost} EUR/order)"
        else:
            line = f"{v}: {p['cheapest']} ({cost} EUR/order)"
        if p.get("runner_up"):
            d = fmt_interval(p.get("difference_eur"), "eur")
            better = "more profitable than" if profit else "cheaper than"
            sure = f"clearly {better}" if p.get("separable") else "not separable from"
            line += f", {sure} {p['runner_up']} (paired difference {d} EUR/order)"
        if p.get("infeasible"):
            line += f"; misses the target: {', '.join(p['infeasible'])}"
        lines.append(line)
    for b in a.get("break_evens") or []:
        lines.append(f"Break-even: {b['text']}")
    for change in a.get("feasibility_changes") or []:
        lines.append(change[0].upper() + change[1:] + ".")
    if not a.get("break_evens"):
        lines.append("No break-even between feasible strategies over these volumes.")
    for s, shares in (a.get("hybrid_a_share") or {}).items():
        by = ", ".join(f"{_volume(float(k))}: {100 * v:g} %" for k, v in shares.items())
        lines.append(f"{s}: best share of SKUs in routing class A, by volume: {by}")
        if edge := (a.get("hybrid_a_share_at_bounds") or {}).get(s):
            at = ", ".join(_volume(float(k)) for k in edge)
            lines.append(
                f"{s}: at {at} orders/day that share is at an end of the shares searched "
                "(sizing.a_shares): the best may lie beyond"
            )
    for s, per in (a.get("hybrid_in_house") or {}).items():
        for v, h in per.items():
            where = " and ".join(h["in_house_nodes"]) or "no node of its own"
            ranks = ", ".join(
                f"{lo}-{hi}" if hi > lo else f"{lo}" for lo, hi in h["in_house_sales_ranks"]
            )
            cats = ", ".join(f"{k} {n}" for k, n in h["in_house_by_category"].items())
            lines.append(
                f"{s} at {_volume(float(v))}: keep in-house ({where}) {h['in_house_skus']:,} SKUs, "
                f"sales ranks {ranks or 'none'} ({100 * h['in_house_line_share']:.0f} % of order "
                f"lines; {cats})"
            )
    return lines


def objective_of(doc: dict[str, Any]) -> str:
    """The objective of an advice document (`cost` for one written before there was one)."""
    return str(doc.get("objective") or "cost")


def objective_line(doc: dict[str, Any]) -> str:
    """Which objective the sizing and the answers optimise, in a sentence."""
    if objective_of(doc) == "profit":
        return (
            "Objective: the highest profit per order (profit_per_order_eur) among the strategies "
            "meeting the target; each strategy's setting maximises it."
        )
    return (
        "Objective: the lowest cost per order (cost_per_order_eur) among the strategies meeting "
        "the target; each strategy's setting minimises it."
    )


def _volume(v: float) -> str:
    """A volume studied, as given (whole numbers without decimals)."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}"


def settings_table(doc: dict[str, Any]) -> Markup:
    """Volume x strategy: the sized setting, cost per order, late rate, verdict."""
    rows = []
    for z in doc.get("sizings") or []:
        verdict = "meets the target" if z.get("feasible") else f"misses it: {z.get('reason', '')}"
        cells = [_volume(z["volume"]), z["strategy"], _setting(z), *_figures(z), verdict]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in HEADERS) + "</tr>"
    return Markup(
        f'<div class="scroll"><table class="summary"><thead>{head}</thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>"
    )


HEADERS = (
    "orders/day",
    "strategy",
    "sized setting",
    "cost per order (EUR)",
    "profit per order (EUR)",
    "late (%)",
    "unfinished (%)",
    "order → ship (days)",
    "order → delivery (days)",
    "runs",
    "verdict",
)
"""Columns of the sized settings table (the terminal's and the page's)."""


def _figures(z: dict[str, Any]) -> list[str]:
    """Cost, late and unfinished shares, lead times in days: mean ± half-width."""
    m = z.get("metrics") or {}
    return [
        fmt_interval(m.get("cost_per_order_eur"), "eur"),
        fmt_interval(m.get("profit_per_order_eur"), "eur"),
        fmt_interval(m.get("late_rate"), "rate"),
        fmt_interval(m.get("unfinished_rate"), "rate"),
        fmt_interval(m.get("order_to_ship_h_mean"), "hours"),
        fmt_interval(m.get("order_to_delivery_h_mean"), "hours"),
        str((m.get("cost_per_order_eur") or {}).get("n", "–")),  # the confirmation's runs
    ]


def _list(lines: list[str]) -> Markup:
    return Markup("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>")


def render_advice(doc: dict[str, Any]) -> str:
    """The whole page as a string."""
    t = doc.get("target") or {}
    scr = doc.get("screening") or {}
    method = (
        f"Every strategy is sized at every volume to the same target: late deliveries at most "
        f"{fmt(t.get('late_rate'), 'rate')} % and orders unfinished at most "
        f"{fmt(t.get('unfinished_rate'), 'rate', 2)} %, judged on the 95 % upper bound of "
        f"its confirmation runs of {doc.get('horizon_days')} days (column runs: "
        f"{doc.get('confirm_first', 3)} for every setting, all {doc.get('replications')} where "
        "they decide the answer). The search tried "
        f"candidates on {scr.get('replications')} run(s) of {scr.get('horizon_days')} days each, "
        f"all on the same orders, with a margin of {100 * float(scr.get('margin', 0)):g} % below "
        "the target. A strategy that misses the target is never called the best. "
        + objective_line(doc)
    )
    figs = [
        (
            "costs",
            f"{_OBJECTIVE_LABEL[objective_of(doc)].capitalize()} against volume",
            cost_curves(doc),
            "Each point is a strategy sized for that volume. Bands: 95 % intervals. Hollow: the "
            "strategy misses the target there (not compared). Shaded: the break-even interval.",
        ),
        (
            "late",
            "Late deliveries of the sized strategies",
            late_curves(doc),
            "Whiskers: 95 % intervals; dashed: the target.",
        ),
    ]
    sections = [
        Section("answer", "The answer", _list(answer_lines(doc))),
        Section("method", "How it was sized", Markup(f'<p class="note">{escape(method)}</p>')),
    ]
    for n, (anchor, title, fig, note) in enumerate(figs, start=1):
        if fig is not None:
            sections.append(Section(anchor, title, figure_html(fig, n, note), trace_types(fig)))
    sections.append(Section("settings", "Sized settings, volume by volume", settings_table(doc)))
    cover = [
        ("Scenario", str(doc.get("scenario", ""))),
        ("fcsim", __version__),
        ("Seed", str(doc.get("seed", "–"))),
        ("Volumes", ", ".join(f"{v:,.0f}" for v in doc.get("volumes") or [])),
        ("Runs", f"{doc.get('runs', 0):,} simulated, {doc.get('candidates', 0):,} candidates"),
    ]
    return page_html(doc, page_title(doc) + " — sized and compared by volume", cover, sections)


def write_advice_page(out: Path, doc: dict[str, Any]) -> Path:
    """Write `index.html` of an advise folder (atomically) and return its path."""
    path = out / "index.html"
    write_text(path, render_advice(doc))
    return path


def terminal_text(doc: dict[str, Any]) -> str:
    """The table of sized settings per volume, then the answer."""
    rows = [HEADERS]
    for z in doc.get("sizings") or []:
        verdict = "meets the target" if z.get("feasible") else "misses the target"
        setting = _setting(z, dated=False)
        rows.append((_volume(z["volume"]), z["strategy"], setting, *_figures(z), verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join([*lines, "", *answer_lines(doc)])
