"""Where runs execute: in this process, on a local process pool, or on a Dask cluster.

Place in the flow: the pipeline (`fcsim.experiment.pipeline`) opens a pool (`open_pool`) once
per command and sends it batches of specs (`run_batch`); it keeps the run store and puts the
results back in plan order. Each `simulate` is pure, so the results are the same bit for bit
whatever the executor and the number of workers.

- Local pool (default, `-w N`): a `ProcessPoolExecutor` with the spawn context. Workers run in
  their own process group (a Ctrl-C in the terminal reaches fcsim only, which then stops them)
  and end within half a second when the parent is killed (they watch its process id).
- Dask (`--dask ADDRESS` or `--dask local`): `distributed.Client(...).get_executor()`, a
  `concurrent.futures` executor, so one code path serves both. The optional extra
  `fcsim[dask]` provides it; without it the command says how to install it (exit 2).
- Tiny runs are batched (several specs per task) so per-task overhead stays negligible;
  `run_on` submits a plan's batches and records each result as it comes back. Threads that
  share a pool and say their priority (`prefer`, `fcsim advise`'s strategies) take turns
  (`Turns`): a free worker goes to the one of the lowest priority key.
- A run that raises becomes a `RunFailure` (message and traceback); the others go on.
- Ctrl-C: pending runs are cancelled, workers stopped.
- Memory: a finished run's arrays are held by reference cycles until the collector's next
  full pass, so without one the next run of the batch (or of `-w 1`) would start with them
  still in memory, doubling the peak; after a large run (`LARGE_RUN_BYTES`) the collector
  runs at once (`gc.collect`, some 50 ms: never after the tiny runs it would slow down).
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from heapq import heapify, heappop, heappush
from typing import Any

from fcsim.core.errors import UsageError
from fcsim.experiment import runs as experiment
from fcsim.experiment.runs import RunFailure, RunResult, RunSpec, default_workers

TASK_ORDERS = 50_000
"""Batching target: orders simulated per task (a few seconds of work), for tiny runs."""

TASKS_PER_WORKER = 4
"""Batching keeps at least this many tasks per worker, for load balance."""

FAIL_ENV = "FCSIM_FAIL_RUNS"
"""Test hook: `strategy#replication[,...]` runs that raise on purpose (failure handling tests)."""


LARGE_RUN_BYTES = 200e6
"""A run estimated above this (`fcsim.experiment.footprint`) is followed by `gc.collect()`."""


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
        if _large(spec):
            gc.collect()  # free this run's arrays before the next run starts
    return out


def _large(spec: RunSpec) -> bool:
    """True when the run of `spec` is estimated above `LARGE_RUN_BYTES`."""
    from fcsim.experiment.footprint import run_footprint

    try:
        return run_footprint(spec.scenario).run_bytes > LARGE_RUN_BYTES
    except Exception:  # a scenario the estimate cannot read: collect, to be safe
        return True


def _injected_failure(spec: RunSpec) -> None:
    wanted = os.environ.get(FAIL_ENV)
    if wanted and f"{spec.strategy}#{spec.replication}" in wanted.split(","):
        raise RuntimeError(f"failure injected by {FAIL_ENV} for {spec.label}")


PARENT_POLL_S = 0.5
"""How often a local worker checks that the process that started it is still there."""


def _worker_init(parent_pid: int) -> None:
    """Local pool worker: its own process group, and it ends when the parent has died.

    A watcher thread polls the parent's pid: Linux's parent-death signal (`PR_SET_PDEATHSIG`)
    would fire when the *thread* that started the worker ends, and `fcsim advise` submits runs
    from threads that end after each volume."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    if os.getppid() != parent_pid:  # the parent died already
        os._exit(1)
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="fcsim-parent-watch", daemon=True
    ).start()


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != parent_pid:  # orphaned (the parent was killed): stop at once
            os._exit(1)


# ---------------------------------------------------------------------------- pools
_TURNS_LOCK = threading.Lock()


class Pool:
    """An executor and how to stop it; `executor` None means: run in this process."""

    executor: Executor | None = None
    workers: int = 1
    name: str = "this process"
    _turns: Turns | None = None

    def turns(self) -> Turns:
        """The turns of the threads that share this pool (`Turns`), one per pool."""
        with _TURNS_LOCK:
            if self._turns is None:
                self._turns = Turns(self.workers)
            return self._turns

    def stop(self, interrupted: bool) -> None:
        """Release the executor; when interrupted, cancel pending work and stop workers now."""


class _SpawnExecutor(ProcessPoolExecutor):
    """A process pool whose workers start with SIGINT blocked.

    The pool starts a worker when a run is submitted and no worker is idle, in the thread that
    submits it. Until its initializer (`_worker_init`) moves it to its own process group, the
    new process is in fcsim's, so a Ctrl-C in the terminal then would reach it too and print a
    KeyboardInterrupt traceback from its start-up. A process inherits the signal mask of the
    thread that starts it, so SIGINT is blocked around each submission: the workers never see
    it (fcsim stops them itself, `LocalPool.stop`), and a SIGINT that arrives meanwhile waits
    for the other threads or for the end of the call."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
            return super().submit(fn, *args, **kwargs)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return super().submit(fn, *args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


class LocalPool(Pool):
    """A spawn-context process pool whose workers run in their own process group."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.name = f"{workers} local worker processes"
        self.executor = _SpawnExecutor(
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
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.join(timeout=5)
        # the executor's manager thread sees its workers gone and ends; wait for it here, or
        # the interpreter's exit would race it for the pipes they share (a hang, or EBADF)
        if manager is not None:
            with contextlib.suppress(Exception):
                manager.join(timeout=5)


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


class PoolClosed(Exception):
    """The pipeline closed (Ctrl-C, SIGTERM) while a thread waited for its runs: nothing of
    what was in flight is recorded; the thread should stop."""


class Turns:
    """Which thread submits next when several share a pool: at most `slots` tasks in flight,
    and a free slot goes to the waiting thread of the lowest priority key (first come among
    equals). Threads that do not say their priority (`prefer`) never wait here: they submit
    everything at once, in the executor's own order.

    Without it the executor serves tasks first come, first served, so a thread that submits
    one task at a time (a search step with one candidate) waits behind another's whole step;
    with it, `fcsim advise` lets the strategy furthest behind go first, so that the longest
    search (the hybrid's) is not the one left running alone at the end. Only the order in
    which runs start changes: each run's result is the same (`simulate` is pure)."""

    def __init__(self, slots: int) -> None:
        self.free = max(1, slots)
        self._cond = threading.Condition()
        self._waiting: list[tuple[Any, int]] = []  # a heap of (priority, arrival)
        self._arrivals = 0

    def take(self, priority: Any, closed: threading.Event | None = None) -> None:
        """Wait for a free slot and this thread's turn; `PoolClosed` if the pipeline closes."""
        with self._cond:
            me = (priority, self._arrivals)
            self._arrivals += 1
            heappush(self._waiting, me)
            try:
                while not (self.free > 0 and self._waiting[0] == me):
                    self._cond.wait(CLOSED_POLL_S)
                    if closed is not None and closed.is_set():
                        raise PoolClosed
            except BaseException:
                self._waiting.remove(me)
                heapify(self._waiting)
                self._cond.notify_all()
                raise
            heappop(self._waiting)
            self.free -= 1
            self._cond.notify_all()

    def give(self, _: object = None) -> None:
        """A task ended (a future's done callback): its slot is free."""
        with self._cond:
            self.free += 1
            self._cond.notify_all()


_preferred = threading.local()


@contextlib.contextmanager
def prefer(priority: Any) -> Iterator[None]:
    """Runs this thread submits inside take their turns at this priority key (`Turns`:
    the lowest first); without it a thread's runs are submitted at once."""
    old = getattr(_preferred, "key", None)
    _preferred.key = priority
    try:
        yield
    finally:
        _preferred.key = old


def run_on(
    pool: Pool,
    todo: list[tuple[str, RunSpec]],
    record: Callable[[str, RunResult | RunFailure], None],
    closed: threading.Event | None = None,
) -> None:
    """Run `todo` (hash, spec) on `pool` in batches, recording each result as it comes back.

    `closed`: set when the pipeline closes under a thread waiting here (Ctrl-C reached the
    main thread); the wait then ends with `PoolClosed` (the pool's workers are stopped, and
    the futures of their runs may never complete). A thread that said its priority
    (`prefer`) submits each batch when its turn comes (`Pool.turns`)."""
    if pool.executor is None:
        for h, spec in todo:
            record(h, run_batch([spec])[0])
        return
    size = batch_size([s for _, s in todo], pool.workers)
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    futures: dict[Future, list[tuple[str, RunSpec]]] = {}
    priority = getattr(_preferred, "key", None)
    turns = None if priority is None else pool.turns()

    def collect(finished: set[Future]) -> None:
        for fut in [f for f in futures if f in finished]:  # in the order submitted
            batch = futures.pop(fut)
            try:
                items = fut.result()
            except Exception as exc:  # the worker itself died (killed, out of memory)
                items = [RunFailure.of(spec, exc) for _, spec in batch]
            for (h, _), item in zip(batch, items, strict=True):
                record(h, item)

    for b in batches:
        if turns is not None:
            collect({f for f in futures if f.done()})
            turns.take(priority, closed)
        try:
            fut = pool.executor.submit(run_batch, [s for _, s in b])
        except Exception as exc:  # the pool is broken or shut down
            if turns is not None:
                turns.give()
            for h, spec in b:
                record(h, RunFailure.of(spec, exc))
            continue
        futures[fut] = b
        if turns is not None:
            fut.add_done_callback(turns.give)
    while futures:
        finished, _ = wait(set(futures), CLOSED_POLL_S, FIRST_COMPLETED)
        if closed is not None and closed.is_set():
            raise PoolClosed
        collect(finished)


CLOSED_POLL_S = 0.5
"""How often a thread waiting for runs checks that its pipeline is still open."""


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
