"""Which strategy is best on a metric — only when the runs can tell, and only if it kept up.

Place in the flow: the summary table (`report/html.py`), the sweep's point table
(`report/sweep.py`) and the answer at a glance (`report/glance.py`) ask `rank(...)` which cell to
mark. A strategy is the best on a metric when the 95 % interval of its paired difference
against EVERY other strategy excludes zero in the better direction, and it is feasible: not
listed as overloaded (summary.json `overloaded`, a strategy that could not keep up with the
demand) nor as missing the scenario's service target (summary.json `missed_target`, judged on
the 95 % upper bound of late deliveries and unfinished orders). Differences against the
reference come from summary.json `paired`; the others are computed from the runs table, paired
by replication (the same seed, so the same orders and customers: common random numbers).
Otherwise no cell is marked, and the leader (best mean) is named with the reason: "not
separable", "could not keep up" or "misses the target". Metrics whose better direction
is "neither" are never ranked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from fcsim.experiment.records import SummaryEntry
from fcsim.experiment.stats import interval

BEST = "best"
NOT_SEPARABLE = "not separable"
OVERLOADED = "could not keep up"
MISSES = "misses the target"
PAIRED_BEST = "best, paired"
"""The tag of a marked cell: better than every other strategy, paired by replication."""


class Pairs:
    """Paired differences between strategies, one metric at a time.

    `differences` (summary.json `paired.differences`: strategy -> metric -> interval of
    strategy − `reference`) answers the pairs with the reference; the runs table (one row per
    strategy and replication) the others. A pair that cannot be paired is unknown (None).
    """

    def __init__(
        self,
        runs: pd.DataFrame,
        reference: str | None = None,
        differences: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.runs = runs
        self.reference = reference
        self.differences = differences or {}

    @classmethod
    def of(cls, doc: Mapping[str, Any], runs: pd.DataFrame) -> Pairs:
        """The pairs of a summary document and its runs table."""
        p = doc.get("paired") or {}
        return cls(runs, p.get("reference"), p.get("differences"))

    def _from_doc(self, a: str, b: str, key: str) -> SummaryEntry | None:
        if b == self.reference and a in self.differences:
            raw = self.differences[a].get(key)
            return None if raw is None else SummaryEntry.read(raw)
        if a == self.reference and b in self.differences:
            raw = self.differences[b].get(key)
            if raw is None:
                return None
            e = SummaryEntry.read(raw)
            neg = (None if v is None else -v for v in (e.mean, e.ci_high, e.ci_low))
            return SummaryEntry(*neg, n=e.n)
        return None

    def _from_runs(self, a: str, b: str, key: str) -> SummaryEntry | None:
        r = self.runs
        if r.empty or key not in r.columns or not {"strategy", "replication"} <= set(r.columns):
            return None
        x = r[r["strategy"] == a].set_index("replication")[key]
        y = r[r["strategy"] == b].set_index("replication")[key]
        if x.index.has_duplicates or y.index.has_duplicates:
            return None  # not one run per replication: no pairing
        common = x.index.intersection(y.index)
        if len(common) == 0:
            return None
        return SummaryEntry.read(interval((x.loc[common] - y.loc[common]).to_numpy(float)))

    def diff(self, a: str, b: str, key: str) -> SummaryEntry | None:
        """The interval of `a − b` on metric `key`, paired by replication; None when unknown."""
        return self._from_doc(a, b, key) or self._from_runs(a, b, key)


def better(d: SummaryEntry | None, lower_is_better: bool) -> bool:
    """Whether the interval of a difference (`a − b`) excludes zero on `a`'s better side."""
    if d is None:
        return False
    lo, hi = d.bounds()
    if math.isnan(lo) or math.isnan(hi):
        return False
    return hi < 0 if lower_is_better else lo > 0


@dataclass(frozen=True)
class Ranking:
    """The outcome of one metric across strategies."""

    status: str | None  # BEST, NOT_SEPARABLE, OVERLOADED; None: not ranked (no direction,
    # fewer than two values, or all the same)
    leader: str | None = None  # the best mean (first of a tie)
    leaders: tuple[str, ...] = ()  # every strategy tied at the best mean
    runner_up: str | None = None  # the next best mean, when any
    margin: SummaryEntry | None = None  # interval of (runner-up − leader), when known
    closest: str | None = None  # not separable: a strategy the leader is not separated from

    @property
    def winner(self) -> str | None:
        """The strategy to mark, or None."""
        return self.leader if self.status == BEST else None


def rank(
    means: Mapping[str, float | None],
    key: str,
    lower_is_better: bool | None,
    pairs: Pairs,
    overloaded: set[str] | frozenset[str] = frozenset(),
) -> Ranking:
    """Rank the strategies of `means` (strategy -> mean, in their order) on metric `key`."""
    finite = {s: float(v) for s, v in means.items() if v is not None and v == v}
    if lower_is_better is None or len(finite) < 2:
        return Ranking(None)
    sign = 1.0 if lower_is_better else -1.0
    order = sorted(finite, key=lambda s: sign * finite[s])  # stable: scenario order on ties
    top = finite[order[0]]
    leaders = tuple(s for s in order if math.isclose(finite[s], top, rel_tol=1e-12, abs_tol=0))
    if len(leaders) == len(order):
        return Ranking(None)  # every strategy scores the same: nothing to rank
    leader, runner_up = order[0], order[1]
    margin = pairs.diff(runner_up, leader, key)
    for s in order:
        if s in overloaded:
            continue
        if all(better(pairs.diff(s, o, key), lower_is_better) for o in order if o != s):
            runner_up = next(o for o in order if o != s)
            return Ranking(BEST, s, (s,), runner_up, pairs.diff(runner_up, s, key))
    if leader in overloaded:
        return Ranking(OVERLOADED, leader, leaders, runner_up, margin)
    unseparated = (
        o for o in order if o != leader and not better(pairs.diff(leader, o, key), lower_is_better)
    )
    closest = next(unseparated, None)
    return Ranking(NOT_SEPARABLE, leader, leaders, runner_up, margin, closest)


def overloaded_strategies(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """summary.json `overloaded`: strategy -> {share_of_runs, reasons}, for strategies shown."""
    shown = doc.get("strategies") or {}
    raw = doc.get("overloaded") or {}
    return {str(s): dict(v or {}) for s, v in raw.items() if not shown or s in shown}


def missed_target(doc: Mapping[str, Any]) -> dict[str, list[str]]:
    """summary.json `missed_target`: strategy -> reasons, for strategies shown."""
    shown = doc.get("strategies") or {}
    raw = doc.get("missed_target") or {}
    return {str(s): list(v or []) for s, v in raw.items() if not shown or s in shown}


def infeasible(doc: Mapping[str, Any]) -> dict[str, str]:
    """Strategies never named the best, with the tag saying why: could not keep up with the
    orders (`overloaded`), or misses the scenario's service target (`missed_target`)."""
    out = dict.fromkeys(missed_target(doc), MISSES)
    out.update(dict.fromkeys(overloaded_strategies(doc), OVERLOADED))
    return out


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def condense(reasons: Sequence[str]) -> list[str]:
    """Reasons of several runs, one per wording: the numbers of alike reasons as their ranges.

    "backlog grew from 303 to 942 parcels" and "backlog grew from 315 to 900 parcels" give
    "backlog grew from 303–315 to 900–942 parcels".
    """
    groups: dict[str, list[list[str]]] = {}
    for r in reasons:
        groups.setdefault(_NUMBER.sub("#", r), []).append(_NUMBER.findall(r))
    out = []
    for template, numbers in groups.items():
        parts = template.split("#")
        text = parts[0]
        for i, tail in enumerate(parts[1:]):
            values = sorted({n[i] for n in numbers}, key=lambda v: float(v.replace(",", "")))
            text += values[0] if len(values) == 1 else f"{values[0]}–{values[-1]}"
            text += tail
        out.append(text)
    return out


def overloaded_in(runs: pd.DataFrame) -> set[str]:
    """Strategies some run of which could not keep up (the runs table's `overloaded` column)."""
    if runs.empty or "overloaded" not in runs.columns:
        return set()
    share = runs.groupby("strategy", sort=False)["overloaded"].mean()
    return {str(s) for s, v in share.items() if v > 0}


def marks(
    r: Ranking, overloaded: Mapping[str, str] | set[str] | frozenset[str] = frozenset()
) -> dict[str, tuple[str, str]]:
    """Strategy -> (cell class, short tag) of a table row: the winner is "best" (tagged "best,
    paired": its paired interval against every other strategy excludes zero); without one,
    each leader is "open", tagged "could not keep up" when it is in `overloaded` and "not
    separable" otherwise."""
    if r.status == BEST and r.leader is not None:
        return {r.leader: ("best", PAIRED_BEST)}
    if r.status in (NOT_SEPARABLE, OVERLOADED):
        tags = (
            overloaded if isinstance(overloaded, Mapping) else dict.fromkeys(overloaded, OVERLOADED)
        )
        return {s: ("open", tags.get(s, NOT_SEPARABLE)) for s in r.leaders}
    return {}
