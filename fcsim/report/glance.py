"""The answer at a glance: cheapest, fastest, most reliable strategy, and how sure we are.

Place in the flow: `report/html.py` calls `verdicts(doc, runs)` and `glance_html(...)` for
the top of the page. For each question the best strategy (by mean) is compared with the
runner-up replication by replication (common random numbers make this paired difference
much tighter than two separate intervals); the verdict is "clear" when the 95 % interval
of the difference excludes zero.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from fcsim.experiment.stats import interval
from fcsim.report.metrics import Shown, fmt

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


def _card(v: Verdict, replications: int) -> str:
    e = html.escape
    kind = v.metric.kind
    names = " and ".join(e(s) for s in v.best)
    tied = " (tied)" if len(v.best) > 1 else ""
    lines = [f"{e(_value(v.best_mean, kind))} {e(v.metric.label)}{tied}"]
    mg = v.margin
    sure = ""
    if v.runner_up is None:
        if len(v.best) > 1:
            lines.append("Every strategy scores the same.")
    elif mg is not None and mg["mean"] == mg["mean"]:
        text = f"{_diff(mg['mean'], kind)} better than <b>{e(v.runner_up)}</b>, the next best"
        if v.clear is not None:
            lo, hi = _diff(mg["ci_low"], kind, False), _diff(mg["ci_high"], kind, False)
            text += f" (95 % interval {e(lo)} to {e(hi)})"
        lines.append(text + ".")
        if v.clear is True:
            sure = '<span class="sure">A clear difference.</span>'
        elif v.clear is False:
            sure = (
                '<span class="unsure">Not distinguishable from the next best with '
                f"{replications} replications: run more to separate them.</span>"
            )
        else:
            sure = '<span class="unsure">Too few replications to tell how sure.</span>'
    return (
        f'<div class="card"><div class="q">{e(v.question)}</div><div class="a">{names}</div>'
        f"<p>{'<br>'.join(lines)}</p>{f'<p>{sure}</p>' if sure else ''}</div>"
    )


def glance_html(items: list[Verdict], replications: int) -> str:
    """One card per question: the best strategy, its margin, and how sure we are."""
    cards = "".join(_card(v, replications) for v in items)
    return f'<div class="cards">{cards}</div>' if cards else ""
