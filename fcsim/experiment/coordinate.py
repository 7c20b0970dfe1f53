"""The coordinate search of a strategy's headcounts: reach the target, descend, polish, kick.

Place in the flow: `fcsim.experiment.staffing.search` runs it for a strategy's headcounts (and,
for a hybrid, for each routing share its walk tries: `reach` and the moves down to compare the
shares, `descend` with the polish and `kick` to refine the one it ends at). It decides which
candidates to evaluate and never simulates anything itself; the steps, who pays, and why some
moves need no run are described in `fcsim.experiment.staffing`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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


class CoordinateSearch:
    """One coordinate search over `variables`: its trials so far (`out`) and its moves."""

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
                    self.out.reason = f"every headcount is at its upper bound ({_closest(t)})"
                    return None
                (ut,) = self.trials([up])
                if self.met(up):
                    return up
                if self.target.violation(ut, self.margin) > now:
                    self.out.reason = (
                        "no change of the decision variables brings it closer (the closest: "
                        f"{_closest(t)}; every headcount one more: {_closest(ut)}); see the "
                        "late causes of `fcsim run` at the closest setting (advice.parquet)"
                    )
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
        kick's descent, which only takes people away: of the polish moves, two pools down
        together, no ups nor swaps); `polish` False: moves down only (how the share walk
        compares shares)."""
        while True:
            steps = [self.moves(c, up=False, down=True)]
            if polish and frozen is None:
                ups = self.moves(c, True, False, True)
                steps.append(ups + self.swaps(c) + self.downs_together(c))
            elif polish:  # the kick's descent only takes people away: no ups, no swaps
                steps.append(self.downs_together(c))
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


def _closest(t: Trial) -> str:
    """A screening candidate's miss in figures: late and unfinished shares, and overload."""
    out = f"{t.late_rate:.1%} late, {t.unfinished_rate:.1%} unfinished"
    return out + (", overloaded" if t.overloaded > 0 else "")


def coordinate_search(
    variables: Sequence[Variable],
    evaluate: Evaluate,
    target: Target,
    start: Config,
    margin: float,
    verdicts: Verdicts | None = None,
    infer: bool = True,
) -> Sized:
    s = CoordinateSearch(variables, evaluate, target, margin, verdicts, infer)
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
