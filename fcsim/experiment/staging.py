"""An output folder's results written as one set: staged beside the old set, then swapped in.

Place in the flow: the write step of the pipeline (`fcsim.experiment.outputs`) writes the result
files of `fcsim run`, `sweep` or `size` — and the report pages the command asks for — into a
staging folder inside the output folder (`OUT/.fcsim-write-XXXX/`). Only when every file is
complete are they moved into OUT (`swap`): the files of an earlier command that this one does
not write again are removed (`index.html` after `--no-report`, `failed_runs.log` when no run
failed, the summary files when no run finished), so OUT never mixes two commands' results.

A write that fails midway (a full disk, an interruption) removes the staging folder and leaves
OUT as it was: the earlier set, whole. The error names the file as it would have been in OUT
(`UsageError`, exit status 2; `fcsim.core.files.WriteError` carries the file and the reason).
The run store (`OUT/.fcsim/`) is not part of the set: the runs it keeps let `--resume` write
the results again without simulating.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from fcsim.core.errors import UsageError
from fcsim.core.files import WriteError, check_target

STAGE_PREFIX = ".fcsim-write-"
"""Name prefix of the staging folder inside an output folder."""


@contextlib.contextmanager
def staged(out: Path, names: Sequence[str]) -> Iterator[Path]:
    """A staging folder for the result set `names` of `out` (its marker first), swapped in at
    the end of the `with` block; on an error, removed with `out` left untouched."""
    out.mkdir(parents=True, exist_ok=True)
    for name in names:  # never replace a link (nor a device) that stands where a result goes
        target = out / name
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            check_target(target)
    for old in out.glob(f"{STAGE_PREFIX}*"):  # left by a killed process
        shutil.rmtree(old, ignore_errors=True)
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
    try:
        try:
            yield stage
        except (WriteError, OSError) as exc:
            kept = f"the results already in {out} are left as they were"
            raise UsageError(_message(exc, stage, out, kept)) from None
        try:
            swap(stage, out, names)
        except OSError as exc:
            mixed = f"{out} holds part of the new results only: run the command again"
            raise UsageError(_message(exc, stage, out, mixed)) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def swap(stage: Path, out: Path, names: Sequence[str]) -> None:
    """Move the staged entries of `names` into `out`; remove those of `names` not staged.

    The marker (`names[0]`: summary.json, sweep.json, size.json) goes last and its old copy
    first, so a folder caught midway has no marker and is never taken for a complete set.
    """
    marker, rest = names[0], names[1:]
    _remove(out / marker)
    for name in rest:
        if (stage / name).exists():
            _move(stage / name, out / name, stage)
        else:
            _remove(out / name)
    if (stage / marker).exists():
        os.replace(stage / marker, out / marker)


def _move(src: Path, dst: Path, stage: Path) -> None:
    """`src` to `dst`; a folder (or a file replaced by a folder) is first moved aside."""
    if (dst.is_dir() or src.is_dir()) and (dst.exists() or dst.is_symlink()):
        os.replace(dst, stage / f".old-{dst.name}")  # removed with the staging folder
    os.replace(src, dst)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _message(exc: WriteError | OSError, stage: Path, out: Path, then: str) -> str:
    """`OUT/FILE: cannot write: REASON; THEN`, the file named as it would be in OUT."""
    if isinstance(exc, WriteError):
        name, reason = exc.path, exc.reason
    else:
        name, reason = Path(exc.filename) if exc.filename else out, str(exc.strerror or exc)
    if name.is_relative_to(stage):
        name = out / name.relative_to(stage)
    return f"{name}: cannot write: {reason}; {then}"


__all__ = ["STAGE_PREFIX", "staged", "swap"]
