"""Composition: `extends` (JSON Merge Patch over a base file) and `--set` overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.core.errors import Mark, ScenarioError
from fcsim.scenario.compose import split_key_path
from fcsim.scenario.load import load_data, load_scenario

from conftest import SMALL


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_extends_merges_mappings_replaces_lists_and_null_removes(tmp_path: Path) -> None:
    base = SMALL.read_text()
    write(tmp_path, "shared/small.yaml", base)
    child = write(
        tmp_path,
        "child.yaml",
        "extends: shared/small.yaml\n"
        "name: child\n"
        "strategies:\n"
        "  own:\n"
        "    pickers: 5\n"  # merged into the base's `own`
        "  drop: null\n"  # removed
        "calendar:\n"
        "  holidays: [2026-05-01]\n",  # a list replaces the base's
    )
    sc = load_scenario(child)
    assert sc.name == "child"
    assert list(sc.strategies) == ["own", "out", "hyb"]
    own = sc.strategies["own"]
    assert own.pickers == 5 and own.packers == 2  # packers kept from the base
    assert [d.isoformat() for d in sc.calendar.holidays] == ["2026-05-01"]
    assert sc.seed == 7


def test_values_keep_the_position_of_the_file_that_wrote_them(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", SMALL.read_text())
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nseed: 9\n")
    parsed = load_data(child)
    assert parsed.marks[("seed",)] == Mark(str(child), 2, 7)
    line = SMALL.read_text().splitlines().index("horizon_days: 35") + 1
    assert parsed.marks[("horizon_days",)].line == line
    assert parsed.marks[("horizon_days",)].source.endswith("base.yaml")


def test_extends_chains_resolve_relative_to_each_file(tmp_path: Path) -> None:
    write(tmp_path, "a/base.yaml", SMALL.read_text())
    write(tmp_path, "a/b/mid.yaml", "extends: ../base.yaml\nseed: 11\n")
    top = write(tmp_path, "top.yaml", "extends: a/b/mid.yaml\nname: top\n")
    sc = load_scenario(top)
    assert (sc.name, sc.seed) == ("top", 11)


def test_an_extends_cycle_is_named(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match=r"b\.yaml:1:10: extends: `extends` cycle: a.yaml"):
        load_data(a)
    self_ref = write(tmp_path, "self.yaml", "extends: ./self.yaml\n")
    with pytest.raises(ScenarioError, match=r"cycle: self\.yaml -> self\.yaml"):
        load_data(self_ref)


def test_set_values_are_typed_by_the_schema() -> None:
    sc = load_scenario(
        SMALL,
        [
            "name=NO",  # text field: the word stays text
            "carriers[0].cutoff=15:30",
            "strategies.own.pickers=6",
            "carriers.1.transit_days=5",
            "demand.orders_per_day=1e2",
            "customers.notify_proactively=false",  # a section absent from the file
            "start_date=2026-02-02",
            "strategies.drop=null",  # removes a strategy
            "strategies.own.carriers=[colissimo]",
        ],
    )
    assert sc.name == "NO"
    assert sc.carriers[0].cutoff == "15:30" and sc.carriers[1].transit_days == 5
    assert sc.strategies["own"].pickers == 6
    assert sc.demand.orders_per_day == 100.0
    assert sc.customers.notify_proactively is False
    assert sc.start_date.isoformat() == "2026-02-02"
    assert "drop" not in sc.strategies


def test_set_problems_name_the_override_and_are_all_reported() -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(
            SMALL,
            [
                "strategies.own.pickers=many",
                "horizon_days",
                "strategies.owm.pickers=3",
                "carriers[5].cutoff=15:00",
                "strategies.own.pickers.x=1",
                "seed=",
                "a..b=1",
            ],
        )
    lines = [str(p) for p in err.value.problems]
    expected = [
        "--set strategies.own.pickers=many: strategies.own.pickers: must be a whole number "
        "(got 'many')",
        "--set horizon_days: expected KEY.PATH=VALUE, e.g. --set horizon_days=56",
        "--set strategies.owm.pickers=3: strategies: has no entry `owm`; did you mean `own`?",
        "--set carriers[5].cutoff=15:00: carriers: has 2 items; `5` is not an index of it (from 0)",
        "--set strategies.own.pickers.x=1: strategies.own.pickers: is a single value, not a "
        "mapping or list",
        "--set seed=: seed: no value after `=` (write null to remove the key)",
        "--set a..b=1: `a..b` is not a key path like strategies.own.pickers",
    ]
    assert sorted(lines) == sorted(expected)


def test_a_required_key_removed_by_set_points_at_the_override() -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(SMALL, ["strategies.own.carriers=null"])
    assert [str(p) for p in err.value.problems] == [
        "--set strategies.own.carriers=null: strategies.own.carriers: required key `carriers` "
        "is missing"
    ]


def test_key_paths_accept_dots_and_brackets() -> None:
    assert split_key_path("carriers[0].zones.eu") == ["carriers", 0, "zones", "eu"]
    assert split_key_path("carriers.0.cutoff") == ["carriers", "0", "cutoff"]
    assert split_key_path("a[1][2]") == ["a", 1, 2]
    assert split_key_path("a..b") is None and split_key_path("a[x]") is None


def test_x_keys_hold_anchors_and_are_ignored(tmp_path: Path) -> None:
    text = SMALL.read_text().replace(
        "strategies:\n", "x-blocks:\n  - &team {pickers: 3, packers: 3}\nstrategies:\n", 1
    )
    text = text.replace("    pickers: 2\n    packers: 2\n", "    <<: *team\n", 1)
    sc = load_scenario(write(tmp_path, "x.yaml", text))
    assert (sc.strategies["own"].pickers, sc.strategies["own"].packers) == (3, 3)


def test_an_unreadable_base_is_named_at_the_extends_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = write(tmp_path, "bases/locked.yaml", SMALL.read_text())
    child = write(tmp_path, "child.yaml", "name: child\nextends: bases/locked.yaml\n")
    middle = write(tmp_path, "middle.yaml", "extends: child.yaml\n")
    import fcsim.scenario.yamlfile as yamlfile

    read_input = yamlfile.read_input

    def locked(path: Path, limit: int) -> bytes:  # as root, chmod 000 would not lock it
        if Path(path).resolve() == base.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return read_input(path, limit)

    monkeypatch.setattr(yamlfile, "read_input", locked)
    for path in (child, middle):  # through another `extends` too: the nearest one is named
        with pytest.raises(ScenarioError) as err:
            load_scenario(path)
        (problem,) = err.value.problems
        assert problem.mark == Mark(str(child), 2, 10)
        assert str(problem).endswith(
            "child.yaml:2:10: extends: bases/locked.yaml: cannot read: Permission denied"
        )
