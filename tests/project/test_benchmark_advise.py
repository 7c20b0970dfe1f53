"""The advise benchmark (`python -m benchmarks.advise`) reads an advise folder and writes its page.

A tiny `fcsim advise` (one volume, two strategies, four weeks) stands in for the default
answer: the page counts its runs and candidates, says how many screening runs were cut short,
and re-renders from the folder with the timing kept there.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import advise as bench

from conftest import SMALL, run_in_process


def test_the_advise_page_counts_what_the_folder_holds(tmp_path: Path) -> None:
    out = tmp_path / "advice"
    res = run_in_process(
        "advise", SMALL, "--volumes", "40", "--target", "late_rate<=10%", "-r", "3", "-w", "1",
        "--strategy", "own", "--strategy", "out", "--set", "horizon_days=28",
        "--set", "warmup_days=7", "-o", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    timing = {"command": "fcsim advise small", "wall_s": 12.0, "cpu_s": 20.0, "status": 0,
              "load_before": [0.5, 0.4, 0.3], "load_after": [1.5, 1.0, 0.5],
              "probe_s": [1.61, 2.05]}  # fmt: skip
    (out / "timing.json").write_text(json.dumps(timing), encoding="utf-8")
    page = tmp_path / "ADVISE.md"
    assert bench.main(["--folder", str(out), "-o", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    doc = json.loads((out / "advice.json").read_text(encoding="utf-8"))
    assert f"candidates evaluated: {doc['candidates']:,}" in text
    assert "Command: `fcsim advise small`" in text and "**12 s**" in text
    assert "before: [0.50, 0.40, 0.30], after: [1.50, 1.00, 0.50]" in text
    assert "Speed probe" in text and "1.61 s before, 2.05 s after" in text
    assert "Screening runs cut short" in text and "40 orders/day" in text
