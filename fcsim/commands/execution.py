"""Options and endings shared by the commands that run plans (`run`, `sweep`, `size`).

Place in the flow: a command adds these options to its parser, opens the pool and the run store
of its output folder, runs its plans with `fcsim.experiment.executors.run_all`, and ends with
`report_failures`: failed runs are named on stderr, logged with their traceback in the output
folder, and the command exits with status 3 (the other runs' results are kept and written).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fcsim.commands.common import EXIT_OK, EXIT_RUN_FAILED, positive_int, text_arg
from fcsim.core.errors import UsageError

if TYPE_CHECKING:
    from fcsim.experiment.runs import RunFailure

SHOWN_FAILURES = 10
"""Failed runs named on stderr; all of them are in the log file."""


def add_execution_options(p: argparse.ArgumentParser, workers: bool = True) -> None:
    """`-w`, `--dask`, `--resume` (and `-q`); `workers=False` when the parser has `-w` already."""
    if workers:
        p.add_argument(
            "-w", "--workers", type=positive_int, help="worker processes (default: CPUs)"
        )
    p.add_argument(
        "--dask",
        type=text_arg,
        metavar="ADDRESS|local",
        help="run on a Dask cluster (scheduler address, or `local` for a local cluster of "
        "-w workers); needs the extra: pip install 'fcsim[dask]'",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="keep the runs already finished in the output folder and run only the others",
    )


def add_quiet_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


RESULT_MARKERS = {"run": "summary.json", "sweep": "sweep.json", "size": "size.json"}
"""The file that marks an output folder as holding the results of each command."""


def check_out_folder(out: Path, command: str | None = None) -> None:
    """Refuse an output folder that exists as a file or cannot be created (exit 2).

    Nothing is created: the nearest existing folder on the path is tried with a temporary
    folder, removed at once. With `command`, a folder holding another command's results is
    refused too, so that its report never mixes the two.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {out}: exists and is not a folder")
    if command is not None and out.is_dir():
        for other, marker in RESULT_MARKERS.items():
            if other != command and (out / marker).is_file():
                raise UsageError(
                    f"-o {out}: holds the results of `fcsim {other}` ({marker}); write into "
                    "another folder, or remove this one first"
                )
    check_writable_parent(out, "-o")


def check_out_file(path: Path | None, option: str) -> None:
    """Refuse an output file path that is a folder or cannot be created (exit 2)."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    check_writable_parent(path, option)


def check_writable_parent(path: Path, option: str) -> None:
    """Refuse `path` when the nearest existing folder on it is a file or is not writable."""
    base = path if path.is_dir() else path.parent
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise UsageError(f"{option} {path}: {base} is a file, not a folder")
    try:
        tempfile.TemporaryDirectory(dir=base, prefix=".fcsim-probe-").cleanup()
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write in {base} ({exc.strerror})") from None


def report_failures(out: Path, failures: Sequence[RunFailure]) -> int:
    """Name failed runs on stderr and log them in `out`; EXIT_RUN_FAILED if any, else EXIT_OK."""
    from fcsim.experiment.executors import write_failure_log

    log = write_failure_log(out, failures)
    if log is None:
        return EXIT_OK
    print(f"fcsim: {len(failures)} run(s) failed:", file=sys.stderr)
    for f in failures[:SHOWN_FAILURES]:
        print(f"  {f.spec.label}: {f.message}", file=sys.stderr)
    if len(failures) > SHOWN_FAILURES:
        print(f"  ... and {len(failures) - SHOWN_FAILURES} more", file=sys.stderr)
    print(
        f"fcsim: tracebacks in {log}; the other runs' results are written. "
        "Fix the cause and add --resume to run only the failed runs again.",
        file=sys.stderr,
    )
    return EXIT_RUN_FAILED
