"""The one pipeline of every command that simulates: plan → run → summarise → write.

Place in the flow: `fcsim run`, `sweep`, `size`, `sensitivity`, `baseline` and `check` load and
validate their scenarios, then hand this module what to run, as one `PointPlan` per point: the
scenario of `fcsim run`, `baseline` or `check`, each grid point of a sweep, each value a sizing
search evaluates, the base and each input's low and high value of a sensitivity study. The pipeline

1. plans: one `RunSpec` per (replication, strategy) of each point (`PointPlan.specs`, by
   `fcsim.experiment.runs.plan`);
2. runs them on a pool (`fcsim.experiment.executors`: this process, local processes or a Dask
   cluster), skipping the runs already in the output folder's run store with `--resume`
   (`fcsim.experiment.store`) and storing each run as it finishes (`Pipeline.execute`);
3. summarises each point (`PointResults`): runs table, summary document (95 % intervals and
   paired differences), daily and breakdown tables (`fcsim.experiment.results`, `stats`);
4. writes the result files of an output folder (`fcsim.experiment.outputs`: `write_run`,
   `write_sweep`, `write_size`).

It returns values and prints nothing: progress and messages reach the commands through an
optional observer, called with an `Event` at each step ("resumed", "unreadable", "started",
"run_done", "run_failed", "interrupted"); the commands decide what to show.

An open pipeline may be given plans by several threads at once (`fcsim advise` sizes the
strategies of a volume side by side so that no worker waits): their runs share the pool, the
run store is written under a lock, and once the pipeline closes (Ctrl-C in the main thread)
a thread still waiting for its runs gets `PoolClosed` instead of failed runs.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from fcsim.experiment.executors import Pool, PoolClosed, open_pool, run_on
from fcsim.experiment.results import daily_table, runs_table, summary_document
from fcsim.experiment.runs import RunFailure, RunResult, RunsFailed, RunSpec, plan
from fcsim.experiment.selection import Settings
from fcsim.experiment.stats import paired, summarise
from fcsim.experiment.store import RunStore, spec_hash
from fcsim.model.accounting.basis import summary_of as cost_basis_summary
from fcsim.model.accounting.breakdowns import breakdowns_table
from fcsim.model.cut_short import CutShort
from fcsim.scenario.schema.scenario import Scenario

EventKind = Literal["resumed", "unreadable", "started", "run_done", "run_failed", "interrupted"]


@dataclass(frozen=True)
class Event:
    """One step of a plan's execution, for the observer of the command.

    - "resumed": `reused` runs were found in the run store, `total` are left to run;
    - "unreadable": lines of the run store's manifest (`store`, a file) could not be read
      (`message`: their numbers); the runs they recorded are done again;
    - "started": `total` runs are about to run;
    - "run_done" / "run_failed": the run `label` finished (`message`: its error), the
      `done`-th of `total`;
    - "interrupted": Ctrl-C; `done` of the plan's `total` runs are kept in `store` (a folder).
    """

    kind: EventKind
    total: int = 0
    done: int = 0
    reused: int = 0
    label: str = ""
    message: str = ""
    store: Path | None = None


Observer = Callable[[Event], None]


@dataclass(frozen=True)
class Execution:
    """Where runs execute, and the output folder whose run store keeps each finished run."""

    workers: int | None = None  # local worker processes (None: the CPUs; 1: this process)
    dask: str | None = None  # a Dask scheduler address, or "local"
    out: Path | None = None  # output folder: its run store keeps the runs (None: no store)
    resume: bool = False  # reuse the runs already in that store


@dataclass(frozen=True)
class PointPlan:
    """What to run at one point: a resolved scenario, its replications, seed and strategies."""

    scenario: Scenario  # resolved with every override of the point, validated
    replications: int
    seed: int
    strategies: tuple[str, ...] | None = None  # None: every strategy of the scenario
    overrides: tuple[str, ...] = ()  # the `key.path=VALUE` overrides of a sweep or search point
    trace: bool = False  # each run also returns its per-parcel trace (`fcsim run --trace`)
    selection: Settings | None = None  # δ and confidence of the summary's `selection` block
    cut_short: CutShort | None = None  # runs stop once they certainly miss this target

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        replications: int | None = None,
        seed: int | None = None,
        strategies: Iterable[str] | None = None,
        overrides: Sequence[str] = (),
        trace: bool = False,
        selection: Settings | None = None,
    ) -> PointPlan:
        """A plan with the scenario's replications and seed where none is given."""
        return cls(
            scenario,
            scenario.replications if replications is None else replications,
            scenario.seed if seed is None else seed,
            None if strategies is None else tuple(strategies),
            tuple(overrides),
            trace,
            selection,
        )

    def specs(self) -> list[RunSpec]:
        """One spec per (replication, strategy), replications outermost."""
        sc = self.scenario
        return plan(
            sc,
            self.replications,
            self.seed,
            self.strategies,
            self.overrides,
            self.trace,
            self.cut_short,
        )

    @property
    def size(self) -> int:
        """Number of runs in the plan."""
        keep = self.strategies
        return self.replications * sum(keep is None or n in keep for n in self.scenario.strategies)


@dataclass
class Executed:
    """The run step's answer: results in plan order (None where a run failed), and counts."""

    results: list[RunResult | None]
    errors: list[RunFailure | None]  # in plan order: the failure of each failed run
    failures: list[RunFailure] = field(default_factory=list)  # each failed run once
    reused: int = 0  # runs taken from the run store (`--resume`)
    ran: int = 0  # runs simulated now (successful or not)


class PointResults:
    """One point's runs and their summary: what the files of `fcsim run` hold.

    The tables are computed when first asked for (a sizing search needs only `runs`).
    `extra` adds blocks to the summary document (`precision` of `-r auto`).
    """

    def __init__(
        self,
        point_plan: PointPlan,
        results: list[RunResult],
        failures: list[RunFailure],
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.plan = point_plan
        self.results = results  # successful runs, in plan order
        self.failures = failures  # failed runs of this point
        self.extra = extra or {}

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per (strategy, replication) that finished: KPIs and per-node parcels."""
        return runs_table(self.results)

    @cached_property
    def doc(self) -> dict[str, Any] | None:
        """The summary document: intervals and paired differences; None when no run finished."""
        if not self.results:
            return None
        sc, runs = self.plan.scenario, self.runs
        doc = summary_document(
            sc,
            self.plan.seed,
            self.plan.replications,
            summarise(runs),
            paired(runs, sc.reference),
            runs,
            cost_basis_summary(self.breakdowns, runs),
            self.plan.selection,
            self.daily,
        )
        return doc | self.extra if self.extra else doc

    @cached_property
    def daily(self) -> pd.DataFrame:
        """One row per (strategy, replication, day)."""
        return daily_table(self.results, self.plan.scenario)

    @cached_property
    def breakdowns(self) -> pd.DataFrame:
        """The report's detail tables of every run."""
        return breakdowns_table(self.results)

    @cached_property
    def trace(self) -> pd.DataFrame | None:
        """The per-parcel traces of the runs, stacked in plan order; None when not asked."""
        frames = [r.trace for r in self.results if r.trace is not None]
        if not frames:
            return None
        out = pd.concat(frames, ignore_index=True)
        for col in ("strategy", "node", "carrier"):  # categories of differing runs: unified
            out[col] = out[col].astype("category")
        return out


@dataclass
class RunOutcome:
    """What the pipeline returns: every point's results, the failures, counts and wall time."""

    points: list[PointResults]
    failures: list[RunFailure]
    reused: int
    ran: int
    wall_s: float

    @property
    def finished(self) -> int:
        """Runs with a result (reused or run now)."""
        return sum(len(p.results) for p in self.points)

    def require_all(self) -> RunOutcome:
        """Self when every run finished; else raises `RunsFailed` (exit status 3)."""
        if self.failures:
            raise RunsFailed(self.failures)
        return self


class Pipeline:
    """An open pool (and the run store of the output folder): plans in, results out.

    Used as a context manager; `tasks` (runs per plan, when known) caps the local workers.
    """

    def __init__(
        self,
        execution: Execution | None = None,
        tasks: int | None = None,
        on_event: Observer | None = None,
    ) -> None:
        self.execution = execution or Execution()
        self.tasks = tasks
        self.on_event = on_event
        self.pool: Pool | None = None
        self.store: RunStore | None = None
        self._stack = contextlib.ExitStack()
        self._lock = threading.RLock()  # the run store and the observer, across threads
        self._closed = threading.Event()
        self.asked = 0  # distinct runs asked of this pipeline (every thread, every plan)

    @property
    def workers(self) -> int:
        """The pool's workers (1 before it opens, or when runs execute in this process)."""
        return 1 if self.pool is None or self.pool.executor is None else self.pool.workers

    def __enter__(self) -> Pipeline:
        ex = self.execution
        self.pool = self._stack.enter_context(open_pool(ex.workers, ex.dask, self.tasks))
        try:
            self.store = None if ex.out is None else RunStore(ex.out, ex.resume)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> bool | None:
        self._closed.set()  # a thread still waiting for runs stops (`PoolClosed`)
        self.pool = None  # stopped: no plan runs on it any more
        return self._stack.__exit__(*exc)

    def _emit(self, event: Event) -> None:
        if self.on_event is not None:
            with self._lock:
                self.on_event(event)

    def interrupted(self) -> None:
        """Say what an interruption kept, when it reached the main thread while other threads
        ran the plans (a plan run in the interrupted thread says it itself)."""
        store = self.store
        if store is not None:
            with self._lock:
                kept = sum(e.status == "done" for e in store.entries.values())
            self._emit(Event("interrupted", self.asked, kept, store=store.folder))

    def run(self, points: Sequence[PointPlan]) -> RunOutcome:
        """Plan, run and summarise `points` as one plan (`wall_s`: this call's time)."""
        t0 = time.perf_counter()
        plans = [p.specs() for p in points]
        executed = self.execute([s for specs in plans for s in specs])
        return outcome_of(points, plans, executed, time.perf_counter() - t0)

    def execute(self, specs: Sequence[RunSpec]) -> Executed:
        """Run every spec not already in the run store; results in plan order.

        Each finished run is stored at once, so an interrupted command loses only the runs in
        flight. Identical specs (same hash) run once.
        """
        if self._closed.is_set():
            raise PoolClosed
        if self.pool is None:
            raise RuntimeError("Pipeline.execute outside `with Pipeline(...)`")
        pool, store = self.pool, self.store
        with self._lock:
            if store is not None and store.unreadable:
                lines = ", ".join(map(str, store.unreadable))
                self._emit(Event("unreadable", message=lines, store=store.manifest))
                store.unreadable = []  # said once
        specs = list(specs)
        where: dict[str, list[int]] = {}
        for i, h in enumerate(_hashes(specs)):
            where.setdefault(h, []).append(i)
        with self._lock:
            self.asked += len(where)
        out = Executed([None] * len(specs), [None] * len(specs))
        todo: list[tuple[str, RunSpec]] = []
        for h, idx in where.items():
            with self._lock:
                stored = store.load(h) if store is not None and store.is_done(h) else None
            if stored is not None:
                for i in idx:
                    out.results[i] = stored
                out.reused += 1
            else:
                todo.append((h, specs[idx[0]]))
        if store is not None and out.reused:
            self._emit(Event("resumed", total=len(todo), reused=out.reused))
        self._emit(Event("started", total=len(todo)))

        def record(h: str, item: RunResult | RunFailure) -> None:
            if self._closed.is_set():  # stopped under this thread: keep nothing in flight
                raise PoolClosed
            out.ran += 1
            if isinstance(item, RunFailure):
                out.failures.append(item)
                for i in where[h]:
                    out.errors[i] = item
                if store is not None:
                    with self._lock:
                        store.put_failure(h, item.spec, item.message)
                label, message = item.spec.label, item.message
                self._emit(Event("run_failed", len(todo), out.ran, label=label, message=message))
                return
            if store is not None:
                with self._lock:
                    store.put(h, specs[where[h][0]], item)
            for i in where[h]:
                out.results[i] = item
            self._emit(Event("run_done", len(todo), out.ran, label=specs[where[h][0]].label))

        try:
            run_on(pool, todo, record, self._closed)
        except KeyboardInterrupt:
            if store is not None:
                with self._lock:
                    kept = sum(1 for h in where if store.is_done(h))
                self._emit(Event("interrupted", len(where), kept, store=store.folder))
            raise
        return out


def _hashes(specs: Sequence[RunSpec]) -> list[str]:
    """Spec hashes; each distinct scenario object is hashed once (a plan shares one)."""
    by_scenario: dict[int, str] = {}
    out = []
    for s in specs:
        key = id(s.scenario)
        if key not in by_scenario:
            by_scenario[key] = s.scenario.content_hash()
        out.append(spec_hash(s, by_scenario[key]))
    return out


def outcome_of(
    points: Sequence[PointPlan],
    plans: Sequence[Sequence[RunSpec]],
    executed: Executed,
    wall_s: float,
) -> RunOutcome:
    """Split an executed plan back into its points (`plans`: each point's specs, in order)."""
    results, start = [], 0
    for point, specs in zip(points, plans, strict=True):
        stop = start + len(specs)
        ok = [r for r in executed.results[start:stop] if r is not None]
        bad = list({id(e): e for e in executed.errors[start:stop] if e is not None}.values())
        results.append(PointResults(point, ok, bad))
        start = stop
    return RunOutcome(results, executed.failures, executed.reused, executed.ran, wall_s)


def run_points(
    points: Sequence[PointPlan],
    execution: Execution | None = None,
    on_event: Observer | None = None,
) -> RunOutcome:
    """Plan, run and summarise `points` as one plan on a pool opened for them.

    `wall_s` covers starting and stopping the pool as well as the runs.
    """
    t0 = time.perf_counter()
    plans = [p.specs() for p in points]
    specs = [s for p in plans for s in p]
    with Pipeline(execution, len(specs), on_event) as pipeline:
        executed = pipeline.execute(specs)
    return outcome_of(points, plans, executed, time.perf_counter() - t0)


def run_specs(
    specs: Iterable[RunSpec],
    execution: Execution | None = None,
    on_event: Observer | None = None,
) -> Executed:
    """Run specs (the run step alone) on a pool opened for them; results in plan order."""
    specs = list(specs)
    with Pipeline(execution, len(specs), on_event) as pipeline:
        return pipeline.execute(specs)


def execute(
    specs: Iterable[RunSpec], workers: int | None = None, dask: str | None = None
) -> list[RunResult]:
    """Every spec's result in plan order; raises `RunsFailed` when some runs raised.

    The run step for scripts and benchmarks: no run store, no observer.
    """
    executed = run_specs(specs, Execution(workers, dask))
    if executed.failures:
        raise RunsFailed(executed.failures)
    return [r for r in executed.results if r is not None]
