"""The pipeline: the same files as `fcsim run`, one event per run, and nothing printed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fcsim.cli import main
from fcsim.experiment.executors import FAIL_ENV
from fcsim.experiment.loading import load_scenario
from fcsim.experiment.outputs import write_run, write_sweep
from fcsim.experiment.pipeline import (
    Event,
    Execution,
    Pipeline,
    PointPlan,
    run_points,
)
from fcsim.experiment.runs import RunsFailed
from fcsim.experiment.sweep import grid, parse_vary, resolve

from conftest import SMALL

SHORT = ["horizon_days=14"]
TABLES = ("runs.parquet", "daily.parquet", "breakdowns.parquet")


@pytest.fixture(scope="module")
def short():
    return load_scenario(SMALL, SHORT)


def _table(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path)
    return df.drop(columns=[c for c in ("wall_s",) if c in df.columns])


def test_the_pipeline_writes_the_files_of_fcsim_run(tmp_path: Path, short, capsys) -> None:
    cli = tmp_path / "cli"
    args = ["run", str(SMALL), "-r", "2", "-w", "1", "-q", "--no-report", "-o", str(cli)]
    assert main([*args, "--set", *SHORT]) == 0
    capsys.readouterr()

    out = tmp_path / "pipeline"
    outcome = run_points([PointPlan.of(short, 2)], Execution(workers=1, out=out))
    written = write_run(out, outcome)
    assert capsys.readouterr() == ("", "")  # the experiment layer prints nothing
    assert written.log is None and written.doc is not None
    assert (outcome.finished, outcome.ran, outcome.reused, outcome.failures) == (8, 8, 0, [])
    assert json.loads((out / "summary.json").read_text()) == json.loads(
        (cli / "summary.json").read_text()
    )
    assert (out / "summary.csv").read_text() == (cli / "summary.csv").read_text()
    for name in TABLES:
        one, two = _table(cli / name), _table(out / name)
        assert len(one) > 0
        pd.testing.assert_frame_equal(one, two, check_exact=True)
    # the same files, and the command's workbook (a report-layer product, `fcsim.report`)
    files = sorted([*(p.name for p in out.iterdir()), "results.xlsx"])
    assert files == sorted(p.name for p in cli.iterdir())


def test_the_observer_sees_one_event_per_run_and_nothing_is_printed(
    tmp_path: Path, short, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAIL_ENV, "own#1")
    events: list[Event] = []
    point = PointPlan.of(short, 2, strategies=["own", "out"])
    outcome = run_points([point], Execution(workers=1, out=tmp_path), events.append)
    written = write_run(tmp_path, outcome)
    assert capsys.readouterr() == ("", "")
    kinds = ["started", "run_done", "run_done", "run_failed", "run_done"]
    assert [e.kind for e in events] == kinds  # in this process: in plan order
    assert events[0].total == 4
    assert [(e.done, e.total) for e in events[1:]] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [e.label for e in events[1:]] == ["own #0", "out #0", "own #1", "out #1"]
    failed = events[3]
    assert "failure injected" in failed.message
    assert [f.spec.label for f in outcome.failures] == ["own #1"]
    assert written.log is not None and "=== own #1" in written.log.read_text()
    assert written.doc is not None and written.doc["failed_runs"] == ["own #1"]
    with pytest.raises(RunsFailed, match="1 run\\(s\\) failed: own #1"):
        outcome.require_all()

    # resumed: the three finished runs come from the store, the failed one runs again
    monkeypatch.delenv(FAIL_ENV)
    events.clear()
    again = run_points([point], Execution(workers=1, out=tmp_path, resume=True), events.append)
    assert capsys.readouterr() == ("", "")
    assert [(e.kind, e.reused, e.total) for e in events[:2]] == [
        ("resumed", 3, 1),
        ("started", 0, 1),
    ]
    assert [(e.kind, e.label) for e in events[2:]] == [("run_done", "own #1")]
    assert (again.reused, again.ran, again.finished, again.failures) == (3, 1, 4, [])
    assert write_run(tmp_path, again).log is None
    assert not (tmp_path / "failed_runs.log").exists()


def test_an_interruption_is_an_event_and_the_finished_runs_are_kept(
    tmp_path: Path, short, capsys
) -> None:
    events: list[Event] = []

    def observer(event: Event) -> None:
        events.append(event)
        if event.kind == "run_done" and event.done == 2:
            raise KeyboardInterrupt  # as a Ctrl-C while the third run would start

    point = PointPlan.of(short, 2, strategies=["own", "out"])
    with pytest.raises(KeyboardInterrupt):
        run_points([point], Execution(workers=1, out=tmp_path), observer)
    assert capsys.readouterr() == ("", "")
    last = events[-1]
    assert (last.kind, last.done, last.total) == ("interrupted", 2, 4)
    assert last.store == tmp_path / ".fcsim"
    again = run_points([point], Execution(workers=1, out=tmp_path, resume=True))
    assert (again.reused, again.ran) == (2, 2)


def test_points_of_one_plan_get_their_own_runs_and_failures(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    varies = [parse_vary("strategies.own.pickers=1,2")]
    points, scenarios = resolve(SMALL, SHORT, grid(varies))
    first = PointPlan.of(scenarios[0], 2, strategies=["own", "drop"])
    plans = [
        PointPlan(sc, 2, first.seed, first.strategies, p.overrides)
        for p, sc in zip(points, scenarios, strict=True)
    ]
    monkeypatch.setenv(FAIL_ENV, "drop#0")
    events: list[Event] = []
    with Pipeline(Execution(workers=1, out=tmp_path), tasks=8, on_event=events.append) as pipe:
        outcome = pipe.run(plans)
    written = write_sweep(tmp_path, scenarios[0], varies, points, outcome)
    assert capsys.readouterr() == ("", "")
    assert sum(e.kind in ("run_done", "run_failed") for e in events) == 8
    assert [len(p.results) for p in outcome.points] == [3, 3]
    assert [[f.spec.overrides for f in p.failures] for p in outcome.points] == [
        [points[0].overrides],
        [points[1].overrides],
    ]
    for p, pr in zip(points, outcome.points, strict=True):
        assert pr.doc is not None
        assert set(pr.runs["strategy"]) == {"own", "drop"}
        folder = tmp_path / "points" / p.folder
        pd.testing.assert_frame_equal(
            _table(folder / "runs.parquet"), pr.runs.drop(columns="wall_s")
        )
    assert written.doc is not None and len(written.doc["failed_runs"]) == 2
    assert [s.folder.name for s in written.points] == [p.folder for p in points]


def test_a_point_whose_runs_all_failed_has_no_summary(
    tmp_path: Path, short, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAIL_ENV, "own#0")
    outcome = run_points([PointPlan.of(short, 1, strategies=["own"])], Execution(workers=1))
    (point,) = outcome.points
    assert point.results == [] and point.doc is None and len(point.runs) == 0
    written = write_run(tmp_path, outcome)
    assert written.doc is None and written.log is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failed_runs.log"]


def test_the_commands_print_the_resume_and_progress_lines(tmp_path: Path, capsys) -> None:
    args = ["run", str(SMALL), "-r", "1", "-w", "1", "--no-report", "-o", str(tmp_path)]
    assert main([*args, "--set", *SHORT]) == 0
    first = capsys.readouterr()
    assert "fcsim: 4/4 runs done" in first.err
    assert main([*args, "--set", *SHORT, "--resume"]) == 0
    again = capsys.readouterr()
    assert "fcsim: resuming: 4 run(s) already done, 0 to run" in again.err
    assert "4 runs (4 reused from before)" in again.out
    assert main([*args, "--set", *SHORT, "--resume", "-q"]) == 0
    assert capsys.readouterr().err == ""
