"""`fcsim run` warns when the measured window is too short or the warm-up shorter than MSER-5
finds, in the terminal, in summary.json and on the report page."""

from __future__ import annotations

import json
from pathlib import Path

from fcsim.cli import main

from conftest import SMALL


def test_a_short_window_and_warm_up_are_warned_about(tmp_path: Path, capsys) -> None:
    out = tmp_path / "short"
    argv = ["run", str(SMALL), "-o", str(out), "-r", "1", "-q", "-w", "1"]
    short = ["--set", "horizon_days=20", "--set", "warmup_days=10"]
    assert main([*argv, *short, "--set", "service_target.late_rate=0.5"]) == 0
    said = capsys.readouterr().out
    assert "warning: the measured window is 10 days" in said and "two weeks" in said
    doc = json.loads((out / "summary.json").read_text())
    w = doc["warmup"]
    assert w["method"] == "MSER-5" and w["measured_days"] == 10
    assert any("two weeks" in x for x in w["warnings"])
    # one replication: the selection cannot separate anything
    cost = doc["selection"]["metrics"]["cost_per_order_eur"]
    assert cost["selected"] is None and cost["subset"] == ["out", "drop", "own", "hyb"]
    assert "cannot be separated as the cheapest" in said and "(1 replication)" in said
    page = (out / "index.html").read_text()
    assert "shorter than two weeks" in page and "MSER-5" in page
