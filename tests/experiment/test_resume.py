"""Resume: a sweep killed with SIGKILL midway, resumed, gives exactly the uninterrupted runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from conftest import ROOT, SMALL, run_in_process, wait_for_a_stored_run

SWEEP = [
    "sweep",
    str(SMALL),
    "--vary",
    "strategies.own.pickers=1,2",
    "--set",
    "horizon_days=21",
    "-r",
    "2",
    "-q",
]
TOTAL = 2 * 4 * 2  # points x strategies x replications


def _runs(out: Path) -> pd.DataFrame:
    df = pd.read_parquet(out / "runs.parquet").drop(columns=["wall_s"])
    return df.sort_values(["point", "replication", "strategy"]).reset_index(drop=True)


def _manifest(out: Path) -> list[dict]:
    path = out / ".fcsim" / "manifest.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def test_sigkilled_sweep_resumes_with_no_run_lost_or_duplicated(tmp_path: Path) -> None:
    killed = tmp_path / "killed"
    # The killed sweep is a real process: SIGKILL, and its worker processes dying with it.
    # Resuming and the uninterrupted reference need no process of their own.
    proc = subprocess.Popen(
        [sys.executable, "-m", "fcsim", *SWEEP, "-w", "2", "-o", str(killed)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_a_stored_run(proc, killed, 180)
        workers = [int(x) for x in _ps_children(proc.pid)]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    done_before = {e["hash"] for e in _manifest(killed) if e["status"] == "done"}
    assert 0 < len(done_before) < TOTAL, "the sweep was not killed midway"
    assert not (killed / "runs.parquet").exists()  # nothing half-written
    time.sleep(1)  # workers die with the parent (Linux): none left running
    assert not [pid for pid in workers if _running(pid)]

    # resuming reads the killed sweep's run store in this process, whatever the workers
    res = run_in_process(*SWEEP, "-w", "1", "-o", str(killed), "--resume")
    assert res.returncode == 0, res.stderr
    assert f"{TOTAL} runs ({len(done_before)} reused from before)" in res.stdout
    entries = [e for e in _manifest(killed) if e["status"] == "done"]
    hashes = [e["hash"] for e in entries]
    assert len(hashes) == len(set(hashes)) == TOTAL  # each run exactly once

    full = tmp_path / "full"
    ref = run_in_process(*SWEEP, "-w", "1", "-o", str(full))
    assert ref.returncode == 0, ref.stderr
    pd.testing.assert_frame_equal(_runs(killed), _runs(full), check_exact=True)
    assert len(_runs(full)) == TOTAL


def test_resume_ignores_a_truncated_manifest_line(tmp_path: Path, small_scenario) -> None:
    from fcsim.experiment.pipeline import Execution, run_specs
    from fcsim.experiment.runs import plan

    specs = plan(small_scenario, 1, strategies=["out", "drop"])
    first = run_specs(specs[:1], Execution(workers=1, out=tmp_path))
    with (tmp_path / ".fcsim" / "manifest.jsonl").open("a") as fh:
        fh.write('{"hash": "abc", "sta')  # a write cut short by SIGKILL
    second = run_specs(specs, Execution(workers=1, out=tmp_path, resume=True))
    assert (second.reused, second.ran) == (1, 1)
    assert pd.Series(second.results[0].kpis).equals(pd.Series(first.results[0].kpis))
    # without --resume, previous runs are forgotten
    fresh = run_specs(specs, Execution(workers=1, out=tmp_path))
    assert (fresh.reused, fresh.ran) == (0, 2)


def _ps_children(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return out.stdout.split()


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status
