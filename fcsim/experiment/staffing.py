"""Sizing one strategy: the cheapest setting of its decision variables that meets the target.

Place in the flow: `fcsim.experiment.advise` builds, for one strategy at one volume, the
decision variables (`Variable`: a dotted key and the values it may take, from the scenario's
`sizing` bounds) and an evaluator that runs candidate settings through the pipeline and
returns one `Trial` per candidate. `search` decides which candidates to evaluate; it never
simulates anything itself, so it is tested against brute force with made-up evaluators.

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
   then descend again with that pool held, by moves that take people away only (the extra
   person may let another pool shrink by several); a cheaper end point is kept and kicked
   again.

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

from fcsim.experiment.candidates import (
    CLOSER,
    Config,
    Evaluate,
    Sized,
    Target,
    Trial,
    Variable,
    Verdicts,
    swamped,
)
from fcsim.experiment.walks import share_walk


class _Search:
    def __init__(
        self,
        variables: Sequence[Variable],
        evaluate: Evaluate,
        target: Target,
        margin: float,
        verdicts: Verdicts | None = None,
        infer: bool = True,
    ) -> None:
        self.vars = list(variables)
        self.infer = infer
        self.evaluate = evaluate
        self.verdicts = verdicts or evaluate
        self.target = target
        self.margin = margin
        self.out = Sized(None)

    def trials(self, configs: Sequence[Config], verdict: bool = False) -> list[Trial]:
        """The trials of `configs`, evaluated where not yet; `verdict`: only whether each
        meets the target matters (a candidate that misses it may be cut short, or not run at
        all when it is inferred to miss it: `_infer`), else a trial cut short or inferred
        before is evaluated in full."""
        have = self.out.trials
        todo = [
            c for c in dict.fromkeys(configs) if c not in have or (have[c].unknown and not verdict)
        ]
        if verdict and self.infer:
            todo = [c for c in todo if not self._infer(c)]
        if todo:
            run = self.verdicts if verdict else self.evaluate
            for c, t in zip(todo, run(todo), strict=True):
                if c not in have:
                    self.out.order.append(c)
                have[c] = t
        return [have[c] for c in configs]

    def met(self, c: Config) -> bool:
        return self.target.met(self.out.trials[c], self.margin)

    def _infer(self, c: Config) -> bool:
        """Whether `c` misses the target because a candidate with at least as many people in
        every pool (and the same shares and plans) missed it: late deliveries and unfinished
        orders do not fall when pools lose people. Its trial is then `inferred`, not run."""
        have = self.out.trials
        for d, t in have.items():
            if not t.ok or self.target.met(t, self.margin):
                continue
            if all(c[i] <= d[i] if v.whole else c[i] == d[i] for i, v in enumerate(self.vars)):
                nan = math.nan
                have[c] = Trial(c, nan, nan, nan, nan, inferred=True)
                return True
        return False

    def moves(
        self, c: Config, up: bool, down: bool, merchant_up_only: bool = False
    ) -> list[Config]:
        out = []
        for i, v in enumerate(self.vars):
            if down and c[i] > 0:
                out.append((*c[:i], c[i] - 1, *c[i + 1 :]))
            if up and c[i] < len(v.values) - 1 and (v.merchant_pays or not merchant_up_only):
                out.append((*c[:i], c[i] + 1, *c[i + 1 :]))
        return out

    def swaps(self, c: Config) -> list[Config]:
        """One fewer in a pool, one more in another of the same warehouse, both merchant's."""
        out = []
        for i, v in enumerate(self.vars):
            for j, w in enumerate(self.vars):
                if i == j or v.group != w.group or not (v.merchant_pays and w.merchant_pays):
                    continue
                if c[i] > 0 and c[j] < len(w.values) - 1:
                    x = list(c)
                    x[i] -= 1
                    x[j] += 1
                    out.append(tuple(x))
        return out

    def better(self, new: Config, cur: Config) -> bool:
        """A move that still meets the target and is better for whoever decides it."""
        if not self.met(new):
            return False
        changed = [i for i in range(len(self.vars)) if new[i] != cur[i]]
        if all(not self.vars[i].merchant_pays and new[i] < cur[i] for i in changed):
            return True  # a provider needs fewer people: it staffs to the target, not the cost
        return self.out.trials[new].sort_cost < self.out.trials[cur].sort_cost

    def reach(self, c: Config) -> Config | None:
        """From `c`, the first candidate meeting the target (None: it cannot be met)."""
        (t,) = self.trials([c])
        while not self.met(c):
            moves = self.moves(c, up=True, down=False)
            moves += [m for m in self.moves(c, up=False, down=True) if self._share_move(c, m)]
            now = self.target.violation(t, self.margin)
            step: tuple[Trial, Config] | None = None
            # two pools saturated together: no single step helps, both up together do
            for batch in (moves, self.ups_together(c)):
                if not batch:
                    continue
                tried = self.trials(batch)
                meeting = [m for m in batch if self.met(m)]
                if meeting:
                    return min(meeting, key=lambda m: (self.out.trials[m].sort_cost, m))
                best = min(zip(tried, batch, strict=True), key=lambda x: self._closeness(x[0]))
                if self.target.violation(best[0], self.margin) < now - CLOSER:
                    step = best
                    break
            if step is None:
                if not t.ok:
                    self.out.reason = "every run of the candidate failed"
                    return None
                if not swamped(t, self.target):
                    # late deliveries the staff do not change: carrier transit and cutoffs,
                    # stock-outs or the supplier set a floor above the target
                    aim = self.target.late_rate * (1 - self.margin)
                    self.out.reason = (
                        f"late deliveries stay at {t.late_rate:.1%} whatever the staff, above "
                        f"{aim:.1%} (the target less the search's margin); one more person "
                        f"changes them by less than {CLOSER * aim:.2%}"
                    )
                    return None
                # a plateau (as far off whatever one step changes: every order late): every
                # headcount up together, while it gets no farther
                up = self.all_up(c)
                if up is None:
                    self.out.reason = "every headcount is at its upper bound"
                    return None
                (ut,) = self.trials([up])
                if self.met(up):
                    return up
                if self.target.violation(ut, self.margin) > now:
                    self.out.reason = "no change of the decision variables brings it closer"
                    return None
                step = (ut, up)
            t, c = step
        return c

    def all_up(self, c: Config) -> Config | None:
        """Every headcount one step up (None when none has room)."""
        room = [i for i, v in enumerate(self.vars) if c[i] < len(v.values) - 1 and v.whole]
        return tuple(c[i] + (i in room) for i in range(len(c))) if room else None

    def downs_together(self, c: Config) -> list[Config]:
        """Every pair of headcounts one step down (cost couples every pool: two may shrink
        together where neither alone is cheaper), leaving out a pair where one of the two
        alone already misses the target: with fewer people in both pools it misses it too
        (late deliveries never fall when a pool loses a person)."""
        room = [i for i, v in enumerate(self.vars) if c[i] > 0 and v.whole]
        room = [i for i in room if self._may_meet((*c[:i], c[i] - 1, *c[i + 1 :]))]
        out = []
        for a, i in enumerate(room):
            for j in room[a + 1 :]:
                x = list(c)
                x[i] -= 1
                x[j] -= 1
                out.append(tuple(x))
        return out

    def ups_together(self, c: Config) -> list[Config]:
        """Every pair of headcounts of one warehouse one step up, and all of them."""
        room = [i for i, v in enumerate(self.vars) if c[i] < len(v.values) - 1 and v.whole]
        out = []
        for a, i in enumerate(room):
            for j in room[a + 1 :]:
                if self.vars[i].group != self.vars[j].group:
                    continue  # pools of different warehouses do not saturate together
                x = list(c)
                x[i] += 1
                x[j] += 1
                out.append(tuple(x))
        if len(room) > 2:
            out.append(tuple(c[i] + (i in room) for i in range(len(c))))
        return out

    def _may_meet(self, c: Config) -> bool:
        """False when `c` was evaluated and misses the target."""
        return c not in self.out.trials or self.met(c)

    def _closeness(self, t: Trial) -> tuple[float, float]:
        return (self.target.violation(t, self.margin), t.sort_cost)

    def _share_move(self, c: Config, m: Config) -> bool:
        """A move down that is not a headcount (a routing share): it may help lateness."""
        return any(m[i] != c[i] and not v.whole for i, v in enumerate(self.vars))

    def descend(self, c: Config, frozen: int | None = None, polish: bool = True) -> Config:
        """Moves down, then polish moves, while one is better; `frozen`: a variable held (the
        kick's descent, which only takes people away: no polish move adds one); `polish`
        False: moves down only (how the share walk compares shares)."""
        while True:
            ups = (
                []
                if frozen is not None
                else self.moves(c, up=True, down=False, merchant_up_only=True)
            )
            steps = [self.moves(c, up=False, down=True)]
            if polish:
                steps.append(ups + self.swaps(c) + self.downs_together(c))
            for n, moves in enumerate(steps):
                if frozen is not None:
                    moves = [m for m in moves if m[frozen] == c[frozen]]
                self.trials(moves, verdict=True)
                better = [m for m in moves if self.better(m, c)]
                if better:
                    together = self._together(c, better) if n == 0 else None
                    c = together or min(better, key=lambda m: (self.out.trials[m].sort_cost, m))
                    break
            else:
                return c

    def _together(self, c: Config, better: list[Config]) -> Config | None:
        """When several pools may each lose a person, all of them one step down together, if
        that is better still (a start scaled up from the volume before is above the target in
        several pools: one step for all of them, not one step each); else None."""
        if len(better) < 2:
            return None
        x = list(c)
        for m in better:
            (i,) = (j for j in range(len(c)) if m[j] != c[j])
            x[i] = m[i]
        combo = tuple(x)
        self.trials([combo], verdict=True)
        return combo if self.better(combo, c) else None

    def kick(self, c: Config) -> Config:
        """From a local minimum `c`: one more person in a merchant's pool, then descend again
        with that pool held (the extra person may let another pool shrink by several); kept
        when cheaper, and repeated from there."""
        while True:
            ups = self.moves(c, up=True, down=False, merchant_up_only=True)
            self.trials(ups, verdict=True)
            lows = [
                self.descend(up, frozen=next(i for i in range(len(c)) if up[i] != c[i]))
                for up in ups
                if self.met(up)
            ]
            best = min(lows, key=lambda x: (self.out.trials[x].sort_cost, x), default=None)
            if best is None or not self.out.trials[best].sort_cost < self.out.trials[c].sort_cost:
                return c
            c = best


def _coordinate(
    variables: Sequence[Variable],
    evaluate: Evaluate,
    target: Target,
    start: Config,
    margin: float,
    verdicts: Verdicts | None = None,
    infer: bool = True,
) -> Sized:
    s = _Search(variables, evaluate, target, margin, verdicts, infer)
    if not variables:
        (t,) = s.trials([()])
        ok = target.met(t, margin)
        s.out.best = () if ok else None
        s.out.reason = "" if ok else "it misses the target and has nothing to size"
        return s.out
    c = s.reach(tuple(start))
    if c is not None:
        s.out.best = s.kick(s.descend(c))
    return s.out


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
        return _coordinate(variables, evaluate, target, tuple(start), margin, verdicts, infer)
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
    searched: dict[int, _Search] = {}
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

            sub = _Search(inner_vars, ev, target, margin, vd, infer)
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
