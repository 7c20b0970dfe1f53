"""The command line: `fcsim COMMAND ...` (and `python run_sim.py ARGS` = `fcsim run ARGS`).

Place in the flow: the outermost layer. Builds the parser from the subcommand modules in
`fcsim.commands`, runs the chosen one and maps every failure to its exit status:
0 done; 1 a check found a regression; 2 bad input or usage, or a file that cannot be read or
written (never a traceback); 3 a run failed inside (or an unexpected error stopped fcsim: its
traceback goes to a file, not the terminal); 130 interrupted (Ctrl-C); 143 terminated
(SIGTERM, handled like Ctrl-C: workers stopped, finished runs kept for `--resume`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import select
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Sequence

from fcsim import __version__
from fcsim.commands import COMMANDS
from fcsim.commands.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RUN_FAILED,
    EXIT_TERMINATED,
    EXIT_USAGE,
)
from fcsim.commands.run import add_arguments as add_run_arguments
from fcsim.commands.run import run as run_command
from fcsim.core.errors import ScenarioError, Terminated, UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fcsim",
        description="Simulate e-commerce fulfilment strategies (self, 3PL, dropship, hybrid) "
        "and compare cost, lead time and late deliveries with confidence intervals.",
    )
    parser.add_argument("--version", action="version", version=f"fcsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"fcsim.commands.{name.replace('-', '_')}").register(sub)
    return parser


def _report_crash(exc: BaseException) -> int:
    fd, log = tempfile.mkstemp(prefix="fcsim-error-", suffix=".log")
    with os.fdopen(fd, "w") as fh:
        traceback.print_exception(exc, file=fh)
    # not a run (a run that raises is a RunFailure, reported with its spec): fcsim itself
    print(f"fcsim: stopped by an unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
    print(f"fcsim: details in {log} (please report it with this file)", file=sys.stderr)
    return EXIT_RUN_FAILED


def _stdout_closed() -> bool:
    """True when standard output is a pipe whose reader has gone."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows) or no real stdout
        return True


def dispatch(args: argparse.Namespace) -> int:
    """Run a parsed command, mapping every failure to its exit status."""
    try:
        return args.func(args)
    except ScenarioError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    except UsageError as err:
        print(f"fcsim: {err}", file=sys.stderr)
        return EXIT_USAGE
    except Terminated:
        print("fcsim: terminated (SIGTERM)", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("fcsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError as exc:
        if not _stdout_closed():  # another pipe (a worker's): a failure like any other
            return _report_crash(exc)
        # `fcsim schema | head`: the reader of our output stopped; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except MemoryError:
        print("fcsim: out of memory: try fewer replications, workers or days", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the disk or a path of the user's: say which, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"fcsim: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # reported, never swallowed
        if os.environ.get("FCSIM_DEBUG"):
            raise
        return _report_crash(exc)


def _on_sigterm(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: let the stopping finish
    raise Terminated


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises `Terminated` (a `KeyboardInterrupt`) while a command runs, so it stops
    like a Ctrl-C: pending runs cancelled, workers stopped, finished runs kept, exit 143."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `fcsim` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    with _sigterm_as_interrupt():
        return dispatch(args)


def run_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python run_sim.py ARGS` (= `fcsim run ARGS`)."""
    parser = argparse.ArgumentParser(
        prog="run_sim.py", description="Same as `fcsim run`: simulate a scenario."
    )
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    args.command = "run"
    args.func = run_command
    with _sigterm_as_interrupt():
        return dispatch(args)
