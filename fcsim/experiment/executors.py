"""Where runs execute: in this process, on a local process pool, or on a Dask cluster.

Place in the flow: the commands open a pool (`open_pool`) once and hand it the plans to run
(`run_all`); `run_all` skips the runs already in the output folder's run store
(`fcsim.experiment.store`), sends the others in batches to the pool, stores each result as it comes
back and returns every result in plan order. Each `simulate` is pure, so the results are the
same bit for bit whatever the executor and the number of workers.

- Local pool (default, `-w N`): a `ProcessPoolExecutor` with the spawn context. Workers run in
  their own process group (a Ctrl-C in the terminal reaches fcsim only, which then stops them)
  and, on Linux, die with the parent if it is killed.
- Dask (`--dask ADDRESS` or `--dask local`): `distributed.Client(...).get_executor()`, a
  `concurrent.futures` executor, so one code path serves both. The optional extra
  `fcsim[dask]` provides it; without it the command says how to install it (exit 2).
- Tiny runs are batched (several specs per task) so per-task overhead stays negligible.
- A run that raises becomes a `RunFailure` (message and traceback); the others go on.
- Ctrl-C: pending runs are cancelled, workers stopped; finished runs stay in the store.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fcsim.core.errors import UsageError
from fcsim.experiment import runs as experiment
from fcsim.experiment.runs import (
    Progress,
    RunFailure,
    RunResult,
    RunsFailed,
    RunSpec,
    default_workers,
)
from fcsim.experiment.store import RunStore, spec_hash

TASK_ORDERS = 50_000
"""Batching target: orders simulated per task (a few seconds of work), for tiny runs."""

TASKS_PER_WORKER = 4
"""Batching keeps at least this many tasks per worker, for load balance."""

FAILURE_LOG = "failed_runs.log"
"""File in the output folder with the spec, message and traceback of every failed run."""

FAIL_ENV = "FCSIM_FAIL_RUNS"
"""Test hook: `strategy#replication[,...]` runs that raise on purpose (failure handling tests)."""


# ---------------------------------------------------------------------------- worker side
def run_batch(specs: Sequence[RunSpec]) -> list[RunResult | RunFailure]:
    """Simulate specs one after the other; a run that raises becomes a `RunFailure`."""
    out: list[RunResult | RunFailure] = []
    for spec in specs:
        try:
            _injected_failure(spec)
            out.append(experiment.simulate(spec))
        except Exception as exc:  # recorded with its traceback, reported by the command
            out.append(RunFailure.of(spec, exc))
    return out


def _injected_failure(spec: RunSpec) -> None:
    wanted = os.environ.get(FAIL_ENV)
    if wanted and f"{spec.strategy}#{spec.replication}" in wanted.split(","):
        raise RuntimeError(f"failure injected by {FAIL_ENV} for {spec.label}")


def _worker_init(parent_pid: int) -> None:
    """Local pool worker: own process group; on Linux, killed when the parent dies."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)


# ---------------------------------------------------------------------------- pools
class Pool:
    """An executor and how to stop it; `executor` None means: run in this process."""

    executor: Executor | None = None
    workers: int = 1
    name: str = "this process"

    def stop(self, interrupted: bool) -> None:
        """Release the executor; when interrupted, cancel pending work and stop workers now."""


class LocalPool(Pool):
    """A spawn-context process pool whose workers run in their own process group."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.name = f"{workers} local worker processes"
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )

    def stop(self, interrupted: bool) -> None:
        pool = self.executor
        assert isinstance(pool, ProcessPoolExecutor)
        if not interrupted:
            pool.shutdown(wait=True)
            return
        # ProcessPoolExecutor has no public way to stop running workers before Python 3.14
        # (`terminate_workers`); its worker table is read, not modified.
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.join(timeout=5)


class DaskPool(Pool):
    """A Dask cluster through `distributed.Client(...).get_executor()`."""

    def __init__(self, address: str, workers: int) -> None:
        try:
            import logging

            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError(
                "--dask needs the optional Dask extra: python -m pip install 'fcsim[dask]'"
            ) from None
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
            self.name = f"a local Dask cluster of {workers} workers"
        else:
            self.client = _connect(Client, address, CONNECT_TIMEOUT_S)
            self.name = f"the Dask cluster at {address}"
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.executor = self.client.get_executor(pure=False)

    def stop(self, interrupted: bool) -> None:
        with contextlib.suppress(Exception):
            self.executor.shutdown(wait=not interrupted)
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


CONNECT_TIMEOUT_S = 20.0
"""How long `--dask ADDRESS` may take to reach the scheduler."""


def _connect(client_class: Any, address: str, timeout_s: float) -> Any:
    """A Dask client of the scheduler at `address`, or a usage error within `timeout_s`.

    The client connects in a daemon thread: a server that accepts the connection but never
    speaks Dask (a web page, the dashboard's port) would otherwise keep it waiting forever.
    """
    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = client_class(address, timeout=f"{timeout_s:.0f}s")
        except BaseException as exc:  # reported to the caller below
            box["error"] = exc

    thread = threading.Thread(target=connect, name="fcsim-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout_s + 5)
    if "client" in box:
        return box["client"]
    exc = box.get("error")
    if exc is None:
        reason = f"no answer in {timeout_s + 5:.0f} s"
    else:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    raise UsageError(f"--dask {address}: cannot reach a Dask scheduler there ({reason})")


@contextlib.contextmanager
def open_pool(workers: int | None, dask: str | None, tasks: int | None = None) -> Iterator[Pool]:
    """The pool of a command: Dask when asked, else `workers` local processes (1: in-process).

    `tasks` (when known) caps the number of local workers: no idle processes are started.
    """
    if dask:
        pool: Pool = DaskPool(dask, workers or default_workers())
    else:
        n = workers or default_workers()
        if tasks is not None:
            n = min(n, max(1, tasks))
        pool = LocalPool(n) if n > 1 else Pool()
    interrupted = False
    try:
        yield pool
    except BaseException:
        interrupted = True
        raise
    finally:
        pool.stop(interrupted)


def batch_size(specs: Sequence[RunSpec], workers: int) -> int:
    """Specs per task: enough orders per task to hide the overhead, enough tasks to balance."""
    if workers <= 1 or not specs:
        return 1
    sizes = []
    for spec in specs[:50]:
        sc = spec.scenario
        per_day = getattr(sc.demand, "orders_per_day", None)
        if per_day is None:
            return 1
        sizes.append(float(per_day) * (sc.horizon_days + sc.drain_days))
    orders_per_run = max(1.0, sum(sizes) / len(sizes))
    by_size = math.ceil(TASK_ORDERS / orders_per_run)
    by_balance = max(1, len(specs) // (TASKS_PER_WORKER * workers))
    return max(1, min(by_size, by_balance))


# ---------------------------------------------------------------------------- running a plan
@dataclass
class Outcome:
    """What `run_all` returns: results in plan order (None where a run failed)."""

    results: list[RunResult | None]
    failures: list[RunFailure] = field(default_factory=list)
    reused: int = 0  # runs taken from the run store (`--resume`)
    ran: int = 0  # runs simulated now (successful or not)


def run_all(
    specs: Sequence[RunSpec],
    pool: Pool,
    store: RunStore | None = None,
    progress: bool = True,
) -> Outcome:
    """Run every spec not already in `store` on `pool`; results in plan order.

    Each finished run is stored at once, so an interrupted command loses only the runs in
    flight. Identical specs (same hash) run once.
    """
    specs = list(specs)
    hashes = _hashes(specs)
    results: list[RunResult | None] = [None] * len(specs)
    where: dict[str, list[int]] = {}
    for i, h in enumerate(hashes):
        where.setdefault(h, []).append(i)
    outcome = Outcome(results)
    todo: list[tuple[str, RunSpec]] = []
    for h, idx in where.items():
        stored = store.load(h) if store is not None and store.is_done(h) else None
        if stored is not None:
            for i in idx:
                results[i] = stored
            outcome.reused += 1
        else:
            todo.append((h, specs[idx[0]]))
    if store is not None and outcome.reused and progress:
        print(
            f"fcsim: resuming: {outcome.reused} run(s) already done, {len(todo)} to run",
            file=sys.stderr,
            flush=True,
        )
    bar = Progress(len(todo), enabled=progress)

    def record(h: str, item: RunResult | RunFailure) -> None:
        outcome.ran += 1
        if isinstance(item, RunFailure):
            outcome.failures.append(item)
            if store is not None:
                store.put_failure(h, item.spec, item.message)
            bar.step(f"{item.spec.label} FAILED")
            return
        if store is not None:
            store.put(h, specs[where[h][0]], item)
        for i in where[h]:
            results[i] = item
        bar.step(specs[where[h][0]].label)

    try:
        if pool.executor is None:
            for h, spec in todo:
                record(h, run_batch([spec])[0])
        else:
            size = batch_size([s for _, s in todo], pool.workers)
            batches = [todo[i : i + size] for i in range(0, len(todo), size)]
            futures: dict[Future, list[tuple[str, RunSpec]]] = {}
            for b in batches:
                try:
                    futures[pool.executor.submit(run_batch, [s for _, s in b])] = b
                except Exception as exc:  # the pool is broken or shut down
                    for h, spec in b:
                        record(h, RunFailure.of(spec, exc))
            for fut in as_completed(futures):
                batch = futures[fut]
                try:
                    items = fut.result()
                except Exception as exc:  # the worker itself died (killed, out of memory)
                    items = [RunFailure.of(spec, exc) for _, spec in batch]
                for (h, _), item in zip(batch, items, strict=True):
                    record(h, item)
    except KeyboardInterrupt:
        bar.close()
        if store is not None:
            kept = sum(1 for h in where if store.is_done(h))
            print(
                f"fcsim: interrupted: {kept} of {len(where)} runs finished and kept in "
                f"{_display(store.folder)}; run the same command with --resume to continue",
                file=sys.stderr,
                flush=True,
            )
        raise
    finally:
        bar.close()
    return outcome


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


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def write_failure_log(out: Path, failures: Sequence[RunFailure]) -> Path | None:
    """Write each failed run's spec, message and traceback to `out/failed_runs.log`.

    With no failure, a log left by an earlier command is removed (None is returned).
    """
    log = out / FAILURE_LOG
    if not failures:
        log.unlink(missing_ok=True)
        return None
    parts = []
    for f in failures:
        s = f.spec
        parts.append(
            f"=== {s.label}\n"
            f"scenario: {s.scenario.name} (content hash {s.scenario.content_hash()})\n"
            f"strategy: {s.strategy}\nreplication: {s.replication}\nseed: {s.seed}\n"
            f"overrides: {' '.join(s.overrides) or '(none)'}\n"
            f"error: {f.message}\n{f.traceback}\n"
        )
    from fcsim.core.files import write_text

    write_text(log, "".join(parts))
    return log


def execute(
    specs: Iterable[RunSpec],
    workers: int | None = None,
    progress: bool = True,
    dask: str | None = None,
) -> list[RunResult]:
    """Run every spec; results come back in plan order whatever the executor.

    `workers` local processes (default: the CPUs; 1 = in this process), or a Dask cluster
    (`dask` = a scheduler address or "local"). Raises `RunsFailed` (after every other run
    finished) when some runs raised. For a run store, failures as values and `--resume`, use
    `fcsim.experiment.executors.run_all`.
    """
    specs = list(specs)
    with open_pool(workers, dask, len(specs)) as pool:
        outcome = run_all(specs, pool, store=None, progress=progress)
    if outcome.failures:
        raise RunsFailed(outcome.failures)
    return [r for r in outcome.results if r is not None]
