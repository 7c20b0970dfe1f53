"""The outsourcing answer: every strategy sized to the same target, volume by volume.

Place in the flow: `fcsim advise` (`fcsim.commands.advise`) loads the scenario and hands an
`Advisor` its settings, an open pipeline (`fcsim.experiment.pipeline`) and a loader of the
scenario with overrides. For each volume (orders a day, `demand.orders_per_day`) and each
strategy, the advisor

1. **screens**: sizes the strategy's decision variables (`decision_variables`: the headcounts
   of its warehouses within their `sizing` bounds, and for a hybrid with an `abc` routing the
   share of SKUs in class A, walked share by share, and the operating plan of each node that
   lists `sizing.plans`, every plan tried: `fcsim.experiment.plan_search`) with the
   coordinate search of `fcsim.experiment.staffing`, on `screen_replications` runs per
   candidate (the full horizon by default: a short window would miss the peak months), judged
   by the mean with a margin below the target;
2. **confirms** (`fcsim.experiment.confirmation`): runs the chosen setting on the full
   horizon, `confirm_first` runs first and all `replications` only where they decide the
   answer, and keeps it when the 95 % upper bounds meet the target and no run was overloaded;
   otherwise steps one person up (in the pool an overload names, else where the screening
   says it helps most), up to `max_steps_up` times; a strategy still missing the target is
   **infeasible** at that volume, never compared.

With more than one worker the strategies are sized side by side (`fcsim.experiment.chains`:
one thread per strategy going through the volumes, sharing the pipeline's pool; a volume's
second confirmation stage once every strategy is through its first), which changes no answer:
each search starts where it would one volume after the other and decides from its own trials.
Every candidate of a volume runs on the same orders (common random numbers), and so do the
strategies' confirmations, so their differences are paired replication by replication. The
answers (cheapest feasible strategy per volume, break-even volumes) are in
`fcsim.experiment.advice`, with the `Sizing` records the advisor fills. With the profit
objective (`Settings.objective`), "cheapest" reads "most profitable": the search minimises
minus the profit per order (`Objective.score`), and so do the answers.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from fcsim.experiment import confirmation
from fcsim.experiment.advice import OBJECTIVES, SHOWN, Sizing, fmt_volume
from fcsim.experiment.candidates import (
    Config,
    Sized,
    Target,
    Trial,
    Variable,
    without_margin,
)
from fcsim.experiment.chains import Chains, Stopped
from fcsim.experiment.confirmation import trial_of
from fcsim.experiment.pipeline import Pipeline, PointPlan
from fcsim.experiment.plan_search import plan_hours, search_plans
from fcsim.experiment.runs import RunFailure
from fcsim.experiment.staffing import Warm
from fcsim.experiment.variables import dated_schedules, decision_variables, scaled, start_config
from fcsim.experiment.volume_axis import VolumeAxis, volume_axis, volume_text
from fcsim.model.catalogue import build_catalogue
from fcsim.model.cut_short import CutShort
from fcsim.scenario.schema.scenario import (
    HybridStrategy,
    Scenario,
)

VOLUME_KEY = "demand.orders_per_day"


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
    # runs every sized strategy gets first; all `replications` only where they matter
    confirm_first: int = 3
    objective: str = "cost"  # what the search minimises: cost, or maximises: profit per order


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
        self._popularity: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._halt: threading.Event | None = None  # set: the side-by-side sizing stops

    @cached_property
    def axis(self) -> VolumeAxis:
        """Which scenario key a volume sets (`demand.orders_per_day`, or a history's growth)."""
        return volume_axis(self.base)

    # --------------------------------------------------------------------------- running
    def _overrides(self, sizing: Sizing, config: Config, screen: bool) -> list[str]:
        out = [self.axis.override(sizing.volume)]
        out += [f"{k}={v}" for k, v in sizing.overrides(config).items()]
        if screen and self.s.screen_days is not None:
            out.append(f"horizon_days={self.s.screen_days}")
        return out

    def _run(
        self,
        jobs: Sequence[tuple[Sizing, Config, bool]],
        verdict: bool = False,
        replications: Sequence[int] | None = None,
    ) -> list[pd.DataFrame]:
        """Run candidates (sizing, config, screening?) side by side; their runs tables.
        `verdict`: only whether each meets the target counts, so screening runs stop once
        they certainly miss it (`cut_short`); `replications`: each job's runs (default: the
        screening's or the confirmation's; the first runs of a job asked again with more
        come from the run store)."""
        if self._halt is not None and self._halt.is_set():
            raise Stopped  # sized side by side, and another thread failed: no more runs
        plans = []
        for k, (sizing, config, screen) in enumerate(jobs):
            overrides = self._overrides(sizing, config, screen)
            sc = self.load(overrides)
            reps = self.s.screen_replications if screen else self.s.replications
            if replications is not None:
                reps = replications[k]
            seed = screen_seed(self.s.seed) if screen else self.s.seed
            cut = self.cut_short if screen and verdict else None
            plans.append(
                PointPlan(sc, reps, seed, (sizing.strategy,), tuple(overrides), cut_short=cut)
            )
        outcome = self.pipeline.run(plans)
        with self._lock:  # strategies may be screened in threads side by side
            self.failures.extend(outcome.failures)
            self.runs_done += outcome.ran
        return [p.runs for p in outcome.points]

    def _record(self, sizing: Sizing, config: Config, stage: str, runs: pd.DataFrame) -> Trial:
        t = trial_of(config, runs, OBJECTIVES[self.s.objective])
        row: dict[str, Any] = {
            "volume": sizing.volume,
            "strategy": sizing.strategy,
            "stage": stage,
            "runs": len(runs),
            **sizing.setting(config),
        }
        for m in SHOWN:
            row[m] = float(runs[m].mean()) if len(runs) and m in runs else math.nan
        cut = runs.get("cut_short_day")
        row["cut_short_day"] = math.nan if cut is None else float(cut.max())
        row["meets_target"] = (
            self.s.target.met(t, self.s.margin) if stage == "screen" else self.s.target.sure(t)
        )
        sizing.candidates.append(row)
        return t

    @cached_property
    def cut_short(self) -> CutShort | None:
        """The rule that stops a screening run once the mean over the screening runs certainly
        misses the target (without the search's margin): one run above k times the target's
        shares, k runs a candidate; None when those shares reach 100 % (never stopped)."""
        k, t = self.s.screen_replications, self.s.target
        late, unfinished = k * t.late_rate, k * t.unfinished_rate
        return CutShort(late, unfinished) if late < 1 and unfinished < 1 else None

    def evaluator(
        self, sizing: Sizing, verdict: bool = False
    ) -> Callable[[Sequence[Config]], list[Trial]]:
        """The screening evaluator of a strategy at a volume: candidates run side by side;
        `verdict`: a candidate certainly missing the target may be cut short."""

        def evaluate(configs: Sequence[Config]) -> list[Trial]:
            tables = self._run([(sizing, c, True) for c in configs], verdict)
            return [
                self._record(sizing, c, "screen", r) for c, r in zip(configs, tables, strict=True)
            ]

        return evaluate

    def sizing(self, strategy: str, volume: float) -> Sizing:
        """An empty sizing of a strategy at a volume (its variables from the scenario)."""
        variables = decision_variables(self.base, strategy)
        schedules = dated_schedules(self.base, strategy)
        return Sizing(strategy, volume, variables, Sized(None), schedules=schedules)

    def _screen(self, sizing: Sizing, start: Config) -> Sized:
        evaluate, verdicts = self.evaluator(sizing), self.evaluator(sizing, verdict=True)
        warm = self._warm(sizing)
        target, margin = self.s.target, self.s.margin
        return search_plans(sizing.variables, evaluate, target, start, margin, warm, verdicts)

    def _warm(self, sizing: Sizing) -> Warm | None:
        """The warm start from one value of the outer variables to another (`Warm`): each
        node's headcounts scaled, to the nearest, by the share of order lines it gets at the
        new class A share over the old (a hybrid; the lines of each class read from the
        catalogue's popularity) and by its working hours a week under the old plan over the
        new (fewer hours, more people)."""
        outer = [v for v in sizing.variables if not v.whole]
        if not outer:
            return None
        share = next((j for j, v in enumerate(outer) if v.share), None)
        lines = self.lines_of(sizing.strategy) if share is not None else None
        hours = {v.group: plan_hours(self.base, v) for v in outer if v.plan}
        plan_at = {v.group: j for j, v in enumerate(outer) if v.plan}
        inner = [v for v in sizing.variables if v.whole]

        def warm(old: Config, staff: Config, new: Config) -> Config:
            if lines is not None and share is not None:
                values = outer[share].values
                a, b = lines(values[old[share]]), lines(values[new[share]])
            else:
                a = b = {}
            out = []
            for v, i in zip(inner, staff, strict=True):
                node = v.group.rpartition(".")[2]
                ratio = b.get(node, 0.0) / a[node] if a.get(node, 0.0) > 0 else 1.0
                j = plan_at.get(v.group)
                if j is not None:
                    h = hours[v.group]
                    ratio *= h[old[j]] / h[new[j]] if h[new[j]] > 0 else 1.0
                out.append(v.index_of(v.values[i] * ratio) if ratio > 0 else i)
            return tuple(out)

        return warm

    def lines_of(self, strategy: str) -> Callable[[float], dict[str, float]]:
        """For a hybrid with an `abc` routing: the share of order lines each node gets at a
        class A share (line by line, before any fallback)."""
        if strategy not in self._popularity:
            sc = self.base
            cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
            self._popularity[strategy] = np.concatenate(([0.0], np.cumsum(cat.popularity)))
        cum = self._popularity[strategy]
        st = self.base.strategies[strategy]
        assert isinstance(st, HybridStrategy)
        routing, n = st.routing, len(cum) - 1

        def lines(a_share: float) -> dict[str, float]:
            a_end, b_end = round(a_share * n), round((a_share + routing.b_share) * n)
            ends = {"A": (0, a_end), "B": (a_end, b_end), "C": (b_end, n)}
            out: dict[str, float] = {}
            for cls, (lo, hi) in ends.items():
                node = routing.assign[cls]
                out[node] = out.get(node, 0.0) + float(cum[min(hi, n)] - cum[min(lo, n)])
            return out

        return lines

    def _step_up(self, sizing: Sizing, missed: Trial, runs: pd.DataFrame) -> Config | None:
        """One person more after a confirmation that missed (`confirmation.step_up`)."""
        return confirmation.step_up(self, sizing, missed, runs)

    def _confirm(self, sizings: list[Sizing]) -> None:
        """Confirm a volume's sized strategies (`confirmation.confirm`)."""
        confirmation.confirm(self, sizings)

    # --------------------------------------------------------------------------- volumes
    def _start(
        self, variables: list[Variable], volume: float, prev: Sizing | None, kept: Config | None
    ) -> Config:
        """Where a search at `volume` starts: `kept`, the setting at the volume before
        (`prev`), scaled to this one; else the scenario's own (`start_config`)."""
        if prev is not None and kept is not None:
            return scaled(variables, kept, volume / prev.volume)
        return start_config(variables, self.base, volume / self.axis.base)

    def _size(
        self, strategy: str, volume: float, prev: Sizing | None, kept: Config | None = None
    ) -> Sizing:
        """One strategy screened at one volume, from its sizing at the volume before (from
        `kept`, its setting there, when given)."""
        sizing = self.sizing(strategy, volume)
        variables = sizing.variables
        start = self._start(variables, volume, prev, prev.config if kept is None and prev else kept)
        if variables:
            sizing.screen = self._screen(sizing, start)
            sizing.config = sizing.screen.best
            if sizing.config is None:  # the margin may be what it misses: try as is
                sizing.config = without_margin(sizing.screen, self.s.target)
        else:  # nothing to size: the confirmation alone judges it
            sizing.config = ()
        if sizing.config is None:
            sizing.reason = f"cannot meet the target: {sizing.screen.reason}"
        done = (
            f"{sizing.screen.evaluated} candidate{'' if sizing.screen.evaluated == 1 else 's'} "
            "screened"
            if variables
            else "nothing to size, confirmed as written"
        )
        miss = f"; {sizing.reason}" if sizing.config is None else ""
        self.progress(f"{fmt_volume(volume)} orders/day, {strategy}: {done}{miss}")
        return sizing

    def _said(self, here: list[Sizing]) -> None:
        for z in here:
            verdict = "meets the target" if z.feasible else f"infeasible ({z.reason})"
            self.progress(f"{fmt_volume(z.volume)} orders/day, {z.strategy}: {verdict}")

    def run(self) -> list[Sizing]:
        """Every strategy sized at every volume; in volume order, then the strategies'."""
        names = self.s.strategies
        if self.pipeline.workers <= 1 or len(names) < 2:
            out: list[Sizing] = []
            last: dict[str, Sizing] = {}
            for volume in self.s.volumes:
                here = [self._size(s, volume, last.get(s)) for s in names]
                self._confirm(here)
                self._said(here)
                last.update((z.strategy, z) for z in here)
                out.extend(here)
            return out
        return Chains(self).run()


SCREEN_SEED_OFFSET = 1_000_003
"""The screening runs use the seed plus this (modulo 2^63): other draws than the confirmation's,
so that a candidate is not confirmed on the very runs it was chosen on (the same for every
strategy and candidate, so the screening keeps common random numbers)."""


def screen_seed(seed: int) -> int:
    """The seed of the screening runs."""
    return (seed + SCREEN_SEED_OFFSET) % 2**63


__all__ = [
    "VOLUME_KEY",
    "Advisor",
    "Settings",
    "decision_variables",
    "screen_seed",
    "start_config",
    "volume_text",
]
