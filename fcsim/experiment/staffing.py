"""Sizing one strategy: the cheapest setting of its decision variables that meets the target.

Place in the flow: `fcsim.experiment.advise` builds, for one strategy at one volume, the
decision variables (`Variable`: a dotted key and the values it may take, from the scenario's
`sizing` bounds) and an evaluator that runs candidate settings through the pipeline and
returns one `Trial` per candidate. `search` decides which candidates to evaluate (the
headcounts' coordinate search is `fcsim.experiment.coordinate`, the share walk
`fcsim.experiment.walks`); it never simulates anything itself, so it is tested against brute
force with made-up evaluators.

The search is a coordinate search on the grid of the variables (each a short range of whole
numbers, or a list of shares):

1. **reach the target**: from the start, while the candidate misses the target, evaluate every
   one-step move and take the cheapest that meets it, else the one closest to meeting it;
   when no single step gets closer (two pools saturated together), every pair of headcounts
   one step up, and all of them; nothing getting closer means the target cannot be met within
   the bounds;
2. **descend**: evaluate every one-step move down (one person fewer) and take the cheapest
   that still meets the target and costs less (when several do, all of them together first,
   kept when that is better still); when none does, **polish**: one more person in
   a pool the merchant pays for, swaps within a warehouse (one fewer here, one more there) and
   two pools one step down together (not two of which one alone misses the target: late
   deliveries do not fall when pools lose people); stop when no move helps;
3. **kick**: from that local minimum, one more person in each of the merchant's pools in turn,
   then descend again with that pool held, by moves that take people away only (one pool
   down, or two together, no swaps: the extra person may let another pool shrink by
   several); a cheaper end point is kept and kicked again.

In the descent, the polish and the kick only whether a move meets the target counts, and a
move with no more people in any pool than a candidate that missed the target misses it too:
it is not run (`Trial.inferred`). This rests on the same monotony as the polish's pairs, on
the screening runs' common random numbers: one person fewer never makes deliveries earlier.

A routing share (the share of SKUs a hybrid keeps in class A) is no headcount: `search` walks
it as a 1-D problem (`share_walk`: from the start, towards the cheaper neighbour while it is
cheaper), assuming the cost of a share's best staffing has one valley along the shares. The
walk compares shares by their headcounts after steps 1 and 2's moves down; the polish and the
kick then refine the share it ends at and, when they cut its cost, every other share searched
that lost to it by less than that cut (on the default scenario they cut nothing, and the walk's
neighbours lose by several people's wages).

Who pays decides what "better" means. A variable the merchant pays for (its own warehouse's
staff, a routing share) is chosen for the lowest cost. A provider's staff (a 3PL or a
marketplace) is the provider's own choice, paid by its fees whatever the headcount: it is sized
to the fewest people that meet the target (moves down are taken whenever they still meet it),
and never raised to buy the merchant a cent.

"Cost" is the trial's `cost`: the cost per order, or minus the profit per order when
`fcsim advise --objective profit` asks for the most profitable setting.

Candidates are judged on their mean over the screening replications, with a margin below the
target (`margin`) so that the one chosen has room to pass the confirmation on the 95 % interval.
All candidates run on the same orders (common random numbers), so their differences are the
effect of the setting, not of the draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from fcsim.experiment.candidates import Config, Evaluate, Sized, Target, Trial, Variable, Verdicts
from fcsim.experiment.coordinate import CoordinateSearch, coordinate_search
from fcsim.experiment.walks import share_walk

Warm = Callable[[Config, Config, Config], Config]
"""A warm start between shares: (a share searched, the best headcounts found for it, the share
to search next) -> the headcounts to start that search from (e.g. scaled by the volume each
node gets at either share)."""


def search(
    variables: Sequence[Variable],
    evaluate: Evaluate,
    target: Target,
    start: Config,
    margin: float = 0.0,
    warm: Warm | None = None,
    verdicts: Verdicts | None = None,
    infer: bool = True,
) -> Sized:
    """The cheapest candidate meeting `target` (by the means, `margin` below it) from `start`.

    `verdicts` (default: `evaluate`) evaluates the candidates of which only the verdict counts
    (the moves of the descent, the polish and the kick: a move that misses the target is
    dropped, however far it misses); it may cut short those that certainly miss the target,
    which changes nothing the search decides. The first steps towards the target compare how
    far candidates miss it, so they use `evaluate`. `infer` (default) skips those moves that
    have no more people in any pool than a candidate that missed the target (`Trial.inferred`):
    with late deliveries that do not fall when pools lose people, that changes nothing the
    search decides either, only the candidates run.

    A variable that is not a headcount (a routing share: at most one) is searched as a 1-D
    problem along its values, each share with its headcounts sized by the coordinate search's
    steps towards the target and down: from the share in `start`, both neighbours are
    searched, and the walk moves to the cheaper one while it is cheaper, and stops when both
    neighbours of the share it stands on are dearer or cannot meet the target (`share_walk`).
    The share it stops at is polished and kicked; when that cuts its cost, so is every other
    share searched whose cost after the descent is above that share's by less than the cut
    (a cut of nothing refines no other share). Each share's headcounts start from the best
    found for the nearest share already searched, passed through `warm` (default: as they are).

    This assumes the cost of the best staffing is unimodal along the shares (one valley): true
    when more in-house saves on fees at a falling rate while the in-house staff and building
    cost more; it fails when whole people or a larger building make a step in that cost big
    enough to make a second valley, and the walk then ends in the valley nearest its start.
    """
    if len(start) != len(variables):
        raise ValueError(f"start has {len(start)} values for {len(variables)} variables")
    outer = [i for i, v in enumerate(variables) if not v.whole]
    if not outer:
        return coordinate_search(variables, evaluate, target, tuple(start), margin, verdicts, infer)
    if len(outer) > 1:
        raise ValueError(f"{len(outer)} share variables: the share search walks one")
    (k,) = outer
    inner = [i for i in range(len(variables)) if i != k]
    inner_vars = [variables[i] for i in inner]

    def full(o: int, c: Config) -> Config:
        x = list(c)
        x.insert(k, o)
        return tuple(x)

    out = Sized(None)
    searched: dict[int, CoordinateSearch] = {}
    light: dict[int, Config | None] = {}  # each share's best after the descent (None: missed)
    refined: dict[int, Config] = {}  # after the polish and the kick, where they ran
    reasons = []

    def cost_at(o: int, c: Config | None) -> float:
        return math.inf if c is None else searched[o].out.trials[c].sort_cost

    def cost(o: int) -> float:
        """The walk's cost of a share: its best staffing after the descent."""
        if o not in searched:
            found = [j for j in searched if light[j] is not None]
            seed = tuple(start[i] for i in inner)
            if found:
                near = min(found, key=lambda j: (abs(j - o), j))
                best = refined.get(near, light[near])
                assert best is not None
                seed = warm((near,), best, (o,)) if warm is not None else best

            def ev(configs: Sequence[Config], o: int = o) -> Sequence[Trial]:
                return evaluate(_noted(o, configs))

            def vd(configs: Sequence[Config], o: int = o) -> Sequence[Trial]:
                return (verdicts or evaluate)(_noted(o, configs))

            sub = CoordinateSearch(inner_vars, ev, target, margin, vd, infer)
            searched[o] = sub
            c = sub.reach(seed)
            light[o] = None if c is None else sub.descend(c, polish=False)
            if c is None:
                reasons.append(sub.out.reason)
        return cost_at(o, light[o])

    def _noted(o: int, configs: Sequence[Config]) -> list[Config]:
        fulls = [full(o, c) for c in configs]
        out.order.extend(f for f in dict.fromkeys(fulls) if f not in seen)
        seen.update(fulls)
        return fulls

    seen: set[Config] = set()

    def refine(o: int) -> None:
        c = light[o]
        assert c is not None
        refined[o] = searched[o].kick(searched[o].descend(c))

    here = share_walk(len(variables[k].values), start[k], cost)
    if here is not None:
        # the polish and the kick refine the share the walk ended at; when they cut its cost,
        # every other share searched that lost to it by less than that cut is refined too
        refine(here)
        gain = cost(here) - cost_at(here, refined[here])
        for o in sorted(searched):
            if o not in refined and light[o] is not None and cost(o) - cost(here) < gain:
                refine(o)
    for o, sub in searched.items():
        for c, t in sub.out.trials.items():
            out.trials[full(o, c)] = t
    feasible = [
        (cost_at(o, refined.get(o, c)), full(o, refined.get(o, c)))
        for o, c in light.items()
        if c is not None
    ]
    if feasible:
        out.best = min(feasible)[1]
    else:
        out.reason = reasons[0] if reasons else "no share to try"
    return out
