"""The records and the answers of `fcsim advise`: each strategy sized at each volume, the
cheapest feasible strategy per volume, the break-even volumes.

Place in the flow: `fcsim.experiment.advise` (the `Advisor`) fills one `Sizing` per strategy and
volume; `answers` turns them into the answers of `advice.json` (`sizing_doc` each sizing):

- per volume, the cheapest strategy among those whose confirmation meets the target, with the
  paired interval of its difference with the runner-up (the confirmations of a volume run on the
  same orders, replication by replication);
- the **break-even volumes** where the cheapest changes from A to B, both feasible on both
  sides: the paired difference A − B is read as three curves over volume (its mean and 95 %
  bounds), and the break-even is where the mean crosses zero, its interval where the bounds do
  (`break_evens`); where the cheapest changes because a strategy stops meeting the target, no
  break-even is claimed and `feasibility_changes` says so;
- for hybrids, the best share of SKUs in routing class A per volume.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fcsim.experiment.candidates import Config, Schedule, Sized, Variable
from fcsim.experiment.stats import figures, interval, paired_difference

COST = "cost_per_order_eur"
PROFIT = "profit_per_order_eur"
SHOWN = (
    COST,
    PROFIT,
    "late_rate",
    "unfinished_rate",
    "overloaded",
    "order_to_ship_h_mean",
    "order_to_delivery_h_mean",
)
"""The metrics kept for every candidate (means, and intervals when confirmed)."""


@dataclass(frozen=True)
class Objective:
    """What the search and the answers optimise: a metric per order and its better direction.

    `score` is what is minimised: the cost per order, or minus the profit per order (per
    order rather than in total, so that volumes compare; with customers who react, a strategy
    that sells more orders earns more per order only if each pays)."""

    name: str  # "cost" or "profit"
    metric: str
    sign: float  # +1: lower is better (cost); -1: higher is better (profit)
    best: str  # "cheapest", "most profitable"
    better: str  # "cheaper", "more profitable"

    def score(self, runs: pd.DataFrame) -> float:
        """The mean score of a runs table (lower is better)."""
        return self.sign * float(runs[self.metric].mean())

    def difference(self, a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float]:
        """Paired score difference a − b (positive: b is better), in EUR per order."""
        if self.sign > 0:
            return paired_difference(a, b, self.metric)
        return paired_difference(b, a, self.metric)


OBJECTIVES = {
    "cost": Objective("cost", COST, 1.0, "cheapest", "cheaper"),
    "profit": Objective("profit", PROFIT, -1.0, "most profitable", "more profitable"),
}
"""`--objective` of `fcsim advise` and `fcsim size`."""


@dataclass
class Sizing:
    """One strategy at one volume: the screening search, the confirmation, the verdict."""

    strategy: str
    volume: float
    variables: list[Variable]
    screen: Sized
    config: Config | None = None  # the setting confirmed (or last tried)
    confirmed: pd.DataFrame | None = None  # its confirmation runs (strategy x replication)
    feasible: bool = False  # the confirmation meets the target at 95 %
    steps_up: int = 0
    reason: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)  # advice.parquet rows
    schedules: tuple[Schedule, ...] = ()  # dated headcount changes scaled with the setting

    def setting(self, config: Config | None = None) -> dict[str, float | int | str]:
        c = self.config if config is None else config
        if c is None:
            return {}
        return {v.key: v.shown(i) for v, i in zip(self.variables, c, strict=True)}

    def at_bounds(self) -> list[str]:
        """The keys of the setting's variables at an end of the values searched, where the
        best may lie beyond: a headcount at its upper bound (or at a lower bound above one
        person), a share at either end (its top not when it is the largest the routing allows:
        what class B leaves). Widening those `sizing` bounds may find a better one."""
        c = self.config
        if c is None:
            return []
        out = []
        for v, i in zip(self.variables, c, strict=True):
            if v.plan or len(v.values) < 2:
                continue
            top, bottom = i == len(v.values) - 1, i == 0
            if top and v.limit is not None and v.values[-1] >= v.limit - 1e-9:
                top = False  # as far as the scenario allows: nothing beyond to search
            if top or (bottom and (v.share or v.values[0] > 1)):
                out.append(v.key)
        return out

    def overrides(self, config: Config | None = None) -> dict[str, str]:
        """The setting as `--set` overrides, KEY -> VALUE text (a plan: every key it sets)."""
        c = self.config if config is None else config
        out: dict[str, str] = {}
        if c is None:
            return out
        for v, i in zip(self.variables, c, strict=True):
            out.update(v.sets(i))
        for schedule in self.schedules:
            out.update(schedule.sets(out))
        return out

    def staffing(self, config: Config | None = None) -> dict[str, list[dict[str, object]]]:
        """The dated headcount changes the setting carries, scaled with it: node key -> its
        `staffing` (empty without a setting or a node with dated changes)."""
        c = self.config if config is None else config
        if c is None or not self.schedules:
            return {}
        sets = self.overrides(c)
        return {s.where: s.scaled(sets) for s in self.schedules}

    def plans(self, config: Config | None = None) -> dict[str, dict[str, Any]]:
        """The operating plan chosen for each node with plans: its name and the keys it sets."""
        c = self.config if config is None else config
        out: dict[str, dict[str, Any]] = {}
        if c is None:
            return out
        for v, i in zip(self.variables, c, strict=True):
            if v.plan:
                out[v.group] = {"name": v.plans[i].name, "sets": v.sets(i)}
        return out


def entry(runs: pd.DataFrame | None, metric: str) -> dict[str, float]:
    return interval([] if runs is None or metric not in runs else runs[metric])


def cheapest(
    sizings: Sequence[Sizing], volume: float, objective: Objective = OBJECTIVES["cost"]
) -> dict[str, Any]:
    """The best feasible strategy at a volume under `objective` (the cheapest by default; key
    `cheapest` either way), with its paired interval to the runner-up."""
    ok = [z for z in sizings if z.volume == volume and z.feasible and z.confirmed is not None]
    ok.sort(key=lambda z: (objective.score(z.confirmed), z.strategy))  # type: ignore[arg-type]
    out: dict[str, Any] = {"volume": volume, "objective": objective.name}
    out["feasible"] = [z.strategy for z in ok]
    out["infeasible"] = [z.strategy for z in sizings if z.volume == volume and not z.feasible]
    if not ok:
        out.update(cheapest=None, text="no strategy meets the target")
        return out
    best = ok[0]
    out["cheapest"] = best.strategy
    out["cost_per_order_eur"] = entry(best.confirmed, COST)
    out["profit_per_order_eur"] = entry(best.confirmed, PROFIT)
    if len(ok) > 1:
        d = objective.difference(ok[1].confirmed, best.confirmed)  # type: ignore[arg-type]
        out["runner_up"] = ok[1].strategy
        out["difference_eur"] = d
        out["separable"] = bool(d["ci_low"] > 0)
    return out


@dataclass(frozen=True)
class BreakEven:
    """The volume where the cheapest feasible strategy changes from `below` to `above`."""

    below: str  # cheapest at the lower volume
    above: str
    volume: float  # where the mean paired difference crosses zero (linear between volumes)
    low: float | None  # the interval, from the curves of the difference's bounds
    high: float | None  # (None: not reached within the volumes studied)
    between: tuple[float, float]  # the two volumes studied around it
    finest: float = 1.0  # no digits finer than this (orders a day)

    def text(self) -> str:
        half = None if self.low is None or self.high is None else (self.high - self.low) / 2
        lo = "below the volumes studied" if self.low is None else fmt_volume(self.low, half)
        hi = "above the volumes studied" if self.high is None else fmt_volume(self.high, half)
        return (
            f"{self.below} → {self.above} at ≈ {fmt_volume(self.volume, half)} orders/day "
            f"(95 %: {lo} to {hi})"
        )


def fmt_volume(v: float, half: float | None = None) -> str:
    """A volume (orders a day) with the digits its interval carries: two significant figures
    of the interval's half-width, three of the volume without one, never below 1 order a day
    for volumes of 10 or more."""
    return figures(v, half, 1.0 if abs(v) >= 10 else None)


def _crossings(x: Sequence[float], y: Sequence[float], rising: bool) -> list[float]:
    """Where a piecewise-linear curve crosses zero going up (`rising`) or down."""
    out = []
    for i in range(len(x) - 1):
        a, b = y[i], y[i + 1]
        if math.isnan(a) or math.isnan(b):
            continue
        if (a < 0 <= b) if rising else (a > 0 >= b):
            out.append(x[i] + (x[i + 1] - x[i]) * a / (a - b))
    return out


def break_evens(
    sizings: Sequence[Sizing],
    volumes: Sequence[float],
    objective: Objective = OBJECTIVES["cost"],
) -> list[BreakEven]:
    """Where the cheapest feasible strategy changes from A to B between two volumes studied,
    both feasible at both. The paired difference A − B (negative below, positive above) is read
    as three curves over the volumes where both are feasible and it keeps its side (up to the
    neighbouring break-evens): its mean crosses zero at the break-even; the interval runs from
    where its upper bound rises through zero (below that, A is surely cheaper) to where its
    lower bound does (above that, B is)."""
    by = {(z.strategy, z.volume): z for z in sizings}
    leaders = [cheapest(sizings, v, objective).get("cheapest") for v in volumes]
    out = []

    def ok(s: str, v: float) -> bool:
        z = by.get((s, v))
        return z is not None and z.feasible and z.confirmed is not None

    for k in range(len(volumes) - 1):
        a, b = leaders[k], leaders[k + 1]
        if a is None or b is None or a == b:
            continue
        if not all(ok(s, v) for s in (a, b) for v in volumes[k : k + 2]):
            continue  # the leader changed because one could no longer keep the target

        def diff(v: float, a: str = a, b: str = b) -> dict[str, float]:
            return objective.difference(by[(a, v)].confirmed, by[(b, v)].confirmed)  # type: ignore[arg-type]

        lo_k, hi_k = k, k + 1
        while lo_k > 0 and all(ok(s, volumes[lo_k - 1]) for s in (a, b)):
            if not diff(volumes[lo_k - 1])["mean"] < 0:
                break  # another break-even below: this one's curves stop there
            lo_k -= 1
        while hi_k < len(volumes) - 1 and all(ok(s, volumes[hi_k + 1]) for s in (a, b)):
            if not diff(volumes[hi_k + 1])["mean"] > 0:
                break
            hi_k += 1
        xs = list(volumes[lo_k : hi_k + 1])
        ds = [diff(v) for v in xs]
        y0, y1 = ds[k - lo_k]["mean"], ds[k + 1 - lo_k]["mean"]
        x0, x1 = volumes[k], volumes[k + 1]
        mean = x0 + (x1 - x0) * y0 / (y0 - y1) if y0 != y1 else (x0 + x1) / 2
        ups = [c for c in _crossings(xs, [d["ci_high"] for d in ds], True) if c <= mean]
        downs = [c for c in _crossings(xs, [d["ci_low"] for d in ds], True) if c >= mean]
        low = max(ups) if ups and ds[0]["ci_high"] < 0 else None
        high = min(downs) if downs and ds[-1]["ci_low"] > 0 else None
        out.append(BreakEven(a, b, mean, low, high, (x0, x1)))
    return out


def feasibility_changes(
    sizings: Sequence[Sizing],
    volumes: Sequence[float],
    objective: Objective = OBJECTIVES["cost"],
) -> list[str]:
    """Where the cheapest changes because the previous one stops (or starts) meeting the
    target: no break-even, and said so."""
    by = {(z.strategy, z.volume): z for z in sizings}
    leaders = [cheapest(sizings, v, objective).get("cheapest") for v in volumes]
    out = []
    for k in range(len(volumes) - 1):
        a, b = leaders[k], leaders[k + 1]
        if a is None or b is None or a == b:
            continue
        lost = [s for s in (a, b) for v in volumes[k : k + 2] if not by[(s, v)].feasible]
        if lost:
            s = lost[0]
            v = next(v for v in volumes[k : k + 2] if not by[(s, v)].feasible)
            out.append(
                f"between {fmt_volume(volumes[k])} and {fmt_volume(volumes[k + 1])} orders/day "
                f"the {objective.best} changes from {a} to {b} because {s} misses the target at "
                f"{fmt_volume(v)}: no break-even is claimed there"
            )
    return out


def answers(
    sizings: Sequence[Sizing],
    volumes: Sequence[float],
    objective: Objective = OBJECTIVES["cost"],
) -> dict[str, Any]:
    """Per volume the best feasible strategy under `objective`, the break-evens, the hybrids'
    best shares."""
    per = [cheapest(sizings, v, objective) for v in volumes]
    bes = break_evens(sizings, volumes, objective)
    shares: dict[str, dict[str, float]] = {}
    edge: dict[str, list[str]] = {}
    for z in sizings:
        for k, v in z.setting().items():
            if k.endswith(".routing.a_share") and z.feasible:
                shares.setdefault(z.strategy, {})[f"{z.volume:g}"] = float(v)
                if k in z.at_bounds():
                    edge.setdefault(z.strategy, []).append(f"{z.volume:g}")
    return {
        "objective": objective.name,
        "per_volume": per,
        "break_evens": [
            {
                "below": b.below,
                "above": b.above,
                "volume": b.volume,
                "ci_low": b.low,
                "ci_high": b.high,
                "between": list(b.between),
                "text": b.text(),
            }
            for b in bes
        ],
        "feasibility_changes": feasibility_changes(sizings, volumes, objective),
        "hybrid_a_share": shares,
        # the volumes where that share is at an end of the shares searched (`sizing.a_shares`)
        "hybrid_a_share_at_bounds": edge,
    }


def sizing_doc(z: Sizing) -> dict[str, Any]:
    """One strategy at one volume, for advice.json."""
    doc: dict[str, Any] = {
        "volume": z.volume,
        "strategy": z.strategy,
        "feasible": z.feasible,
        "setting": z.setting(),
        "set": [f"{k}={v}" for k, v in z.overrides().items()],
        "candidates_screened": z.screen.evaluated,
        "steps_up": z.steps_up,
        "at_bounds": z.at_bounds(),
    }
    if any(v.plan for v in z.variables) and z.config is not None:
        doc["plans"] = z.plans()
    if staffing := z.staffing():
        doc["staffing"] = staffing
    if z.reason:
        doc["reason"] = z.reason
    if z.confirmed is not None:
        doc["metrics"] = {m: entry(z.confirmed, m) for m in SHOWN}
    return doc


__all__ = [
    "COST",
    "OBJECTIVES",
    "PROFIT",
    "SHOWN",
    "BreakEven",
    "Objective",
    "Sizing",
    "answers",
    "break_evens",
    "cheapest",
    "feasibility_changes",
    "fmt_volume",
    "sizing_doc",
]
