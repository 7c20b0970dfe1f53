"""The records of a sizing search: decision variables, the service target, evaluated candidates.

Place in the flow: `fcsim.experiment.advise` builds `Variable`s from the scenario's `sizing`
bounds and a `Target` from its service target; its evaluator returns one `Trial` per candidate
(means and 95 % upper bounds over the screening runs); `fcsim.experiment.staffing.search`
walks the candidates and returns a `Sized`; a `Schedule` scales a node's dated headcount
changes with the headcounts of a setting. Plain frozen records and the rules that judge a
trial against the target: no search and no simulation here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

Config = tuple[int, ...]
"""A candidate: the index of each variable's value, in the order of the variables."""

CLOSER = 0.02
"""A step gets closer to the target when it cuts the miss by this share of the target at least
(0.1 point of late deliveries for a 5 % target): smaller gains are noise, or a floor."""
SWAMPED_LATE = 0.5
"""Half the orders late or more: the staff cannot keep up (a plateau where one more person
changes nothing yet), unlike a floor set by carriers."""


def swamped(t: Trial, target: Target) -> bool:
    """Whether a candidate is capacity-bound: overloaded, unfinished orders, or most late."""
    return (
        t.overloaded > 0
        or t.unfinished_rate > target.unfinished_rate
        or (t.late_rate >= SWAMPED_LATE)
    )


@dataclass(frozen=True)
class Choice:
    """One operating plan of a node: its name and the overrides it sets (KEY, VALUE text)."""

    name: str
    sets: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Schedule:
    """A sized node's dated headcount changes (`staffing`: seasonal staff, hiring ahead of
    growth), scaled with the headcounts the search sets: each change's headcount times the
    sized headcount over the written one, to the nearest (a half up; at least one person
    where the change has one or more). The schedule keeps its shape and dates: a team sized
    twice as large has twice the temporary staff at the peak."""

    where: str  # the node's key, e.g. strategies.own_warehouse
    written: tuple[tuple[str, int], ...]  # the node's written headcount of each pool
    changes: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (date, ((pool, n), ...))

    def staffing(self, sized: dict[str, float]) -> list[dict[str, object]]:
        """The node's `staffing` list for the headcounts `sized` (pool -> headcount; a pool
        not in it stays as written)."""
        written = dict(self.written)
        out: list[dict[str, object]] = []
        for day, pools in self.changes:
            change: dict[str, object] = {"from_date": day}
            for pool, n in pools:
                # exactly (a float ratio puts some halves just below: 11 x 15/22 gave 7)
                scaled = Fraction(n) * Fraction(sized.get(pool, written[pool])) / written[pool]
                change[pool] = max(min(n, 1), math.floor(scaled + Fraction(1, 2)))
            out.append(change)
        return out

    def scaled(self, overrides: dict[str, str]) -> list[dict[str, object]]:
        """The node's `staffing` for a setting's `--set` overrides (KEY -> VALUE text, the
        node's headcounts among them)."""
        sized = {
            pool: float(overrides[f"{self.where}.{pool}"])
            for pool, _ in self.written
            if f"{self.where}.{pool}" in overrides
        }
        return self.staffing(sized)

    def sets(self, overrides: dict[str, str]) -> dict[str, str]:
        """The `--set` override of the node's `staffing` for a setting's overrides."""
        # YAML flow text: a date unquoted, as the scenario writes it
        changes = (", ".join(f"{k}: {v}" for k, v in c.items()) for c in self.scaled(overrides))
        return {f"{self.where}.staffing": "[" + ", ".join(f"{{{c}}}" for c in changes) + "]"}


@dataclass(frozen=True)
class Variable:
    """A decision variable: a dotted scenario key and the values it may take (ascending)."""

    key: str
    values: tuple[float, ...]
    merchant_pays: bool = True  # False: a provider's staff, sized to the fewest meeting the target
    label: str = ""
    headcount: bool = True  # False: a share (of SKUs in-house), walked by `share_walk`
    plans: tuple[Choice, ...] = ()  # a node's operating plans: a categorical variable
    # the largest value the scenario allows (a share: what class B leaves), None: no such limit
    limit: float | None = None

    @property
    def plan(self) -> bool:
        """Whether the variable chooses between operating plans (no order: each is tried)."""
        return bool(self.plans)

    @property
    def share(self) -> bool:
        """Whether the variable is a share (walked along its ordered values)."""
        return not self.headcount and not self.plans

    def shown(self, i: int) -> float | int | str:
        """The value of index `i` as a setting shows it (a plan: its name)."""
        return self.plans[i].name if self.plans else self.value(i)

    def sets(self, i: int) -> dict[str, str]:
        """The `--set` overrides of index `i`: KEY -> VALUE text (a plan: every key it sets)."""
        if self.plans:
            return dict(self.plans[i].sets)
        return {self.key: str(self.value(i))}

    def value(self, i: int) -> float | int:
        """The value of index `i` (a whole number when it is one)."""
        v = self.values[i]
        return int(v) if float(v).is_integer() and self.whole else v

    @property
    def group(self) -> str:
        """The node a variable belongs to (its key less the last part)."""
        return self.key.rpartition(".")[0]

    @property
    def whole(self) -> bool:
        """Whether the variable is a headcount (whole numbers, one step at a time)."""
        return self.headcount

    def index_of(self, value: float) -> int:
        """The index of the value nearest `value` (a larger one on a tie)."""
        return min(range(len(self.values)), key=lambda i: (abs(self.values[i] - value), -i))


def staff_range(key: str, lo: int, hi: int, merchant_pays: bool, label: str = "") -> Variable:
    """A headcount from `lo` to `hi`."""
    return Variable(key, tuple(float(v) for v in range(lo, hi + 1)), merchant_pays, label)


@dataclass(frozen=True)
class Target:
    """The service target: most late deliveries and unfinished orders (shares)."""

    late_rate: float
    unfinished_rate: float

    def violation(self, t: Trial, margin: float = 0.0) -> float:
        """How far a trial's means miss the target (0 when met), in shares of the target; a
        trial cut short or inferred (`Trial.unknown`) misses it by an unknown amount: infinity."""
        if t.unknown:
            return math.inf
        k = 1.0 - margin
        late = _excess(t.late_rate, self.late_rate * k)
        unfinished = _excess(t.unfinished_rate, self.unfinished_rate * k)
        return late + unfinished + t.overloaded

    def met(self, t: Trial, margin: float = 0.0) -> bool:
        """Whether the trial's means meet the target, `margin` below it."""
        return t.ok and self.violation(t, margin) == 0.0

    def missed(self, t: Trial) -> bool:
        """Whether more runs cannot make the trial `sure`: every run failed, a run could not
        keep up (it stays among the runs), or a 95 % lower bound is above the target (the
        miss is significant)."""
        if not t.ok or t.unknown or t.overloaded > 0:
            return True
        return _lower(t.late_rate, t.late_low) > self.late_rate or (
            _lower(t.unfinished_rate, t.unfinished_low) > self.unfinished_rate
        )

    def sure(self, t: Trial) -> bool:
        """Whether the 95 % upper bounds meet the target and no run could not keep up."""
        if not t.ok or t.unknown or t.overloaded > 0:
            return False
        return _upper(t.late_rate, t.late_high) <= self.late_rate and (
            _upper(t.unfinished_rate, t.unfinished_high) <= self.unfinished_rate
        )


def _excess(value: float, bound: float) -> float:
    if math.isnan(value):
        return math.inf
    scale = bound if bound > 0 else 1.0
    return max(value - bound, 0.0) / scale


def _upper(mean: float, high: float) -> float:
    return mean if math.isnan(high) else high


def _lower(mean: float, low: float) -> float:
    return -math.inf if math.isnan(low) else low


@dataclass(frozen=True)
class Trial:
    """A candidate evaluated: means (and 95 % upper bounds) over its replications."""

    config: Config
    cost: float  # cost per order, EUR (mean)
    late_rate: float
    unfinished_rate: float
    overloaded: float = 0.0  # share of runs that could not keep up
    late_high: float = math.nan  # 95 % upper bounds (nan with one replication)
    unfinished_high: float = math.nan
    ok: bool = True  # False: every run failed
    # its runs stopped as soon as they certainly missed the target (without margin): it
    # misses it, by how much is unknown (its means are NaN); `Evaluate` with `verdict=True`
    cut_short: bool = False
    # not run: it has no more people in any pool than a candidate that missed the target (the
    # same shares and plans), so it misses it too (`fcsim.experiment.staffing`)
    inferred: bool = False
    late_low: float = math.nan  # 95 % lower bounds (nan with one replication)
    unfinished_low: float = math.nan

    @property
    def unknown(self) -> bool:
        """Whether it misses the target by an amount not known (cut short, or inferred)."""
        return self.cut_short or self.inferred

    @property
    def sort_cost(self) -> float:
        return self.cost if self.ok and not math.isnan(self.cost) else math.inf


Evaluate = Callable[[Sequence[Config]], Sequence[Trial]]
"""Evaluates candidates (all at once, so they run side by side), one trial each, in order."""

Verdicts = Callable[[Sequence[Config]], Sequence[Trial]]
"""Like `Evaluate`, for a search that needs only whether each candidate meets the target: a
candidate that certainly misses it may come back cut short (`Trial.cut_short`), its runs stopped
early; every other trial is the one `Evaluate` would return."""


@dataclass
class Sized:
    """The outcome of a search: the chosen candidate (None: the target cannot be met)."""

    best: Config | None
    trials: dict[Config, Trial] = field(default_factory=dict)  # every candidate evaluated
    order: list[Config] = field(default_factory=list)  # in the order evaluated
    reason: str = ""  # why there is no best

    @property
    def evaluated(self) -> int:
        """The candidates run (not those inferred to miss the target)."""
        return sum(not t.inferred for t in self.trials.values())


def without_margin(screen: Sized, target: Target) -> Config | None:
    """The cheapest candidate screened that meets the target without the search's margin (the
    confirmation at 95 % then judges it), or None."""
    ok = [c for c, t in screen.trials.items() if target.met(t)]
    return min(ok, key=lambda c: (screen.trials[c].sort_cost, c), default=None)


def miss_text(t: Trial, target: Target) -> str:
    """Why a confirmed candidate misses the target, in words."""
    if t.overloaded > 0:
        return f"{t.overloaded:.0%} of the confirmation runs could not keep up"
    hi = t.late_rate if math.isnan(t.late_high) else t.late_high
    if hi > target.late_rate:
        return (
            f"late deliveries up to {hi:.1%} (95 % bound) above the target {target.late_rate:.1%}"
        )
    return f"unfinished orders above the target {target.unfinished_rate:.1%}"
