"""Bad command-line input: a clear message, exit 2, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SMALL, Result, run_in_process

QUICK = ("--set", "horizon_days=14", "-r", "1", "-w", "1", "-q")


def _refused(res: Result, *fragments: str) -> None:
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    for fragment in fragments:
        assert fragment in res.stderr, res.stderr


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("run", str(SMALL), "-o", "{file}/sub", *QUICK), ("-o", "is a file, not a folder")),
        (("sweep", str(SMALL), "--vary", "strategies.own.pickers=1,2", "-o", "{file}/s", *QUICK),
         ("-o", "is a file, not a folder")),
        (("baseline", str(SMALL), "-o", "{file}/b.json", "-r", "2", "-q"),
         ("-o", "is a file, not a folder")),
        (("run", str(SMALL), "-o", "/proc/fcsim-out", *QUICK), ("cannot write in /proc",)),
        (("run", str(SMALL), "-r", "100000000"), ("must be at most 10,000",)),
        (("run", str(SMALL), "-w", "0"), ("must be at least 1",)),
        (("size", str(SMALL), "--key", "strategies.own.pickers", "--range", "1:inf",
          "--smallest", "late_rate<=0.1", "-o", "{tmp}/sz", "-q"), ("two finite numbers",)),
        (("size", str(SMALL), "--key", "strategies.own.pickers", "--range", "1:3",
          "--smallest", "late_ratex<=0.1", "-o", "{tmp}/sz", "-q"),
         ("no metric named 'late_ratex'", "did you mean 'late_rate'?")),
        (("size", str(SMALL), "--key", "strategies.own.pickers", "--range", "1:3",
          "--break-even", "own,out", "--metric", "bogus", "-o", "{tmp}/sz", "-q"),
         ("--metric: no metric named 'bogus'",)),
        (("size", str(SMALL), "--key", "name", "--range", "1:3", "--smallest", "late_rate<=0.1",
          "-o", "{tmp}/sz", "-q"), ("--key name: not a number",)),
        (("size", str(SMALL), "--key", "strategies.own.pickers", "--range", "1:3",
          "--minimise", "cost_per_order_eur", "--metric", "late_rate", "-o", "{tmp}/sz", "-q"),
         ("goes with --break-even only",)),
        (("size", str(SMALL), "--key", "demand.orders_per_day", "--range", "10:60", "--step",
          "1e-300", "--minimise", "cost_per_order_eur", "-o", "{tmp}/sz", "-q"),
         ("more than 1,000,000 grid points",)),
        (("sweep", str(SMALL), "--vary", "strategies.nope.pickers=1,2", "-o", "{tmp}/s", "-q"),
         ("--vary strategies.nope.pickers=1: strategies: has no entry",)),
        (("run", str(SMALL), "-o", "", *QUICK), ("-o/--out: must not be empty",)),
        (("report", "{file}"), ("is a file, not a folder",)),
        (("inspect-data", str(ROOT / "scenarios/data/apparel_orders.csv"), "--date-format",
          "%d/%m/%Q", "-o", "{tmp}/orders.html"), ("date_format: is not a format",)),
    ],
)  # fmt: skip
def test_bad_command_line_is_refused_before_anything_is_written(
    tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    a_file = tmp_path / "afile"
    a_file.write_text("not a folder\n")
    args = tuple(a.format(file=a_file, tmp=tmp_path) for a in args)
    _refused(run_in_process(*args, cwd=tmp_path), *fragments)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # nothing else written


def test_output_read_by_a_closed_pipe_is_not_an_error() -> None:
    # `fcsim schema | head -c 10`: the reader stops early; fcsim exits quietly.
    # A real process: the broken pipe needs a real pipe on file descriptor 1, and the exit
    # status and stderr checked are the process's, after the interpreter has shut down.
    cmd = f"{sys.executable} -m fcsim schema | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    res = subprocess.run(["bash", "-c", cmd], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.stdout.strip() == "0", res.stderr
    assert "Traceback" not in res.stderr and "Broken pipe" not in res.stderr


def test_a_folder_of_another_command_is_not_mixed_with_new_results(tmp_path: Path) -> None:
    out = tmp_path / "m"
    sweep = ("sweep", str(SMALL), "-o", str(out), *QUICK)
    assert run_in_process(*sweep, "--vary", "strategies.own.pickers=3").returncode == 0
    # a second grid replaces the first one's point folders
    assert run_in_process(*sweep, "--vary", "strategies.own.pickers=4").returncode == 0
    assert [p.name for p in (out / "points").iterdir()] == ["000_pickers=4"]
    before = sorted(p.name for p in out.iterdir())
    res = run_in_process("run", str(SMALL), "-o", str(out), *QUICK)
    _refused(res, "holds the results of `fcsim sweep` (sweep.json)")
    assert sorted(p.name for p in out.iterdir()) == before


def test_an_unexpected_error_is_not_called_a_failed_run(monkeypatch, tmp_path: Path) -> None:
    """An error in fcsim itself (not in a run: a run that raises is reported with its spec)
    exits 3 with one line saying what stopped it and the file holding its traceback."""
    import fcsim.commands.validate as validate

    def broken(args):
        raise TypeError("a bug")

    import tempfile

    monkeypatch.setattr(validate, "run", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("FCSIM_DEBUG", raising=False)
    res = run_in_process("validate", str(SMALL))
    assert res.returncode == 3, res.stderr
    assert "stopped by an unexpected error: TypeError: a bug" in res.stderr, res.stderr
    assert "a run failed" not in res.stderr and "Traceback" not in res.stderr
    logs = list(tmp_path.glob("fcsim-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in res.stderr
    assert "Traceback" in logs[0].read_text(encoding="utf-8")
