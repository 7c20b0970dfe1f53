"""What a command shows on stderr while its runs execute: progress, resume and Ctrl-C messages.

Place in the flow: a command that runs plans passes a `RunMessages` as the observer of the
pipeline (`fcsim.experiment.pipeline`, which prints nothing); it turns each `Event` into a tqdm
bar (on a terminal) or plain progress lines (CI logs), says how many runs a `--resume` reuses,
and after a Ctrl-C how many finished runs are kept for `--resume`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fcsim.experiment.pipeline import Event


class Progress:
    """Runs done / total on stderr: a tqdm bar (with ETA) on a terminal, plain lines otherwise.

    Plain lines (CI logs) come at most every `every_s` seconds, and for the last run.
    """

    def __init__(self, total: int, enabled: bool = True, every_s: float = 5.0) -> None:
        self.total, self.done = total, 0
        self.enabled = enabled and total > 0
        self.every_s = every_s
        self._bar = None
        self._last = 0.0
        self._t0 = time.monotonic()
        if self.enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="run", file=sys.stderr, leave=False)

    def step(self, label: str, n: int = 1) -> None:
        """`n` more runs done, the last one `label`."""
        self.done += n
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(label, refresh=False)
            self._bar.update(n)
            return
        now = time.monotonic()
        if now - self._last >= self.every_s or self.done >= self.total:
            self._last = now
            spent = now - self._t0
            eta = spent / self.done * (self.total - self.done) if self.done else 0.0
            print(
                f"fcsim: {self.done}/{self.total} runs done ({spent:.0f} s, "
                f"about {eta:.0f} s left)",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        """Remove the bar (plain lines need nothing)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class RunMessages:
    """The observer of the pipeline in a command; a context manager that closes the bar.

    `progress` False (`-q`, or `fcsim size`, which prints one line per point) shows neither
    the bar nor the resume line; what an interruption kept is always said.
    """

    def __init__(self, progress: bool = True) -> None:
        self.progress = progress
        self._bar: Progress | None = None

    def __call__(self, event: Event) -> None:
        if event.kind == "started":
            self.close()
            self._bar = Progress(event.total, enabled=self.progress)
        elif event.kind == "resumed":
            if self.progress:
                say(f"resuming: {event.reused} run(s) already done, {event.total} to run")
        elif event.kind in ("run_done", "run_failed"):
            if self._bar is not None:
                failed = " FAILED" if event.kind == "run_failed" else ""
                self._bar.step(f"{event.label}{failed}")
        elif event.kind == "interrupted":
            self.close()
            where = "" if event.store is None else f" in {display(event.store)}"
            say(
                f"interrupted: {event.done} of {event.total} runs finished and kept{where}; "
                "run the same command with --resume to continue"
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> RunMessages:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def say(text: str) -> None:
    """`fcsim: TEXT` on stderr, at once."""
    print(f"fcsim: {text}", file=sys.stderr, flush=True)


def display(path: Path) -> str:
    """`path` relative to the working folder when it is below it, else as given."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel
