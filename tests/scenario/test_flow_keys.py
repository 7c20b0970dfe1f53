"""The keys of life cycles, forecast error, whole-order routing, fallback and transfers: placed
problems, and a scenario that leaves them at their defaults dumps (and hashes) as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.core.errors import ScenarioError
from fcsim.scenario.load import load_scenario

from conftest import SMALL

BASE = SMALL.read_text()
ROUTING = "routing: {policy: abc, assign: {A: a, B: b, C: c}}"
NEW_KEYS = {"life_cycles", "forecast_error_cv", "transfers", "fallback"}


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return [str(p).removeprefix(f"{path}:") for p in err.value.problems]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ok.yaml"
    path.write_text(text)
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def keys_of(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value))
    return set()


def test_keys_at_their_default_are_left_out_of_the_dump() -> None:
    dump = load_scenario(SMALL).model_dump(mode="json", by_alias=True)
    assert not keys_of(dump) & NEW_KEYS


def test_keys_in_use_are_in_the_dump_and_the_hash(tmp_path: Path) -> None:
    text = (
        BASE.replace("strategies:\n", "life_cycles:\n  - {name: s, categories: [tops], "
                     "season_end: 2026-02-01}\nstrategies:\n", 1)
        .replace(ROUTING, ROUTING[:-1] + ", fallback: true}")
    )  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(text)
    sc = load_scenario(path)
    dump = sc.model_dump(mode="json", by_alias=True)
    assert {"life_cycles", "fallback"} <= keys_of(dump)
    assert sc.content_hash() != load_scenario(SMALL).content_hash()


def test_life_cycle_problems_are_placed(tmp_path: Path) -> None:
    text = BASE.replace(
        "strategies:\n",
        "life_cycles:\n"
        "  - name: s\n"
        "    categories: [tops, hats]\n"
        "    launch_date: 2026-03-01\n"
        "    season_end: 2026-02-01\n"
        "  - {name: t, categories: [tops]}\n"
        "strategies:\n",
        1,
    )
    got = problems(tmp_path, text)
    assert got == [
        f"{line_of(text, '  - name: s')}:5: life_cycles[0]: season_end (2026-02-01) must be after "
        "launch_date (2026-03-01)",
    ]
    text = text.replace("    launch_date: 2026-03-01\n", "")
    got = problems(tmp_path, text)
    assert got == [
        f"{line_of(text, 'tops, hats')}:24: life_cycles[0].categories[1]: no category named "
        "'hats'; categories are: tops, shoes",
        f"{line_of(text, 'name: t,')}:28: life_cycles[1].categories[0]: category 'tops' already "
        "follows life cycle 's'",
    ]


def test_transfers_and_forecast_error_problems_are_placed(tmp_path: Path) -> None:
    text = BASE.replace(
        ROUTING, ROUTING + "\n    transfers: {above_cover_days: 5, below_cover_days: 9}"
    )
    got = problems(tmp_path, text)
    assert len(got) == 1 and "below_cover_days (9.0) must be less than above_cover_days" in got[0]
    assert got[0].startswith(f"{line_of(text, 'transfers:')}:")


def test_fallback_belongs_on_the_order_rule(tmp_path: Path) -> None:
    rule = "routing: {policy: order, lines: {policy: abc, assign: {A: a, B: b, C: c}}}"
    assert load_scenario(write(tmp_path, BASE.replace(ROUTING, rule)))
    wrong = rule.replace("C: c}}}", "C: c}, fallback: true}}")
    got = problems(tmp_path, BASE.replace(ROUTING, wrong))
    assert len(got) == 1 and "set fallback on the order rule itself" in got[0]
