"""Run plans and their execution: `simulate(spec)` is a pure function of its `RunSpec`.

Place in the flow: the command line loads a `Scenario`, `plan` turns it into one `RunSpec` per
(strategy, replication), `execute` maps `simulate` over them on a local process pool (spawn
context: the same code path on every platform), and hands the `RunResult`s to `stats.py`,
`results.py` and the report. Within a replication every strategy regenerates the same orders
from the same seed (common random numbers), so results do not depend on which worker ran what.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from fcsim.catalogue import build_catalogue
from fcsim.demand import generate
from fcsim.kpis import evaluate
from fcsim.model.network import run_strategy
from fcsim.scenario import Scenario
from fcsim.streams import Streams


@dataclass(frozen=True)
class RunSpec:
    """Everything one run depends on."""

    scenario: Scenario
    strategy: str
    replication: int
    seed: int


@dataclass
class RunResult:
    """What one run returns: KPIs, daily series, and per-node volumes."""

    strategy: str
    replication: int
    seed: int
    kpis: dict[str, float]
    daily: dict[str, np.ndarray]
    node_parcels: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0


def plan(
    scenario: Scenario, replications: int | None = None, seed: int | None = None
) -> list[RunSpec]:
    """One spec per (replication, strategy); replications are the outer loop."""
    reps = scenario.replications if replications is None else replications
    s = scenario.seed if seed is None else seed
    return [RunSpec(scenario, name, r, s) for r in range(reps) for name in scenario.strategies]


def simulate(spec: RunSpec) -> RunResult:
    """Simulate one strategy for one replication (pure: same spec, same result)."""
    t0 = time.perf_counter()
    sc = spec.scenario
    streams = Streams(spec.seed, spec.replication)
    catalogue = build_catalogue(sc.catalogue, sc.demand, spec.seed)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams)
    run = run_strategy(sc, spec.strategy, orders, catalogue, streams)
    ev = evaluate(sc, spec.strategy, run, orders, catalogue, streams)
    w = ev.outcomes.in_window[run.parcels.order]
    node_parcels = {
        name: int((w & (run.parcels.node == i)).sum()) for i, name in enumerate(run.node_names)
    }
    return RunResult(
        strategy=spec.strategy,
        replication=spec.replication,
        seed=spec.seed,
        kpis=ev.kpis,
        daily=ev.daily,
        node_parcels=node_parcels,
        wall_s=time.perf_counter() - t0,
    )


def default_workers() -> int:
    """Worker processes by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Progress:
    """Runs done / total on stderr: a tqdm bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total, self.done = total, 0
        self.enabled = enabled
        self._bar = None
        self._last = 0.0
        self._t0 = time.monotonic()
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="run", file=sys.stderr, leave=False)

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(label, refresh=False)
            self._bar.update(1)
            return
        now = time.monotonic()
        if now - self._last >= 5 or self.done == self.total:
            self._last = now
            print(
                f"fcsim: {self.done}/{self.total} runs done ({now - self._t0:.0f} s)",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _iter_results(specs: list[RunSpec], executor: Executor | None) -> Iterator[RunResult]:
    if executor is None:
        yield from map(simulate, specs)
    else:
        yield from executor.map(simulate, specs)


def execute(
    specs: Iterable[RunSpec],
    workers: int | None = None,
    progress: bool = True,
    executor_factory: Callable[[int], Executor] | None = None,
) -> list[RunResult]:
    """Run every spec; results come back in plan order whatever the number of workers."""
    specs = list(specs)
    n = min(workers or default_workers(), max(1, len(specs)))
    bar = Progress(len(specs), enabled=progress)
    results: list[RunResult] = []
    try:
        if n <= 1:
            for r in _iter_results(specs, None):
                results.append(r)
                bar.step(f"{r.strategy} #{r.replication}")
        else:
            factory = executor_factory or _process_pool
            with factory(n) as pool:
                for r in _iter_results(specs, pool):
                    results.append(r)
                    bar.step(f"{r.strategy} #{r.replication}")
    finally:
        bar.close()
    return results


def _process_pool(n: int) -> Executor:
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))
