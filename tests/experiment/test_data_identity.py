"""A scenario's data files are part of its identity: an edited file is never answered from a
stale run store or judged against a baseline recorded on the old file.

The scenario carries the files' content (read when it is loaded) and their bytes are hashed into
`Scenario.content_hash`, which keys the run store (`--resume`) and the regression baseline.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fcsim.cli import main
from fcsim.experiment.loading import load_scenario

from conftest import ROOT

RUN = ["-r", "1", "--set", "horizon_days=30", "-q", "--no-report", "-w", "1"]


@pytest.fixture
def apparel(tmp_path: Path) -> Path:
    """The shipped history scenario and its data files, copied where the test may edit them."""
    shutil.copy(ROOT / "scenarios" / "history_apparel.yaml", tmp_path / "apparel.yaml")
    (tmp_path / "data").mkdir()
    for name in ("apparel_orders.csv", "apparel_products.csv"):
        shutil.copy(ROOT / "scenarios" / "data" / name, tmp_path / "data" / name)
    return tmp_path / "apparel.yaml"


def _halve_history(scenario: Path) -> None:
    csv = scenario.parent / "data" / "apparel_orders.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join(lines[: 1 + (len(lines) - 1) // 2]), encoding="utf-8")


def _strategies(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["strategies"]


def test_the_content_hash_covers_the_bytes_of_the_data_files(apparel: Path) -> None:
    before = load_scenario(apparel)
    assert set(before.data.file_digests) == {"demand.orders", "catalogue.from"}
    _halve_history(apparel)
    after = load_scenario(apparel)
    assert after.model_dump() == before.model_dump()  # same YAML, same paths
    assert after.content_hash() != before.content_hash()
    assert after.data.history.n < before.data.history.n


def test_resume_reruns_what_an_edited_history_changes(apparel: Path, capsys) -> None:
    out = apparel.parent / "out"
    assert main(["run", str(apparel), "-o", str(out), *RUN]) == 0
    first = _strategies(out)
    _halve_history(apparel)
    capsys.readouterr()
    assert main(["run", str(apparel), "-o", str(out), *RUN, "--resume"]) == 0
    assert "reused" not in capsys.readouterr().out  # nothing taken from the old file's runs
    resumed = _strategies(out)
    fresh_out = apparel.parent / "fresh"
    assert main(["run", str(apparel), "-o", str(fresh_out), *RUN]) == 0
    fresh = _strategies(fresh_out)
    assert resumed == fresh
    own = next(iter(fresh))
    assert resumed[own]["cost_per_order_eur"] != first[own]["cost_per_order_eur"]


def test_check_refuses_a_baseline_recorded_on_another_data_file(apparel: Path, capsys) -> None:
    baseline = apparel.parent / "baseline.json"
    args = ["-r", "2", "--set", "horizon_days=30", "-q", "-w", "1"]
    assert main(["baseline", str(apparel), "-o", str(baseline), *args]) == 0
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert set(recorded["data_files"]) == {"demand.orders", "catalogue.from"}
    _halve_history(apparel)
    capsys.readouterr()
    assert main(["check", str(apparel), "--baseline", str(baseline), "-q", "-w", "1"]) == 2
    err = capsys.readouterr().err
    assert "recorded for a different scenario" in err
    assert "demand.orders: the file's content" in err
    assert "catalogue.from" not in err  # the product file did not change
