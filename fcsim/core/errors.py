"""Errors meant for people: where the problem is and what is wrong.

Place in the flow: raised by `fcsim.scenario.load` (scenarios) and `fcsim.cli` (usage); the command
line prints each problem on its own line and exits with status 2. Never a traceback. Whatever a
message echoes of the user's text is shown with invisible characters escaped (`visible`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"))
"""Unicode categories shown escaped: controls, format characters (zero-width, bidi overrides),
surrogates, private and unassigned code points, line and paragraph separators, odd spaces."""


def visible(text: str, keep: str = "") -> str:
    """`text` with every invisible or control character shown as an escape (`\\u200b`, `\\x1b`).

    User strings (file names, keys, values) are echoed in messages; a right-to-left override, a
    zero-width space or a terminal escape sequence must be seen, not obeyed. A plain space and
    the characters in `keep` (e.g. a newline between lines) are left as they are.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch if ch == " " or ch in keep or unicodedata.category(ch) not in _INVISIBLE else _escape(ch)
        for ch in text
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


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
        return visible(": ".join(parts))

    def sort_key(self) -> tuple[str, int, int]:
        m = self.mark
        return (m.source, m.line or 0, m.col or 0) if m else ("", 0, 0)


class ScenarioError(Exception):
    """One or more problems in a scenario (or its overrides)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A wrong command line (exit status 2); shown with invisible characters escaped.

    A message may span lines (a list of differences, then what to do): its newlines are kept,
    every other control character is escaped.
    """

    def __str__(self) -> str:
        return visible(super().__str__(), keep="\n")


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
