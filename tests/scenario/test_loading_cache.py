"""A scenario file loaded many times in one process is parsed and composed once.

`fcsim.scenario.compose.composed` keeps the composed files and hands every later load a copy:
the scenarios loaded from the cache are the same as those loaded afresh, overrides applied to
one load never leak into the next, and a file (or a file it extends) changed in between is
read anew.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fcsim.core.errors import ScenarioError
from fcsim.scenario import compose
from fcsim.scenario.load import load_scenario

from conftest import ROOT, SMALL

DEFAULT = ROOT / "scenarios" / "default.yaml"


@pytest.fixture(autouse=True)
def _empty_cache():
    compose._composed.clear()
    yield
    compose._composed.clear()


def _fresh(path: Path, overrides: list[str]):
    compose._composed.clear()
    return load_scenario(path, overrides)


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["demand.orders_per_day=600", "strategies.hybrid.routing.a_share=0.25"],
        ["strategies.hybrid.nodes.own.pickers=5", "horizon_days=91"],
    ],
)
def test_a_cached_load_is_the_scenario_loaded_afresh(overrides) -> None:
    load_scenario(DEFAULT, ["demand.orders_per_day=75"])  # fills the cache
    assert compose._composed
    cached = load_scenario(DEFAULT, overrides)
    fresh = _fresh(DEFAULT, overrides)
    assert cached == fresh
    assert cached.content_hash() == fresh.content_hash()


def test_overrides_of_one_load_do_not_reach_the_next() -> None:
    a = load_scenario(SMALL, ["demand.orders_per_day=123", "horizon_days=30"])
    b = load_scenario(SMALL)
    assert a.demand.orders_per_day == 123 and a.horizon_days == 30
    assert b == _fresh(SMALL, [])
    assert b.horizon_days != 30


def test_a_file_is_parsed_once_for_many_loads(monkeypatch) -> None:
    calls = []
    real = compose.read_file

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(compose, "read_file", counting)
    for n in (40, 50, 60):
        load_scenario(SMALL, [f"demand.orders_per_day={n}"])
    assert len(calls) == 1


def _stamp_kept(path: Path) -> None:
    os.utime(path, ns=(1, 1))  # the same stamp before and after an edit: only bytes tell


def test_an_edited_file_is_read_anew_even_with_the_same_stamp(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = SMALL.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    _stamp_kept(path)
    before = load_scenario(path)
    path.write_text(text.replace("horizon_days:", "horizon_days: 30 #", 1), encoding="utf-8")
    _stamp_kept(path)
    after = load_scenario(path)
    assert after.horizon_days == 30 != before.horizon_days


def test_an_edited_base_is_read_anew(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\n", encoding="utf-8")
    first = load_scenario(child)
    assert first.name == "child"
    base.write_text(
        base.read_text(encoding="utf-8").replace("horizon_days:", "horizon_days: 30 #", 1),
        encoding="utf-8",
    )
    assert load_scenario(child).horizon_days == 30 != first.horizon_days


def test_a_file_that_breaks_is_reported_not_served_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    load_scenario(path)
    path.write_text("seed: [1, 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)
    path.unlink()
    with pytest.raises(ScenarioError):
        load_scenario(path)
