"""The option block of the commands that simulate is one declaration: same options, same help."""

from __future__ import annotations

import argparse
from pathlib import Path

from fcsim.cli import build_parser
from fcsim.commands.options import execution
from fcsim.experiment.pipeline import Execution

SIMULATING = ("run", "sweep", "size", "baseline", "check")
WITH_FOLDER = ("run", "sweep", "size")  # an output folder, hence a run store


def _options(command: str) -> dict[str, argparse.Action]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {opt: a for a in sub.choices[command]._actions for opt in a.option_strings}


def test_the_commands_that_simulate_share_one_option_block() -> None:
    run = _options("run")
    for command in SIMULATING:
        opts = _options(command)
        for flag in ("-w", "--workers", "--set", "-q", "--quiet", "-r", "--seed"):
            assert flag in opts, f"{command} has no {flag}"
        for flag in ("-w", "--set", "-q"):
            assert opts[flag].help == run[flag].help, f"{command} {flag}"
        for flag in ("--dask", "--resume"):
            assert (flag in opts) == (command in WITH_FOLDER), f"{command} {flag}"
            if flag in opts:
                assert opts[flag].help == run[flag].help
        assert ("-o" in opts) == (command != "check")
    assert _options("baseline")["-o"].required
    assert "at least 2" in _options("baseline")["-r"].help
    assert "baseline's" in _options("check")["--seed"].help


def test_the_parsed_options_are_the_execution_of_the_pipeline(tmp_path: Path) -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["sweep", "s.yaml", "--vary", "a=1,2", "-w", "3", "--dask", "local", "--resume"]
    )
    assert execution(args, tmp_path) == Execution(3, "local", tmp_path, True)
    args = parser.parse_args(["check", "s.yaml", "-b", "b.json", "--set", "x=1"])
    assert (args.overrides, args.replications, args.seed) == (["x=1"], None, None)
    assert execution(args) == Execution(None, None, None, False)
