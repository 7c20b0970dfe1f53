"""Problems of YAML text said the way people read it: plain messages, true lines and columns.

Place in the flow: used by `fcsim.scenario.yamlfile` while it reads a scenario. PyYAML's own
messages (`mapping values are not allowed here`) become sentences about the file
(`syntax_message`); the characters PyYAML reads as line breaks but editors do not (U+0085,
U+2028, U+2029) are refused before parsing, at the line and column an editor shows
(`refuse_unicode_breaks`); a key beyond PyYAML's 1,024-character limit is named as such
instead of a missing `:` (`key_too_long`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from fcsim.core.errors import Mark, Problem, ScenarioError


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (PyYAML puts the problem in `problem`)."""
    text = str(getattr(exc, "problem", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def syntax_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's reason for a syntax error, said as what to look for in the file."""
    msg = first_line(exc)
    context = str(exc.context or "")
    if "'\\t'" in msg or "\\t" in msg:
        return "a tab character here: YAML indents with spaces only, replace the tab by spaces"
    if "found duplicate anchor" in context or "found duplicate anchor" in msg:
        return "an anchor name (`&name`) is defined twice"
    if "found undefined alias" in context or "undefined alias" in msg:
        return f"{msg}: an alias (`*name`) needs an anchor (`&name`) written before it"
    if "expected <block end>" in msg:
        return "this line is indented differently from the lines above it at the same level"
    if "mapping values are not allowed" in msg:
        return (
            "a `key:` where a value was expected: check the indentation, or quote a value "
            "that contains `: `"
        )
    if "while scanning a quoted scalar" in context:
        return "a quote opened here is never closed"
    if "could not find expected ':'" in msg:
        return "expected `key: value` on this line (a `:` is missing, or a quote is not closed)"
    if context and context not in msg:
        return f"{msg} ({context})"
    return msg


MAX_KEY_CHARS = 1024
"""Longest key PyYAML reads without a `?` (a "simple key" ends within 1,024 characters)."""


def key_too_long(text: str, mark: Any) -> tuple[int, int] | None:
    """(start, length) of a key too long for YAML when the error `mark` is at its `:`."""
    index = getattr(mark, "index", None)
    if index is None or not 0 <= index < len(text) or text[index] != ":":
        return None
    line_start = text.rfind("\n", 0, index) + 1
    start = max(line_start, *(text.rfind(c, line_start, index) + 1 for c in "{[,"))
    start = max(start, text.rfind(": ", line_start, index) + 2)
    while start < index and text[start] in " -?":
        start += 1
    length = len(text[start:index].rstrip())
    return (start, length) if length > MAX_KEY_CHARS else None


def line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character of `text`, lines ending at `\\n` only."""
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, col


_UNICODE_BREAKS = {
    "\x85": "a next-line character (U+0085)",
    "\u2028": "a line separator (U+2028)",
    "\u2029": "a paragraph separator (U+2029)",
}
_UNICODE_BREAK = re.compile("[\x85\u2028\u2029]")
MAX_LISTED = 10
"""Characters of one kind listed before the rest are counted."""


def refuse_unicode_breaks(text: str, source: str) -> None:
    """Refuse the characters YAML reads as line breaks but editors (and fcsim) do not.

    PyYAML ends a line at U+0085, U+2028 and U+2029: a comment would end there, its rest be read
    as YAML, and every later line number be off. Each is reported at its true line and column.
    """
    found = [m.start() for m in _UNICODE_BREAK.finditer(text)]
    if not found:
        return
    problems = []
    for pos in found[:MAX_LISTED]:
        line, col = line_col(text, pos)
        ch = text[pos]
        problems.append(
            Problem(
                Mark(source, line, col),
                None,
                f"{_UNICODE_BREAKS[ch]}, which YAML reads as a line break: remove it (in a "
                f"double-quoted text, write \\u{ord(ch):04x} for the character)",
            )
        )
    if len(found) > MAX_LISTED:
        problems.append(
            Problem(Mark(source, 1, 1), None, f"{len(found):,} such characters in all; refused")
        )
    raise ScenarioError(problems)


__all__ = [
    "MAX_KEY_CHARS",
    "first_line",
    "key_too_long",
    "line_col",
    "refuse_unicode_breaks",
    "syntax_message",
]
