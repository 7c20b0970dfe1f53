"""How much memory a plan's runs need, estimated from the scenario before anything runs.

Place in the flow: the commands that simulate ask `plan_footprint` for the memory of the runs
they are about to start and compare it with `available_memory()`; a plan that cannot fit is
refused (exit 2, `fcsim.commands.execution.check_memory`) instead of failing with a
`MemoryError` in every run after minutes of swapping. This module computes figures and prints
nothing.

A run generates all its orders up front and keeps their lines and parcels as columns for the
whole horizon (`fcsim.model.demand`, `fcsim.model.parcels`), so its peak memory grows with
orders × lines. Measured (peak RSS, slopes between two sizes, on tests/scenarios/small.yaml,
the hybrid strategy being the largest): one run at 4,000 and 16,000 orders a day over 35 days
costs 487 B per order with 1 line and 1,243 B with 6 (about 340 B per order plus 150 B per
line); the four strategies run one after another in one process (the executor collects a
large run's memory before the next, `fcsim.experiment.executors`) peak at 620 B per order with
1.5 lines (1.2 million orders, 693 MiB); a SKU of the catalogue costs 170 B; each process
holds about 150 MB of interpreter and libraries. The constants below (400 B per order, 150 B
per line) cover all of these; on the default scenario's year (benchmarks/RESULTS.md: 1.67
lines per order, peak RSS 496 B per order with the interpreter) they are some 30 % high: the
estimate errs towards refusing a run that would just fit, not towards starting one that cannot.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fcsim.model.demand import daily_rates, projected_demand
from fcsim.scenario.schema.history import HistoryDemand
from fcsim.scenario.schema.scenario import Scenario

BYTES_PER_ORDER = 400.0
BYTES_PER_LINE = 150.0
BYTES_PER_SKU = 170.0
BYTES_PER_PROCESS = 150e6
"""Measured costs of a run (see the module's docstring)."""


@dataclass(frozen=True)
class Footprint:
    """The memory one run of a scenario needs, and the figures it comes from."""

    orders: float  # expected orders over the horizon (inf: beyond counting)
    lines_per_order: float
    skus: int
    source: str  # where the orders come from, e.g. "demand.orders_per_day × horizon_days"

    @property
    def run_bytes(self) -> float:
        """Peak memory of one run, the process's own libraries left out."""
        per_order = BYTES_PER_ORDER + BYTES_PER_LINE * self.lines_per_order
        return self.orders * per_order + self.skus * BYTES_PER_SKU

    def describe(self) -> str:
        """`demand.orders_per_day × horizon_days = 3.5e+08 orders (1.5 lines each)`."""
        count = f"{self.orders:.3g}" if math.isfinite(self.orders) else "too many"
        lines = f" ({self.lines_per_order:.3g} lines each)" if self.lines_per_order > 1 else ""
        return f"{self.source} = {count} orders{lines} per run"


def _poisson_orders(scenario: Scenario, demand: object, what: str) -> tuple[float, str]:
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(np.sum(daily_rates(demand, scenario.start_date, scenario.horizon_days)))
    extras = [
        name
        for name, on in (
            ("growth_per_month", getattr(demand, "growth_per_month", 0.0) != 0.0),
            ("month_profile", len(set(getattr(demand, "month_profile", [1.0]))) > 1),
        )
        if on
    ]
    source = f"{what} × horizon_days" + (f" (with {' and '.join(extras)})" if extras else "")
    return (total if math.isfinite(total) else math.inf), source


def run_footprint(scenario: Scenario) -> Footprint:
    """The memory one run of `scenario` (any strategy) needs, from its demand and catalogue."""
    demand, data = scenario.demand, scenario.data
    products = data.products
    skus = products.n if products is not None else int(getattr(scenario.catalogue, "skus", 0))
    if isinstance(demand, HistoryDemand):
        history = data.history_for(demand)
        lines = float(len(history.line_sku)) / max(1, history.n)
        if demand.mode == "replay":
            return Footprint(float(history.n), lines, skus, f"the orders of {demand.orders}")
        if demand.mode == "bootstrap":
            per_day = history.n / max(1, history.n_days) * (1.0 + demand.growth)
            source = f"the orders per day of {demand.orders} × horizon_days"
            return Footprint(per_day * scenario.horizon_days, lines, skus, source)
        model = projected_demand(demand, scenario.start_date, data)
        orders, source = _poisson_orders(
            scenario, model, f"the fitted orders per day of {demand.orders}"
        )
        return Footprint(orders, lines, skus, source)
    orders, source = _poisson_orders(scenario, demand, "demand.orders_per_day")
    lines = min(max(1.0, float(demand.lines_per_order.mean())), float(max(1, skus)))
    return Footprint(orders, lines, skus, source)


@dataclass(frozen=True)
class PlanFootprint:
    """The memory of a plan: its largest run, how many run at once, and the total."""

    largest: Footprint
    at_once: int  # runs in memory at the same time
    processes: int  # processes holding the interpreter and libraries
    total_bytes: float


def plan_footprint(
    scenarios: Sequence[Scenario], runs: int, workers: int, in_process: bool
) -> PlanFootprint:
    """The memory of `runs` runs of the largest of `scenarios` on `workers` local workers.

    `in_process`: the runs execute in this process, one at a time (`-w 1`); else `workers`
    worker processes each hold one run, beside this process.
    """
    largest = max((run_footprint(s) for s in scenarios), key=lambda f: f.run_bytes)
    at_once = 1 if in_process else max(1, min(workers, runs))
    processes = 1 if in_process else 1 + at_once
    total = at_once * largest.run_bytes + processes * BYTES_PER_PROCESS
    return PlanFootprint(largest, at_once, processes, total)


def available_memory() -> int | None:
    """Bytes of memory this process may still use: the system's MemAvailable (else its free
    pages), capped by the limit of its control group; None when unknown."""
    found: list[int] = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    if not found:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            found.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    cgroup = Path("/sys/fs/cgroup")
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        if limit != "max":
            used = int((cgroup / "memory.current").read_text().strip())
            found.append(max(0, int(limit) - used))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def human_bytes(n: float) -> str:
    """`1.1 TB`, `20 GB`, `350 MB` (powers of 1000)."""
    if not math.isfinite(n):
        return "more than can be counted"
    if n >= 1e18:
        return f"{n:.1e} bytes"
    for unit, size in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:.2g} {unit}" if n < 10 * size else f"{n / size:,.0f} {unit}"
    return f"{n / 1e3:.0f} kB"


__all__ = [
    "Footprint",
    "PlanFootprint",
    "available_memory",
    "human_bytes",
    "plan_footprint",
    "run_footprint",
]
