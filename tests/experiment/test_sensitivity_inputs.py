"""`fcsim sensitivity`'s inputs: parsing `--inputs`, percentages, wildcards, validation.

No simulation here: each input is parsed, found in the tiny test scenario
(`tests/scenarios/sensitivity.yaml`) and its low and high variants validated like `--set`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fcsim.core.errors import ScenarioError, UsageError
from fcsim.experiment.loading import load_scenario
from fcsim.experiment.sensitivity import (
    DEFAULT_INPUTS,
    default_specs,
    expand,
    parse_input,
    parse_inputs,
    resolve,
    resolve_input,
    scaled,
)
from fcsim.scenario.load import load_data

SENS = Path(__file__).resolve().parents[1] / "scenarios" / "sensitivity.yaml"
DEFAULT = Path(__file__).resolve().parents[2] / "scenarios" / "default.yaml"


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("a.b", "-20%", "+20%"),
        ("a.b=±10%", "-10%", "+10%"),
        ("a.b=+-5%", "-5%", "+5%"),
        ("a.b=15%", "-15%", "+15%"),
        ("a.b=-10%:+30%", "-10%", "+30%"),
        ("a.b=1:20", "1", "20"),
        ("a.b=[1, 2]:[3, 4]", "[1, 2]", "[3, 4]"),
        ("a[0].b=2.5:3", "2.5", "3"),
    ],
)
def test_an_input_is_a_key_with_a_low_and_a_high(text: str, low: str, high: str) -> None:
    spec = parse_input(text)
    assert (spec.low, spec.high) == (low, high)
    assert spec.pattern in ("a.b", "a.0.b")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a.b=", "no value"),
        ("a.b=abc", "expected ±P%"),
        ("a.b=±x%", "not a percentage"),
        ("a.b=-120%:+10%", "zero or below"),
        ("a.b=5:5", "the same"),
        ("a..b", "expected KEY.PATH"),
        ("a.b**.c", "stands alone"),
    ],
)
def test_a_malformed_input_is_a_usage_error(text: str, said: str) -> None:
    with pytest.raises(UsageError, match=said.replace("*", r"\*")):
        parse_input(text)


def test_inputs_split_on_commas_outside_brackets_and_a_key_is_given_once() -> None:
    specs = parse_inputs(["a.b=[1, 2]:[3, 4],c.d", "e.f=±5%"])
    assert [s.pattern for s in specs] == ["a.b", "c.d", "e.f"]
    with pytest.raises(UsageError, match="already given"):
        parse_inputs(["a.b,a.b=±5%"])


def test_a_percentage_scales_numbers_lists_and_a_distributions_location() -> None:
    assert scaled(10, 1.2) == 12
    assert scaled(3, 1.2, whole=True) == 4  # a whole-number key stays whole
    assert scaled([1.0, 2.5], 0.8) == [0.8, 2.0]
    tri = {"dist": "triangular", "low": 5, "mode": 7, "high": 12}
    assert scaled(tri, 1.2) == {"dist": "triangular", "low": 6, "mode": 8.4, "high": 14.4}
    logn = {"dist": "lognormal", "mean": 3.0, "cv": 0.3}
    assert scaled(logn, 0.5) == {"dist": "lognormal", "mean": 1.5, "cv": 0.3}  # cv kept
    for bad, said in ((True, "true/false"), ("16:00", "text"), ({"a": 1}, "a mapping")):
        with pytest.raises(ValueError, match=said):
            scaled(bad, 1.2)


@given(
    st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=8),
    st.floats(-0.9, 2.0),
)
def test_a_list_is_scaled_element_wise_keeping_order(values: list[float], p: float) -> None:
    out = scaled(values, 1 + p)
    assert len(out) == len(values)
    for a, b in zip(values, out, strict=True):
        assert b == pytest.approx(a * (1 + p), rel=1e-9)
    if p > 0.001:
        assert all(b > a for a, b in zip(values, out, strict=True))


def test_wildcards_name_one_level_or_any_depth() -> None:
    data = {"s": {"x": {"fee": 1}, "y": {"nodes": {"p": {"fee": 2}}}, "z": {}}}
    assert expand(data, ["s", "*", "fee"]) == [("s", "x", "fee")]
    assert expand(data, ["s", "**", "fee"]) == [("s", "x", "fee"), ("s", "y", "nodes", "p", "fee")]
    assert expand({"l": [{"a": 1}, {"a": 2}]}, ["l", "*", "a"]) == [("l", 0, "a"), ("l", 1, "a")]


def test_an_input_resolves_to_concrete_keys_and_both_variants_are_validated() -> None:
    r = resolve(
        SENS,
        [],
        parse_inputs(["carriers.*.rate_card.*.price_eur", "strategies.**.wage_eur_per_hour"]),
    )
    rates, wage = r.inputs
    assert rates.keys == (
        "carriers[0].rate_card[0].price_eur",
        "carriers[0].rate_card[1].price_eur",
    )
    assert rates.low.overrides == (
        "carriers[0].rate_card[0].price_eur=5.52",
        "carriers[0].rate_card[1].price_eur=7.92",
    )
    # not written in the scenario: the default is varied, and found through `**`
    assert wage.keys == ("strategies.own.costs.wage_eur_per_hour",)
    assert wage.base[wage.keys[0]] > 0
    low, high = r.scenarios[0]
    assert low.carriers[0].rate_card[0].price_eur == pytest.approx(5.52)
    assert high.carriers[0].rate_card[1].price_eur == pytest.approx(11.88)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("strategies.own.nothing_here", "no such key"),
        ("strategies.*.nothing_here", "names no key"),
        ("carriers.0.cutoff", "not a number"),
        ("strategies.own.carriers", "not a number"),
        ("strategies.own.carrier_discount", "is 0"),
    ],
)
def test_a_key_that_cannot_be_varied_is_refused(text: str, said: str) -> None:
    with pytest.raises(UsageError, match=said):
        resolve(SENS, [], parse_inputs([text]))


def test_a_value_the_schema_refuses_is_a_scenario_error_naming_the_input() -> None:
    with pytest.raises(ScenarioError) as err:
        resolve(SENS, [], parse_inputs(["customers.churn_share_of_dissatisfied=0.2:1.5"]))
    text = str(err.value)
    assert "--inputs customers.churn_share_of_dissatisfied=0.2:1.5 (1.5)" in text
    assert "customers.churn_share_of_dissatisfied" in text


def test_a_set_of_a_varied_key_is_refused() -> None:
    with pytest.raises(UsageError, match="also varied"):
        resolve(
            SENS,
            ["strategies.own.costs.wage_eur_per_hour=30"],
            parse_inputs(["strategies.own.costs.wage_eur_per_hour"]),
        )


def test_every_default_input_is_in_the_default_scenario_and_moves_a_value() -> None:
    base = load_scenario(DEFAULT)
    data = load_data(DEFAULT).data
    for spec in default_specs():
        item = resolve_input(spec, data, base)  # raises when the scenario lacks it, or has 0
        assert item.keys, spec.pattern
        assert item.low.values != item.base and item.high.values != item.base
    assert [s.pattern for s in default_specs()] == [key for key, _ in DEFAULT_INPUTS]
