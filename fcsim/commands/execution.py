"""Output paths and endings shared by the commands that run plans.

Place in the flow: before anything runs, a command checks its output folder (`run`, `sweep`,
`size`: `check_out_folder`) or output file (`baseline`, `check`, `report`, `inspect-data`:
`check_out_file`): exit 2 when it cannot be written, holds another command's results, or is one
of the command's inputs (`check_apart`: the scenario file, the files it extends, its data
files, a baseline, an order export), which writing would destroy. Once the pipeline
(`fcsim.experiment.pipeline`) has run the plans and its write step (`fcsim.experiment.outputs`)
has written the results and the log of the failed runs, `run`, `sweep` and `size` end with
`report_failures`: failed runs are named on stderr, and the command exits with status 3 (the
other runs' results are kept and written).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fcsim.commands.common import EXIT_OK, EXIT_RUN_FAILED
from fcsim.core.errors import UsageError

if TYPE_CHECKING:
    from fcsim.experiment.runs import RunFailure
    from fcsim.scenario.schema.scenario import Scenario

Inputs = Iterable[tuple[str, Path | None]]
"""A command's input files, each with what it is ("the scenario file", "--baseline", ...)."""

SHOWN_FAILURES = 10
"""Failed runs named on stderr; all of them are in the log file."""


RESULT_MARKERS = {
    "run": "summary.json",
    "sweep": "sweep.json",
    "size": "size.json",
    "advise": "advice.json",
    "sensitivity": "sensitivity.json",
}
"""The file that marks an output folder as holding the results of each command."""


def check_out_folder(out: Path, command: str | None = None, inputs: Inputs = ()) -> None:
    """Refuse an output folder that exists as a file or cannot be created (exit 2).

    Nothing is created: the nearest existing folder on the path is tried with a temporary
    folder, removed at once. With `command`, a folder holding another command's results is
    refused too, so that its report never mixes the two, and so is a folder where the command
    would write over one of its `inputs`.
    """
    if command is not None:
        check_apart(folder_outputs(out, command), inputs)
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


def check_out_file(path: Path | None, option: str, inputs: Inputs = ()) -> None:
    """Refuse an output file path that is a folder, cannot be created or is an input (exit 2)."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    check_apart([(f"{option} {path}", path)], inputs)
    check_writable_parent(path, option)


def folder_outputs(out: Path, command: str) -> list[tuple[str, Path]]:
    """What `command` writes in its output folder `out`: each result file, `points/` of a sweep
    and the run store (`.fcsim/`), as (option, path) for `check_apart`."""
    from fcsim.experiment.outputs import RESULT_FILES
    from fcsim.experiment.store import STORE_DIR

    return [(f"-o {out}", out / name) for name in (*RESULT_FILES[command], STORE_DIR)]


def scenario_inputs(path: Path, *scenarios: Scenario) -> list[tuple[str, Path]]:
    """The input files of scenarios loaded from `path`: the file, the files it extends, and
    their data files."""
    from fcsim.scenario.load import input_files

    return input_files(path, *scenarios)


def report_inputs(out: Path) -> list[tuple[str, Path]]:
    """What `fcsim report OUT` reads: the result files in `out`, and the page it rebuilds."""
    from fcsim.experiment.outputs import RESULT_FILES

    names = dict.fromkeys(n for files in RESULT_FILES.values() for n in files)
    return [(f"a result file of {out}", out / n) for n in names if (out / n).exists()]


def check_apart(outputs: Iterable[tuple[str, Path | None]], inputs: Inputs) -> None:
    """Refuse (exit 2) an output path that is one of the command's inputs, before anything runs.

    `outputs` are (option as typed, path written), `inputs` (what it is, path read). Paths are
    compared resolved (symbolic links followed, `..` removed) and as files (`os.path.samefile`:
    a hard link, another mount of the same folder); an input inside an output folder that is
    written whole (a sweep's `points/`, the run store) clashes with it too.
    """
    inputs = [(what, p) for what, p in inputs if p is not None]
    for option, out in outputs:
        if out is None:
            continue
        for what, path in inputs:
            if not same_or_inside(path, out):
                continue
            if option.endswith(f" {out}"):
                clash = f"is {what} ({path})"
            elif same_or_inside(out, path):
                clash = f"would write {out}, which is {what} ({path})"
            else:
                clash = f"would replace {out}, which holds {what} ({path})"
            raise UsageError(
                f"{option}: {clash}, an input of this command: writing there would destroy "
                "it; give another path"
            )


def same_or_inside(path: Path, out: Path) -> bool:
    """True when `path` is the file `out`, or lies inside the folder `out`."""
    try:
        a, b = path.resolve(), out.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: compared as given
        a, b = path.absolute(), out.absolute()
    if a == b or (b.is_dir() and a.is_relative_to(b)):
        return True
    try:
        return os.path.samefile(path, out)
    except (OSError, ValueError):  # one of them does not exist: not the same file
        return False


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


def check_memory(scenarios: Sequence[Scenario], runs: int, args: argparse.Namespace) -> None:
    """Refuse (exit 2) a plan whose runs cannot fit in the memory available, before it runs.

    `runs` is how many runs the pool gets at once (all of a plan; one point of a search);
    `args` carries `-w` and `--dask`. A remote Dask cluster's memory is not known here.
    """
    from fcsim.experiment import footprint
    from fcsim.experiment.runs import default_workers

    dask = getattr(args, "dask", None)
    if dask and dask != "local":
        return
    available = footprint.available_memory()
    if available is None:
        return
    workers = args.workers or default_workers()
    in_process = not dask and min(workers, runs) <= 1
    plan = footprint.plan_footprint(scenarios, runs, workers, in_process)
    if plan.total_bytes <= available:
        return
    many = plan.at_once > 1
    at_once = f" for {plan.at_once} runs at once (-w {workers})" if many else ""
    raise UsageError(
        f"{plan.largest.describe()}, about {footprint.human_bytes(plan.total_bytes)}{at_once}: "
        f"more than the {footprint.human_bytes(available)} of memory available; shorten "
        "horizon_days or lower the demand" + (", or give fewer workers (-w)" if many else "")
    )


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
