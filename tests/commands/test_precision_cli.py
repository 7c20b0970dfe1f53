"""`fcsim run -r auto --precision ...`: says how many replications and why, in the terminal and
in summary.json; the maximum; bad options exit 2 (the stopping rule itself:
tests/experiment/test_precision.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fcsim.cli import main

from conftest import SMALL

SHORT = ["--set", "horizon_days=21", "--set", "warmup_days=7", "-q", "-w", "1", "--no-report"]


def test_auto_says_how_many_and_why(tmp_path: Path, capsys) -> None:
    out = tmp_path / "auto"
    argv = ["run", str(SMALL), "-o", str(out), "-r", "auto", "--precision"]
    assert main([*argv, "cost_per_order_eur=50%", *SHORT]) == 0
    doc = json.loads((out / "summary.json").read_text())
    assert doc["replications"] == 3 and doc["precision"]["stopped"] == "precision met"
    assert "replications: 3, the first count whose 95 % half-widths meet" in capsys.readouterr().out


def test_auto_stops_at_the_maximum_and_says_which_missed(tmp_path: Path, capsys) -> None:
    out = tmp_path / "max"
    argv = ["run", str(SMALL), "-o", str(out), "-r", "auto", "--precision"]
    argv += ["cost_per_order_eur=0.0001%", "--max-replications", "2", *SHORT]
    assert main(argv) == 0
    p = json.loads((out / "summary.json").read_text())["precision"]
    assert p["stopped"] == "maximum replications reached" and not p["met"]
    assert {m["metric"] for m in p["missed"]} == {"cost_per_order_eur"}
    said = capsys.readouterr().out
    assert "replications stopped at the maximum, 2" in said and "cost_per_order_eur" in said


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["-r", "auto", "--precision", "cost=1%"], "unknown metric `cost`"),
        (["-r", "auto", "--precision", "late_rate=fast"], "'fast' is not a number"),
        (["-r", "auto", "--precision", "cost_per_order_eur=2pp"], "is for rates"),
        (["-r", "auto", "--max-replications", "1"], "at least 2 replications"),
        (["-r", "3", "--precision", "late_rate=1pp"], "--precision needs -r auto"),
        (["--indifference", "abc"], "'abc' is not a number"),
        (["--indifference", "cost_per_order_eur=1%"], "not in %"),
        (["-r", "often"], "or `auto`"),
        (["--confidence", "1.5"], "must be from 0.5"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, capsys, options: list[str], says: str) -> None:
    out = tmp_path / "bad"
    try:
        code = main(["run", str(SMALL), "-o", str(out), *options, "-q"])
    except SystemExit as exc:  # argparse
        code = exc.code
    assert code == 2
    assert says in capsys.readouterr().err
    assert not (out / "summary.json").exists()
