"""The outsourcing answer: every strategy sized to the same target, volume by volume.

Place in the flow: `fcsim advise` (`fcsim.commands.advise`) loads the scenario and hands an
`Advisor` its settings, an open pipeline (`fcsim.experiment.pipeline`) and a loader of the
scenario with overrides. For each volume (orders a day, `demand.orders_per_day`) and each
strategy, the advisor

1. **screens**: sizes the strategy's decision variables (`decision_variables`: the headcounts
   of its warehouses within their `sizing` bounds, and for a hybrid with an `abc` routing the
   share of SKUs in class A) with the coordinate search of `fcsim.experiment.staffing`, on
   `screen_replications` runs per candidate (the full horizon by default: a short window would
   miss the peak months), judged by the mean with a margin below the target;
2. **confirms**: runs the chosen setting on the full horizon with `replications` runs and
   keeps it when the 95 % upper bounds meet the target and no run was overloaded; otherwise
   steps one person up where the screening says it helps most, up to `max_steps_up` times;
   a strategy still missing the target is **infeasible** at that volume, never compared.

Every candidate of a volume runs on the same orders (common random numbers), and so do the
strategies' confirmations, so their differences are paired replication by replication. Then
`answers` gives, per volume, the cheapest feasible strategy and its paired interval against the
runner-up, and the **break-even volumes** where the cheapest changes, with an interval read
from the curves of the paired difference's bounds (`break_evens`), never across a volume where
either strategy is infeasible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fcsim.experiment.pipeline import Pipeline, PointPlan
from fcsim.experiment.runs import RunFailure
from fcsim.experiment.staffing import (
    CLOSER,
    Config,
    Sized,
    Target,
    Trial,
    Variable,
    search,
    staff_range,
    swamped,
)
from fcsim.experiment.stats import interval, paired_difference
from fcsim.experiment.sweep import value_at
from fcsim.scenario.schema.scenario import (
    DropshipNode,
    HybridStrategy,
    Scenario,
    SelfNode,
)

VOLUME_KEY = "demand.orders_per_day"
POOLS = ("pickers", "packers", "receivers")
COST = "cost_per_order_eur"
SHOWN = (
    COST,
    "late_rate",
    "unfinished_rate",
    "overloaded",
    "order_to_ship_h_mean",
    "order_to_delivery_h_mean",
)
"""The metrics kept for every candidate (means, and intervals when confirmed)."""


@dataclass(frozen=True)
class Settings:
    """What `fcsim advise` asks: volumes, target, and how hard to look."""

    volumes: tuple[float, ...]
    target: Target
    replications: int  # confirmation runs per strategy and volume
    seed: int
    strategies: tuple[str, ...]
    screen_replications: int = 1
    screen_days: int | None = None  # None: the scenario's horizon
    margin: float = 0.1  # screening: the means must be this share below the target
    max_steps_up: int = 3


def decision_variables(scenario: Scenario, strategy: str) -> list[Variable]:
    """The variables `fcsim advise` sizes for a strategy, from its nodes' `sizing` bounds."""
    st = scenario.strategies[strategy]
    base = f"strategies.{strategy}"
    out: list[Variable] = []
    nodes = st.nodes.items() if isinstance(st, HybridStrategy) else [("", st)]
    for name, node in nodes:
        if isinstance(node, DropshipNode) or not node.sizing.searched:
            continue
        where = f"{base}.nodes.{name}" if name else base
        for pool in POOLS:
            b = getattr(node.sizing, pool)
            label = f"{name + ' ' if name else ''}{pool}"
            pays = isinstance(node, SelfNode)
            out.append(staff_range(f"{where}.{pool}", b.min, b.max, pays, label))
    if isinstance(st, HybridStrategy) and st.routing.policy == "abc" and st.sizing.a_shares:
        room = 1.0 - st.routing.b_share
        shares = tuple(float(s) for s in st.sizing.a_shares if s <= room + 1e-12)
        if shares:
            label = "share of SKUs in class A"
            out.append(Variable(f"{base}.routing.a_share", shares, True, label))
    return out


def start_config(variables: Sequence[Variable], scenario: Scenario, ratio: float) -> Config:
    """The scenario's own setting, headcounts scaled by `ratio` (the volume over the
    scenario's) and rounded up, within the bounds."""
    out = []
    for v in variables:
        value = float(value_at(scenario, v.key))
        out.append(v.index_of(math.ceil(value * ratio - 1e-9) if v.whole else value))
    return tuple(out)


def scaled(variables: Sequence[Variable], c: Config, ratio: float) -> Config:
    """A setting found at one volume, headcounts scaled to another (rounded up)."""
    out = []
    for v, i in zip(variables, c, strict=True):
        out.append(v.index_of(math.ceil(v.values[i] * ratio - 1e-9)) if v.whole else i)
    return tuple(out)


def trial_of(config: Config, runs: pd.DataFrame) -> Trial:
    """A candidate's trial from its runs table (every run failed: not ok)."""
    if not len(runs):
        return Trial(config, math.nan, math.nan, math.nan, ok=False)
    late = interval(runs["late_rate"])
    unfinished = interval(runs["unfinished_rate"])
    return Trial(
        config,
        cost=float(runs[COST].mean()),
        late_rate=late["mean"],
        unfinished_rate=unfinished["mean"],
        overloaded=float(runs["overloaded"].mean()),
        late_high=late["ci_high"],
        unfinished_high=unfinished["ci_high"],
    )


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

    def setting(self, config: Config | None = None) -> dict[str, float | int]:
        c = self.config if config is None else config
        if c is None:
            return {}
        return {v.key: v.value(i) for v, i in zip(self.variables, c, strict=True)}


Loader = Callable[[list[str]], Scenario]
"""Loads the scenario with `key=value` overrides (validated; a bad value raises)."""
Progress = Callable[[str], None]


class Advisor:
    """Sizes every strategy at every volume through one open pipeline."""

    def __init__(
        self,
        base: Scenario,
        settings: Settings,
        pipeline: Pipeline,
        load: Loader,
        progress: Progress | None = None,
    ) -> None:
        self.base = base
        self.s = settings
        self.pipeline = pipeline
        self.load = load
        self.progress = progress or (lambda _: None)
        self.failures: list[RunFailure] = []
        self.runs_done = 0

    # --------------------------------------------------------------------------- running
    def _overrides(self, sizing: Sizing, config: Config, screen: bool) -> list[str]:
        out = [f"{VOLUME_KEY}={sizing.volume:g}"]
        out += [f"{k}={v}" for k, v in sizing.setting(config).items()]
        if screen and self.s.screen_days is not None:
            out.append(f"horizon_days={self.s.screen_days}")
        return out

    def _run(self, jobs: Sequence[tuple[Sizing, Config, bool]]) -> list[pd.DataFrame]:
        """Run candidates (sizing, config, screening?) side by side; their runs tables."""
        plans = []
        for sizing, config, screen in jobs:
            overrides = self._overrides(sizing, config, screen)
            sc = self.load(overrides)
            reps = self.s.screen_replications if screen else self.s.replications
            plans.append(PointPlan(sc, reps, self.s.seed, (sizing.strategy,), tuple(overrides)))
        outcome = self.pipeline.run(plans)
        self.failures.extend(outcome.failures)
        self.runs_done += outcome.ran
        return [p.runs for p in outcome.points]

    def _record(self, sizing: Sizing, config: Config, stage: str, runs: pd.DataFrame) -> Trial:
        t = trial_of(config, runs)
        row: dict[str, Any] = {
            "volume": sizing.volume,
            "strategy": sizing.strategy,
            "stage": stage,
            "runs": len(runs),
            **sizing.setting(config),
        }
        for m in SHOWN:
            row[m] = float(runs[m].mean()) if len(runs) and m in runs else math.nan
        row["meets_target"] = (
            self.s.target.met(t, self.s.margin) if stage == "screen" else self.s.target.sure(t)
        )
        sizing.candidates.append(row)
        return t

    def evaluator(self, sizing: Sizing) -> Callable[[Sequence[Config]], list[Trial]]:
        """The screening evaluator of a strategy at a volume: candidates run side by side."""

        def evaluate(configs: Sequence[Config]) -> list[Trial]:
            tables = self._run([(sizing, c, True) for c in configs])
            return [
                self._record(sizing, c, "screen", r) for c, r in zip(configs, tables, strict=True)
            ]

        return evaluate

    def sizing(self, strategy: str, volume: float) -> Sizing:
        """An empty sizing of a strategy at a volume (its variables from the scenario)."""
        return Sizing(strategy, volume, decision_variables(self.base, strategy), Sized(None))

    def _screen(self, sizing: Sizing, start: Config, shares: list[Config] | None) -> Sized:
        evaluate = self.evaluator(sizing)
        return search(sizing.variables, evaluate, self.s.target, start, self.s.margin, shares)

    def _step_up(self, sizing: Sizing) -> Config | None:
        """One person more where the screening says it helps most (lowest late rate)."""
        c = sizing.config
        assert c is not None
        ups = []
        for i, v in enumerate(sizing.variables):
            if v.whole and c[i] < len(v.values) - 1:
                ups.append((*c[:i], c[i] + 1, *c[i + 1 :]))
        if not ups:
            return None
        todo = [u for u in ups if u not in sizing.screen.trials]
        if todo:
            tables = self._run([(sizing, u, True) for u in todo])
            for u, r in zip(todo, tables, strict=True):
                sizing.screen.trials[u] = self._record(sizing, u, "screen", r)
        t = sizing.screen.trials
        best = min(ups, key=lambda u: (t[u].late_rate, t[u].sort_cost, u))
        now = t[c].late_rate if c in t else math.inf
        if not t[best].late_rate < now - CLOSER * self.s.target.late_rate and not swamped(
            t[best], self.s.target
        ):
            return None  # one more person does not move the late deliveries: no use
        return best

    def _confirm(self, sizings: list[Sizing]) -> None:
        """Confirm every sized strategy of a volume side by side; step up those that miss."""
        todo = [z for z in sizings if z.config is not None]
        while todo:
            tables = self._run([(z, z.config, False) for z in todo])  # type: ignore[misc]
            again = []
            for z, runs in zip(todo, tables, strict=True):
                assert z.config is not None
                t = self._record(z, z.config, "confirm", runs)
                z.confirmed = runs
                if self.s.target.sure(t):
                    z.feasible = True
                    continue
                nxt = self._step_up(z) if z.steps_up < self.s.max_steps_up else None
                if nxt is None:
                    z.reason = _miss(t, self.s.target)
                    continue
                z.config, z.steps_up = nxt, z.steps_up + 1
                again.append(z)
            todo = again

    # --------------------------------------------------------------------------- volumes
    def run(self) -> list[Sizing]:
        """Every strategy sized at every volume, in order."""
        base_volume = float(value_at(self.base, VOLUME_KEY))
        out: list[Sizing] = []
        last: dict[str, Sizing] = {}
        for volume in self.s.volumes:
            here = []
            for strategy in self.s.strategies:
                sizing = self.sizing(strategy, volume)
                variables = sizing.variables
                prev = last.get(strategy)
                if prev is not None and prev.config is not None:
                    start = scaled(variables, prev.config, volume / prev.volume)
                else:
                    start = start_config(variables, self.base, volume / base_volume)
                if variables:
                    sizing.screen = self._screen(sizing, start, _shares(variables, prev))
                    sizing.config = sizing.screen.best
                else:  # nothing to size: the confirmation alone judges it
                    sizing.config = ()
                if sizing.config is None:
                    sizing.reason = f"cannot meet the target: {sizing.screen.reason}"
                here.append(sizing)
                done = (
                    f"{sizing.screen.evaluated} candidates screened"
                    if variables
                    else "nothing to size, confirmed as written"
                )
                miss = f"; {sizing.reason}" if sizing.config is None else ""
                self.progress(f"{volume:g} orders/day, {strategy}: {done}{miss}")
            self._confirm(here)
            for z in here:
                last[z.strategy] = z
                verdict = "meets the target" if z.feasible else f"infeasible ({z.reason})"
                self.progress(f"{volume:g} orders/day, {z.strategy}: {verdict}")
            out.extend(here)
        return out


def _shares(variables: Sequence[Variable], prev: Sizing | None) -> list[Config] | None:
    """The routing shares tried: all at the first volume, then the previous best and its
    neighbours (the best share moves little from one volume to the next)."""
    outer = [i for i, v in enumerate(variables) if not v.whole]
    if not outer or prev is None or prev.config is None:
        return None
    (i,) = outer  # one share variable (the class A share of an abc routing)
    k = prev.config[i]
    return [(j,) for j in range(max(0, k - 1), min(len(variables[i].values), k + 2))]


def _miss(t: Trial, target: Target) -> str:
    if t.overloaded > 0:
        return f"{t.overloaded:.0%} of the confirmation runs could not keep up"
    hi = t.late_rate if math.isnan(t.late_high) else t.late_high
    if hi > target.late_rate:
        return (
            f"late deliveries up to {hi:.1%} (95 % bound) above the target {target.late_rate:.1%}"
        )
    return f"unfinished orders above the target {target.unfinished_rate:.1%}"


# ------------------------------------------------------------------------------- answers
def entry(runs: pd.DataFrame | None, metric: str) -> dict[str, float]:
    return interval([] if runs is None or metric not in runs else runs[metric])


def cheapest(sizings: Sequence[Sizing], volume: float) -> dict[str, Any]:
    """The cheapest feasible strategy at a volume, with its paired interval to the runner-up."""
    ok = [z for z in sizings if z.volume == volume and z.feasible and z.confirmed is not None]
    ok.sort(key=lambda z: (float(z.confirmed[COST].mean()), z.strategy))  # type: ignore[index]
    out: dict[str, Any] = {"volume": volume, "feasible": [z.strategy for z in ok]}
    out["infeasible"] = [z.strategy for z in sizings if z.volume == volume and not z.feasible]
    if not ok:
        out.update(cheapest=None, text="no strategy meets the target")
        return out
    best = ok[0]
    out["cheapest"] = best.strategy
    out["cost_per_order_eur"] = entry(best.confirmed, COST)
    if len(ok) > 1:
        d = paired_difference(ok[1].confirmed, best.confirmed, COST)  # type: ignore[arg-type]
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
    high: float | None  # (None: beyond the volumes studied)
    between: tuple[float, float]  # the two volumes studied around it

    def text(self) -> str:
        lo = "below the volumes studied" if self.low is None else f"{_round(self.low)}"
        hi = "above the volumes studied" if self.high is None else f"{_round(self.high)}"
        return (
            f"{self.below} → {self.above} at ≈ {_round(self.volume)} orders/day "
            f"(95 %: {lo} to {hi})"
        )


def _round(v: float) -> str:
    """A volume to two significant figures (no more precision than the curves carry)."""
    if v <= 0 or not math.isfinite(v):
        return f"{v:g}"
    r = round(v, 1 - math.floor(math.log10(v)))
    return f"{r:,.0f}" if r >= 10 else f"{r:g}"


def _crossing(x: list[float], y: list[float], near: float) -> float | None:
    """The zero crossing of a piecewise-linear curve nearest `near` (None: no crossing)."""
    found = []
    for i in range(len(x) - 1):
        a, b = y[i], y[i + 1]
        if any(math.isnan(v) for v in (a, b)):
            continue
        if a == 0:
            found.append(x[i])
        if (a < 0 < b) or (b < 0 < a):
            found.append(x[i] + (x[i + 1] - x[i]) * a / (a - b))
    if len(x) and not math.isnan(y[-1]) and y[-1] == 0:
        found.append(x[-1])
    return min(found, key=lambda v: abs(v - near)) if found else None


def break_evens(sizings: Sequence[Sizing], volumes: Sequence[float]) -> list[BreakEven]:
    """Where the cheapest feasible strategy changes between two volumes studied, both
    strategies feasible at both: the paired difference's mean and bounds, as curves over the
    contiguous volumes where both are feasible, cross zero there."""
    by = {(z.strategy, z.volume): z for z in sizings}
    leaders = [cheapest(sizings, v).get("cheapest") for v in volumes]
    out = []
    for k in range(len(volumes) - 1):
        a, b = leaders[k], leaders[k + 1]
        if a is None or b is None or a == b:
            continue
        pair = volumes[k : k + 2]
        both = [by[(s, v)].feasible if (s, v) in by else False for s in (a, b) for v in pair]
        if not all(both):
            continue  # the leader changed because one could no longer keep the target
        lo_k, hi_k = k, k + 1
        while lo_k > 0 and all(by[(s, volumes[lo_k - 1])].feasible for s in (a, b)):
            lo_k -= 1
        while hi_k < len(volumes) - 1 and all(by[(s, volumes[hi_k + 1])].feasible for s in (a, b)):
            hi_k += 1
        xs = list(volumes[lo_k : hi_k + 1])
        diffs = [
            paired_difference(by[(a, v)].confirmed, by[(b, v)].confirmed, COST)  # type: ignore[arg-type]
            for v in xs
        ]
        mean = _crossing(xs, [d["mean"] for d in diffs], (volumes[k] + volumes[k + 1]) / 2)
        if mean is None:
            continue
        ends = [_crossing(xs, [d[key] for d in diffs], mean) for key in ("ci_low", "ci_high")]
        found = sorted(e for e in ends if e is not None)
        low = found[0] if found and found[0] <= mean else None
        high = found[-1] if found and found[-1] >= mean else None
        if low is not None and high is not None and low == high and len(found) == 1:
            low = low if low < mean else None
            high = high if high > mean else None
        out.append(BreakEven(a, b, mean, low, high, (volumes[k], volumes[k + 1])))
    return out


def answers(sizings: Sequence[Sizing], volumes: Sequence[float]) -> dict[str, Any]:
    """Per volume the cheapest feasible strategy, the break-evens, the hybrids' best shares."""
    per = [cheapest(sizings, v) for v in volumes]
    bes = break_evens(sizings, volumes)
    shares: dict[str, dict[str, float]] = {}
    for z in sizings:
        for k, v in z.setting().items():
            if k.endswith(".routing.a_share") and z.feasible:
                shares.setdefault(z.strategy, {})[f"{z.volume:g}"] = float(v)
    return {
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
        "hybrid_a_share": shares,
    }


def sizing_doc(z: Sizing) -> dict[str, Any]:
    """One strategy at one volume, for advice.json."""
    doc: dict[str, Any] = {
        "volume": z.volume,
        "strategy": z.strategy,
        "feasible": z.feasible,
        "setting": z.setting(),
        "set": [f"{k}={v}" for k, v in z.setting().items()],
        "candidates_screened": z.screen.evaluated,
        "steps_up": z.steps_up,
    }
    if z.reason:
        doc["reason"] = z.reason
    if z.confirmed is not None:
        doc["metrics"] = {m: entry(z.confirmed, m) for m in SHOWN}
    return doc


__all__ = [
    "Advisor",
    "BreakEven",
    "Settings",
    "Sizing",
    "answers",
    "break_evens",
    "cheapest",
    "decision_variables",
    "sizing_doc",
    "start_config",
]
