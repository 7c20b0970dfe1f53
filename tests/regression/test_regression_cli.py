"""`fcsim baseline` and `fcsim check` end to end on the small scenario: a check against its own
baseline passes, a worse policy is caught and named, noise is not flagged, CI files parse, and
bad input exits 2 with a message and nothing written."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fcsim.cli import main
from fcsim.regression.baseline_file import read

from conftest import ROOT, SMALL, run_in_process

FAST = ("-w", "1", "-q")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gate") / "small.json"
    res = run_in_process("baseline", str(SMALL), "-o", str(path), *FAST)
    assert res.returncode == 0, res.stderr
    return path


def test_the_baseline_records_every_replication(baseline: Path, small_scenario) -> None:
    b = read(baseline)
    assert (b.scenario, b.seed, b.replications) == ("small", 7, 3)
    assert b.scenario_hash == small_scenario.content_hash()
    assert list(b.strategies) == ["own", "out", "drop", "hyb"]
    late = b.strategies["own"]["late_rate"]
    assert len(late.values) == 3 and late.ci_low <= late.mean <= late.ci_high
    assert b.refresh_command == f"fcsim baseline {SMALL} -o {baseline}"


def test_a_check_against_its_own_baseline_passes(baseline: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.json"
    res = run_in_process(
        "check", str(SMALL), "--baseline", str(baseline), "--json", str(out), *FAST
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 regressed" in res.stdout and "passed" in res.stdout
    doc = json.loads(out.read_text())
    assert doc["passed"] is True and doc["paired"] is True and len(doc["results"]) == 4 * 7
    # same scenario, same seeds: every replication is reproduced exactly
    assert all(r["change"] == 0 and r["verdict"] == "unchanged" for r in doc["results"])


def test_half_the_pickers_is_caught_and_named(baseline: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    res = run_in_process(
        "check",
        str(SMALL),
        "--baseline",
        str(baseline),
        "--set",
        "strategies.own.pickers=1",
        "--allow-changed-scenario",
        "--junit",
        str(junit),
        *FAST,
    )
    assert res.returncode == 1, res.stdout + res.stderr
    assert "strategies.own.pickers: 2 in the baseline, 1 now" in res.stdout
    failed = res.stdout.split("FAILED", 1)[1]
    assert "own late_rate: worse by" in failed
    assert f"fcsim baseline {SMALL} -o {baseline}" in failed  # how to accept the change
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and int(suite.get("tests", 0)) == 4 * 7
    failures = {
        (c.get("classname"), c.get("name"))
        for c in suite.iter("testcase")
        if c.find("failure") is not None
    }
    assert ("small.own", "late_rate") in failures
    assert int(suite.get("failures", 0)) == len(failures)
    # the 3PL, dropship and hybrid strategies do not use these pickers
    assert {cls for cls, _ in failures} == {"small.own"}


def test_a_changed_scenario_is_refused_without_the_flag(baseline: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    res = run_in_process(
        "check",
        str(SMALL),
        "--baseline",
        str(baseline),
        "--set",
        "carriers.0.cutoff=14:00",
        "--junit",
        str(junit),
        *FAST,
    )
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    # one difference per line, then what to do, each on its own line (newlines not escaped)
    assert '\n  carriers.0.cutoff: "16:00" in the baseline, "14:00" now\n' in res.stderr
    assert "\\x0a" not in res.stderr
    assert f"fcsim baseline {SMALL} -o {baseline}" in res.stderr
    assert "--allow-changed-scenario" in res.stderr
    assert not junit.exists()


def test_a_baseline_from_another_model_fails_loudly(baseline: Path, tmp_path: Path) -> None:
    # Same scenario and seed, but results recorded by a "model" with fewer late deliveries for
    # `own`: what a check sees after a code change that made `own` later.
    doc = json.loads(baseline.read_text())
    late = doc["strategies"]["own"]["late_rate"]
    late["values"] = [v - 0.02 for v in late["values"]]
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(doc))
    res = run_in_process("check", str(SMALL), "--baseline", str(stale), *FAST)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "the model has changed since the baseline was recorded" in res.stdout
    assert "own late_rate: worse by 2.00 pt" in res.stdout
    assert "record the baseline again" in res.stdout


def test_noise_on_another_seed_is_not_flagged(tmp_path: Path) -> None:
    # One category: the catalogue's layout over sales ranks is then the same for every seed,
    # so another seed changes only the random noise (see docs/ci.md on unpaired checks).
    one = tmp_path / "one_category.yaml"
    one.write_text(
        f"extends: {SMALL}\n"
        "catalogue:\n"
        "  categories:\n"
        "    - {name: tops, unit_price_eur: 30, unit_cost_eur: 10, unit_weight_kg: 0.3,"
        " unit_volume_l: 1.2, units_per_pallet: 400, return_rate: 0.25}\n"
    )
    base = tmp_path / "b.json"
    assert run_in_process("baseline", str(one), "-o", str(base), "-r", "5", *FAST).returncode == 0
    out = tmp_path / "check.json"
    res = run_in_process(
        "check", str(one), "--baseline", str(base), "--seed", "8", "--json", str(out), *FAST
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "unpaired" in res.stdout and "0 regressed" in res.stdout
    doc = json.loads(out.read_text())
    assert doc["paired"] is False
    assert sum(r["change"] != 0 for r in doc["results"]) > 20  # the runs did differ


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--metrics", "late_rat"], "unknown metric `late_rat` (did you mean `late_rate`?)"),
        (["--metrics", "orders"], "`orders` has no better direction"),
        (["--tolerance", "late_rate=0.5pt"], "late_rate: '0.5pt' is not a tolerance"),
        (["--tolerance", "late_rate"], "write METRIC=+AMOUNT or METRIC=+PERCENT%"),
        (["-r", "4"], "the baseline has 3 replications to pair with"),
        (["--set", "strategies.own.pikers=1"], "unknown key `pikers`"),
    ],
)
def test_bad_options_exit_2_before_running(
    baseline: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["check", str(SMALL), "--baseline", str(baseline), *extra, *FAST])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err


def test_unreadable_baselines_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "missing.json": None,
        "garbage.json": "{ not json",
        "other.json": json.dumps({"strategies": {}}),
    }
    expected = {
        "missing.json": "cannot read the baseline: No such file or directory",
        "garbage.json": "garbage.json:1:3: not a baseline file (invalid JSON",
        "other.json": "not an fcsim baseline",
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        status = main(["check", str(SMALL), "--baseline", str(path), *FAST])
        err = capsys.readouterr().err
        assert status == 2, name
        assert expected[name] in err, err


def test_a_baseline_needs_two_replications(tmp_path: Path, capsys) -> None:
    out = tmp_path / "b.json"
    assert main(["baseline", str(SMALL), "-o", str(out), "-r", "1", *FAST]) == 2
    assert "at least 2 replications" in capsys.readouterr().err
    assert not out.exists()


def test_the_committed_baseline_is_readable() -> None:
    committed = ROOT / "tests" / "baselines" / "default.json"
    b = read(committed)
    assert b.scenario_file == "scenarios/default.yaml"
    assert b.refresh_command.endswith("-o tests/baselines/default.json")
    assert "horizon_days=182" in b.overrides
