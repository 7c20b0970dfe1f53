"""Output paths and endings shared by the commands that run plans.

Place in the flow: before anything runs, a command checks its output folder (`run`, `sweep`,
`size`: `check_out_folder`) or output file (`baseline`, `check`, `report`: `check_out_file`):
exit 2 when it cannot be written, or holds another command's results. Once the pipeline
(`fcsim.experiment.pipeline`) has run the plans and its write step (`fcsim.experiment.outputs`)
has written the results and the log of the failed runs, `run`, `sweep` and `size` end with
`report_failures`: failed runs are named on stderr, and the command exits with status 3 (the
other runs' results are kept and written).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fcsim.commands.common import EXIT_OK, EXIT_RUN_FAILED
from fcsim.core.errors import UsageError

if TYPE_CHECKING:
    from fcsim.experiment.runs import RunFailure

SHOWN_FAILURES = 10
"""Failed runs named on stderr; all of them are in the log file."""


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


def report_failures(log: Path | None, failures: Sequence[RunFailure]) -> int:
    """Name failed runs on stderr (their log: `log`); EXIT_RUN_FAILED if any, else EXIT_OK."""
    if not failures:
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
