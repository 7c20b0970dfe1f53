"""Typed views of the result records that leave the experiment for the report and the gate.

Place in the flow: `experiment.stats` writes each metric's summary over replications as a plain
`{mean, ci_low, ci_high, n}` mapping (that is what `summary.json` holds, nulls for unknown
values); the report, the terminal table and the regression gate read such an entry through
`SummaryEntry.read`, so its fields are named once and missing values are handled in one place.
The runs table's metric columns are checked against the registry (`fcsim.core.metrics`) by
`kpi_columns` when the table is built.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fcsim.core.metrics import undeclared


@dataclass(frozen=True)
class SummaryEntry:
    """One metric's summary over replications: mean and 95 % interval, None when unknown."""

    mean: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0

    @classmethod
    def read(cls, raw: Mapping[str, Any] | None) -> SummaryEntry:
        """The entry of a summary document (`summary.json`, `stats.interval`); absent: unknown."""
        if not raw:
            return cls(None)

        def number(key: str) -> float | None:
            v = raw.get(key)
            return None if v is None else float(v)

        return cls(number("mean"), number("ci_low"), number("ci_high"), int(raw.get("n") or 0))

    @property
    def known(self) -> bool:
        """Whether the mean is a number (not missing, not nan)."""
        return self.mean is not None and not math.isnan(self.mean)

    def bounds(self) -> tuple[float, float]:
        """(ci_low, ci_high), nan where unknown."""
        lo, hi = self.ci_low, self.ci_high
        return (math.nan if lo is None else lo), (math.nan if hi is None else hi)

    @property
    def half_width(self) -> float | None:
        """Half the interval's width; None without an interval (e.g. a single replication)."""
        lo, hi = self.bounds()
        if math.isnan(lo) or math.isnan(hi):
            return None
        return (hi - lo) / 2


def kpi_columns(names: Iterable[str], where: str) -> list[str]:
    """`names` when every one is a registered metric; ValueError naming the others otherwise."""
    names = list(names)
    unknown = undeclared(names)
    if unknown:
        raise ValueError(
            f"{where} reports metrics not declared in fcsim.core.metrics: {', '.join(unknown)} "
            "(declare each with its label, unit and better direction)"
        )
    return names
