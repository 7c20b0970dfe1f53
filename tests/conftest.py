"""Shared fixtures: paths of the test scenarios and two ways to run the command line.

`run_in_process(ARGS)` calls `fcsim.cli.main(ARGS)` in the test process: the default for
command-line tests. `run_cli(ARGS)` starts `python -m fcsim ARGS` in a subprocess (a few
seconds of interpreter start-up and imports each): only for tests where the process itself is
what is checked (exit status of the real process, signals, pipes, worker processes' output).
Both give back `returncode`, `stdout` and `stderr`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "scenarios" / "small.yaml"

# Property tests: derandomised with at least 200 examples in CI (CI=true), fewer locally.
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


@pytest.fixture
def small_path() -> Path:
    return SMALL


@pytest.fixture(scope="session")
def small_scenario():
    from fcsim.scenario.load import load_scenario

    return load_scenario(SMALL)


@dataclass(frozen=True)
class Result:
    """A command's outcome: the fields of `subprocess.CompletedProcess` that tests read."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_in_process(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Result:
    """Run `fcsim ARGS` as `fcsim.cli.main(ARGS)` in this process and capture its output.

    Runs in `cwd` (default: the repository, as `run_cli`) with `env` added to the environment.
    `SystemExit` (argparse's usage errors, `--help`, `--version`) becomes the exit status as
    the interpreter would make it. Afterwards the working directory, the environment, the
    logging configuration and the warning filters are what they were before the call, so
    nothing leaks from one command to the next. Any other exception propagates: `main` maps
    every failure of a command to an exit status, so one escaping is a bug to show in full.
    """
    from fcsim.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    saved_environ = dict(os.environ)
    saved_logging = _logging_state()
    try:
        with (
            pytest.MonkeyPatch.context() as mp,
            warnings.catch_warnings(),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            mp.chdir(cwd or ROOT)
            for key, value in (env or {}).items():
                mp.setenv(key, value)
            try:
                status = main(argv)
            except SystemExit as exc:
                status = _exit_status(exc.code, err)
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)
        _restore_logging(saved_logging)
    return Result(argv, status, out.getvalue(), err.getvalue())


def _exit_status(code: object, err: io.StringIO) -> int:
    """The status of `sys.exit(code)`: None is 0, a number itself, anything else printed, 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1


_LoggerState = tuple[list[logging.Handler], list, int, bool, bool]


def _loggers() -> list[logging.Logger]:
    known = logging.Logger.manager.loggerDict.values()
    return [logging.getLogger(), *(lg for lg in known if isinstance(lg, logging.Logger))]


def _logging_state() -> tuple[dict[logging.Logger, _LoggerState], int]:
    state = {
        lg: (list(lg.handlers), list(lg.filters), lg.level, lg.propagate, lg.disabled)
        for lg in _loggers()
    }
    return state, logging.root.manager.disable


def _restore_logging(saved: tuple[dict[logging.Logger, _LoggerState], int]) -> None:
    """Loggers as they were; those created since get no handler, level or filter of their own."""
    state, disable = saved
    for lg in _loggers():
        handlers, filters, level, propagate, disabled = state.get(
            lg, ([], [], logging.NOTSET, True, False)
        )
        lg.handlers[:] = handlers
        lg.filters[:] = filters
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled
    logging.disable(disable)


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run `python -m fcsim ARGS` in a subprocess and capture its output."""
    full_env = dict(os.environ, PYTHONWARNINGS="ignore", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "fcsim", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def wait_for_a_stored_run(proc: subprocess.Popen, out: Path, timeout_s: float) -> None:
    """Wait until the fcsim process `proc` has stored a finished run in `out`'s run store."""
    import time

    manifest = out / ".fcsim" / "manifest.jsonl"
    deadline = time.monotonic() + timeout_s
    while not (manifest.exists() and manifest.read_text().count("\n") >= 1):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no run finished in time"
        time.sleep(0.02)
