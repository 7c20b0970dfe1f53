"""Confirming the sized strategies of a volume, in two stages, and stepping up those that miss.

Place in the flow: `fcsim.experiment.advise.Advisor` screens every strategy of a volume, then
hands the sized settings here (`confirm`): each gets a few runs of the full horizon on the
confirmation's draws, all `replications` where they decide the answer (`contenders`), and a
setting that misses the target gets one person more (`step_up`) until it meets it or no step
helps. The functions read the advisor's settings and run through its pipeline (`Advisor._run`,
`Advisor._record`); they decide nothing about the screening.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from fcsim.experiment.advice import OBJECTIVES, Objective, Sizing
from fcsim.experiment.candidates import CLOSER, Config, Trial, miss_text, swamped
from fcsim.experiment.stats import interval

if TYPE_CHECKING:
    from fcsim.experiment.advise import Advisor


def trial_of(
    config: Config, runs: pd.DataFrame, objective: Objective = OBJECTIVES["cost"]
) -> Trial:
    """A candidate's trial from its runs table (every run failed: not ok; a run stopped as it
    certainly missed the target: cut short); its `cost` is the objective's score (cost per
    order, or minus the profit per order)."""
    if not len(runs):
        return Trial(config, math.nan, math.nan, math.nan, ok=False)
    if "cut_short_day" in runs and runs["cut_short_day"].notna().any():
        return Trial(config, math.nan, math.nan, math.nan, math.nan, cut_short=True)
    late = interval(runs["late_rate"])
    unfinished = interval(runs["unfinished_rate"])
    return Trial(
        config,
        cost=objective.score(runs),
        late_rate=late["mean"],
        unfinished_rate=unfinished["mean"],
        overloaded=float(runs["overloaded"].mean()),
        late_high=late["ci_high"],
        unfinished_high=unfinished["ci_high"],
        late_low=late["ci_low"],
        unfinished_low=unfinished["ci_low"],
    )


def step_up(advisor: Advisor, sizing: Sizing, missed: Trial, runs: pd.DataFrame) -> Config | None:
    """One person more after a confirmation that `missed` the target (its `runs`).

    Runs that could not keep up: in the pool their overload names most often ("packers
    of own busy 97%+ of the time", in `overload_reasons`), else the busiest pool of those
    runs (its utilisation over the year), whatever the screening saw (a single screening
    run may not have hit the peak that overloaded them). Late deliveries or unfinished
    orders above the target: where the screening says the miss shrinks most, when it
    shrinks at all."""
    c = sizing.config
    assert c is not None
    ups = {}
    for i, v in enumerate(sizing.variables):
        if v.whole and c[i] < len(v.values) - 1:
            ups[(*c[:i], c[i] + 1, *c[i + 1 :])] = v
    if not ups:
        return None
    if missed.overloaded > 0:
        reasons = runs.get("overload_reasons", pd.Series(dtype=object)).fillna("")

        def named(u: Config) -> int:
            pool, node = ups[u].key.rsplit(".", 1)[1], ups[u].group.rpartition(".")[2]
            return int(reasons.str.contains(f"{pool} of {node} busy", regex=False).sum())

        def busy(u: Config) -> float:
            column = f"{ups[u].key.rsplit('.', 1)[1].removesuffix('s')}_utilisation"
            value = runs[column].mean() if column in runs else math.nan
            return -1.0 if value != value else float(value)

        return max(ups, key=lambda u: (named(u), busy(u), u))
    have = sizing.screen.trials
    todo = [u for u in ups if u not in have or have[u].unknown]
    if todo:
        tables = advisor._run([(sizing, u, True) for u in todo])
        for u, r in zip(todo, tables, strict=True):
            sizing.screen.trials[u] = advisor._record(sizing, u, "screen", r)
    t, target = sizing.screen.trials, advisor.s.target
    best = min(ups, key=lambda u: (target.violation(t[u]), t[u].sort_cost, u))
    if target.violation(t[best]) < max(target.violation(missed), CLOSER) - CLOSER / 2 or (
        c in t and swamped(t[c], target)
    ):
        return best
    return None  # one more person changes neither lateness nor overload: no use


def confirm(advisor: Advisor, sizings: list[Sizing]) -> None:
    """Confirm every sized strategy of a volume, in two stages; step up those that miss the
    target: `first_stage` for each, then `second_stage` for them all.

    Each strategy's setting first gets `confirm_first` runs (at most `replications`).
    Those runs settle a strategy that is out of the running: one that surely misses the
    target (`Target.missed`: a run could not keep up, or a 95 % lower bound is above the
    target), which steps one person up (`step_up`) or is infeasible; and one that surely
    meets it (`Target.sure`) and is clearly worse, by the paired 95 % interval, than the
    runner-up of those that surely meet it. Every other strategy gets all `replications`
    runs: the best and the runner-up (the answer's paired interval and the break-even
    curves read them), and any whose verdict the first runs leave open. The ranking is
    read again after every round, so a strategy settled early is topped up when a later
    round makes it a contender."""
    for z in sizings:
        first_stage(advisor, z)
    second_stage(advisor, sizings)


def first_runs(advisor: Advisor) -> int:
    """The runs every sized setting gets first (`confirm_first`, 2 to `replications`)."""
    return min(advisor.s.replications, max(2, advisor.s.confirm_first))


def first_stage(advisor: Advisor, z: Sizing) -> None:
    """A strategy's own stage: its setting's first runs, stepped up while they surely miss
    the target (or, when they are all its runs, while they do not surely meet it). It needs
    no other strategy: each strategy runs it once its own screening ends, beside the
    screening of the others."""
    r, first, target = advisor.s.replications, first_runs(advisor), advisor.s.target
    while z.config is not None and not z.reason:
        runs = advisor._run([(z, z.config, False)], replications=[first])[0]
        z.confirmed = runs
        t = trial_of(z.config, runs, OBJECTIVES[advisor.s.objective])
        if target.sure(t) or (first < r and not target.missed(t)):
            return  # met (for now), or open: the second stage decides
        if not _stepped(advisor, z, t, runs):
            return


def _stepped(advisor: Advisor, z: Sizing, t: Trial, runs: pd.DataFrame) -> bool:
    """Record a confirmation that missed the target and step one person up: True if there
    is a step, else the strategy is infeasible at this volume (its `reason` says why; its
    config stays the last one tried, where the next volume's search starts)."""
    assert z.config is not None
    advisor._record(z, z.config, "confirm", runs)
    nxt = step_up(advisor, z, t, runs) if z.steps_up < advisor.s.max_steps_up else None
    if nxt is None:
        z.reason = miss_text(t, advisor.s.target)
        return False
    z.config, z.steps_up = nxt, z.steps_up + 1
    return True


def second_stage(advisor: Advisor, sizings: list[Sizing]) -> None:
    """After every strategy's `first_stage`: all `replications` runs for the `contenders`,
    stepping up a contender that then misses the target (its first runs again, side by side
    with the next round), until the ranking asks for nothing more; then every verdict."""
    r, first, target = advisor.s.replications, first_runs(advisor), advisor.s.target
    objective = OBJECTIVES[advisor.s.objective]
    # still in the running: sized, confirmed, and no reason given why it cannot meet the target
    live = [z for z in sizings if z.config is not None and z.confirmed is not None and not z.reason]
    trials = {z.strategy: trial_of(z.config, z.confirmed, objective) for z in live}  # type: ignore[arg-type]
    asked = {z.strategy: first for z in live}  # runs asked for its current setting
    stepping: set[int] = set()
    todo: list[tuple[Sizing, int]] = []
    while True:
        todo += [(z, r) for z in contenders(advisor, live, trials) if id(z) not in stepping]
        todo = [(z, n) for z, n in todo if id(z) in stepping or asked[z.strategy] < n]
        if not todo:
            break
        tables = advisor._run(
            [(z, z.config, False) for z, _ in todo],  # type: ignore[misc]
            replications=[n for _, n in todo],
        )
        step: list[Sizing] = []
        for (z, n), runs in zip(todo, tables, strict=True):
            assert z.config is not None
            z.confirmed, asked[z.strategy] = runs, n
            t = trials[z.strategy] = trial_of(z.config, runs, objective)
            if target.sure(t) or (n < r and not target.missed(t)):
                continue  # met (for now), or open: the ranking decides
            if _stepped(advisor, z, t, runs):
                step.append(z)
            else:
                live.remove(z)
        todo = [(z, first) for z in step]
        stepping = set(map(id, step))
    for z in live:
        assert z.config is not None and z.confirmed is not None
        t = advisor._record(z, z.config, "confirm", z.confirmed)
        z.feasible = target.sure(t)
        if not z.feasible:
            z.reason = miss_text(t, target)


def contenders(advisor: Advisor, live: list[Sizing], trials: dict[str, Trial]) -> list[Sizing]:
    """The strategies whose confirmation needs all its runs: any whose verdict is open,
    the best and the runner-up of those surely meeting the target, and any of those not
    clearly worse than the runner-up (paired 95 % interval of the objective)."""
    target, objective = advisor.s.target, OBJECTIVES[advisor.s.objective]
    met = [z for z in live if target.sure(trials[z.strategy])]
    met.sort(key=lambda z: (trials[z.strategy].sort_cost, z.strategy))
    out = [z for z in live if z not in met]
    out += met[:2]
    for z in met[2:]:
        d = objective.difference(z.confirmed, met[1].confirmed)  # type: ignore[arg-type]
        if not d["ci_low"] > 0:
            out.append(z)
    return out
