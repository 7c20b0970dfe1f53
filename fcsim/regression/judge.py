"""Judging a re-run against a baseline: improved, unchanged or regressed, metric by metric.

Place in the flow: `fcsim check` reads the baseline (`baseline_file`), re-runs the scenario and
hands both here. For each strategy x metric the change is `check - baseline` and its 95 %
interval:

- paired (the check used the baseline's seed): the interval of the per-replication differences.
  Replication k of both runs saw the same orders and the same random draws (common random
  numbers), so an unchanged model gives a difference of exactly zero and a real change is
  measured with little noise;
- unpaired (the check was given another `--seed`): Welch's interval of the difference of the
  two means.

Each metric has a better direction (lower cost, lead time and late rate; higher fill rate and
on-time-in-full), declared with the metric in the registry (`fcsim.core.metrics`), and a practical
tolerance, absolute (`+0.005`) or relative to the baseline mean (`+2%`); by default it follows
the metric's unit. The verdict is *regressed* when the whole interval is worse than the tolerance,
*improved* when the whole interval is better than it, and *unchanged* otherwise (identical,
within the tolerance, or not conclusive either way), so noise alone does not fail a check.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from fcsim.core import metrics as registry
from fcsim.core.errors import UsageError
from fcsim.experiment.records import SummaryEntry
from fcsim.experiment.stats import interval, welch

REGRESSED, IMPROVED, UNCHANGED, NOT_JUDGED = "regressed", "improved", "unchanged", "not judged"

DEFAULT_METRICS: tuple[str, ...] = (
    "cost_per_order_eur",
    "order_to_ship_h_mean",
    "order_to_delivery_h_mean",
    "order_to_delivery_h_p95",
    "late_rate",
    "on_time_in_full_rate",
    "fill_rate",
)
"""Checked when `--metrics` is not given: the headline KPIs and the service levels."""


def lower_is_better(name: str) -> bool | None:
    """The better direction of a metric: True (lower), False (higher), None (neither, unknown)."""
    return registry.metric(name).lower_is_better if registry.is_metric(name) else None


@dataclass(frozen=True)
class Tolerance:
    """How much worse a metric may get before it counts: absolute, or a share of the baseline."""

    value: float
    relative: bool

    def absolute(self, baseline_mean: float) -> float:
        """The tolerance in the metric's own unit."""
        return self.value * abs(baseline_mean) if self.relative else self.value

    def __str__(self) -> str:
        return f"+{100 * self.value:g}%" if self.relative else f"+{self.value:g}"


def default_tolerance(name: str) -> Tolerance:
    """Half a percentage point for rates, 1 % for money, 2 % for everything else."""
    m = registry.metric(name)
    if m.is_rate:
        return Tolerance(0.005, relative=False)
    if m.unit == "EUR":
        return Tolerance(0.01, relative=True)
    return Tolerance(0.02, relative=True)


_NUMBER = re.compile(r"\+?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_tolerance(text: str) -> Tolerance:
    """`+0.005` (absolute, in the metric's unit) or `+2%` (of the baseline mean)."""
    t = text.strip()
    relative = t.endswith("%")
    number = t[:-1].strip() if relative else t
    if t.startswith("-"):
        raise ValueError(
            "a tolerance is how much worse a metric may get, written without a minus sign "
            "(fcsim knows which direction is worse for each metric)"
        )
    if not _NUMBER.fullmatch(number):
        raise ValueError(
            f"{text!r} is not a tolerance: write an amount in the metric's unit (+0.005) "
            "or a share of the baseline mean (+2%)"
        )
    value = float(number)
    return Tolerance(value / 100 if relative else value, relative)


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


def checkable(metrics: Iterable[str]) -> list[str]:
    """The metrics among `metrics` that have a better direction."""
    return [m for m in metrics if lower_is_better(m) is not None]


def parse_metrics(texts: Sequence[str] | None, available: Iterable[str]) -> tuple[str, ...]:
    """`--metrics a,b --metrics c` -> names, each recorded in the baseline and with a direction."""
    available = set(available)
    if not texts:
        names = [m for m in DEFAULT_METRICS if m in available]
        if not names:
            raise UsageError("the baseline records none of the default metrics; give --metrics")
        return tuple(names)
    names: list[str] = []
    for text in texts:
        for raw in text.split(","):
            name = raw.strip()
            if not name:
                raise UsageError(f"--metrics {text}: empty metric name")
            if name not in available:
                raise UsageError(
                    f"--metrics: unknown metric `{name}`{_suggest(name, available)}; "
                    f"the baseline records: {', '.join(sorted(checkable(available)))}"
                )
            if not registry.is_metric(name):
                raise UsageError(
                    f"--metrics: `{name}` is recorded in the baseline but is not a metric of this "
                    f"fcsim version; record the baseline again, or check: "
                    f"{', '.join(sorted(checkable(available)))}"
                )
            if lower_is_better(name) is None:
                raise UsageError(
                    f"--metrics: `{name}` has no better direction (more or fewer is neither a "
                    f"regression nor an improvement); checkable metrics: "
                    f"{', '.join(sorted(checkable(available)))}"
                )
            if name not in names:
                names.append(name)
    return tuple(names)


def parse_tolerances(texts: Sequence[str] | None, metrics: Sequence[str]) -> dict[str, Tolerance]:
    """`--tolerance late_rate=+0.005,cost_per_order_eur=+2%` -> a tolerance for every metric."""
    out = {m: default_tolerance(m) for m in metrics}
    given: set[str] = set()
    for text in texts or []:
        for item in text.split(","):
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or not name:
                raise UsageError(
                    f"--tolerance {item.strip()!r}: write METRIC=+AMOUNT or METRIC=+PERCENT%, "
                    "e.g. late_rate=+0.005 or cost_per_order_eur=+2%"
                )
            if name not in out:
                raise UsageError(
                    f"--tolerance {name}: `{name}` is not among the checked metrics"
                    f"{_suggest(name, out)} ({', '.join(metrics)}); add it with --metrics"
                )
            if name in given:
                raise UsageError(f"--tolerance {name}: given twice")
            try:
                out[name] = parse_tolerance(value)
            except ValueError as exc:
                raise UsageError(f"--tolerance {name}: {exc}") from None
            given.add(name)
    return out


@dataclass(frozen=True)
class Judgement:
    """The verdict on one strategy x metric, with the numbers behind it."""

    strategy: str
    metric: str
    verdict: str
    reason: str
    lower_is_better: bool
    paired: bool
    n: int
    baseline_mean: float
    check_mean: float
    change: float
    change_ci_low: float
    change_ci_high: float
    tolerance: float
    tolerance_spec: str


def fmt_value(metric: str, x: float) -> str:
    """A metric value for people: rates in percent, others with sensible decimals."""
    if not math.isfinite(x):
        return "–"
    if registry.is_rate(metric):
        return f"{100 * x:.2f} %"
    return _num(x)


def fmt_change(metric: str, x: float) -> str:
    """A signed change: percentage points for rates."""
    if not math.isfinite(x):
        return "–"
    if registry.is_rate(metric):
        return f"{100 * x:+.2f} pt"
    return ("+" if x >= 0 else "-") + _num(abs(x))


def _num(x: float) -> str:
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 1 or a == 0:
        return f"{x:.2f}"
    if a >= 0.1:
        return f"{x:.3f}"
    return f"{x:.3g}"


def _as_array(values: Sequence[float | None]) -> np.ndarray:
    return np.asarray([math.nan if x is None else x for x in values], dtype=float)


def judge(
    strategy: str,
    metric: str,
    base_values: Sequence[float | None],
    check_values: Sequence[float | None],
    paired: bool,
    tolerance: Tolerance,
) -> Judgement:
    """Judge one strategy x metric; in paired mode, values are aligned by replication."""
    lower = lower_is_better(metric)
    if lower is None:
        raise ValueError(f"{metric} has no better direction")
    base, new = _as_array(base_values), _as_array(check_values)
    if paired:
        k = min(len(base), len(new))
        base, new = base[:k], new[:k]
        both = np.isfinite(base) & np.isfinite(new)
        base, new = base[both], new[both]
        ci = SummaryEntry.read(interval(new - base))
        n = len(base)
    else:
        base, new = base[np.isfinite(base)], new[np.isfinite(new)]
        ci = SummaryEntry.read(welch(new, base))
        n = min(len(base), len(new))
    base_mean = float(base.mean()) if len(base) else math.nan
    check_mean = float(new.mean()) if len(new) else math.nan
    tol = tolerance.absolute(base_mean) if math.isfinite(base_mean) else math.nan
    spec = str(tolerance)
    if (tolerance.relative or registry.is_rate(metric)) and math.isfinite(tol):
        spec += f" = {fmt_change(metric, tol)}"
    lo, hi = ci.bounds()
    change = math.nan if ci.mean is None else ci.mean

    def result(verdict: str, reason: str) -> Judgement:
        return Judgement(
            strategy=strategy,
            metric=metric,
            verdict=verdict,
            reason=reason,
            lower_is_better=lower,
            paired=paired,
            n=n,
            baseline_mean=base_mean,
            check_mean=check_mean,
            change=change if n else math.nan,
            change_ci_low=lo,
            change_ci_high=hi,
            tolerance=tol,
            tolerance_spec=spec,
        )

    if n < 2 or not (math.isfinite(lo) and math.isfinite(hi)):
        what = "replications measured in both runs" if paired else "replications in each run"
        return result(NOT_JUDGED, f"fewer than 2 {what} have a value for this metric")
    # oriented so that positive means worse
    worse_lo, worse_hi = (lo, hi) if lower else (-hi, -lo)
    mean_worse = change if lower else -change
    c = fmt_change
    span = f"95 % CI {c(metric, lo)} to {c(metric, hi)}"
    band = f"±{c(metric, tol)[1:]}"
    if worse_lo > tol:
        return result(
            REGRESSED,
            f"worse by {c(metric, abs(mean_worse))[1:]} ({span}): "
            f"the whole interval is beyond the tolerance {band}",
        )
    if worse_hi < -tol:
        return result(
            IMPROVED,
            f"better by {c(metric, abs(mean_worse))[1:]} ({span}): "
            f"the whole interval is beyond the tolerance {band}",
        )
    if lo == hi == 0:
        if paired:
            return result(UNCHANGED, "identical to the baseline in every replication")
        return result(UNCHANGED, "the same value in every replication of both runs")
    if -tol <= worse_lo and worse_hi <= tol:
        return result(UNCHANGED, f"{span}, within the tolerance {band}")
    lean = "worse" if mean_worse > tol else "better" if mean_worse < -tol else "no clear change"
    if lean == "no clear change":
        return result(
            UNCHANGED,
            f"no change beyond the tolerance {band} shown ({span}, too wide to say more)",
        )
    return result(
        UNCHANGED,
        f"possibly {lean}, not conclusive ({span} overlaps the tolerance {band}); "
        "more replications would decide",
    )


def judge_all(
    baseline_values: dict[str, dict[str, Sequence[float | None]]],
    check_values: dict[str, dict[str, Sequence[float | None]]],
    metrics: Sequence[str],
    tolerances: dict[str, Tolerance],
    paired: bool,
) -> list[Judgement]:
    """Judge every strategy present in both runs x every metric, strategies in baseline order.

    Values are per replication, in replication order (so paired values line up).
    """
    return [
        judge(strategy, m, baseline_values[strategy][m], check_values[strategy][m], paired, tol)
        for strategy in baseline_values
        if strategy in check_values
        for m in metrics
        for tol in (tolerances[m],)
    ]
