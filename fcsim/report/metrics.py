"""Which metrics are shown to people, with their labels, units and better direction.

Place in the flow: shared by the terminal table (`report/terminal.py`) and the HTML report.
What a metric is (label, kind, better direction, the headline and detail selections) comes from
the registry, `fcsim.core.metrics`; how a value is written for people is here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fcsim.core import metrics as registry
from fcsim.experiment.records import SummaryEntry


@dataclass(frozen=True)
class Shown:
    """A metric as a table or a figure shows it: key, label, formatting kind, better direction."""

    key: str
    label: str
    kind: str  # "eur", "hours", "rate", "count", "number"
    lower_is_better: bool | None = True


def shown(name: str, label: str | None = None) -> Shown:
    """The registered metric `name` as shown, with its registered label unless given another."""
    m = registry.metric(name)
    return Shown(m.name, m.label if label is None else label, m.kind, m.lower_is_better)


HEADLINE: tuple[Shown, ...] = tuple(shown(n) for n in registry.HEADLINE)
"""The terminal table and the top of the report's summary table."""
DETAIL: tuple[Shown, ...] = tuple(shown(n) for n in registry.DETAIL)
"""The further rows of the report's summary table."""


def fmt(value: float | None, kind: str) -> str:
    """A value formatted for its kind."""
    if value is None or value != value:  # None or nan
        return "–"
    if kind == "rate":
        return f"{100 * value:.1f} %"
    if kind == "eur":
        return f"{value:,.2f}" if abs(value) < 1e5 else f"{value:,.0f}"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def fmt_interval(m: Mapping[str, Any] | SummaryEntry | None, kind: str) -> str:
    """`mean ± half-width` of a summary entry."""
    e = m if isinstance(m, SummaryEntry) else SummaryEntry.read(m)
    if e.mean is None:
        return "–"
    mean, half = e.mean, e.half_width
    if half is None:
        return fmt(mean, kind)
    if kind == "rate":
        return f"{100 * mean:.1f} ± {100 * half:.1f} %"
    return f"{fmt(mean, kind)} ± {fmt(half, kind if kind != 'count' else 'number')}"


def best_cells(values: list[float | None], lower_is_better: bool | None) -> set[int]:
    """Positions of the best value (all of them when tied); none when all are equal."""
    finite = [(v, i) for i, v in enumerate(values) if v is not None and v == v]
    if lower_is_better is None or len(finite) < 2:
        return set()
    best = min(v for v, _ in finite) if lower_is_better else max(v for v, _ in finite)
    if all(v == best for v, _ in finite):
        return set()
    return {i for v, i in finite if v == best}
