"""Replications by precision (`fcsim run -r auto --precision ...`): add replications until the
95 % intervals are as narrow as asked.

Place in the flow: `fcsim run` with `-r auto` calls `run_to_precision` instead of the
pipeline's `run_points`: on one open `Pipeline` (`fcsim.experiment.pipeline`) it runs a first
batch of replications, measures every strategy's 95 % half-width of each named metric
(`measure`), and adds batches (`next_count`) until every target is met or the maximum is
reached. Replication k is the same run whatever the stopping point (its seed is the scenario's
seed and k; its run-store key does not depend on how many replications are asked), so the runs
of an earlier, shorter command are reused by `--resume`, and every strategy keeps common
random numbers. The returned outcome's summary carries a `precision` block: the targets, how
many replications, why it stopped, each check made and the half-widths at the end.

`parse_targets` reads `--precision` (and `--indifference`) texts: `metric=VALUE` items, comma
separated, VALUE absolute in the metric's unit, `0.5%` relative to the mean, or `0.2pp`
percentage points of a rate; a bad one is a `UsageError` (exit 2).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from fcsim.core.errors import UsageError
from fcsim.core.files import json_safe
from fcsim.core.metrics import is_metric, metric
from fcsim.experiment.pipeline import (
    Execution,
    Observer,
    Pipeline,
    PointPlan,
    PointResults,
    RunOutcome,
)
from fcsim.experiment.results import runs_table
from fcsim.experiment.runs import RunFailure, RunResult
from fcsim.experiment.stats import half_width, interval

START = 3
"""Replications of the first batch (fewer when the maximum is lower)."""
MAX_REPLICATIONS = 50
"""Default of `--max-replications`."""
DEFAULT_PRECISION = "cost_per_order_eur=0.5%"
"""The target of `-r auto` without `--precision`."""
MET, AT_MAXIMUM, FAILED = "precision met", "maximum replications reached", "runs failed"
"""Why a precision run stopped (summary.json `precision.stopped`)."""


@dataclass(frozen=True)
class Target:
    """A bound on a metric: absolute in its unit, or `relative` to the mean's magnitude."""

    metric: str
    value: float
    relative: bool = False
    text: str = ""  # as typed, e.g. "late_rate=0.2pp"

    def bound(self, mean: float) -> float:
        """The bound in the metric's unit, for a strategy of mean `mean`."""
        return self.value * abs(mean) if self.relative else self.value


_VALUE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(%|pp)?\s*$")


def parse_targets(text: str, option: str, relative: bool = True) -> list[Target]:
    """The `metric=VALUE` items of `text` (comma separated); UsageError naming the bad item.

    VALUE is a number >= 0 in the metric's unit (a rate's as a share: 0.002), `N%` of the
    mean's magnitude (refused when `relative` is False), or `Npp` percentage points (rates only).
    """
    items = [t.strip() for t in text.split(",")]
    if not text.strip() or any(not t for t in items):
        raise UsageError(f"{option} {text!r}: give METRIC=VALUE items separated by commas")
    out: list[Target] = []
    for item in items:
        key, eq, raw = item.partition("=")
        key = key.strip()
        if not eq:
            raise UsageError(
                f"{option} {item}: expected METRIC=VALUE, e.g. cost_per_order_eur=0.5%"
            )
        if not is_metric(key):
            try:
                metric(key)
            except KeyError as err:
                raise UsageError(f"{option} {item}: {err.args[0]}") from None
        m = metric(key)
        if m.lower_is_better is None and option == "--indifference":
            raise UsageError(f"{option} {item}: {key} has no better direction to select on")
        found = _VALUE.match(raw)
        if found is None:
            raise UsageError(
                f"{option} {item}: {raw.strip()!r} is not a number >= 0"
                + (", a percentage (0.5%)" if relative else "")
                + (" or percentage points (0.2pp)" if m.is_rate else "")
            )
        value, suffix = float(found.group(1)), found.group(2)
        if suffix == "%" and not relative:
            raise UsageError(f"{option} {item}: give it in the metric's unit ({m.unit}), not in %")
        if suffix == "pp" and not m.is_rate:
            raise UsageError(f"{option} {item}: pp (percentage points) is for rates; {key} is not")
        if suffix == "pp":
            value /= 100
        if suffix == "%":
            value /= 100
        if value <= 0 and option == "--precision":
            raise UsageError(f"{option} {item}: the half-width asked must be above 0")
        if any(t.metric == key for t in out):
            raise UsageError(f"{option} {item}: {key} is given twice")
        out.append(Target(key, value, suffix == "%", item))
    return out


@dataclass(frozen=True)
class Check:
    """The half-widths after `replications`: per strategy and target, and which miss."""

    replications: int
    widths: dict[str, dict[str, dict[str, float]]]  # strategy -> metric -> {half_width, bound}
    missed: list[dict[str, Any]]  # {strategy, metric, half_width, bound}

    @property
    def met(self) -> bool:
        """Whether every strategy's half-width meets every target."""
        return not self.missed

    def worst_ratio(self) -> float:
        """The largest half-width / bound among the missed ones (inf when unknown)."""
        ratios = [m["half_width"] / m["bound"] if m["bound"] > 0 else math.inf for m in self.missed]
        return max((r if math.isfinite(r) else math.inf for r in ratios), default=0.0)


def measure(runs: pd.DataFrame, targets: list[Target]) -> Check:
    """Every strategy's 95 % half-width of each target metric against its bound."""
    widths: dict[str, dict[str, dict[str, float]]] = {}
    missed: list[dict[str, Any]] = []
    n = int(runs["replication"].nunique()) if not runs.empty else 0
    for strategy, g in runs.groupby("strategy", sort=False):
        row: dict[str, dict[str, float]] = {}
        for t in targets:
            iv = interval(g[t.metric]) if t.metric in g.columns else interval([])
            half = half_width(iv)
            bound = t.bound(iv["mean"]) if math.isfinite(iv["mean"]) else math.nan
            row[t.metric] = {"half_width": half, "bound": bound, "mean": iv["mean"]}
            if not (math.isfinite(half) and math.isfinite(bound) and half <= bound):
                missed.append(
                    {
                        "strategy": str(strategy),
                        "metric": t.metric,
                        "half_width": half,
                        "bound": bound,
                    }
                )
        widths[str(strategy)] = row
    return Check(n, widths, missed)


def next_count(check: Check, maximum: int) -> int:
    """Replications of the next check: the count the worst half-width asks for (half-widths
    shrink as 1/√n), at least one more, at most double, at most `maximum`."""
    n = check.replications
    ratio = check.worst_ratio()
    wanted = math.ceil(n * ratio * ratio) if math.isfinite(ratio) else 2 * n
    return min(maximum, max(n + 1, min(2 * n, wanted)))


def run_to_precision(
    point: PointPlan,
    targets: list[Target],
    maximum: int = MAX_REPLICATIONS,
    execution: Execution | None = None,
    on_event: Observer | None = None,
) -> RunOutcome:
    """Run `point` in batches of replications until every target is met, or `maximum`."""
    if maximum < 2:
        raise ValueError("at least 2 replications are needed for an interval")
    t0 = time.perf_counter()
    results: list[RunResult] = []
    failures: list[RunFailure] = []
    reused = ran = done = 0
    n = min(START, maximum)
    checks: list[Check] = []
    with Pipeline(execution, None, on_event) as pipeline:
        while True:
            batch = replace(point, replications=n)
            specs = [s for s in batch.specs() if s.replication >= done]
            executed = pipeline.execute(specs)
            results += [r for r in executed.results if r is not None]
            failures += executed.failures
            reused += executed.reused
            ran += executed.ran
            done = n
            if failures:
                stopped = FAILED
                break
            checks.append(measure(runs_table(results), targets))
            if checks[-1].met:
                stopped = MET
                break
            if n >= maximum:
                stopped = AT_MAXIMUM
                break
            n = next_count(checks[-1], maximum)
    block = precision_block(targets, maximum, n, stopped, checks)
    final = PointResults(replace(point, replications=n), results, failures, {"precision": block})
    return RunOutcome([final], failures, reused, ran, time.perf_counter() - t0)


def precision_block(
    targets: list[Target], maximum: int, n: int, stopped: str, checks: list[Check]
) -> dict[str, Any]:
    """summary.json `precision`: the targets, the replications, why it stopped, each check."""
    last = checks[-1] if checks else None
    return json_safe(
        {
            "targets": {
                t.metric: {"value": t.value, "relative": t.relative, "text": t.text}
                for t in targets
            },
            "max_replications": maximum,
            "replications": n,
            "stopped": stopped,
            "met": bool(last is not None and last.met),
            "checks": [{"replications": c.replications, "met": c.met} for c in checks],
            "half_widths": {} if last is None else last.widths,
            "missed": [] if last is None else last.missed,
        }
    )
