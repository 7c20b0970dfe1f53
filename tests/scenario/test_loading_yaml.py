"""Reading YAML safely: positions, duplicate keys, YAML 1.1 surprises, bombs, size, encoding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fcsim.core.errors import Mark, ScenarioError
from fcsim.scenario.yamlfile import MAX_DEPTH, MAX_NODES, dotted, parse_yaml_text, read_file


def problems_of(text: str) -> list[str]:
    try:
        parsed = parse_yaml_text(text, "s.yaml")
    except ScenarioError as err:
        return [str(p) for p in err.problems]
    return [str(p) for p in parsed.problems]


def test_values_keep_their_line_and_column() -> None:
    p = parse_yaml_text("a:\n  b: 1\n  c: [x, y]\n", "s.yaml")
    assert p.data == {"a": {"b": 1, "c": ["x", "y"]}}
    assert p.marks[("a", "b")] == Mark("s.yaml", 2, 6)
    assert p.key_marks[("a", "c")] == Mark("s.yaml", 3, 3)
    assert p.marks[("a", "c", 1)] == Mark("s.yaml", 3, 10)


def test_duplicate_keys_are_problems_that_name_both_lines() -> None:
    assert problems_of("a: 1\nb:\n  c: 1\n  c: 2\n") == [
        "s.yaml:4:3: b.c: duplicate key `c` (first written at line 3); keep only one"
    ]


def test_yaml11_words_are_remembered_with_their_spelling() -> None:
    p = parse_yaml_text("zone: NO\nnotify: yes\nok: true\nzones: {NO: 1}\n", "s.yaml")
    assert p.data["zone"] is False and p.data["notify"] is True
    assert p.yaml11_words == {("zone",): "NO", ("notify",): "yes", ("zones", False): "NO"}
    assert p.yaml11_keys == {("zones", False)}


def test_times_of_day_stay_text_and_exponents_are_numbers() -> None:
    p = parse_yaml_text("cutoff: 16:00\nn: 1e5\nm: -2.5E-1\nq: '1e5'\n", "s.yaml")
    assert p.data == {"cutoff": "16:00", "n": 100000.0, "m": -0.25, "q": "1e5"}


def test_octal_looking_numbers_and_infinities_are_refused() -> None:
    assert problems_of("seed: 010\nx: .inf\ny: 0\nz: 10\n") == [
        "s.yaml:1:7: seed: `010` starts with a zero, which YAML 1.1 reads as an octal number: "
        "write 10, or quote it if it is text",
        "s.yaml:2:4: x: `.inf` is not a finite number",
    ]


def test_dates_are_dates_and_impossible_dates_are_problems() -> None:
    assert parse_yaml_text("d: 2026-01-05\n", "s.yaml").data == {"d": dt.date(2026, 1, 5)}
    assert problems_of("d: 2026-02-30\n") == [
        "s.yaml:1:4: d: cannot read this value: day is out of range for month"
    ]


def test_tags_other_than_plain_values_are_refused() -> None:
    msgs = problems_of("a: !!python/object/apply:os.system [ls]\nb: !!set {x}\n")
    assert len(msgs) == 2 and all("is not allowed in a scenario" in m for m in msgs)


def test_merge_keys_work_and_explicit_keys_win() -> None:
    p = parse_yaml_text("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", "s.yaml")
    assert p.data["c"] == {"x": 1, "y": 3}
    assert p.marks[("c", "y")] == Mark("s.yaml", 4, 6)
    assert p.marks[("c", "x")] == Mark("s.yaml", 1, 14)  # where the merged value was written


def test_an_alias_bomb_is_refused_before_any_value_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import fcsim.scenario.yamlfile as ly

    def no_build(*args: object) -> None:
        raise AssertionError("a value was built")

    monkeypatch.setattr(ly._Builder, "build", no_build)
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    with pytest.raises(ScenarioError) as err:
        parse_yaml_text("\n".join(lines), "bomb.yaml")
    assert f"more than {MAX_NODES:,} values" in str(err.value)
    assert str(err.value).startswith("bomb.yaml:5:5:")  # a4 is the first above the cap


def test_aliases_below_the_cap_expand_normally() -> None:
    p = parse_yaml_text("a: &a [1, 2]\nb: [*a, *a]\n", "s.yaml")
    assert p.data == {"a": [1, 2], "b": [[1, 2], [1, 2]]}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: &a [1, *a]\n", "refers to the mapping or list that contains it"),
        ("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", "levels deep"),
        ("a: " + "[" * 1000 + "]" * 1000 + "\n", "nested too deeply"),
        ("a:\n\tb: 1\n", "tab character"),
        ("a: 1\n b: 2\n", "check the indentation"),
        ('a: "x\nb: 2\n', "quote opened here is never closed"),
        ("a: *x\n", "needs an anchor"),
        ("a: 1\x00\n", "control character"),
        ("# nothing\n", "the file is empty"),
    ],
    ids=lambda v: v if len(v) < 40 else v[:37] + "...",
)
def test_unreadable_text_is_one_clear_problem(text: str, fragment: str) -> None:
    msgs = problems_of(text)
    assert len(msgs) == 1 and fragment in msgs[0], msgs
    assert msgs[0].startswith("s.yaml:")


def test_files_must_be_utf8_and_small(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: ok\ndescription: caf\xe9\n")
    with pytest.raises(ScenarioError, match=r"latin\.yaml:2:17: the file is not UTF-8"):
        read_file(latin)
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffname: été\n".encode())
    assert read_file(bom).data == {"name": "été"}
    with pytest.raises(ScenarioError, match="is a folder, not a file"):
        read_file(tmp_path)


def test_dotted_paths_read_like_the_yaml() -> None:
    assert dotted(("strategies", "own", "carriers", 0)) == "strategies.own.carriers[0]"
    assert dotted(("carriers", 1, "zones", "eu")) == "carriers[1].zones.eu"
    assert dotted(()) == "(top level)"


def test_a_lone_surrogate_is_refused_in_every_text_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text('name: s\ndescription: "caf\\udc80"\nx: ["\\ud800"]\n"k\\udfff": 1\n')
    parsed = read_file(bad)
    found = [str(p) for p in parsed.problems]
    assert found == [
        f"{bad}:2:14: description: a lone surrogate (\\udc80) at character 4 is not a character "
        "of any text: remove it, or write the character itself",
        f"{bad}:3:5: x[0]: a lone surrogate (\\ud800) at character 1 is not a character of any "
        "text: remove it, or write the character itself",
        f"{bad}:4:1: (top level): a lone surrogate (\\udfff) at character 2 is not a character "
        "of any text: remove it, or write the character itself",
    ]
