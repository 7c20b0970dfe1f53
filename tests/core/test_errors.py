"""Messages show what the user wrote, with invisible and control characters escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.core.errors import Mark, Problem, UsageError, visible
from fcsim.history.table import Problems

from conftest import SMALL


def test_invisible_characters_are_escaped_and_ordinary_text_is_kept() -> None:
    assert visible("zero\u200bwidth \u202eright-to-left \x1b[31mred\x1b[0m") == (
        "zero\\u200bwidth \\u202eright-to-left \\x1b[31mred\\x1b[0m"
    )
    assert visible("tab\there, nbsp\u00a0, tag\U000e0041, line\u2028, nel\x85") == (
        "tab\\x09here, nbsp\\xa0, tag\\U000e0041, line\\u2028, nel\\x85"
    )
    assert visible("Café — 12 € ± 3 %, 日本") == "Café — 12 € ± 3 %, 日本"
    assert visible("two\nlines\x07", keep="\n") == "two\nlines\\x07"


def test_problems_and_usage_errors_echo_user_text_escaped() -> None:
    p = Problem(Mark("shop\u202e.yaml", 3, 1), "strategies.o\u200bwn", 'no carrier "\x1b[2J"')
    assert str(p) == 'shop\\u202e.yaml:3:1: strategies.o\\u200bwn: no carrier "\\x1b[2J"'
    assert str(UsageError("-o out\x1b]0;title\x07: is a folder")) == (
        "-o out\\x1b]0;title\\x07: is a folder"
    )
    data = Problems()
    data.add("orders.csv", 4, "sku", 'SKU "A\x1b[8m" is not in the product file')
    assert [str(x) for x in data.as_problems()] == [
        'orders.csv:4: column "sku": SKU "A\\x1b[8m" is not in the product file'
    ]


def test_the_run_header_shows_the_scenario_name_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fcsim.cli import main

    sc = tmp_path / "sc.yaml"
    sc.write_text(f'extends: {SMALL}\nname: "shop\\u202e \\e[31mred"\n', encoding="utf-8")
    argv = ["run", str(sc), "-o", str(tmp_path / "out"), "--set", "horizon_days=14"]
    assert main([*argv, "-r", "1", "-w", "1", "-q", "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert out.startswith("fcsim — shop\\u202e \\x1b[31mred: 1 replications")
