"""A corrupted baseline never lets the gate pass: NaN, infinite or absurd values are problems of
the file (exit 2, naming strategy and metric), and a check that judges nothing fails (exit 1)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fcsim.cli import main
from tests.conftest import SMALL

QUICK = ["--set", "horizon_days=14", "-w", "1", "-q"]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("gate") / "b.json"
    assert main(["baseline", str(SMALL), "-o", str(path), "-r", "2", *QUICK]) == 0
    return json.loads(path.read_text())


def _every_value(doc: dict, value: float | None) -> dict:
    out = json.loads(json.dumps(doc))
    for metrics in out["strategies"].values():
        for rec in metrics.values():
            rec.update(mean=value, ci_low=value, ci_high=value)
            rec["values"] = [value] * len(rec["values"])
    return out


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (float("nan"), "Input should be a finite number"),
        (float("inf"), "Input should be a finite number"),
        (1e308, "1e+308 is not a plausible value"),
        (-2e15, "-2e+15 is not a plausible value"),
    ],
)
def test_a_baseline_value_that_is_not_a_plausible_number_is_refused(
    doc: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: float, fragment: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_every_value(doc, value)))  # NaN and Infinity as Python writes
    assert main(["check", str(SMALL), "--baseline", str(path), *QUICK]) == 2
    captured = capsys.readouterr()
    assert "passed" not in captured.out
    assert f"{path}: strategies.own.orders.mean: not a valid baseline: {fragment}" in captured.err
    assert f"{path}: strategies.own.orders.values.0: not a valid baseline" in captured.err


def test_a_check_that_judges_nothing_fails(
    doc: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(_every_value(doc, None)))
    out, junit = tmp_path / "v.json", tmp_path / "j.xml"
    argv = ["check", str(SMALL), "--baseline", str(path), "--json", str(out), "--junit", str(junit)]
    assert main([*argv, *QUICK]) == 1
    text = capsys.readouterr().out
    assert "0 unchanged, 28 not judged" in text and "passed" not in text
    assert "FAILED, nothing could be judged" in text
    assert json.loads(out.read_text())["passed"] is False
    suite = ET.parse(junit).getroot()
    assert suite.get("errors") == "1" and suite.find(".//error") is not None


def test_a_check_that_judges_something_still_passes(
    doc: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(doc))
    assert main(["check", str(SMALL), "--baseline", str(path), *QUICK]) == 0
    assert "passed, nothing regressed" in capsys.readouterr().out
