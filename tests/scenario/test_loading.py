"""Validating a scenario: every problem at once, placed at the right line, said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.core.errors import ScenarioError
from fcsim.scenario.load import load_scenario

from conftest import SMALL

BASE = SMALL.read_text()


def problems(tmp_path: Path, text: str, overrides: list[str] | None = None) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, overrides)
    return [str(p).removeprefix(f"{path}:") for p in err.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_schema_and_cross_reference_problems_come_together(tmp_path: Path) -> None:
    text = (
        BASE.replace("    pickers: 2\n", "    pickers: -3\n", 1)
        .replace("horizon_days: 35", "horizon_days: five weeks")
        .replace("carriers: [intl]\n    promise", "carriers: [intll]\n    promise")
        .replace("assign: {A: a, B: b, C: c}", "assign: {A: a, B: bb, C: c}")
    )
    got = problems(tmp_path, text)
    assert got == [
        f"{line_of(text, 'horizon_days')}:15: horizon_days: must be a whole number "
        "(got 'five weeks')",
        f"{line_of(text, 'pickers: -3')}:14: strategies.own.pickers: must be >= 1 (got -3)",
        f"{line_of(text, '[intll]')}:16: strategies.drop.carriers[0]: no carrier named "
        "'intll'; carriers are: colissimo, intl",
        f"{line_of(text, 'B: bb')}:46: strategies.hyb.routing.assign.B: no node named 'bb' "
        "in this strategy; nodes are: a, b, c",
    ]


def test_no_cross_reference_guess_when_a_named_entry_is_broken(tmp_path: Path) -> None:
    # `out` cannot be validated: its problems are reported, and nothing is invented about
    # the rest (e.g. a reference strategy that seems missing)
    text = BASE.replace("  out:\n    kind: 3pl\n", "  out:\n    kind: threepl\n") + (
        "reference_strategy: out\n"
    )
    got = problems(tmp_path, text)
    assert len(got) == 1 and "`kind` must be one of" in got[0], got


def test_missing_keys_point_at_their_parent_key(tmp_path: Path) -> None:
    text = BASE.replace("    carriers: [colissimo]\n  out:", "  out:", 1)
    assert problems(tmp_path, text) == [
        f"{line_of(text, '  own:')}:3: strategies.own.carriers: required key `carriers` is missing"
    ]


def test_yaml11_booleans_get_advice_that_fits_the_field(tmp_path: Path) -> None:
    text = (
        BASE.replace("name: small", "name: NO")
        .replace("    packers: 2\n", "    packers: off\n", 1)
        .replace("    pickers: 2\n", "    pickers: 2\n    carrier_policy: yes\n", 1)
    )
    got = problems(tmp_path, text)
    assert got[0].endswith(
        'name: must be text (got false) (YAML 1.1 reads a bare NO as false: quote it, "NO")'
    )
    assert any(
        "packers: must be a whole number (got false) (YAML 1.1 reads the bare word off as the "
        "boolean false)" in g
        for g in got
    )
    assert any("carrier_policy: " in g and "YAML 1.1 reads the bare word yes" in g for g in got)


def test_choices_suggest_the_closest_valid_word(tmp_path: Path) -> None:
    text = (
        BASE.replace("  out:\n    kind: 3pl\n", "  out:\n    kind: 3PL\n")
        .replace("routing: {policy: abc,", "routing: {policy: abcd,")
        .replace("    pickers: 2\n", "    pickers: 2\n    picking: {policy: batchs}\n", 1)
    )
    got = problems(tmp_path, text)
    assert any(g.endswith("did you mean `3pl`?") for g in got), got
    assert any("did you mean `abc`?" in g for g in got), got
    assert any(
        "unknown batching policy 'batchs'" in g and "did you mean `batch`?" in g for g in got
    )


def test_a_number_for_a_distribution_shows_how_to_write_one(tmp_path: Path) -> None:
    text = BASE.replace(
        "  lines_per_order: {dist: empirical, values: [1, 2, 3], weights: [6, 3, 1]}",
        "  lines_per_order: 2",
    )
    (got,) = problems(tmp_path, text)
    assert "demand.lines_per_order: must be a distribution, e.g. {dist: deterministic" in got


def test_equivalent_files_give_the_same_scenario(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        BASE.replace(
            "  own:\n    kind: self\n    pickers: 2\n    packers: 2\n",
            "  own: {kind: self, pickers: 2, packers: 2,\n",
        )
        .replace("    carriers: [colissimo]\n  out:", "    carriers: [colissimo]}\n  out:", 1)
        .replace("    carriers: [colissimo]}\n", "        carriers: [colissimo]}\n", 1)
    )
    assert "own: {kind: self, pickers: 2" in flow.read_text()
    assert load_scenario(flow).content_hash() == load_scenario(SMALL).content_hash()


def test_missing_files_and_folders_are_usage_problems(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nowhere\.yaml: no such file; expected a scenario"):
        load_scenario(tmp_path / "nowhere.yaml")
    with pytest.raises(ScenarioError, match="is a folder, not a file; expected a scenario file"):
        load_scenario(tmp_path)
