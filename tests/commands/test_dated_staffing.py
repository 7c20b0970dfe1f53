"""A headcount varied by `fcsim sweep` or `fcsim size` on a node with dated staffing changes.

The node's `staffing` replaces the headcount from its first change of that pool on, so the value
varied holds only before that date: both commands say so on stderr (and still run), and say
nothing when the node's `staffing` is varied too or has no change of that pool.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SMALL, run_in_process

CHANGE = "strategies.own.staffing=[{from_date: 2026-01-19, pickers: 3}]"
QUICK = ("--set", "horizon_days=21", "--set", "warmup_days=7", "-r", "2", "-w", "1", "-q")
ONLY_OWN = (
    "--set",
    "strategies.out=null",
    "--set",
    "strategies.drop=null",
    "--set",
    "strategies.hyb=null",
)
SAID = "strategies.own.staffing sets pickers from 2026-01-19 on"


@pytest.mark.parametrize(
    "command",
    [
        ("sweep", "--vary", "strategies.own.pickers=1,2", "--no-report"),
        ("size", "--key", "strategies.own.pickers", "--range", "1:3", "--minimise", "late_rate"),
    ],
)
def test_a_headcount_replaced_by_dated_changes_is_warned_about(tmp_path: Path, command) -> None:
    name, *rest = command
    res = run_in_process(
        name, SMALL, *rest, "--set", CHANGE, *QUICK, *ONLY_OWN, "-o", tmp_path / "o"
    )
    assert res.returncode == 0, res.stderr
    option = (
        "--vary strategies.own.pickers=1,2" if name == "sweep" else "--key strategies.own.pickers"
    )
    assert f"warning: {option}: {SAID}" in res.stderr


@pytest.mark.parametrize(
    ("vary", "change"),
    [
        ("strategies.own.packers=1,2", CHANGE),  # a pool the change leaves alone
        ("strategies.own.pickers=1,2", CHANGE.replace("2026-01-19", "2026-06-01")),  # after the end
    ],
)
def test_no_warning_where_the_dated_changes_do_not_replace_it(tmp_path: Path, vary, change) -> None:
    res = run_in_process(
        "sweep", SMALL, "--vary", vary, "--no-report", "--set", change,
        *QUICK, *ONLY_OWN, "-o", tmp_path / "o",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "warning: --vary" not in res.stderr
