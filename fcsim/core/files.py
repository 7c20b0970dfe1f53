"""Files written whole or not at all, JSON-safe values, and paths shown to people.

Place in the flow: the lowest layer. Every output file of fcsim (result tables, summaries,
reports, baselines, the run store) is written through `atomic_write`: to a temporary file beside
it, renamed into place only when complete, so an interrupted or failed write leaves the previous
file (or none), never half of one.
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


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary file next to `path`, then rename it to `path`.

    An `OSError` of the write (a full disk) names `path`, not the temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename in (None, tmp):
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
