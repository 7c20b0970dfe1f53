"""Sweeps: parsing --vary, the grid, validation of every point, and the files written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fcsim.core.errors import ScenarioError, UsageError
from fcsim.experiment.sweep import grid, parse_vary, resolve, resolved_yaml, split_values
from fcsim.scenario.load import load_scenario

from conftest import SMALL, run_in_process


def test_split_values_keeps_brackets_and_quotes_together() -> None:
    assert split_values("1,2, 3") == ["1", "2", "3"]
    assert split_values("[1, 2],[3]") == ["[1, 2]", "[3]"]
    assert split_values('"a,b",c') == ['"a,b"', "c"]
    assert split_values("{x: 1, y: 2},16:00") == ["{x: 1, y: 2}", "16:00"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("pickers", "expected key.path=V1,V2"),
        ("=1,2", "expected key.path=V1,V2"),
        ("a..b=1", "expected key.path=V1,V2"),
        ("a.b=1,,2", "an empty value"),
        ("a.b=", "an empty value"),
        ("a.b=1,1", "listed twice"),
    ],
)
def test_bad_vary_is_a_usage_error(text: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_vary(text)


def test_grid_first_vary_outermost() -> None:
    points = grid([parse_vary("a.x=1,2"), parse_vary("b=p,q,r")])
    assert [p.overrides for p in points[:4]] == [
        ("a.x=1", "b=p"),
        ("a.x=1", "b=q"),
        ("a.x=1", "b=r"),
        ("a.x=2", "b=p"),
    ]
    assert [p.index for p in points] == list(range(6))
    assert points[4].folder == "004_x=2_b=q"
    with pytest.raises(UsageError, match="varied twice"):
        grid([parse_vary("a=1,2"), parse_vary("a=3")])


def test_every_point_is_validated_before_running() -> None:
    points = grid([parse_vary("strategies.own.pickers=2,-1,0")])
    with pytest.raises(ScenarioError) as err:
        resolve(SMALL, [], points)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "strategies.own.pickers=-1" in text and "strategies.own.pickers=0" in text


def test_resolved_scenario_file_loads_back_identical(tmp_path: Path) -> None:
    points, scenarios = resolve(SMALL, [], grid([parse_vary("carriers.0.cutoff=15:30")]))
    assert points[0].values == {"carriers.0.cutoff": "15:30"}
    path = tmp_path / "scenario.yaml"
    path.write_text(resolved_yaml(scenarios[0], points[0]))
    assert load_scenario(path).content_hash() == scenarios[0].content_hash()


def test_sweep_writes_one_row_per_point_strategy_replication(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    res = run_in_process(
        "sweep",
        str(SMALL),
        "--vary",
        "strategies.own.pickers=1,3",
        "--vary",
        "demand.orders_per_day=40,50",
        "--set",
        "horizon_days=21",
        "-r",
        "2",
        "-w",
        "1",
        "-o",
        str(out),
        "-q",
    )
    assert res.returncode == 0, res.stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4 * 4 * 2
    assert list(runs.columns[:5]) == [
        "point",
        "strategies.own.pickers",
        "demand.orders_per_day",
        "strategy",
        "replication",
    ]
    assert sorted(runs["strategies.own.pickers"].unique()) == [1, 3]
    assert runs.groupby(["point", "strategy"]).size().eq(2).all()
    doc = json.loads((out / "sweep.json").read_text())
    assert [p["overrides"] for p in doc["points"]][1] == [
        "strategies.own.pickers=1",
        "demand.orders_per_day=50",
    ]
    for p in doc["points"]:
        folder = out / p["folder"]
        sc = load_scenario(folder / "scenario.yaml")
        assert sc.strategies["own"].pickers == p["values"]["strategies.own.pickers"]
        assert json.loads((folder / "summary.json").read_text())["strategies"]
        assert (folder / "runs.parquet").is_file()
    # the same seed at every point: the 3PL does not depend on the own warehouse's pickers
    out_rows = runs[runs["strategy"] == "out"].set_index(["demand.orders_per_day", "replication"])
    by_pickers = [
        g.drop(columns=["point", "strategies.own.pickers", "wall_s"])
        for _, g in out_rows.groupby("strategies.own.pickers")
    ]
    pd.testing.assert_frame_equal(by_pickers[0], by_pickers[1])
    assert "point" in res.stdout and "pickers" in res.stdout
    # the sweep's own report, without per-point pages (no --report)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "strategies.own.pickers" in page and "plotly" in page
    assert not any((out / p["folder"] / "index.html").exists() for p in doc["points"])


def test_sweep_without_report_writes_no_page(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    res = run_in_process(
        "sweep",
        str(SMALL),
        "--vary",
        "strategies.own.pickers=1,2",
        "--set",
        "horizon_days=14",
        "-r",
        "1",
        "-w",
        "1",
        "-o",
        str(out),
        "-q",
        "--no-report",
    )
    assert res.returncode == 0, res.stderr
    assert (out / "sweep.json").is_file() and not (out / "index.html").exists()


def test_bad_sweep_value_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "sw"
    res = run_in_process(
        "sweep", str(SMALL), "--vary", "strategies.own.pickers=2,many", "-o", str(out)
    )
    assert res.returncode == 2
    assert "strategies.own.pickers=many" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()
