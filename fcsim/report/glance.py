"""The answer at a glance: cheapest, fastest, most reliable strategy — or no clear winner.

Place in the flow: `report/html.py` calls `cards(doc, runs)` and `glance_html(...)` for the top
of the page (template `glance.html.j2`, one `Card` per question). A strategy is crowned only
when `report/ranking.py` finds it better than every other strategy at 95 % (paired by
replication: common random numbers make these differences much tighter than two separate
intervals) and it could keep up with the demand; otherwise the card says "No clear winner" and
why: the best mean is not separable from another strategy, or it belongs to a strategy that could
not keep up (the page's banner names those, with the reasons). Each card also says what the
selection of the best (summary.json `selection`, `report/selection.py`) finds, and why when it
names another answer than the card.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from markupsafe import Markup

from fcsim.experiment.records import SummaryEntry
from fcsim.report.metrics import Shown, fmt_bounds, fmt_mean, shown, with_unit
from fcsim.report.page import part
from fcsim.report.ranking import (
    BEST,
    NOT_SEPARABLE,
    OVERLOADED,
    Pairs,
    condense,
    infeasible,
    missed_target,
    overloaded_strategies,
    rank,
)
from fcsim.report.selection import DIFFERENT, agrees, entries, statement

QUESTIONS = (
    ("Cheapest", shown("cost_per_order_eur", "cost per order")),
    ("Fastest", shown("order_to_delivery_h_mean", "mean order → delivery")),
    ("Most reliable", shown("late_rate", "late deliveries")),
)
"""(question, metric) of each card; every one is a lower-is-better metric."""
TIED = "tied"
"""A card's status when every strategy scores the same."""


@dataclass(frozen=True)
class Card:
    """What a card says about one question, as text (the template marks it up)."""

    question: str
    status: str  # BEST, NOT_SEPARABLE, OVERLOADED, TIED, or "only" (a single strategy)
    leader: str  # the winner, or the strategy with the best mean
    headline: str  # the leader's value and the metric, e.g. "13.75 EUR cost per order"
    other: str | None = None  # BEST: the next best; NOT_SEPARABLE: one not separated from
    difference: str | None = None  # mean of (other − leader), with its unit
    interval: tuple[str, str] | None = None  # its 95 % interval, without unit
    why: str = ""  # OVERLOADED: why the leader is not crowned (a tag of `ranking.infeasible`)
    selection: str | None = None  # what the selection of the best says (`report/selection.py`)
    differs: bool = False  # the selection names another answer than the card's verdict

    @property
    def winner(self) -> str | None:
        """The strategy the card crowns, or None ("No clear winner")."""
        return self.leader if self.status in (BEST, "only") else None


def _difference(d: SummaryEntry | None, m: Shown) -> tuple[str | None, tuple[str, str] | None]:
    if d is None or not d.known:
        return None, None
    unit = "points" if m.kind == "rate" else m.unit
    mean = fmt_mean(d, m.kind)
    text = f"{mean} {unit}".strip()
    if d.half_width is None:
        return text, None
    return text, fmt_bounds(d, m.kind)


def card(question: str, m: Shown, doc: dict[str, Any], pairs: Pairs) -> Card | None:
    """The card of one question, or None when no strategy has the metric."""
    strategies = doc.get("strategies") or {}
    entries = {s: SummaryEntry.read(v.get(m.key)) for s, v in strategies.items()}
    entries = {s: e for s, e in entries.items() if e.known}
    if not entries:
        return None
    excluded = infeasible(doc)
    overloaded = set(excluded)
    r = rank({s: e.mean for s, e in entries.items()}, m.key, m.lower_is_better, pairs, overloaded)

    def headline(s: str) -> str:
        return f"{with_unit(fmt_mean(entries[s], m.kind), m)} {m.label}"

    if r.status is None:  # a single strategy, or every one scores the same
        first = next(iter(entries))
        if len(entries) > 1:
            return Card(question, TIED, first, headline(first))
        status = OVERLOADED if first in overloaded else "only"
        return Card(question, status, first, headline(first), why=excluded.get(first, ""))
    assert r.leader is not None
    if r.status == BEST:
        diff, iv = _difference(r.margin, m)
        return Card(question, BEST, r.leader, headline(r.leader), r.runner_up, diff, iv)
    if r.status == NOT_SEPARABLE and r.closest is not None:
        diff, iv = _difference(pairs.diff(r.closest, r.leader, m.key), m)
        return Card(question, NOT_SEPARABLE, r.leader, headline(r.leader), r.closest, diff, iv)
    why = excluded.get(r.leader, "")
    return Card(question, str(r.status), r.leader, headline(r.leader), why=why)


def cards(doc: dict[str, Any], runs: pd.DataFrame) -> list[Card]:
    """One card per question, among the strategies that have the metric."""
    pairs = Pairs.of(doc, runs)
    selected = entries(doc)
    out = []
    for q, m in QUESTIONS:
        c = card(q, m, doc, pairs)
        if c is None:
            continue
        entry = selected.get(m.key)
        if entry is not None:
            c = replace(c, selection=statement(m.key, entry), differs=not agrees(c.winner, entry))
        out.append(c)
    return out


def glance_html(items: list[Card], replications: int) -> Markup:
    """One card per question: the winner and its margin, or why there is no clear winner."""
    if not items:
        return Markup("")
    return part("glance.html.j2", cards=items, replications=replications, different=DIFFERENT)


def banner_html(doc: dict[str, Any]) -> Markup:
    """A warning naming each strategy that could not keep up, with its reasons (or nothing)."""
    found = []
    for name, verdict in overloaded_strategies(doc).items():
        share = float(verdict.get("share_of_runs") or 1.0)
        reasons = condense([str(r) for r in verdict.get("reasons") or []]) or ["it cannot keep up"]
        found.append({"name": name, "share": f"{100 * share:.0f} %", "reasons": reasons})
    listed = {f["name"] for f in found}
    missed = [
        {"name": name, "reasons": reasons}
        for name, reasons in missed_target(doc).items()
        if name not in listed
    ]
    if not found and not missed:
        return Markup("")
    target = doc.get("service_target") or {}
    return part("overloaded.html.j2", strategies=found, missed=missed, target=target)
