"""Sizing and break-even searches over one dotted scenario key, with replications at each point.

Place in the flow: `fcsim size` builds an `Axis` (the key and its range on a grid of `step`),
and an evaluator that runs one point (the scenario resolved with `key=value`, every replication
of the strategies concerned) through the pipeline (`fcsim.experiment.pipeline`) and returns its
runs table. The searches here only decide which points to evaluate and what the answer is; they
never simulate anything themselves, so they are tested with made-up evaluators.

Three questions:

- `smallest` / `largest`: the smallest (largest) value for which a condition such as
  `late_rate<=0.02` holds for a strategy, judged on the 95 % interval bound (the upper bound
  for `<=`, the lower bound for `>=`), by bisection (the condition is assumed to hold from
  some value on). The answer by the mean alone is given too: the gap between the two is the
  price of certainty.
- `break_even`: the value where strategy A stops being dearer than B (or the reverse) on a
  metric, by bisection on the sign of the paired difference (common random numbers); the
  uncertainty is the range between the last value where A is significantly on one side and
  the first value where it is significantly on the other.
- `minimise`: the value minimising a metric of a strategy, optionally subject to conditions,
  by a grid then a successive halving of the step around the best point (pattern search); the
  uncertainty is the set of values whose paired difference to the best is not significant.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fcsim.core.errors import UsageError
from fcsim.experiment.search_space import Axis, Condition, Linked
from fcsim.experiment.stats import figures, interval, paired_difference

__all__ = [
    "Answer",
    "Axis",
    "Condition",
    "Linked",
    "Point",
    "Search",
    "break_even",
    "minimise",
    "smallest",
]


@dataclass
class Point:
    """An evaluated point: its grid index, value and runs table (strategy x replication)."""

    k: int
    value: float | int
    runs: pd.DataFrame

    def entry(self, strategy: str, metric: str) -> dict[str, float]:
        """Interval of `metric` for `strategy` over the replications (no value when every run
        of the point failed: its conditions do not hold)."""
        if not len(self.runs):
            return interval([])
        g = self.runs[self.runs["strategy"] == strategy]
        if metric not in g.columns:
            raise UsageError(f"no metric named {metric!r} in the runs table")
        return interval(g[metric])

    def difference(self, a: str, b: str, metric: str) -> dict[str, float]:
        """Paired interval of metric(a) - metric(b) (same replications: common random numbers)."""
        if not len(self.runs):
            return interval([])
        ra, rb = self.runs[self.runs["strategy"] == a], self.runs[self.runs["strategy"] == b]
        return paired_difference(ra, rb, metric)


Evaluator = Callable[[int], Point]


class Search:
    """Memoised evaluations on an axis: each grid point is run once."""

    def __init__(self, axis: Axis, evaluate: Evaluator) -> None:
        self.axis = axis
        self._evaluate = evaluate
        self.points: dict[int, Point] = {}

    def at(self, k: int) -> Point:
        if k not in self.points:
            self.points[k] = self._evaluate(k)
        return self.points[k]

    def first_true(self, pred: Callable[[Point], bool]) -> int | None:
        """Smallest grid index where `pred` holds, assuming it holds from there on; else None."""
        hi = self.axis.last
        if not pred(self.at(hi)):
            return None
        lo = 0
        if pred(self.at(lo)):
            return lo
        while hi - lo > 1:  # pred(lo) false, pred(hi) true
            mid = (lo + hi) // 2
            if pred(self.at(mid)):
                hi = mid
            else:
                lo = mid
        return hi

    def last_true(self, pred: Callable[[Point], bool]) -> int | None:
        """Largest grid index where `pred` holds, assuming it holds up to there; else None."""
        lo = 0
        if not pred(self.at(lo)):
            return None
        hi = self.axis.last
        if pred(self.at(hi)):
            return hi
        while hi - lo > 1:  # pred(lo) true, pred(hi) false
            mid = (lo + hi) // 2
            if pred(self.at(mid)):
                lo = mid
            else:
                hi = mid
        return lo


@dataclass
class Answer:
    """The result of a search: the value (None if not found), a sentence, and its details."""

    found: bool
    value: float | int | None
    sentence: str
    details: dict[str, Any] = field(default_factory=dict)


def _fmt(entry: dict[str, float]) -> str:
    if entry["ci_low"] is None or math.isnan(entry["ci_low"]):
        return f"{entry['mean']:.4g}"
    return f"{entry['mean']:.4g} [{entry['ci_low']:.4g}, {entry['ci_high']:.4g}]"


def smallest(
    search: Search, strategy: str, conditions: Sequence[Condition], largest: bool = False
) -> Answer:
    """Smallest (or largest) value meeting every condition on its 95 % interval bound."""
    ax = search.axis

    def sure(p: Point) -> bool:
        return all(c.sure(p.entry(strategy, c.metric)) for c in conditions)

    def by_mean(p: Point) -> bool:
        return all(c.by_mean(p.entry(strategy, c.metric)) for c in conditions)

    find = search.last_true if largest else search.first_true
    k_sure = find(sure)
    k_mean = find(by_mean)
    what = " and ".join(str(c) for c in conditions)
    word = "largest" if largest else "smallest"
    if k_sure is None:
        return Answer(
            False,
            None,
            f"no value of {ax.key} in [{ax.text(0)}, {ax.text(ax.last)}] gives {strategy} "
            f"{what} with 95 % confidence",
            {"by_mean": None if k_mean is None else ax.value(k_mean)},
        )
    p = search.at(k_sure)
    shown = {c.metric: _fmt(p.entry(strategy, c.metric)) for c in conditions}
    neighbour = k_sure + (1 if largest else -1)
    details: dict[str, Any] = {
        "value": ax.value(k_sure),
        "by_mean": None if k_mean is None else ax.value(k_mean),
        "at_value": {c.metric: p.entry(strategy, c.metric) for c in conditions},
    }
    text = (
        f"{word} {ax.key} with {strategy} {what} (95 % interval bound): {ax.text(k_sure)} "
        f"({', '.join(f'{m} {v}' for m, v in shown.items())})"
    )
    if 0 <= neighbour <= ax.last and neighbour in search.points:
        q = search.points[neighbour]
        details["next_value"] = ax.value(neighbour)
        details["at_next_value"] = {c.metric: q.entry(strategy, c.metric) for c in conditions}
        text += f"; at {ax.text(neighbour)}: " + ", ".join(
            f"{c.metric} {_fmt(q.entry(strategy, c.metric))}" for c in conditions
        )
    if k_mean is not None and k_mean != k_sure:
        text += f"; by the mean alone: {ax.text(k_mean)}"
    return Answer(True, ax.value(k_sure), text, details)


def break_even(
    search: Search,
    a: str,
    b: str,
    metric: str,
    conditions: Sequence[Condition] = (),
    words: tuple[str, str] = ("dearer", "cheaper"),
) -> Answer:
    """Where metric(a) - metric(b) changes sign, with the range where it is not significant.

    `conditions` must hold (95 % bound) for both strategies on both sides of the break-even:
    a break-even where a warehouse no longer keeps up is no answer. `words` say what a higher
    and a lower metric are in the sentence (a profit: more and less profitable).
    """
    higher, lower = words
    ax = search.axis
    d0 = search.at(0).difference(a, b, metric)
    d1 = search.at(ax.last).difference(a, b, metric)
    if math.isnan(d0["mean"]) or math.isnan(d1["mean"]) or (d0["mean"] > 0) == (d1["mean"] > 0):
        void = _cannot_keep_up([search.at(0), search.at(ax.last)], (a, b), ax)
        if void:  # "no break-even" would compare the cost of orders never shipped
            return Answer(
                False,
                None,
                f"no break-even claimed in [{ax.text(0)}, {ax.text(ax.last)}]: {void}; a "
                "strategy that cannot keep up is not compared (size it first, e.g. with "
                "fcsim advise)",
                {"overloaded": void},
            )
        side = higher if d0["mean"] > 0 else lower
        return Answer(
            False,
            None,
            f"no break-even in [{ax.text(0)}, {ax.text(ax.last)}]: {a} is {side} than {b} on "
            f"{metric} at both ends ({_fmt(d0)} at {ax.text(0)}, {_fmt(d1)} at "
            f"{ax.text(ax.last)})",
        )
    end_positive = d1["mean"] > 0

    def crossed(p: Point) -> bool:  # the mean has the sign of the far end
        return (p.difference(a, b, metric)["mean"] > 0) == end_positive

    def surely_crossed(p: Point) -> bool:  # the whole interval has the sign of the far end
        d = p.difference(a, b, metric)
        return d["ci_low"] > 0 if end_positive else d["ci_high"] < 0

    def still_near(p: Point) -> bool:  # the interval no longer surely has the near end's sign
        d = p.difference(a, b, metric)
        return not (d["ci_high"] < 0 if end_positive else d["ci_low"] > 0)

    k = search.first_true(crossed)
    assert k is not None and k > 0
    before, after = search.at(k - 1), search.at(k)
    y0 = before.difference(a, b, metric)["mean"]
    y1 = after.difference(a, b, metric)["mean"]
    x0, x1 = float(ax.value(k - 1)), float(ax.value(k))
    estimate = x0 + (x1 - x0) * (y0 / (y0 - y1)) if y0 != y1 else x1
    k_lo = search.first_true(still_near)
    k_hi = search.first_true(surely_crossed)
    low = None if k_lo is None else ax.value(max(0, k_lo - 1))
    high = None if k_hi is None else ax.value(k_hi)
    verb = f"becomes {higher}" if end_positive else f"becomes {lower}"
    text = (
        f"{a} {verb} than {b} on {metric} at {ax.key} ≈ {_figures(estimate, low, high, ax)} "
        f"(between {ax.text(k - 1)} and {ax.text(k)}); 95 % range: "
        f"{'?' if low is None else low} to {'beyond the range' if high is None else high}"
    )
    details = {
        "estimate": estimate,
        "bracket": [ax.value(k - 1), ax.value(k)],
        "range95": [low, high],
        "difference_before": before.difference(a, b, metric),
        "difference_after": after.difference(a, b, metric),
    }
    unmet = [
        f"{s} {c.metric} {_fmt(p.entry(s, c.metric))} at {ax.text(p.k)}"
        for p in (before, after)
        for s in (a, b)
        for c in conditions
        if not c.sure(p.entry(s, c.metric))
    ]
    if unmet:
        what = " and ".join(str(c) for c in conditions)
        text += f"; but {what} is not met there: {'; '.join(unmet)}"
        return Answer(False, estimate, text, details | {"unmet": unmet})
    void = _cannot_keep_up([before, after], (a, b), ax)
    if void:
        text += f"; but no break-even is claimed across it: {void}"
        return Answer(False, estimate, text, details | {"overloaded": void})
    return Answer(True, estimate, text, details)


def _cannot_keep_up(points: Sequence[Point], strategies: Sequence[str], ax: Axis) -> str:
    """Which of `strategies` could not keep up (summary `overloaded`) at which points."""
    out = []
    for p in points:
        r = p.runs
        if not len(r) or "overloaded" not in r.columns:
            continue
        for s in strategies:
            share = r.loc[r["strategy"] == s, "overloaded"].mean()
            if share == share and share > 0:
                out.append(f"{s} could not keep up at {ax.text(p.k)} ({share:.0%} of its runs)")
    return "; ".join(dict.fromkeys(out))


def _figures(x: float, low: float | None, high: float | None, ax: Axis) -> str:
    """An estimate with the digits its 95 % range carries (`stats.figures`), never finer than
    the grid."""
    half = None if low is None or high is None else (float(high) - float(low)) / 2
    return figures(x, half, ax.step)


def minimise(
    search: Search,
    strategy: str,
    metric: str,
    conditions: Sequence[Condition] = (),
    points: int = 5,
    maximise: bool = False,
) -> Answer:
    """The value minimising `metric` of `strategy` subject to `conditions` (interval bound);
    with `maximise`, the value maximising it (a profit)."""
    sign = -1.0 if maximise else 1.0
    ax = search.axis
    n = max(2, min(points, ax.last + 1))
    grid = sorted({round(i * ax.last / (n - 1)) for i in range(n)})
    step = ax.last / (n - 1)

    def ok(p: Point) -> bool:
        return all(c.sure(p.entry(strategy, c.metric)) for c in conditions)

    def best() -> int | None:
        feasible = [k for k, p in search.points.items() if ok(p)]
        if not feasible:
            return None
        return min(
            feasible, key=lambda k: (sign * search.points[k].entry(strategy, metric)["mean"], k)
        )

    for k in grid:
        search.at(k)
    b = best()
    while b is not None and step > 1:
        step /= 2
        for k in (b - max(1, round(step)), b + max(1, round(step))):
            if 0 <= k <= ax.last:
                search.at(k)
        b = best()
    what = " and ".join(str(c) for c in conditions)
    if b is None:
        return Answer(
            False,
            None,
            f"no value of {ax.key} in [{ax.text(0)}, {ax.text(ax.last)}] gives {strategy} "
            f"{what} with 95 % confidence",
        )
    top = search.points[b]
    ties = [
        ax.value(k)
        for k, p in sorted(search.points.items())
        if ok(p) and (k == b or not _worse(_across(p, top, strategy, metric), maximise))
    ]
    e = top.entry(strategy, metric)
    text = (
        f"{metric} of {strategy} is {'highest' if maximise else 'lowest'} at {ax.key} = "
        f"{ax.text(b)}: {_fmt(e)}"
        + (f", with {what}" if conditions else "")
        + f"; not significantly worse: {', '.join(str(t) for t in ties)}"
    )
    details = {
        "value": ax.value(b),
        "at_value": {metric: e} | {c.metric: top.entry(strategy, c.metric) for c in conditions},
        "not_significantly_worse": ties,
    }
    return Answer(True, ax.value(b), text, details)


def _worse(d: dict[str, float], maximise: bool) -> bool:
    """Whether a paired difference (a point minus the best) is significantly worse."""
    return d["ci_high"] < 0 if maximise else d["ci_low"] > 0


def _across(p: Point, top: Point, strategy: str, metric: str) -> dict[str, float]:
    """Paired interval of metric at p minus at the best point (same seeds: CRN across points)."""
    a = p.runs[p.runs["strategy"] == strategy]
    b = top.runs[top.runs["strategy"] == strategy]
    return paired_difference(a, b, metric)
