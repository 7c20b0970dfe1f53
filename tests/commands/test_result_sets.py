"""An output folder holds one command's results, whole: files of an earlier run that a new run
does not write again are removed, and a write that fails midway leaves the earlier set as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fcsim.cli import main
from fcsim.experiment.staging import STAGE_PREFIX
from tests.conftest import SMALL

# two strategies are enough to write every file (the paired comparison among them)
TWO = ["--set", "strategies.drop=null", "--set", "strategies.hyb=null"]
QUICK = ["--set", "horizon_days=14", *TWO, "-r", "2", "-w", "1", "-q"]
SWEEP = ["sweep", str(SMALL), "--vary", "strategies.own.pickers=2,3"]
FIRST = {"run": ["run", str(SMALL)], "sweep": [*SWEEP, "--report"]}
"""The commands of the first results that the tests write over (`firsts`)."""


@pytest.fixture(scope="module")
def firsts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The first results each test writes over, made once: a run and a sweep with its pages."""
    base = tmp_path_factory.mktemp("firsts")
    for name, argv in FIRST.items():
        assert main([*argv, "-o", str(base / name), *QUICK]) == 0
    return {name: base / name for name in FIRST}


def _first(firsts: dict[str, Path], name: str, out: Path) -> Path:
    """A copy of the first results `name` in `out`, for one test to write over."""
    return Path(shutil.copytree(firsts[name], out, symlinks=True))


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` but the run store, by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".fcsim" not in p.relative_to(folder).parts
    }


def test_a_run_without_its_report_removes_the_earlier_report(
    firsts: dict[str, Path], tmp_path: Path
) -> None:
    out = _first(firsts, "run", tmp_path / "X")
    assert (out / "index.html").is_file()
    again = ["run", str(SMALL), "--set", "name=x", "--seed", "99", "--no-report", "-o", str(out)]
    assert main([*again, *QUICK]) == 0
    assert not (out / "index.html").exists()  # it showed the first run's results
    assert '"scenario": "x"' in (out / "summary.json").read_text()
    assert not list(out.glob(f"{STAGE_PREFIX}*"))


def test_a_sweep_without_pages_removes_the_earlier_pages(
    firsts: dict[str, Path], tmp_path: Path
) -> None:
    out = _first(firsts, "sweep", tmp_path / "S")
    assert len(list(out.rglob("index.html"))) == 3
    assert main([*SWEEP, "--no-report", "-o", str(out), *QUICK]) == 0
    assert not list(out.rglob("index.html"))


def test_a_run_whose_runs_all_fail_leaves_no_earlier_summary(
    firsts: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _first(firsts, "run", tmp_path / "X")
    assert (out / "summary.json").is_file()
    every = ",".join(f"{s}#{r}" for s in ("own", "out") for r in (0, 1))
    monkeypatch.setenv("FCSIM_FAIL_RUNS", every)
    assert main(["run", str(SMALL), "-o", str(out), *QUICK]) == 3
    assert sorted(p.name for p in out.iterdir()) == [".fcsim", "failed_runs.log"]


@pytest.mark.parametrize(
    ("first", "named"),
    [
        ("run", "daily.parquet"),
        ("sweep", "points/000_pickers=2/daily.parquet"),  # the points come first
    ],
)
def test_a_full_disk_midway_leaves_the_earlier_results_whole(
    firsts: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    first: str,
    named: str,
) -> None:
    out = _first(firsts, first, tmp_path / "X")
    before = _snapshot(out)
    real = pd.DataFrame.to_parquet

    def full_disk(self: pd.DataFrame, path: object, *args: object, **kwargs: object) -> None:
        if Path(str(path)).name.startswith(".daily.parquet."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    capsys.readouterr()
    assert main([*FIRST[first], "--seed", "99", "-o", str(out), *QUICK]) == 2
    err = capsys.readouterr().err
    assert f"{out / named}: cannot write: No space left on device" in err, err
    assert "left as they were" in err and "Traceback" not in err
    assert _snapshot(out) == before
    assert not list(out.glob(f"{STAGE_PREFIX}*"))
