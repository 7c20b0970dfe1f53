"""An output path that is one of the command's inputs is refused (exit 2), the input untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fcsim.cli import main
from tests.conftest import ROOT, SMALL

QUICK = ["--set", "horizon_days=14", "-r", "2", "-w", "1", "-q"]
ORDERS = ROOT / "scenarios" / "data" / "apparel_orders.csv"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "b.json"
    assert main(["baseline", str(SMALL), "-o", str(path), *QUICK]) == 0
    return path


@pytest.fixture
def here(tmp_path: Path, baseline: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a scenario, a baseline, an order export and a base scenario."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(SMALL, "S.yaml")
    shutil.copy(baseline, "b.json")
    shutil.copy(ORDERS, "orders.csv")
    os.link("S.yaml", "hard.yaml")
    Path("base").mkdir()
    shutil.copy(SMALL, "base/small.yaml")
    Path("child.yaml").write_text("extends: base/small.yaml\nname: child\n")
    # a results folder whose daily.parquet is the scenario's order export
    Path("X").mkdir()
    pd.read_csv(ORDERS, dtype=str).to_parquet("X/daily.parquet")
    return tmp_path


HISTORY = [
    "--set",
    "demand={kind: history, orders: X/daily.parquet}",
    "--set",
    "catalogue.skus=300",
]


@pytest.mark.parametrize(
    ("argv", "victim", "fragment"),
    [
        (["baseline", "S.yaml", "-o", "S.yaml", *QUICK], "S.yaml",
         "-o S.yaml: is the scenario file"),
        (["baseline", "S.yaml", "-o", "./base/../S.yaml", *QUICK], "S.yaml",
         "is the scenario file"),
        (["baseline", "S.yaml", "-o", "hard.yaml", *QUICK], "S.yaml", "is the scenario file"),
        (["baseline", "child.yaml", "-o", "base/small.yaml", *QUICK], "base/small.yaml",
         "is a file the scenario extends"),
        (["check", "S.yaml", "--baseline", "b.json", "--json", "b.json", "-w", "1", "-q"],
         "b.json", "--json b.json: is the baseline"),
        (["check", "S.yaml", "--baseline", "b.json", "--junit", "S.yaml", "-w", "1", "-q"],
         "S.yaml", "--junit S.yaml: is the scenario file"),
        (["inspect-data", "orders.csv", "-o", "orders.csv"], "orders.csv",
         "-o orders.csv: is the order export"),
        (["inspect-data", "orders.csv", "--products", "S.yaml", "-o", "hard.yaml"], "S.yaml",
         "is the --products file"),
        (["run", "S.yaml", "-o", "X", *HISTORY, *QUICK], "X/daily.parquet",
         "-o X: would write X/daily.parquet, which is the data file of demand.orders"),
        (["sweep", "S.yaml", "--vary", "strategies.own.pickers=2", "-o", "X", *HISTORY, *QUICK],
         "X/daily.parquet", "would write X/daily.parquet"),
    ],
)  # fmt: skip
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(
    here: Path, capsys: pytest.CaptureFixture[str], argv: list[str], victim: str, fragment: str
) -> None:
    before = Path(victim).read_bytes()
    listing = sorted(p.name for p in here.rglob("*"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and "an input of this command" in err, err
    assert Path(victim).read_bytes() == before
    assert sorted(p.name for p in here.rglob("*")) == listing  # nothing written


@pytest.mark.parametrize("option", ["--screenshot", "--pdf"])
def test_report_refuses_a_picture_over_a_result_file(
    here: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    out = here / "R"
    out.mkdir()
    (out / "summary.json").write_text('{"scenario": "x", "strategies": {}}\n')
    pd.DataFrame({"strategy": ["a"], "replication": [0]}).to_parquet(out / "runs.parquet")
    pd.DataFrame({"strategy": ["a"], "replication": [0]}).to_parquet(out / "daily.parquet")
    before = (out / "runs.parquet").read_bytes()
    assert main(["report", "R", option, "R/runs.parquet", "-q"]) == 2
    assert f"{option} R/runs.parquet: is a result file of R" in capsys.readouterr().err
    assert (out / "runs.parquet").read_bytes() == before
    assert not (out / "index.html").exists()


def test_json_and_junit_on_one_file_are_refused(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "S.yaml", "--baseline", "b.json", "--json", "o", "--junit", "o", "-q"]
    assert main(argv) == 2
    assert "--junit o: is also the --json file" in capsys.readouterr().err
    assert not Path("o").exists()
