"""The space a sizing search walks: the searched key on a grid, linked keys, and conditions.

Place in the flow: `fcsim size` parses `--key/--range/--step` into an `Axis`, each `--with`
into a `Linked` key moved along with it, and `--smallest/--largest/--subject-to` into
`Condition`s; `fcsim.experiment.sizing` then walks the axis and judges the conditions on the 95 %
intervals of the evaluated points.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from fcsim.core.errors import UsageError

_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(<=|>=)\s*([-+0-9.eE]+)\s*(%?)\s*$")


MAX_GRID_POINTS = 1_000_000
"""The most grid points a search may have between LO and HI."""


@dataclass(frozen=True)
class Condition:
    """`metric<=bound` or `metric>=bound` on a strategy's 95 % interval."""

    metric: str
    op: str
    bound: float

    @classmethod
    def parse(cls, text: str, option: str) -> Condition:
        """`late_rate<=0.02` (or `late_rate<=2%`); a malformed text is a usage error."""
        m = _CONDITION.match(text)
        if not m:
            raise UsageError(f"{option} {text}: expected METRIC<=VALUE or METRIC>=VALUE")
        try:
            bound = float(m.group(3))
        except ValueError:
            raise UsageError(f"{option} {text}: {m.group(3)!r} is not a number") from None
        if m.group(4):
            bound /= 100
        return cls(m.group(1), m.group(2), bound)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.bound:g}"

    def sure(self, entry: dict[str, float]) -> bool:
        """True when the whole 95 % interval meets the condition."""
        edge = entry["ci_high"] if self.op == "<=" else entry["ci_low"]
        if edge is None or math.isnan(edge):
            edge = entry["mean"]  # a single replication: no interval
        return self._meets(edge)

    def by_mean(self, entry: dict[str, float]) -> bool:
        """True when the mean meets the condition."""
        return self._meets(entry["mean"])

    def _meets(self, value: float) -> bool:
        if value is None or math.isnan(value):
            return False
        return value <= self.bound if self.op == "<=" else value >= self.bound


@dataclass(frozen=True)
class Linked:
    """A key moved along with the searched one, linearly from `lo` (first) to `hi` (last).

    Whole numbers stay whole (rounded): e.g. packers 1 -> 9 while orders per day go 100 -> 900.
    """

    key: str
    lo: float
    hi: float

    @classmethod
    def parse(cls, text: str) -> Linked:
        """`KEY.PATH=LO:HI`."""
        key, eq, rng = text.partition("=")
        lo_s, sep, hi_s = rng.partition(":")
        try:
            lo, hi = _number(lo_s), _number(hi_s)
        except ValueError:
            lo = hi = None
        if not eq or not key.strip() or not sep or lo is None or hi is None:
            raise UsageError(f"--with {text}: expected KEY.PATH=LO:HI, e.g. ...packers=1:8")
        return cls(key.strip(), lo, hi)

    def value(self, fraction: float) -> int | float:
        """The value at `fraction` (0 to 1) of the range."""
        v = self.lo + (self.hi - self.lo) * fraction
        if isinstance(self.lo, int) and isinstance(self.hi, int):
            return math.floor(v + 0.5)
        return float(format(v, ".6g"))

    def text(self, fraction: float) -> str:
        """The value at `fraction` as `--set` text."""
        v = self.value(fraction)
        return str(v) if isinstance(v, int) else format(v, ".6g")


@dataclass(frozen=True)
class Axis:
    """The searched key on the grid lo, lo + step, ..., hi (values rounded to the step)."""

    key: str
    lo: float
    hi: float
    step: float
    linked: tuple[Linked, ...] = ()

    @classmethod
    def parse(cls, key: str, text: str, step: str | None, linked: Sequence[Linked] = ()) -> Axis:
        """`--range LO:HI` and `--step S` (default: 1 for whole numbers, else range/32)."""
        lo_s, sep, hi_s = text.partition(":")
        try:
            lo, hi = _number(lo_s), _number(hi_s)
        except ValueError:
            raise UsageError(f"--range {text}: expected LO:HI, two finite numbers") from None
        try:
            st = _number(step) if step is not None else None
        except ValueError:
            raise UsageError(f"--step {step}: expected a finite number") from None
        if not sep or not hi > lo:
            raise UsageError(f"--range {text}: expected LO:HI with LO < HI")
        if st is None:
            whole = isinstance(lo, int) and isinstance(hi, int)
            st = 1 if whole else _nice((hi - lo) / 32)
        if st <= 0:
            raise UsageError(f"--step {step}: must be positive")
        if (hi - lo) / st > MAX_GRID_POINTS:
            raise UsageError(
                f"--step {format(st, 'g')}: more than {MAX_GRID_POINTS:,} grid points in "
                f"{text}; use a larger step"
            )
        return cls(key, lo, hi, st, tuple(linked))

    @property
    def whole(self) -> bool:
        return all(isinstance(v, int) for v in (self.lo, self.hi, self.step))

    @property
    def last(self) -> int:
        """Index of the last grid point (the grid stops at or below `hi`)."""
        return max(1, math.floor((self.hi - self.lo) / self.step + 1e-9))

    def value(self, k: int) -> float | int:
        """The value of grid point `k`."""
        if self.whole:
            return int(self.lo + k * self.step)
        places = max(0, -Decimal(str(self.step)).normalize().as_tuple().exponent)
        return round(self.lo + k * self.step, places + 2)

    def text(self, k: int) -> str:
        """The value of grid point `k` as `--set` text."""
        v = self.value(k)
        return str(v) if isinstance(v, int) else format(v, ".10g")

    def overrides(self, k: int) -> list[str]:
        """The `key=value` overrides of grid point `k` (the key, then the linked keys)."""
        fraction = k / self.last
        return [f"{self.key}={self.text(k)}", *(f"{w.key}={w.text(fraction)}" for w in self.linked)]


def _number(text: str) -> int | float:
    """A finite number (ValueError otherwise: `inf` and `nan` are not grid bounds)."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _nice(x: float) -> float:
    """A round step near `x` (1, 2 or 5 times a power of ten)."""
    exp = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= x:
            return float(Decimal(m) * Decimal(10) ** exp)
    return x  # pragma: no cover
