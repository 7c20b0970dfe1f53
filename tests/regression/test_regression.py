"""The regression gate's statistics and files, without simulating: verdicts, tolerances, the
intervals against scipy, the baseline file's checks and the JUnit/JSON outputs."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from fcsim.core.errors import ScenarioError, UsageError
from fcsim.regression.baseline_file import FORMAT, content_diff, read, refresh_command
from fcsim.regression.judge import (
    DEFAULT_METRICS,
    IMPROVED,
    NOT_JUDGED,
    REGRESSED,
    UNCHANGED,
    Tolerance,
    default_tolerance,
    judge,
    judge_all,
    lower_is_better,
    parse_metrics,
    parse_tolerance,
    parse_tolerances,
)
from fcsim.regression.outputs import CheckContext, json_document, junit_tree

ABS_5PT = Tolerance(0.005, relative=False)


# ------------------------------------------------------------------ directions and tolerances
def test_directions() -> None:
    for m in ("cost_per_order_eur", "late_rate", "order_to_delivery_h_p95", "cost_labour_eur"):
        assert lower_is_better(m) is True, m
    for m in ("fill_rate", "on_time_in_full_rate"):
        assert lower_is_better(m) is False, m
    for m in ("orders", "picker_utilisation", "return_rate_units"):
        assert lower_is_better(m) is None, m
    assert all(lower_is_better(m) is not None for m in DEFAULT_METRICS)
    assert lower_is_better("not_a_metric") is None  # e.g. from an older baseline


def test_default_tolerances_follow_the_unit() -> None:
    for m in ("late_rate", "fill_rate", "unfinished_rate", "collection_deferred_rate"):
        assert default_tolerance(m) == Tolerance(0.005, relative=False), m
    for m in ("cost_per_order_eur", "total_cost_eur", "cost_per_order_shipping_revenue_eur"):
        assert default_tolerance(m) == Tolerance(0.01, relative=True), m
    for m in ("order_to_delivery_h_p95", "lost_parcels", "wismo_contacts_per_100_orders"):
        assert default_tolerance(m) == Tolerance(0.02, relative=True), m
    with pytest.raises(KeyError, match="unknown metric"):
        default_tolerance("not_a_metric")


def test_parse_tolerance() -> None:
    assert parse_tolerance("+0.005") == Tolerance(0.005, relative=False)
    assert parse_tolerance("0.5") == Tolerance(0.5, relative=False)
    assert parse_tolerance("+2%") == Tolerance(0.02, relative=True)
    assert parse_tolerance("2.5 %") == Tolerance(0.025, relative=True)
    assert parse_tolerance("+2%").absolute(-50.0) == pytest.approx(1.0)
    for bad in ("-0.1", "abc", "", "%", "1e", "nan", "inf", "+-1", "2%%"):
        with pytest.raises(ValueError):
            parse_tolerance(bad)


def test_parse_tolerances_names_what_is_wrong() -> None:
    metrics = ("late_rate", "cost_per_order_eur")
    tol = parse_tolerances(["late_rate=+0.01,cost_per_order_eur=+3%"], metrics)
    assert tol == {
        "late_rate": Tolerance(0.01, False),
        "cost_per_order_eur": Tolerance(0.03, True),
    }
    defaults = parse_tolerances(None, metrics)
    assert defaults["late_rate"] == Tolerance(0.005, False)
    assert defaults["cost_per_order_eur"] == Tolerance(0.01, True)
    cases = {
        "late_rate": "write METRIC=+AMOUNT",
        "late_rat=+0.01": "did you mean `late_rate`",
        "late_rate=abc": "late_rate: 'abc' is not a tolerance",
        "late_rate=-0.01": "without a minus sign",
        "late_rate=+0.01,late_rate=+0.02": "given twice",
        "fill_rate=+0.01": "add it with --metrics",
    }
    for text, message in cases.items():
        with pytest.raises(UsageError, match=re.escape(message)):
            parse_tolerances([text], metrics)


def test_parse_metrics() -> None:
    available = ["orders", "late_rate", "fill_rate", "cost_per_order_eur"]
    assert parse_metrics(None, available) == ("cost_per_order_eur", "late_rate", "fill_rate")
    assert parse_metrics(["late_rate,fill_rate", "late_rate"], available) == (
        "late_rate",
        "fill_rate",
    )
    with pytest.raises(UsageError, match=r"unknown metric `lat_rate`.*did you mean `late_rate`"):
        parse_metrics(["lat_rate"], available)
    with pytest.raises(UsageError, match="`orders` has no better direction"):
        parse_metrics(["orders"], available)
    with pytest.raises(UsageError, match="empty metric name"):
        parse_metrics(["late_rate,"], available)
    with pytest.raises(UsageError, match="`old_rate` is recorded in the baseline but is not a"):
        parse_metrics(["old_rate"], [*available, "old_rate"])


# ------------------------------------------------------------------ verdicts
BASE = [0.060, 0.064, 0.058, 0.062, 0.061]


def test_identical_runs_are_unchanged() -> None:
    j = judge("own", "late_rate", BASE, list(BASE), True, ABS_5PT)
    assert j.verdict == UNCHANGED and "identical" in j.reason
    assert j.change == j.change_ci_low == j.change_ci_high == 0


def test_direction_decides_regressed_or_improved() -> None:
    up = [x + 0.02 + 0.001 * i for i, x in enumerate(BASE)]
    assert judge("own", "late_rate", BASE, up, True, ABS_5PT).verdict == REGRESSED
    assert judge("own", "late_rate", up, BASE, True, ABS_5PT).verdict == IMPROVED
    # higher is better for the fill rate: the same rise is an improvement
    assert judge("own", "fill_rate", BASE, up, True, ABS_5PT).verdict == IMPROVED
    assert judge("own", "fill_rate", up, BASE, True, ABS_5PT).verdict == REGRESSED
    j = judge("own", "late_rate", BASE, up, True, ABS_5PT)
    assert "worse by 2.20 pt" in j.reason and "beyond the tolerance ±0.50 pt" in j.reason


def test_a_significant_change_within_the_tolerance_is_unchanged() -> None:
    up = [x + 0.003 + 0.0001 * i for i, x in enumerate(BASE)]
    j = judge("own", "late_rate", BASE, up, True, ABS_5PT)
    assert j.change_ci_low > 0  # significant ...
    assert j.verdict == UNCHANGED and "within the tolerance" in j.reason  # ... but not relevant
    assert judge("own", "late_rate", BASE, up, True, Tolerance(0, False)).verdict == REGRESSED


def test_a_noisy_change_is_not_conclusive() -> None:
    noisy = [x + d for x, d in zip(BASE, [0.05, -0.03, 0.04, -0.02, 0.03], strict=True)]
    j = judge("own", "late_rate", BASE, noisy, True, ABS_5PT)
    assert j.verdict == UNCHANGED
    assert j.change_ci_low < 0.005 < j.change_ci_high
    assert "not conclusive" in j.reason and "possibly worse" in j.reason


def test_relative_tolerance_uses_the_baseline_mean() -> None:
    base = [20.0, 20.2, 19.8, 20.1, 19.9]
    plus_3pct = [x * 1.03 for x in base]
    assert judge("s", "cost_per_order_eur", base, plus_3pct, True, Tolerance(0.02, True)).verdict
    j = judge("s", "cost_per_order_eur", base, plus_3pct, True, Tolerance(0.02, True))
    assert j.verdict == REGRESSED and j.tolerance == pytest.approx(0.4)
    assert j.tolerance_spec == "+2% = +0.400"
    j = judge("s", "cost_per_order_eur", base, plus_3pct, True, Tolerance(0.05, True))
    assert j.verdict == UNCHANGED


def test_missing_values_are_not_judged_nor_failed() -> None:
    j = judge("drop", "late_rate", [None, None, 0.1], [0.2, 0.3, 0.1], True, ABS_5PT)
    assert j.verdict == NOT_JUDGED and j.n == 1
    j = judge("drop", "late_rate", [math.nan] * 3, [math.nan] * 3, False, ABS_5PT)
    assert j.verdict == NOT_JUDGED


def test_paired_interval_is_scipys() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(10, 1, 8)
    b = a + rng.normal(0.5, 0.3, 8)
    j = judge("s", "order_to_ship_h_mean", a.tolist(), b.tolist(), True, Tolerance(0, False))
    ci = sps.ttest_rel(b, a).confidence_interval(0.95)
    assert (j.change_ci_low, j.change_ci_high) == pytest.approx((ci.low, ci.high))


def test_unpaired_interval_is_welchs_from_scipy() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.normal(10, 1, 5), rng.normal(11, 3, 7)
    ci = sps.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    j = judge("s", "order_to_ship_h_mean", a.tolist(), b.tolist(), False, Tolerance(0, False))
    assert (j.change_ci_low, j.change_ci_high) == pytest.approx((ci.low, ci.high))
    assert j.paired is False and j.n == 5


def test_judge_all_pairs_by_replication_and_skips_missing_strategies() -> None:
    base = {"a": {"late_rate": BASE}, "b": {"late_rate": BASE}}
    new = {"a": {"late_rate": [x + 0.02 for x in BASE]}}
    js = judge_all(base, new, ["late_rate"], {"late_rate": ABS_5PT}, paired=True)
    assert [(j.strategy, j.verdict) for j in js] == [("a", REGRESSED)]
    assert js[0].change_ci_high - js[0].change_ci_low < 1e-12  # exact shift: no noise


# ------------------------------------------------------------------ baseline file
def _minimal(**change) -> dict:
    doc = {
        "format": FORMAT,
        "format_version": 1,
        "fcsim_version": "0.1.0",
        "created_utc": "2026-01-01T00:00:00Z",
        "scenario": "t",
        "scenario_file": "t.yaml",
        "scenario_hash": "0" * 64,
        "overrides": [],
        "seed": 1,
        "replications": 2,
        "refresh_command": "fcsim baseline t.yaml -o b.json",
        "strategies": {
            "own": {
                "late_rate": {
                    "mean": 0.1,
                    "ci_low": 0.0,
                    "ci_high": 0.2,
                    "n": 2,
                    "values": [0.05, 0.15],
                }
            }
        },
        "scenario_content": {},
    }
    doc.update(change)
    return doc


def test_read_checks_the_baseline_file(tmp_path: Path) -> None:
    f = tmp_path / "b.json"
    f.write_text(json.dumps(_minimal()))
    assert read(f).metrics() == ["late_rate"]
    with pytest.raises(UsageError, match="cannot read the baseline"):
        read(tmp_path / "missing.json")
    f.write_text('{"format": "fcsim-baseline",\n  "seed": }')
    with pytest.raises(UsageError, match=r"b\.json:2:11: not a baseline file \(invalid JSON"):
        read(f)
    f.write_text(json.dumps({"scenario": "x"}))
    with pytest.raises(UsageError, match="not an fcsim baseline"):
        read(f)
    f.write_text(json.dumps(_minimal(format_version=9)))
    with pytest.raises(UsageError, match="written by a newer fcsim"):
        read(f)
    f.write_text(json.dumps(_minimal(replications=3)))
    with pytest.raises(ScenarioError, match=r"late_rate\.values has 2 values for 3"):
        read(f)
    f.write_text(json.dumps(_minimal(seed="x")))
    with pytest.raises(ScenarioError, match=r"b\.json: seed: not a valid baseline: "):
        read(f)
    f.write_bytes(b"\xff\xfe")
    with pytest.raises(UsageError, match="not UTF-8"):
        read(f)


def test_content_diff_names_each_changed_key() -> None:
    old = {"strategies": {"own": {"pickers": 2, "shifts": [{"end": "16:00"}]}}, "seed": 1}
    new = {"strategies": {"own": {"pickers": 1, "shifts": [{"end": "17:00"}]}, "x": {}}}
    assert content_diff(old, new) == [
        "strategies.own.pickers: 2 in the baseline, 1 now",
        'strategies.own.shifts.0.end: "16:00" in the baseline, "17:00" now',
        "strategies.x: absent in the baseline, {} now",
        "seed: 1 in the baseline, absent now",
    ]
    assert content_diff(old, old) == []


def test_refresh_command_quotes_for_the_shell() -> None:
    cmd = refresh_command("my scenario.yaml", ["carriers.0.cutoff=15:00"], 5, None, "b.json")
    assert cmd == ("fcsim baseline 'my scenario.yaml' --set carriers.0.cutoff=15:00 -r 5 -o b.json")


# ------------------------------------------------------------------ outputs
def test_junit_and_json_carry_the_verdicts() -> None:
    up = [x + 0.02 for x in BASE]
    js = [
        judge("own", "late_rate", BASE, up, True, ABS_5PT),
        judge("own", "fill_rate", BASE, BASE, True, ABS_5PT),
        judge("own", "cost_per_order_eur", [None] * 5, BASE, True, Tolerance(0.01, True)),
    ]
    ctx = CheckContext("small", "b.json", "0.1.0", "2026", 7, 7, 5, True, False, "fcsim ...")
    root = ET.fromstring(ET.tostring(junit_tree(ctx, js).getroot()))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["late_rate"].get("classname") == "small.own"
    failure = cases["late_rate"].find("failure")
    assert failure is not None and "worse by 2.00 pt" in failure.get("message", "")
    assert cases["fill_rate"].find("failure") is None
    assert cases["cost_per_order_eur"].find("skipped") is not None
    doc = json_document(ctx, js)
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN
    assert doc["passed"] is False and doc["counts"][REGRESSED] == 1
    assert doc["results"][2]["baseline_mean"] is None
