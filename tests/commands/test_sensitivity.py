"""`fcsim sensitivity`: which inputs would flip the answer.

On a tiny scenario (`tests/scenarios/sensitivity.yaml`: an own warehouse and a 3PL, both within
a loose service target; the 3PL the cheaper by ~17 EUR an order), the 3PL's first-item fee
swung from 1 to 25 EUR must flip the cheapest strategy at its high value (+22.50 EUR an order
for one-line orders) and not at its low one; the own warehouse's wage at ±20 % (about ±3 EUR an
order) must not flip it. The JSON and the page are written, `fcsim report` rebuilds the page,
and bad input exits 2 with nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, run_in_process

SENS = ROOT / "tests" / "scenarios" / "sensitivity.yaml"
FEE = "strategies.out.fees.pick_pack_first_item_eur"
WAGE = "strategies.own.costs.wage_eur_per_hour"


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, dict, str]:
    out = tmp_path_factory.mktemp("sens") / "out"
    res = run_in_process(
        "sensitivity", SENS, "--inputs", f"{FEE}=1:25,{WAGE}", "-r", "2", "-w", "1", "-q",
        "-o", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    return out, json.loads((out / "sensitivity.json").read_text(encoding="utf-8")), res.stdout


def test_the_files_are_written(swept) -> None:
    out, _, _ = swept
    assert {"sensitivity.json", "runs.parquet", "index.html"} <= {p.name for p in out.iterdir()}
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 5 * 2 * 2  # base, 2 inputs x (low, high); 2 strategies; 2 replications
    assert set(runs["side"]) == {"base", "low", "high"}
    page = (out / "index.html").read_text(encoding="utf-8")
    assert (
        "Inputs ranked by swing" in page and 'id="tornado-1"' in page and 'id="tornado-2"' in page
    )
    assert "flips" in page and "<script src=" not in page  # self-contained


def test_a_fee_swung_far_flips_the_decision_and_a_wage_does_not(swept) -> None:
    _, doc, stdout = swept
    assert doc["base"]["decision"]["cheapest"] == "out"
    fee, wage = (next(x for x in doc["inputs"] if x["input"] == k) for k in (FEE, WAGE))
    assert fee["high"]["decision"]["cheapest"] == "own" and fee["high"]["flips"]
    assert fee["low"]["decision"]["cheapest"] == "out" and not fee["low"]["flips"]
    assert fee["flips"] and not wage["flips"]
    assert doc["flipping"] == [FEE]
    assert doc["moving_nothing"] == []
    assert f"{FEE} at 25: the cheapest feasible strategy becomes own." in stdout


def test_effects_are_paired_against_the_base_and_inputs_ranked_by_swing(swept) -> None:
    _, doc, _ = swept
    fee, wage = (next(x for x in doc["inputs"] if x["input"] == k) for k in (FEE, WAGE))
    out_high = fee["high"]["strategies"]["out"]["change"]["cost_per_order_eur"]
    # one-line orders (the default): the fee moves every order's cost by 25 - 2.5 exactly
    assert out_high["mean"] == pytest.approx(22.5, abs=1e-6)
    assert out_high["ci_high"] - out_high["ci_low"] < 1e-6  # the same orders: no noise
    assert fee["low"]["strategies"]["own"]["change"]["cost_per_order_eur"]["mean"] == 0
    own_wage = [wage[s]["strategies"]["own"]["change"]["cost_per_order_eur"]["mean"]
                for s in ("low", "high")]  # fmt: skip
    assert own_wage[0] < 0 < own_wage[1]
    assert own_wage[0] == pytest.approx(-own_wage[1], rel=1e-6)  # labour cost is linear
    assert fee["swing_eur"] == pytest.approx(24.0, abs=1e-6)
    assert wage["swing_eur"] == 0  # the wage does not touch the 3PL
    assert [x["input"] for x in doc["inputs"]] == [FEE, WAGE]
    assert [x["rank"] for x in doc["inputs"]] == [1, 2]


def test_report_rebuilds_the_page(swept) -> None:
    out, _, _ = swept
    (out / "index.html").unlink()
    res = run_in_process("report", out, "-q")
    assert res.returncode == 0, res.stderr
    assert "Inputs ranked by swing" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("inputs", "said"),
    [
        ("strategies.own.nope", "no such key"),
        ("carriers.0.cutoff", "not a number"),
        ("customers.churn_share_of_dissatisfied=0.2:1.5", "--inputs customers"),
        ("a.b=abc", "expected ±P%"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, inputs: str, said: str) -> None:
    out = tmp_path / "out"
    res = run_in_process("sensitivity", SENS, "--inputs", inputs, "-w", "1", "-o", out)
    assert res.returncode == 2
    assert said in res.stderr
    assert not out.exists()
