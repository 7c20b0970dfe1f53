"""The decision at each point of `fcsim sensitivity`, its page and its terminal rows.

Place in the flow: `fcsim.commands.sensitivity` passes `decision` to
`fcsim.experiment.sensitivity_doc` (the cheapest strategy at a point, by the ranking rules of
`report/ranking.py`: a strategy that could not keep up or misses the service target is never
named), then writes the page with `write_sensitivity_page(folder, doc)` from the document it
writes as `sensitivity.json`; `fcsim report OUT` rebuilds the page from that file alone. The
page reuses the report's template (`page.html.j2`): the answer (the base decision and the
inputs that flip it), the inputs ranked by swing (of the gap between the two cheapest, then of
the cheapest's cost) with the decision at their low and high
values, one tornado chart per strategy (the change of its cost per order at each input's low
and high value, with the paired 95 % interval), and the change of the late rate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup, escape

from fcsim import __version__
from fcsim.core.files import write_text
from fcsim.experiment.records import SummaryEntry
from fcsim.report.html import Section, figure_html, page_html, page_title, trace_types
from fcsim.report.metrics import fmt_interval
from fcsim.report.ranking import BEST, Pairs, infeasible, rank
from fcsim.report.style import finish, text

COST = "cost_per_order_eur"
SEPARATED = "clearly cheapest"
NOT_SEPARATED = "cheapest mean, not separable"
ONLY = "the only feasible strategy"
NONE = "no feasible strategy"


def decision(doc: Mapping[str, Any], runs: pd.DataFrame) -> dict[str, Any]:
    """The cheapest feasible strategy of a summary document and its runs table.

    Feasible: not overloaded and meeting the service target (`ranking.infeasible`). Among the
    feasible strategies, the lowest mean cost per order is `cheapest`; `status` says whether
    its paired interval against every other feasible strategy excludes zero (`ranking.rank`),
    `runner_up` is the next cheapest feasible one.
    """
    excluded = infeasible(doc)
    strategies = doc.get("strategies") or {}
    means = {}
    for name, metrics in strategies.items():
        e = SummaryEntry.read((metrics or {}).get(COST))
        if name not in excluded and e.known:
            means[name] = e.mean
    out: dict[str, Any] = {"infeasible": excluded, "feasible": list(means)}
    if not means:
        return out | {"cheapest": None, "runner_up": None, "status": NONE}
    if len(means) == 1:
        return out | {"cheapest": next(iter(means)), "runner_up": None, "status": ONLY}
    r = rank(means, COST, True, Pairs.of(doc, runs))
    if r.status is None:  # every feasible strategy costs the same
        first, second = list(means)[:2]
        return out | {"cheapest": first, "runner_up": second, "status": NOT_SEPARATED}
    return out | {
        "cheapest": r.leader,
        "runner_up": r.runner_up,
        "status": SEPARATED if r.status == BEST else NOT_SEPARATED,
    }


def _change(side: Mapping[str, Any], strategy: str, metric: str = COST) -> SummaryEntry:
    entry = (side.get("strategies") or {}).get(strategy) or {}
    return SummaryEntry.read((entry.get("change") or {}).get(metric))


def _decided(side: Mapping[str, Any]) -> str:
    d = side.get("decision") or {}
    return str(d.get("cheapest") or "none feasible")


def _number(x: float | None, digits: int = 2) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:+,.{digits}f}"


def answer_lines(doc: Mapping[str, Any]) -> list[str]:
    """The base decision, then which inputs flip it (or that none does)."""
    base = (doc.get("base") or {}).get("decision") or {}
    cheapest = base.get("cheapest")
    lines = []
    if cheapest is None:
        lines.append("At the base values no strategy keeps up and meets the service target.")
    else:
        other = f" (runner-up {base['runner_up']})" if base.get("runner_up") else ""
        lines.append(f"At the base values: {cheapest}, {base.get('status')}{other}.")
    for x in doc.get("inputs") or []:
        for name in ("low", "high"):
            side = x[name]
            if side.get("flips") and (side.get("decision") or {}).get("cheapest") is None:
                lines.append(
                    f"{x['input']} at {side['label']}: no strategy keeps up and meets the "
                    "service target any more."
                )
            elif side.get("flips"):
                lines.append(
                    f"{x['input']} at {side['label']}: the cheapest feasible strategy becomes "
                    f"{_decided(side)}."
                )
    if not doc.get("flipping"):
        lines.append("No input flips the decision over the ranges tried.")
    before = set(base.get("infeasible") or {})
    for x in doc.get("inputs") or []:
        for name in ("low", "high"):
            now = set(((x[name].get("decision") or {}).get("infeasible")) or {})
            lost, won = sorted(now - before), sorted(before - now)
            if lost and (x[name].get("decision") or {}).get("cheapest") is not None:
                lines.append(
                    f"{x['input']} at {x[name]['label']}: {', '.join(lost)} no longer "
                    "keeps up or meets the service target."
                )
            if won:
                lines.append(
                    f"{x['input']} at {x[name]['label']}: {', '.join(won)} now keeps up and "
                    "meets the service target."
                )
    for name in doc.get("moving_nothing") or []:
        lines.append(f"{name} moves nothing in this scenario: no run changed at either value.")
    for s in doc.get("skipped") or []:
        lines.append(f"Left out: {s['input']} ({s['reason']}).")
    return lines


def ranked_rows(doc: Mapping[str, Any]) -> list[list[str]]:
    """One row per input, ranked by swing: values, change of the base's cheapest, decisions."""
    ref = doc.get("swing_strategy")
    rows = []
    for x in doc.get("inputs") or []:
        low, high = x["low"], x["high"]
        rows.append(
            [
                str(x["rank"]),
                x["input"],
                f"{low['label']} / {high['label']}",
                _decided(low) + (" (flips)" if low.get("flips") else ""),
                _decided(high) + (" (flips)" if high.get("flips") else ""),
                _number(x.get("gap_swing_eur")).lstrip("+"),
                _number(x.get("swing_eur")).lstrip("+"),
                _number(_change(low, ref).mean) if ref else "–",
                _number(_change(high, ref).mean) if ref else "–",
            ]
        )
    return rows


RANKED_HEADERS = (
    "rank",
    "input",
    "low / high",
    "cheapest at low",
    "cheapest at high",
    "gap swing (EUR)",
    "swing (EUR)",
    "Δ cost at low (EUR)",
    "Δ cost at high (EUR)",
)
"""Columns of the ranked inputs table (Δ and swing: the base's cheapest strategy's cost per
order against the base; gap swing: of the paired gap between the base's runner-up and it)."""


def ranked_table(doc: Mapping[str, Any]) -> Markup:
    """The ranked inputs as an HTML table; rows whose decision flips are marked."""
    head = "".join(f"<th>{escape(h)}</th>" for h in RANKED_HEADERS)
    body = []
    for x, cells in zip(doc.get("inputs") or [], ranked_rows(doc), strict=True):
        tds = []
        for i, c in enumerate(cells):
            side = x["low"] if i == 3 else x["high"] if i == 4 else None
            mark = ' class="open"' if side is not None and side.get("flips") else ""
            tds.append(f"<td{mark}>{escape(c)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return Markup(
        f'<div class="scroll"><table class="summary"><thead><tr>{head}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table></div>"
    )


def change_table(doc: Mapping[str, Any], metric: str, kind: str) -> Markup:
    """Input × strategy: the paired change of `metric` at the low and the high value."""
    names = list(doc.get("strategies_order") or [])
    head = "<th>input</th>" + "".join(f"<th>{escape(n)}: low / high</th>" for n in names)
    body = []
    for x in doc.get("inputs") or []:
        cells = [f"<td>{escape(x['input'])}</td>"]
        for n in names:
            lo = fmt_interval(_change(x["low"], n, metric), kind)
            hi = fmt_interval(_change(x["high"], n, metric), kind)
            cells.append(f"<td>{escape(lo)} / {escape(hi)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(
        f'<div class="scroll"><table class="summary"><thead><tr>{head}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table></div>"
    )


def tornado(doc: Mapping[str, Any], strategy: str) -> go.Figure | None:
    """The change of `strategy`'s cost per order at each input's low and high value."""
    items = []
    for x in doc.get("inputs") or []:
        lo, hi = _change(x["low"], strategy), _change(x["high"], strategy)
        if lo.known or hi.known:
            swing = abs((hi.mean or 0.0) - (lo.mean or 0.0))
            items.append((swing, x, lo, hi))
    if not items:
        return None
    items.sort(key=lambda t: t[0])  # widest on top
    names = [text(x["input"]) for _, x, _, _ in items]
    fig = go.Figure()
    for side, colour, idx in (("low", "#2e75b6", 2), ("high", "#c55a11", 3)):
        es: list[SummaryEntry] = [t[idx] for t in items]
        labels = [text(t[1][side]["label"]) for t in items]
        means = [e.mean if e.known else None for e in es]
        fig.add_trace(
            go.Bar(
                y=names,
                x=means,
                orientation="h",
                name=f"{side} value",
                marker={"color": colour},
                customdata=labels,
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [_up(e) for e in es],
                    "arrayminus": [_down(e) for e in es],
                    "color": "#444",
                    "thickness": 1,
                },
                hovertemplate=f"{text(strategy)}, %{{y}} at %{{customdata}}: "
                "%{x:+,.3f} EUR/order<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", title={"text": text(strategy), "x": 0})
    fig.add_vline(x=0, line={"color": "#444", "width": 1})
    fig.update_xaxes(title_text="change of cost per order against the base (EUR)")
    return finish(fig, 160 + 44 * len(items), legend_below=True)


def _up(e: SummaryEntry) -> float:
    return 0.0 if not e.known or e.ci_high is None or e.ci_high != e.ci_high else e.ci_high - e.mean


def _down(e: SummaryEntry) -> float:
    return 0.0 if not e.known or e.ci_low is None or e.ci_low != e.ci_low else e.mean - e.ci_low


def _list(lines: list[str]) -> Markup:
    return Markup("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>")


def render_sensitivity(doc: Mapping[str, Any]) -> str:
    """The whole page as a string."""
    ref = doc.get("swing_strategy")
    method = (
        f"Each input is set to its low, then its high value, one at a time, all else as in the "
        f"scenario; every variant runs {doc.get('replications')} replications of "
        f"{doc.get('horizon_days')} days on the same orders as the base (the same seed: common "
        "random numbers), so each change is a paired difference against the base, with its 95 % "
        "interval. The cheapest feasible strategy is the lowest mean cost per order among those "
        "that keep up and meet the service target; inputs are ranked by the swing, from the low "
        "to the high value, of the gap between the two cheapest (runner-up minus "
        f"{ref or 'the cheapest'}: what brings a flip nearer), then of "
        f"{ref or 'the cheapest strategy'}'s cost per order."
    )
    sections = [
        Section("answer", "The answer", _list(answer_lines(doc))),
        Section("method", "How it was measured", Markup(f'<p class="note">{escape(method)}</p>')),
        Section("ranked", "Inputs ranked by swing", ranked_table(doc)),
    ]
    for n, name in enumerate(doc.get("strategies_order") or [], start=1):
        fig = tornado(doc, name)
        if fig is not None:
            note = (
                "Bars: mean change against the base at the input's low (blue) and high "
                "(orange) value; whiskers: paired 95 % interval."
            )
            sections.append(
                Section(
                    f"tornado-{n}",
                    f"Cost per order of {name}",
                    figure_html(fig, n, note),
                    trace_types(fig),
                )
            )
    sections.append(
        Section(
            "cost",
            "Change of cost per order (EUR), every strategy",
            change_table(doc, COST, "eur"),
        )
    )
    sections.append(
        Section(
            "late",
            "Change of late deliveries (points), every strategy",
            change_table(doc, "late_rate", "rate"),
        )
    )
    cover = [
        ("Scenario", str(doc.get("scenario", ""))),
        ("fcsim", str(doc.get("fcsim_version") or __version__)),
        ("Seed", str(doc.get("seed", "–"))),
        ("Replications", f"{doc.get('replications', '–')} per strategy and value"),
        ("Horizon", f"{doc.get('horizon_days')} days, first {doc.get('warmup_days')} warm-up"),
        ("Inputs", str(len(doc.get("inputs") or []))),
    ]
    return page_html(
        dict(doc), page_title(dict(doc)) + " — which inputs would flip the answer", cover, sections
    )


def write_sensitivity_page(out: Path, doc: Mapping[str, Any]) -> Path:
    """Write `index.html` of a sensitivity folder (atomically) and return its path."""
    path = out / "index.html"
    write_text(path, render_sensitivity(doc))
    return path
