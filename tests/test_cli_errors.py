"""Bad command-line input: a clear message, exit 2, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SMALL, run_cli

QUICK = ("--set", "horizon_days=14", "-r", "1", "-w", "1", "-q")


def _refused(res: subprocess.CompletedProcess, *fragments: str) -> None:
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
    _refused(run_cli(*args, cwd=tmp_path), *fragments)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # nothing else written


def test_output_read_by_a_closed_pipe_is_not_an_error() -> None:
    # `fcsim schema | head -c 10`: the reader stops early; fcsim exits quietly
    cmd = f"{sys.executable} -m fcsim schema | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    res = subprocess.run(["bash", "-c", cmd], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.stdout.strip() == "0", res.stderr
    assert "Traceback" not in res.stderr and "Broken pipe" not in res.stderr
