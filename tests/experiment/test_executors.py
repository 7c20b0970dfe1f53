"""Executors: identical results on 1 worker, 2 workers and Dask; failures; Ctrl-C; batching."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from fcsim.core.errors import UsageError
from fcsim.experiment.executors import FAIL_ENV, batch_size, open_pool
from fcsim.experiment.runs import plan

from conftest import ROOT, SMALL, run_cli, run_in_process, wait_for_a_stored_run

CLI = [sys.executable, "-m", "fcsim"]
SHORT = ["--no-report", "-q", "--set", "horizon_days=21"]
LONG = ["--no-report", "-q", "--set", "horizon_days=120"]
TIMING = ["wall_s"]  # measured, not simulated: the only column allowed to differ


def _table(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path)
    return df.drop(columns=[c for c in TIMING if c in df.columns])


def test_results_are_identical_on_1_worker_2_workers_and_dask(tmp_path: Path) -> None:
    # Dask when the optional extra is installed (as in CI); 1 against 2 workers always
    ways = {"w1": ["-w", "1"], "w2": ["-w", "2"]}
    try:
        import distributed  # noqa: F401

        ways["dask"] = ["-w", "2", "--dask", "local"]
    except ImportError:
        pass
    for name, opts in ways.items():
        res = run_in_process(
            "run", str(SMALL), "-r", "2", "-o", str(tmp_path / name), *SHORT, *opts
        )
        assert res.returncode == 0, res.stderr
    for table in ("runs.parquet", "daily.parquet"):
        one = _table(tmp_path / "w1" / table)
        assert len(one) > 0
        for name in ways.keys() - {"w1"}:
            pd.testing.assert_frame_equal(one, _table(tmp_path / name / table), check_exact=True)


def test_missing_dask_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UsageError, match=r"pip install 'fcsim\[dask\]'"), open_pool(2, "local"):
        pass


def test_a_failing_run_is_reported_with_exit_3_and_the_others_kept(tmp_path: Path) -> None:
    # The failing run in a real process: its exit status, and its stderr with that of its
    # worker processes (they write to the file descriptor they inherit): no traceback on any.
    out = tmp_path / "out"
    args = ["run", str(SMALL), "-r", "2", "-o", str(out), "--set", "horizon_days=21"]
    res = run_cli(*args, "-w", "2", "--no-report", "-q", env={FAIL_ENV: "own#1"})
    assert res.returncode == 3, res.stderr
    assert "own #1: RuntimeError: failure injected" in res.stderr
    assert "Traceback" not in res.stderr
    log = (out / "failed_runs.log").read_text()
    assert "=== own #1" in log and "Traceback (most recent call last)" in log
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 7
    assert not ((runs["strategy"] == "own") & (runs["replication"] == 1)).any()
    # once the cause is gone, --resume runs the failed run only
    assert FAIL_ENV not in os.environ
    again = run_in_process(*args, "-w", "1", "--no-report", "--resume")
    assert again.returncode == 0, again.stderr
    assert "7 run(s) already done, 1 to run" in again.stderr
    assert len(pd.read_parquet(out / "runs.parquet")) == 8
    assert not (out / "failed_runs.log").exists()


def _stopped(
    args: list[str], out: Path, stop, new_session: bool = True, env=None, timeout: float = 60
) -> tuple[subprocess.Popen, str, list[int], float]:
    """`fcsim ARGS` in a real process, stopped by `stop(proc)` once it has stored a run: the
    process, its stderr, its worker processes before the stop, seconds from stop to exit."""
    proc = subprocess.Popen(
        [*CLI, *args, "-o", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=new_session,
    )
    try:
        wait_for_a_stored_run(proc, out, 120)
        workers = _children(proc.pid)
        stop(proc)
        t0 = time.monotonic()
        _, err = proc.communicate(timeout=timeout)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc, err, workers, took


def _ctrl_c(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C


def test_ctrl_c_stops_workers_and_keeps_finished_runs(tmp_path: Path) -> None:
    # A real process: SIGINT to the process group as a terminal sends it, exit status 130,
    # and its worker processes gone afterwards.
    out = tmp_path / "out"
    args = ["run", str(SMALL), "-r", "30", "-w", "2", *LONG]
    proc, err, workers, _ = _stopped(args, out, _ctrl_c)
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    done = (out / ".fcsim" / "manifest.jsonl").read_text().count("\n")
    assert 1 <= done < 120
    time.sleep(0.5)
    assert all(not _running(pid) for pid in workers)


def test_sigterm_stops_like_ctrl_c_and_keeps_finished_runs(tmp_path: Path) -> None:
    # a subprocess: the signal and the exit status of the process are the point; SIGTERM to
    # fcsim alone, as a service manager or `kill` sends it
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONWARNINGS="default")  # a leaked semaphore would be said
    args = ["run", str(SMALL), "-r", "30", "-w", "2", *LONG]
    proc, err, workers, _ = _stopped(args, out, subprocess.Popen.terminate, False, env)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "fcsim: terminated (SIGTERM)", err
    assert "--resume" in err and "Traceback" not in err and "leaked" not in err
    assert 1 <= (out / ".fcsim" / "manifest.jsonl").read_text().count("\n") < 120
    assert not (out / "runs.parquet").exists()  # nothing half-written
    time.sleep(0.5)
    assert all(not _running(pid) for pid in workers)


def test_ctrl_c_stops_an_advise_whose_strategies_run_in_threads(tmp_path: Path) -> None:
    # `fcsim advise -w 2` sizes each strategy in a thread of its own: Ctrl-C reaches the
    # main thread while the others wait for their runs; all stop at once, nothing is lost
    out = tmp_path / "out"
    args = ["advise", str(SMALL), "--volumes", "40,80", "-w", "2", *LONG[1:]]
    proc, err, workers, took = _stopped(args, out, _ctrl_c, timeout=30)
    assert proc.returncode == 130, err
    assert took < 10, took  # not after the runs in flight (or never)
    assert "--resume" in err and "Traceback" not in err, err
    assert not (out / "advice.json").exists()  # nothing half-written
    time.sleep(0.5)
    assert all(not _running(pid) for pid in workers)


def test_workers_end_when_fcsim_is_killed(tmp_path: Path) -> None:
    # SIGKILL leaves no chance to stop the pool: the workers see their parent gone and end
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*CLI, "run", str(SMALL), "-r", "30", "-w", "2", "-o", str(out), *LONG],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_a_stored_run(proc, out, 120)
        workers = [pid for pid in _children(proc.pid) if "spawn_main" in _cmdline(pid)]
        assert len(workers) == 2
        proc.kill()  # the main process alone, not its group
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.kill()
    left = [pid for pid in workers if _running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_batches_are_tiny_runs_only(small_scenario) -> None:
    specs = plan(small_scenario, 25)  # 100 runs of ~3,400 orders
    assert batch_size(specs, 1) == 1
    assert batch_size(specs[:8], 2) == 1  # too few to batch: balance first
    size = batch_size(specs, 2)
    assert 1 < size <= len(specs) // 8


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def test_local_workers_start_with_sigint_blocked_whichever_thread_starts_them() -> None:
    """A Ctrl-C while a worker is still starting (before its initializer leaves fcsim's process
    group) printed a KeyboardInterrupt traceback from the worker's start-up: workers now start
    with SIGINT blocked, also those a thread of `fcsim advise` starts, and the submitting
    thread's own mask is as before."""
    from concurrent.futures import ThreadPoolExecutor

    from fcsim.experiment.executors import LocalPool

    pool = LocalPool(2)
    try:
        busy = pool.executor.submit(time.sleep, 1.0)  # the first worker, started here
        with ThreadPoolExecutor(1) as thread:  # the second, started from another thread
            mask = thread.submit(
                pool.executor.submit, signal.pthread_sigmask, signal.SIG_BLOCK, []
            ).result()
        assert signal.SIGINT in mask.result(timeout=60)
        busy.result(timeout=60)
        again = pool.executor.submit(signal.pthread_sigmask, signal.SIG_BLOCK, [])
        assert signal.SIGINT in again.result(timeout=60)
        assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
        assert len(pool.executor._processes) == 2  # type: ignore[attr-defined]
    finally:
        pool.stop(interrupted=False)


def test_threads_that_say_their_priority_take_turns_for_the_workers() -> None:
    """One slot, held: three threads wait for it; as it frees, the lowest priority key goes
    first whatever the order they came in, then the next (first come among equals); a
    thread waiting when the pipeline closes stops with `PoolClosed`."""
    import threading

    from fcsim.experiment.executors import PoolClosed, Turns

    turns = Turns(1)
    turns.take((0, 0))  # the slot is taken
    order: list[str] = []

    def wait_for(name: str, key: tuple[int, int]) -> None:
        turns.take(key)
        order.append(name)
        turns.give()

    threads = []
    for name, key in (("late", (2, 0)), ("behind", (0, -7)), ("equal", (2, 0))):
        t = threading.Thread(target=wait_for, args=(name, key))
        t.start()
        threads.append(t)
        time.sleep(0.05)  # they come in this order
    turns.give()
    for t in threads:
        t.join(timeout=5)
    assert order == ["behind", "late", "equal"]
    assert turns.free == 1

    closed = threading.Event()
    turns.take((0, 0))
    out: list[BaseException] = []

    def stopped() -> None:
        try:
            turns.take((0, 0), closed)
        except PoolClosed as exc:
            out.append(exc)

    t = threading.Thread(target=stopped)
    t.start()
    closed.set()
    t.join(timeout=5)
    assert len(out) == 1 and turns._waiting == []  # it left the queue
