"""The performance benchmark's smoke mode runs end to end, so `benchmarks/` never rots.

No timing is asserted (the machine is shared and the sizes are tiny); what is checked is that
every step runs and writes its files, and what the benchmark relies on: fcsim's `StaffPool`
serves tasks exactly as `simpy.Resource` does, the tandem scenario (b) is the same system as the
bare SimPy reference (a) (every order packed; mean times from order to ready and to collection
close), and a run keeps no Python object per order. The smoke run takes a good 20 s, so the
tests that read it are marked `slow` (`python -m pytest -m slow`, a step of `.ci/run`).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT


def _benchmark(*args: str) -> subprocess.CompletedProcess:
    """`python -m benchmarks ARGS` in a real process: the benchmark measures its own process
    and its children (peak memory, CPU time of the children), which must not be pytest's."""
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """One smoke run of the benchmark, shared by the tests of this module."""
    out = tmp_path_factory.mktemp("bench")
    proc = _benchmark("--smoke", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return proc, out, json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_smoke_runs_every_step_and_writes_both_files(smoke):
    proc, out, data = smoke
    assert data["smoke"] is True
    names = {t["name"] for t in data["targets"]}
    assert {
        "(b)/(a) orders/s",
        "(c)/(a) orders/s",
        "one replication of the year, one core",
        "memory kept for results",
        "2 workers vs 1, 8 replications",
        "a year at 100,000 orders/day, one replication",
        "peak memory of that year",
        "memory kept per order once streamed",
        "Dask LocalCluster of 2 = local pool of 2, national centre",
    } <= names
    for t in data["targets"]:
        assert ("PASS" if t["passed"] else "FAIL") in proc.stdout
    text = (out / "RESULTS.md").read_text(encoding="utf-8")
    assert "## Targets" in text and "## Profile of (c)" in text
    assert data["full"]["orders"] > 0 and data["full"]["events_per_order"] > 0
    assert data["scaling"]["replications"] == 2
    national = data["national"]
    assert national["orders"] > 50_000 and national["year_orders"] > 200 * national["orders"]
    assert "## National centre (100,000 orders/day)" in text
    if national["dask"] is not None:  # the optional extra is installed (as in CI)
        assert national["dask"]["identical"], national["dask"]["differences"]
    assert not list(out.glob(".*.tmp"))  # atomic writes leave nothing behind


@pytest.mark.slow
def test_smoke_equivalences_hold(smoke):
    _, _, data = smoke
    pool = data["pool_check"]
    assert pool["identical"], pool
    assert pool["pool_events"] < pool["resource_events"]
    assert data["shortcut_check"]["identical"], data["shortcut_check"]
    agree = data["tandem"]["agreement"]  # same orders, same laws, different draws
    assert agree["ready_done_a"] == agree["ready_done_b"] == data["tandem"]["orders"]
    assert agree["ready_rel_gap"] < 0.25, agree
    assert agree["ship_rel_gap"] < 0.25, agree
    assert data["memory"]["per_order"]["live_objects_per_order"] < 0.01


def _benchmark_here(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`python -m benchmarks ARGS` in this process, when it measures nothing: (status, stderr)."""
    from benchmarks.__main__ import main

    try:
        status = main(list(args))
    except SystemExit as exc:  # argparse refuses an option
        status = exc.code
    return status, capsys.readouterr().err


@pytest.mark.slow
def test_results_render_again_from_the_json_file(smoke, tmp_path, capsys):
    _, out, data = smoke
    status, err = _benchmark_here(
        "--from-json", str(out / "results.json"), "-o", str(tmp_path), capsys=capsys
    )
    assert status == 0, err
    again = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert again["targets"] == data["targets"]
    assert (tmp_path / "RESULTS.md").read_text(encoding="utf-8") == (out / "RESULTS.md").read_text(
        encoding="utf-8"
    )


def test_bad_usage_exits_2_with_a_message(capsys):
    status, err = _benchmark_here("--repeat", "0", capsys=capsys)
    assert status == 2
    assert "must be at least 1" in err
    status, err = _benchmark_here("--from-json", str(ROOT / "pyproject.toml"), capsys=capsys)
    assert status == 2
    assert "not a benchmark results file" in err
