"""Sizing with operating plans: every plan of a node tried, each with its staff sized.

Place in the flow: `fcsim.experiment.advise` calls `search_plans` with the decision variables
of one strategy (`decision_variables`), among them, for a node with `sizing.plans`, one
categorical variable (`Variable.plan`: the index of the plan). Plans have no order, so they
are not walked: every combination of the nodes' plans is searched in turn by
`fcsim.experiment.staffing.search` (the share walk and the coordinate search of the
headcounts), and the cheapest combination meeting the target wins. Like `search`, it never
simulates anything itself: it is tested against brute force with made-up evaluators. Also
here: a node's plans as a `Variable` (`plan_variable`: each plan's `--set` overrides) and
their working hours a week (`plan_hours`), which the advisor's warm start scales staff by.

Who pays: a plan changes what the merchant pays (supervisors per shift hour, the overtime
premium, the carrier bill, a provider's per-hour fees), so the objective (cost per order, or
minus the profit per order) chooses it whatever kind the node is; a provider's headcounts
under each plan are still the fewest that meet the target (`staffing`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

from fcsim.core.timeofday import MIN_PER_DAY, minutes_of
from fcsim.experiment.candidates import (
    Choice,
    Config,
    Evaluate,
    Sized,
    Target,
    Trial,
    Variable,
    Verdicts,
)
from fcsim.experiment.staffing import Warm, search
from fcsim.scenario.schema.nodes import HybridStrategy, Shift, WarehouseNode
from fcsim.scenario.schema.scenario import Scenario


def search_plans(
    variables: Sequence[Variable],
    evaluate: Evaluate,
    target: Target,
    start: Config,
    margin: float = 0.0,
    warm: Warm | None = None,
    verdicts: Verdicts | None = None,
) -> Sized:
    """The cheapest candidate meeting `target` from `start`, every plan combination tried.

    Without plan variables this is `staffing.search`. With them, every combination of the
    plans is searched in turn (the one in `start` first, then in order), its share and
    headcounts sized by `search`; the cheapest best of all combinations is the answer (ties:
    the lowest indices). Each combination's headcounts start from the best found for the
    combination searched before it (the last one with a best), passed through `warm` with the
    values of every non-headcount variable (plans and share, in the variables' order) of
    either; a share starts at that best's share. `warm` also serves `search`'s share walk,
    given the plans of the combination being searched; `verdicts` is `search`'s. The
    candidates multiply: one search per combination.
    """
    if len(start) != len(variables):
        raise ValueError(f"start has {len(start)} values for {len(variables)} variables")
    outer = [i for i, v in enumerate(variables) if not v.whole]
    plans = [i for i in outer if variables[i].plan]
    if not plans:
        return search(variables, evaluate, target, tuple(start), margin, warm, verdicts)
    rest = [i for i in range(len(variables)) if i not in plans]
    rest_vars = [variables[i] for i in rest]
    first = tuple(start[i] for i in plans)
    combos = sorted(
        itertools.product(*(range(len(variables[i].values)) for i in plans)),
        key=lambda p: p != first,  # stable: the start's plans first, then in order
    )

    def full(p: Config, c: Config) -> Config:
        x = [0] * len(variables)
        for i, v in zip(plans, p, strict=True):
            x[i] = v
        for i, v in zip(rest, c, strict=True):
            x[i] = v
        return tuple(x)

    def outer_of(x: Config) -> Config:
        return tuple(x[i] for i in outer)

    out = Sized(None)
    reasons: list[str] = []
    prev: Config | None = None  # the best (all variables) of the last combination with one
    for p in combos:
        seed = tuple(start[i] for i in rest)
        if prev is not None:
            seed = tuple(prev[i] for i in rest)
            if warm is not None:
                staff = tuple(prev[i] for i, v in enumerate(variables) if v.whole)
                moved = iter(warm(outer_of(prev), staff, outer_of(full(p, seed))))
                seed = tuple(next(moved) if variables[i].whole else prev[i] for i in rest)

        def ev(configs: Sequence[Config], p: Config = p) -> Sequence[Trial]:
            return evaluate([full(p, c) for c in configs])

        def vd(configs: Sequence[Config], p: Config = p) -> Sequence[Trial]:
            return (verdicts or evaluate)([full(p, c) for c in configs])

        within = _within(warm, p, plans, outer)
        sub = search(rest_vars, ev, target, seed, margin, within, vd)
        for c in sub.order:
            out.trials[full(p, c)] = sub.trials[c]
            out.order.append(full(p, c))
        if sub.best is None:
            reasons.append(sub.reason)
            continue
        prev = best = full(p, sub.best)
        if out.best is None or (out.trials[best].sort_cost, best) < (
            out.trials[out.best].sort_cost,
            out.best,
        ):
            out.best = best
    if out.best is None:
        out.reason = reasons[0] if reasons else "no plan to try"
    return out


def _within(warm: Warm | None, p: Config, plans: list[int], outer: list[int]) -> Warm | None:
    """`warm` as `search`'s share walk calls it (share values only), under the plans `p`."""
    if warm is None:
        return None
    at = dict(zip(plans, p, strict=True))
    shares = [i for i in outer if i not in at]

    def within(old: Config, staff: Config, new: Config) -> Config:
        a = {**at, **dict(zip(shares, old, strict=True))}
        b = {**at, **dict(zip(shares, new, strict=True))}
        return warm(tuple(a[i] for i in outer), staff, tuple(b[i] for i in outer))

    return within


def plan_variable(where: str, node: WarehouseNode, label: str) -> Variable:
    """A node's operating plans as a categorical variable (key `WHERE.plan`, the plan's index):
    each plan's overrides set its keys as YAML flow values (JSON)."""
    choices = tuple(
        Choice(p.name, tuple((f"{where}.{k}", json.dumps(v)) for k, v in p.sets().items()))
        for p in node.sizing.plans
    )
    values = tuple(float(i) for i in range(len(choices)))
    return Variable(f"{where}.plan", values, True, label, headcount=False, plans=choices)


def hours_per_week(shifts: Sequence[Shift]) -> float:
    """Working hours a week of a node's shifts (breaks left out), per person."""
    total = 0
    for sh in shifts:
        s, e = minutes_of(sh.start), minutes_of(sh.end)
        span = e - s + (MIN_PER_DAY if e <= s else 0)
        for b in sh.breaks:
            bs, be = minutes_of(b.start), minutes_of(b.end)
            span -= be - bs + (MIN_PER_DAY if be <= bs else 0)
        total += span * len(sh.days)
    return total / 60


def plan_hours(scenario: Scenario, v: Variable) -> list[float]:
    """Working hours a week per person under each plan of the node of plan variable `v`."""
    parts = v.group.split(".")  # strategies.S or strategies.S.nodes.N
    st = scenario.strategies[parts[1]]
    node = st.nodes[parts[3]] if isinstance(st, HybridStrategy) else st
    assert isinstance(node, WarehouseNode)
    return [
        hours_per_week(p.shifts if p.shifts is not None else node.shifts) for p in node.sizing.plans
    ]


__all__ = ["hours_per_week", "plan_hours", "plan_variable", "search_plans"]
