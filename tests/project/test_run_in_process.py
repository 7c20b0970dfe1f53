"""`run_in_process`, the tests' way to run a command: what it gives back, and that a command
leaves nothing behind for the next one (working directory, environment, logging, warnings)."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path

import pytest

import fcsim
import fcsim.cli

from conftest import ROOT, run_in_process


def test_exit_statuses_and_output_are_those_of_the_command() -> None:
    version = run_in_process("--version")  # argparse exits with SystemExit(0)
    assert (version.returncode, version.stdout, version.stderr) == (
        0,
        f"fcsim {fcsim.__version__}\n",
        "",
    )
    bad = run_in_process("run", "--no-such-option")
    assert bad.returncode == 2 and "unrecognized arguments: --no-such-option" in bad.stderr
    bare = run_in_process()
    assert bare.returncode == 2 and "COMMAND" in bare.stdout
    assert bare.args == []


def test_a_command_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def leaky_main(argv: list[str]) -> int:
        seen.update(argv=argv, cwd=Path.cwd(), env=os.environ.get("FCSIM_TEST_GIVEN"))
        os.environ["FCSIM_TEST_LEAK"] = "1"
        os.chdir("/")
        logging.getLogger().addHandler(logging.StreamHandler(sys.stderr))
        logging.getLogger("fcsim.test.new").addHandler(logging.NullHandler())
        logging.getLogger().setLevel(logging.DEBUG)
        warnings.simplefilter("error")
        print("out")
        print("err", file=sys.stderr)
        return 5

    monkeypatch.setattr(fcsim.cli, "main", leaky_main)
    cwd, root_handlers = Path.cwd(), list(logging.getLogger().handlers)
    level, filters = logging.getLogger().level, list(warnings.filters)
    res = run_in_process("a", tmp_path, cwd=tmp_path, env={"FCSIM_TEST_GIVEN": "yes"})
    assert seen == {"argv": ["a", str(tmp_path)], "cwd": tmp_path, "env": "yes"}
    assert (res.returncode, res.stdout, res.stderr) == (5, "out\n", "err\n")
    assert Path.cwd() == cwd
    assert "FCSIM_TEST_GIVEN" not in os.environ and "FCSIM_TEST_LEAK" not in os.environ
    assert logging.getLogger().handlers == root_handlers
    assert logging.getLogger().level == level
    assert logging.getLogger("fcsim.test.new").handlers == []
    assert warnings.filters == filters


def test_the_default_folder_is_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(fcsim.cli, "main", lambda argv: seen.append(Path.cwd()) or 0)
    monkeypatch.chdir("/")
    assert run_in_process().returncode == 0
    assert seen == [ROOT]


def test_sys_exit_with_a_message_is_status_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def main(argv: list[str]) -> int:
        raise SystemExit("fcsim: gave up")

    monkeypatch.setattr(fcsim.cli, "main", main)
    res = run_in_process("x")
    assert (res.returncode, res.stderr) == (1, "fcsim: gave up\n")
