"""Errors meant for people: where the problem is and what is wrong.

Place in the flow: raised by `fcsim.scenario.load` (scenarios) and `fcsim.cli` (usage); the command
line prints each problem on its own line and exits with status 2. Never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    """A position in a source: a file and 1-based line and column (None when not a file)."""

    source: str
    line: int | None
    col: int | None

    def __str__(self) -> str:
        if self.line is None:
            return self.source
        if self.col is None:  # a row of a data file
            return f"{self.source}:{self.line}"
        return f"{self.source}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One problem: `file:line:col: key.path: message`."""

    mark: Mark | None
    path: str | None
    message: str

    def __str__(self) -> str:
        parts = [str(self.mark)] if self.mark else []
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return ": ".join(parts)

    def sort_key(self) -> tuple[str, int, int]:
        m = self.mark
        return (m.source, m.line or 0, m.col or 0) if m else ("", 0, 0)


class ScenarioError(Exception):
    """One or more problems in a scenario (or its overrides)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A wrong command line (exit status 2)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by the command line's handler: stopped like a Ctrl-C (exit status 143)."""


def not_a_file(path: object) -> str:
    """Why `path` is not a readable regular file: missing, a folder, or something else."""
    from pathlib import Path

    p = Path(str(path))
    if p.is_dir():
        return "is a folder, not a file"
    if p.exists():
        return "is not a regular file"
    return "no such file"


def relabel(problems: list[Problem], labels: dict[str, str]) -> list[Problem]:
    """Problems of `--set` overrides made by another option, shown as that option's.

    `labels` maps an override's text (`key=value`) to what the user typed, e.g. the `--vary`
    of a sweep; other problems are kept as they are.
    """
    from dataclasses import replace

    out = []
    for p in problems:
        src = p.mark.source if p.mark else ""
        text = src.removeprefix("--set ") if src.startswith("--set ") else None
        if p.mark is not None and text in labels:
            p = replace(p, mark=replace(p.mark, source=labels[text]))
        out.append(p)
    return out
