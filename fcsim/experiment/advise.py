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
from fcsim.experiment.stats import figures, interval, paired_difference
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
            out.append(Variable(f"{base}.routing.a_share", shares, True, label, headcount=False))
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
        out = [f"{VOLUME_KEY}={volume_text(sizing.volume)}"]
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
            seed = screen_seed(self.s.seed) if screen else self.s.seed
            plans.append(PointPlan(sc, reps, seed, (sizing.strategy,), tuple(overrides)))
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

    def _step_up(self, sizing: Sizing, missed: Trial, runs: pd.DataFrame) -> Config | None:
        """One person more after a confirmation that `missed` the target (its `runs`).

        Runs that could not keep up: in the busiest pool of those runs (its utilisation),
        whatever the screening saw (a single screening run may not have hit the peak that
        overloaded them). Late deliveries or unfinished orders above the target: where the
        screening says the miss shrinks most, when it shrinks at all."""
        c = sizing.config
        assert c is not None
        ups = {}
        for i, v in enumerate(sizing.variables):
            if v.whole and c[i] < len(v.values) - 1:
                ups[(*c[:i], c[i] + 1, *c[i + 1 :])] = v
        if not ups:
            return None
        if missed.overloaded > 0:

            def busy(u: Config) -> float:
                column = f"{ups[u].key.rsplit('.', 1)[1].removesuffix('s')}_utilisation"
                value = runs[column].mean() if column in runs else math.nan
                return -1.0 if value != value else float(value)

            return max(ups, key=lambda u: (busy(u), u))
        todo = [u for u in ups if u not in sizing.screen.trials]
        if todo:
            tables = self._run([(sizing, u, True) for u in todo])
            for u, r in zip(todo, tables, strict=True):
                sizing.screen.trials[u] = self._record(sizing, u, "screen", r)
        t, target = sizing.screen.trials, self.s.target
        best = min(ups, key=lambda u: (target.violation(t[u]), t[u].sort_cost, u))
        if target.violation(t[best]) < max(target.violation(missed), CLOSER) - CLOSER / 2 or (
            c in t and swamped(t[c], target)
        ):
            return best
        return None  # one more person changes neither lateness nor overload: no use

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
                up = z.steps_up < self.s.max_steps_up
                nxt = self._step_up(z, t, runs) if up else None
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
                    if sizing.config is None:  # the margin may be what it misses: try as is
                        sizing.config = _without_margin(sizing.screen, self.s.target)
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
                self.progress(f"{fmt_volume(volume)} orders/day, {strategy}: {done}{miss}")
            self._confirm(here)
            for z in here:
                last[z.strategy] = z
                verdict = "meets the target" if z.feasible else f"infeasible ({z.reason})"
                self.progress(f"{fmt_volume(volume)} orders/day, {z.strategy}: {verdict}")
            out.extend(here)
        return out


SCREEN_SEED_OFFSET = 1_000_003
"""The screening runs use the seed plus this (modulo 2^63): other draws than the confirmation's,
so that a candidate is not confirmed on the very runs it was chosen on (the same for every
strategy and candidate, so the screening keeps common random numbers)."""


def screen_seed(seed: int) -> int:
    """The seed of the screening runs."""
    return (seed + SCREEN_SEED_OFFSET) % 2**63


def volume_text(v: float) -> str:
    """A volume as a `--set` value: a whole number as such, else every digit."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _without_margin(screen: Sized, target: Target) -> Config | None:
    """The cheapest candidate screened that meets the target without the search's margin (the
    confirmation at 95 % then judges it), or None."""
    ok = [c for c, t in screen.trials.items() if target.met(t)]
    return min(ok, key=lambda c: (screen.trials[c].sort_cost, c), default=None)


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


def break_evens(sizings: Sequence[Sizing], volumes: Sequence[float]) -> list[BreakEven]:
    """Where the cheapest feasible strategy changes from A to B between two volumes studied,
    both feasible at both. The paired difference A − B (negative below, positive above) is read
    as three curves over the volumes where both are feasible and it keeps its side (up to the
    neighbouring break-evens): its mean crosses zero at the break-even; the interval runs from
    where its upper bound rises through zero (below that, A is surely cheaper) to where its
    lower bound does (above that, B is)."""
    by = {(z.strategy, z.volume): z for z in sizings}
    leaders = [cheapest(sizings, v).get("cheapest") for v in volumes]
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
            return paired_difference(by[(a, v)].confirmed, by[(b, v)].confirmed, COST)  # type: ignore[arg-type]

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


def feasibility_changes(sizings: Sequence[Sizing], volumes: Sequence[float]) -> list[str]:
    """Where the cheapest changes because the previous one stops (or starts) meeting the
    target: no break-even, and said so."""
    by = {(z.strategy, z.volume): z for z in sizings}
    leaders = [cheapest(sizings, v).get("cheapest") for v in volumes]
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
                f"the cheapest changes from {a} to {b} because {s} misses the target at "
                f"{fmt_volume(v)}: no break-even is claimed there"
            )
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
        "feasibility_changes": feasibility_changes(sizings, volumes),
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
