"""The answer at a glance: cheapest, fastest, most reliable strategy, and how sure we are.

Place in the flow: `report/html.py` calls `verdicts(doc, runs)` and `glance_html(...)` for
the top of the page (template `glance.html.j2`, one `Card` per verdict). For each question
the best strategy (by mean) is compared with the runner-up replication by replication (common
random numbers make this paired difference much tighter than two separate intervals); the
verdict is "clear" when the 95 % interval of the difference excludes zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from fcsim.experiment.stats import interval
from fcsim.report.metrics import Shown, fmt
from fcsim.report.page import part

QUESTIONS = (
    ("Cheapest", Shown("cost_per_order_eur", "cost per order", "eur")),
    ("Fastest", Shown("order_to_delivery_h_mean", "mean order → delivery", "hours")),
    ("Most reliable", Shown("late_rate", "late deliveries", "rate")),
)
UNITS = {"eur": " EUR", "hours": " h", "rate": " points", "count": "", "number": ""}


@dataclass(frozen=True)
class Verdict:
    """The best strategies for one question (several when tied) and their margin."""

    question: str
    metric: Shown
    best: tuple[str, ...]
    best_mean: float
    runner_up: str | None = None
    margin: dict[str, float] | None = None  # interval of (runner-up - best), paired

    @property
    def clear(self) -> bool | None:
        """True when the runner-up is worse at 95 %, False when not, None when unknown."""
        lo = None if self.margin is None else self.margin.get("ci_low")
        if lo is None or lo != lo:
            return None
        return bool(lo > 0)


def _margin(runs: pd.DataFrame, key: str, best: str, other: str) -> dict[str, float] | None:
    if runs.empty or key not in runs.columns or "replication" not in runs.columns:
        return None
    a = runs[runs["strategy"] == best].set_index("replication")[key]
    b = runs[runs["strategy"] == other].set_index("replication")[key]
    common = a.index.intersection(b.index)
    if a.index.has_duplicates or b.index.has_duplicates or len(common) == 0:
        return None  # not one run per replication (e.g. a sweep): no pairing
    return interval((b.loc[common] - a.loc[common]).to_numpy())


def verdicts(doc: dict[str, Any], runs: pd.DataFrame) -> list[Verdict]:
    """One verdict per question, among the strategies that have the metric."""
    out = []
    strategies = doc.get("strategies") or {}
    for question, m in QUESTIONS:
        means = [
            (v, s)
            for s, metrics in strategies.items()
            if (v := (metrics.get(m.key) or {}).get("mean")) is not None and v == v
        ]
        if not means:
            continue
        low = min(v for v, _ in means)
        best = tuple(s for v, s in means if math.isclose(v, low, rel_tol=1e-9, abs_tol=1e-12))
        rest = sorted((v, s) for v, s in means if s not in best)
        if not rest:
            out.append(Verdict(question, m, best, low))
            continue
        other = rest[0][1]
        margin = _margin(runs, m.key, best[0], other)
        out.append(Verdict(question, m, best, low, other, margin))
    return out


def _value(v: float, kind: str) -> str:
    return fmt(v, kind) + ("" if kind == "rate" else UNITS[kind])


def _diff(v: float, kind: str, unit: bool = True) -> str:
    number = f"{100 * v:.1f}" if kind == "rate" else fmt(v, kind)
    return number + (UNITS[kind] if unit else "")


@dataclass(frozen=True)
class Card:
    """What a card of the page says about one verdict, as text (the template marks it up)."""

    question: str
    best: tuple[str, ...]
    headline: str  # the best value and the metric, e.g. "12.30 EUR cost per order"
    all_same: bool = False  # a tie of every strategy: nothing to compare with
    better_by: str | None = None  # margin over the runner-up, when known
    runner_up: str | None = None
    interval: tuple[str, str] | None = None  # 95 % interval of the margin, when known
    sure: str | None = None  # "clear", "unsure" (not distinguishable), "unknown", or None


def card(v: Verdict) -> Card:
    """The card of verdict `v`."""
    kind = v.metric.kind
    tied = " (tied)" if len(v.best) > 1 else ""
    headline = f"{_value(v.best_mean, kind)} {v.metric.label}{tied}"
    mg = v.margin
    if v.runner_up is None:
        return Card(v.question, v.best, headline, all_same=len(v.best) > 1)
    if mg is None or mg["mean"] != mg["mean"]:
        return Card(v.question, v.best, headline)
    interval = None
    if v.clear is not None:
        interval = (_diff(mg["ci_low"], kind, False), _diff(mg["ci_high"], kind, False))
    sure = {True: "clear", False: "unsure", None: "unknown"}[v.clear]
    return Card(
        v.question,
        v.best,
        headline,
        better_by=_diff(mg["mean"], kind),
        runner_up=v.runner_up,
        interval=interval,
        sure=sure,
    )


def glance_html(items: list[Verdict], replications: int) -> Markup:
    """One card per question: the best strategy, its margin, and how sure we are."""
    if not items:
        return Markup("")
    return part("glance.html.j2", cards=[card(v) for v in items], replications=replications)
