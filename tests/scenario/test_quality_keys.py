"""The keys of operations that go wrong: off by default, left out of the content (and its hash)
while at their defaults, checked when given."""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.core.errors import ScenarioError
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.base import EVERY_KEY

SMALL = Path(__file__).resolve().parents[1] / "scenarios" / "small.yaml"
NEW = ("error_rate", "error_found_at_packing", "repick_min_per_line", "damage", "fragility")


def test_new_keys_at_their_defaults_are_left_out_of_the_content_and_its_hash() -> None:
    sc = load_scenario(SMALL)
    text = str(sc.model_dump(mode="json", by_alias=True))
    assert not any(f"'{key}'" in text for key in NEW)
    full = str(sc.model_dump(mode="json", by_alias=True, context={EVERY_KEY: True}))
    assert all(f"'{key}'" in full for key in NEW)
    same = load_scenario(SMALL, ["strategies.own.picking.error_rate=0.0"])
    assert same.content_hash() == sc.content_hash()
    other = load_scenario(SMALL, ["strategies.own.picking.error_rate=0.01"])
    assert other.content_hash() != sc.content_hash()
    assert other.strategies["own"].picking.error_rate == 0.01


def test_a_damage_cell_given_twice_is_refused_at_its_key() -> None:
    cell = "{fragility: fragile, protection: none, factor: 2}"
    with pytest.raises(ScenarioError) as err:
        load_scenario(SMALL, [f"damage.factors=[{cell}, {cell}]"])
    assert "damage.factors" in str(err.value) and "fragile/none" in str(err.value)
