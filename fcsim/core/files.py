"""Files written whole or not at all, JSON-safe values, and paths shown to people.

Place in the flow: the lowest layer. Every output file of fcsim (result tables, summaries,
reports, baselines, the run store) is written through `atomic_write`: to a temporary file beside
it, renamed into place only when complete, so an interrupted or failed write leaves the previous
file (or none), never half of one. Because the file is replaced, a target that is a symbolic link
or not a regular file (a device such as `/dev/stdout`, a FIFO) is refused, never replaced; a
failing disk (full, read-only) is reported in one line naming the file (exit status 2).
"""

from __future__ import annotations

import math
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from fcsim.core.errors import UsageError


def _clean(obj: Any) -> Any:
    """JSON-safe: nan/inf -> null, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def json_safe(obj: Any) -> Any:
    """`obj` made JSON-safe: nan/inf -> null, numpy scalars -> Python."""
    return _clean(obj)


class InputRefused(ValueError):
    """An input file that is not read: not a regular file, or too large (the reason)."""


def read_input(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    Anything else is refused before a byte is read (`InputRefused`): a folder, a device such
    as /dev/zero (endless), a FIFO (which would block: it is opened without waiting and checked
    with `fstat`), a socket, or a file larger than `limit` (checked on its size, and again while
    reading should it grow). `OSError` when it cannot be opened or read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd)
        if stat.S_ISDIR(mode.st_mode):
            raise InputRefused("is a folder, not a file")
        if not stat.S_ISREG(mode.st_mode):
            raise InputRefused("is not a regular file (a device, a pipe or a socket); refused")
        too_large = InputRefused(f"is larger than the {limit / 1e6:,.0f} MB limit; refused")
        if mode.st_size > limit:
            raise too_large
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while block := os.read(fd, 1 << 20):
            total += len(block)
            if total > limit:
                raise too_large
            chunks.append(block)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def check_target(path: Path) -> None:
    """Refuse an output path that is a symbolic link or exists but is not a regular file.

    A write replaces the file whole (a new file renamed over it): over a link it would replace
    the link itself, over a device or FIFO (`/dev/stdout`) the device's name, so both are refused
    with a `UsageError` rather than followed.
    """
    if path.is_symlink():
        raise UsageError(
            f"{path}: is a symbolic link; fcsim replaces its output files whole and does not "
            "write through links: give the path of the file itself"
        )
    if path.exists() and not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file (a device, FIFO or socket)"
        raise UsageError(f"{path}: is {what}; fcsim writes its output to regular files only")


class WriteError(UsageError):
    """A file that could not be written: `path` and the system's `reason` (exit status 2)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path}: cannot write: {reason}")


def _cannot_write(path: Path, exc: OSError) -> WriteError:
    return WriteError(path, str(exc.strerror or exc))


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary file next to `path`, then rename it to `path`.

    A failure of the disk or the folder (full, read-only, gone) is raised as a one-line
    `UsageError` naming `path`, and the temporary file is removed.
    """
    check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _cannot_write(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
