"""Which metrics are shown to people, in which unit, with how many digits.

Place in the flow: shared by the terminal table (`report/terminal.py`), the HTML report and the
workbook. What a metric is (label, unit, kind, better direction, the headline and detail
selections) comes from the registry, `fcsim.core.metrics`; how a value is written for people is
here. Result files keep the registry's units; people read lead times in days (`SHOWN_UNITS`) and
shares in percent, every label carries its unit ("Order → delivery, mean (days)"), and a value
with an interval is written with as many digits as the interval can carry: the half-width
rounded to two significant digits and the mean to the same decimal place
(`14,000 ± 12,000`, `13.75 ± 0.68`), with thousands separators.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fcsim.core import metrics as registry
from fcsim.experiment.records import SummaryEntry

SHOWN_UNITS: dict[str, tuple[str, float]] = {
    "eur": ("EUR", 1.0),
    "hours": ("days", 1 / 24),
    "rate": ("%", 100.0),
}
"""Kind -> (unit people read, factor from the registry's unit): hours are shown in days."""

DECIMALS = {"eur": 2, "hours": 1, "rate": 1, "count": 0, "number": 1}
"""Decimals of a value shown without an interval, by kind (in the shown unit)."""
EXTRA_DECIMALS = 2
"""An interval may ask for at most this many decimals more than `DECIMALS` (tiny half-widths)."""


@dataclass(frozen=True)
class Shown:
    """A metric as a table or a figure shows it: key, label (with its unit), kind, direction."""

    key: str
    label: str
    kind: str  # the registered kind: "eur", "hours", "rate", "count", "number"
    lower_is_better: bool | None = True
    unit: str = ""  # the unit people read: "EUR", "days", "%", "orders", ...

    @property
    def factor(self) -> float:
        """From the value in the result files to the value shown (hours to days, share to %)."""
        return scale(self.kind)

    def value(self, v: float | None) -> float | None:
        """`v` (as in the result files) in the unit shown."""
        return None if v is None else v * self.factor


def scale(kind: str) -> float:
    """The factor from a value of `kind` in the result files to the value people read."""
    return SHOWN_UNITS.get(kind, ("", 1.0))[1]


def shown_unit(m: registry.Metric) -> str:
    """The unit people read for registered metric `m`."""
    return SHOWN_UNITS[m.kind][0] if m.kind in SHOWN_UNITS else m.unit


def shown_label(m: registry.Metric) -> str:
    """The registered label with the unit people read: "(h)" becomes "(days)", shares get "(%)".

    A count or number whose label names what it counts ("Lost parcels") keeps its label.
    """
    unit = shown_unit(m)
    base = m.label.removesuffix(f" ({m.unit})") if m.unit else m.label
    if not unit or (base == m.label and m.kind not in SHOWN_UNITS):
        return base
    if base.endswith(")"):  # "Fill rate (units)": "Fill rate (units, %)"
        return f"{base[:-1]}, {unit})"
    return f"{base} ({unit})"


def shown(name: str, label: str | None = None) -> Shown:
    """The registered metric `name` as shown, with its label and unit unless given another."""
    m = registry.metric(name)
    lb = shown_label(m) if label is None else label
    return Shown(m.name, lb, m.kind, m.lower_is_better, shown_unit(m))


HEADLINE: tuple[Shown, ...] = tuple(shown(n) for n in registry.HEADLINE)
"""The terminal table and the top of the report's summary table."""
DETAIL: tuple[Shown, ...] = tuple(shown(n) for n in registry.DETAIL)
"""The further rows of the report's summary table."""


def number(x: float, decimals: int) -> str:
    """`x` with `decimals` decimals (negative: to tens, hundreds...), thousands separated."""
    if decimals < 0:
        x = round(x, decimals)
        decimals = 0
    out = f"{x:,.{decimals}f}"
    return out[1:] if out.startswith("-") and not out.strip("-0.,") else out  # no "-0.0"


def decimals_for(half: float, kind: str) -> int:
    """Decimals that round `half` (in the shown unit) to two significant digits, capped."""
    cap = DECIMALS.get(kind, 1) + EXTRA_DECIMALS
    if not math.isfinite(half) or half <= 0:
        return DECIMALS.get(kind, 1)
    return min(cap, 1 - math.floor(math.log10(half)))


def fmt(value: float | None, kind: str, decimals: int | None = None) -> str:
    """A value of the result files, in the shown unit, without the unit; "–" when unknown."""
    if value is None or value != value:  # None or nan
        return "–"
    d = DECIMALS.get(kind, 1) if decimals is None else decimals
    return number(value * scale(kind), d)


def with_unit(text: str, m: Shown) -> str:
    """`text` followed by the metric's unit ("12.30 EUR", "4.1 %", "3.6 days")."""
    return f"{text} {m.unit}" if m.unit and text != "–" else text


def fmt_interval(m: Mapping[str, Any] | SummaryEntry | None, kind: str) -> str:
    """`mean ± half-width` of a summary entry in the shown unit, digits matched to the interval."""
    e = m if isinstance(m, SummaryEntry) else SummaryEntry.read(m)
    if e.mean is None or e.mean != e.mean:
        return "–"
    half = e.half_width
    if half is None or half != half:
        return fmt(e.mean, kind)
    k = scale(kind)
    if half == 0:
        return f"{fmt(e.mean, kind)} ± 0"
    d = decimals_for(half * k, kind)
    return f"{number(e.mean * k, d)} ± {number(half * k, d)}"


def fmt_bounds(m: Mapping[str, Any] | SummaryEntry, kind: str) -> tuple[str, str]:
    """The interval's bounds in the shown unit, with the digits its half-width carries."""
    e = m if isinstance(m, SummaryEntry) else SummaryEntry.read(m)
    lo, hi = e.bounds()
    half = e.half_width
    d = DECIMALS.get(kind, 1) if half is None else decimals_for(half * scale(kind), kind)
    return fmt(lo, kind, d), fmt(hi, kind, d)


def fmt_mean(m: Mapping[str, Any] | SummaryEntry, kind: str) -> str:
    """The mean alone in the shown unit, with the digits its interval carries."""
    e = m if isinstance(m, SummaryEntry) else SummaryEntry.read(m)
    half = e.half_width
    d = DECIMALS.get(kind, 1) if not half else decimals_for(half * scale(kind), kind)
    return fmt(e.mean, kind, d)
