"""Every shipped scenario validates, matches `fcsim schema`, and runs end to end (short).

The runs go through the command line in this process (`fcsim.cli.main`), one worker, two
replications, two weeks of orders: what is checked is that each scenario runs, not its figures.
A large scenario (one with a `# ci:` line, which `.ci/run` uses to run it at full volume over a
few days) runs here at `SMALL_VOLUME` (500 orders a day, 5,000 SKUs), so the test stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fcsim.cli import main
from fcsim.scenario.load import load_data, load_scenario
from fcsim.scenario.tools import json_schema

from conftest import ROOT

SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
SHORT = ("--set", "horizon_days=14", "--set", "warmup_days=7", "--set", "drain_days=7")
HEADER = "# yaml-language-server: $schema=../docs/scenario.schema.json"
SMALL_VOLUME = ("--set", "demand.orders_per_day=500", "--set", "catalogue.skus=5000")


def ci_args(path: Path) -> list[str]:
    """The arguments of a scenario's `# ci:` line (what `.ci/run` adds to its run), or []."""
    for line in path.read_text().splitlines():
        if line.startswith("# ci: "):
            return line.removeprefix("# ci: ").split()
    return []


def as_json(value: Any) -> Any:
    """YAML data as JSON sees it: dates become ISO strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_the_four_example_businesses_are_shipped() -> None:
    names = {p.stem for p in SHIPPED}
    assert {
        "default",
        "electronics_growth",
        "gift_shop_seasonal",
        "marketplace_seller",
        "longtail_dropship",
    } <= names


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_is_valid_for_fcsim_and_for_the_json_schema(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.description, "a shipped scenario says what it represents"
    validator = jsonschema.Draft202012Validator(json_schema())
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(as_json(load_data(path).data))
    ]
    assert errors == []
    text = path.read_text()
    assert text.startswith(HEADER), "the editor header comes first"
    assert text.count("#") > 10, "a shipped scenario explains its figures"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_runs_end_to_end(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "out"
    volume = SMALL_VOLUME if ci_args(path) else ()
    status = main(
        [
            "run",
            str(path),
            "-r",
            "2",
            "-w",
            "1",
            "-q",
            "--no-report",
            "-o",
            str(out),
            *SHORT,
            *volume,
        ]
    )
    assert status == 0, capsys.readouterr().err
    doc = json.loads((out / "summary.json").read_text())
    strategies = load_scenario(path).strategies
    assert set(doc["strategies"]) == set(strategies)
    for name, metrics in doc["strategies"].items():
        assert metrics["orders"]["mean"] > 0, name
        assert metrics["cost_per_order_eur"]["n"] == 2, name


def test_a_ci_line_is_what_ci_runs_and_is_short() -> None:
    # .ci/run passes the `# ci:` line's arguments to `fcsim run`: they must load, and the large
    # scenario must be shortened by them (a year at 100,000 orders/day is for benchmarks only)
    path = ROOT / "scenarios" / "national_dc.yaml"
    args = ci_args(path)
    assert "--set" in args and "-r" in args
    sets = [args[i + 1] for i, a in enumerate(args) if a == "--set"]
    scenario = load_scenario(path, sets)
    assert scenario.horizon_days + scenario.drain_days <= 14
    assert load_scenario(path).demand.orders_per_day == 100_000
    assert "ci_args=$(sed -n 's/^# ci: //p'" in (ROOT / ".ci" / "run").read_text()
