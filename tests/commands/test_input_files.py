"""Input files named on the command line: anything but a regular file is refused before it is
read (never an endless read of /dev/zero, never a FIFO blocking for ever), and JSON nested too
deeply to parse is refused with a message, not a traceback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from fcsim.cli import main
from tests.conftest import ROOT, SMALL

DEEP = "[" * 100_000 + "]" * 100_000


def _limited() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _fcsim_guarded(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m fcsim ARGS` with 2 GB of memory and 60 s: a regression fails, not hangs."""
    return subprocess.run(
        [sys.executable, "-m", "fcsim", *args],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore"),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited,
    )


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_baseline_that_is_not_a_regular_file_is_refused_unread(tmp_path: Path, kind: str) -> None:
    # the process is the point: an endless read or a blocked open must not take the test run
    path = Path("/dev/zero") if kind == "device" else tmp_path / "fifo"
    if kind == "fifo":
        os.mkfifo(path)
    res = _fcsim_guarded("check", str(SMALL), "--baseline", str(path), "-q", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert f"{path}: is not a regular file" in res.stderr and "Traceback" not in res.stderr


def test_a_baseline_nested_too_deeply_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    assert main(["check", str(SMALL), "--baseline", str(path), "-q"]) == 2
    assert f"{path}: not a baseline file (JSON nested too deeply)" in capsys.readouterr().err


def test_a_summary_nested_too_deeply_is_refused_by_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "R"
    out.mkdir()
    (out / "summary.json").write_text(DEEP)
    for name in ("runs.parquet", "daily.parquet"):
        pd.DataFrame({"strategy": ["a"], "replication": [0]}).to_parquet(out / name)
    assert main(["report", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'summary.json'}: not an fcsim summary (JSON nested too deeply)" in err
    assert not (out / "index.html").exists()


def test_a_scenario_read_through_a_fifo_is_refused(tmp_path: Path) -> None:
    from fcsim.core.errors import ScenarioError
    from fcsim.scenario.yamlfile import read_file

    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="is not a regular file"):
        read_file(fifo)  # opened without waiting for a writer


def test_a_foreign_breakdown_table_is_refused_by_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "R"
    out.mkdir()
    (out / "summary.json").write_text('{"scenario": "x", "strategies": {}}\n')
    for name in ("runs.parquet", "daily.parquet"):
        pd.DataFrame({"strategy": ["a"], "replication": [0]}).to_parquet(out / name)
    pd.DataFrame({"a": [1], "b": ["x"]}).to_parquet(out / "breakdowns.parquet")
    assert main(["report", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'breakdowns.parquet'}: not an fcsim breakdown table (no column strategy" in err
    assert not (out / "index.html").exists()


def test_a_scenario_with_a_lone_surrogate_is_refused_before_it_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "s.yaml"
    text = SMALL.read_text().replace("name: small", 'name: small\ndescription: "bad \\udc80"')
    scenario.write_text(text)
    assert main(["validate", str(scenario)]) == 2
    out = tmp_path / "X"
    assert main(["run", str(scenario), "-o", str(out), "-w", "1", "-q"]) == 2
    assert f"{scenario}:3:14: description: a lone surrogate" in capsys.readouterr().err
    assert not out.exists()
