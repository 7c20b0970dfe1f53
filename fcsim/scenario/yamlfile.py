"""Reading YAML safely, keeping the file, line and column of every key and value.

Place in the flow: first step of `fcsim.scenario.load`. Bytes -> text (size and UTF-8 checked) ->
PyYAML node tree (safe loader, composition only) -> measured (alias bombs, recursive aliases and
deep nesting refused before anything is built) -> plain Python data built here node by node, so
that duplicate keys are caught and YAML 1.1 surprises are recognised:

- a bare `NO`, `off` or `yes` is read as a boolean: remembered, so that a message can say so;
- a number with a leading zero (`010`) is octal in YAML 1.1: refused, the reader must choose;
- `16:00` is a base-60 number in YAML 1.1: kept as the text "16:00" (a time of day);
- `1e5` is text in YAML 1.1 but a number everywhere else: read as the number 100000.0;
- `.inf` and `.nan` are refused (no scenario figure is infinite);
- a lone surrogate (`"\\udc80"`, an escape YAML allows) is refused in every key and text: it is
  not a character, and no file (a report page, a resolved scenario) could be written with it.

Fatal problems (syntax, size, encoding, bombs, keys beyond YAML's 1,024 characters, the
characters YAML reads as line breaks but editors do not: U+0085, U+2028, U+2029) raise
`ScenarioError` at once, at their true line and column; the others are collected in
`Parsed.problems` and reported together with the schema's problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fcsim.core.errors import Mark, Problem, ScenarioError
from fcsim.core.files import InputRefused, read_input
from fcsim.scenario.yamltext import (
    MAX_KEY_CHARS,
    first_line,
    key_too_long,
    line_col,
    refuse_unicode_breaks,
    syntax_message,
)

Loc = tuple[str | int, ...]

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest scenario file read (5 MB); real scenarios are a few kilobytes."""
MAX_NODES = 100_000
"""Largest number of values a document may expand to (aliases included)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""

_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_OCTAL_LIKE = re.compile(r"^[-+]?0[0-9_]+$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_YAML12_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")


@dataclass
class Parsed:
    """Plain data from YAML with the position of every key and value.

    `marks[loc]` is where the value at `loc` starts, `key_marks[loc]` where its key is written.
    `yaml11_words[loc]` is the bare word (`NO`, `off`, ...) that YAML 1.1 turned into a boolean
    at `loc` (for a key: the loc of the entry, flagged in `yaml11_keys`).
    """

    data: Any
    marks: dict[Loc, Mark] = field(default_factory=dict)
    key_marks: dict[Loc, Mark] = field(default_factory=dict)
    yaml11_words: dict[Loc, str] = field(default_factory=dict)
    yaml11_keys: set[Loc] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def dotted(loc: Loc) -> str:
    """A key path as people write it: `strategies.own.carriers[0]`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) and not isinstance(part, bool) else f".{part}"
    return out.lstrip(".") or "(top level)"


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        self.node = node
        self.message = message


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, used for composition; values are built by `_Builder`."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def measure(root: yaml.Node) -> None:
    """Refuse a node graph that expands to too many values, nests too deep or refers to itself.

    Aliases make the composed graph share nodes; sizes are computed once per distinct node
    (iteratively), so an alias bomb is measured in time proportional to its text, not its
    expansion.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        nid = id(node)
        if leaving:
            kids = _children(node)
            size[nid] = 1 + sum(size[id(k)] for k in kids)
            depth[nid] = 1 + max((depth[id(k)] for k in kids), default=0)
            entered.discard(nid)
            if size[nid] > MAX_NODES:
                raise _Refused(
                    node,
                    f"this expands to more than {MAX_NODES:,} values (aliases repeated "
                    "inside aliases: an alias bomb?); refused",
                )
            if depth[nid] > MAX_DEPTH:
                raise _Refused(node, f"nested more than {MAX_DEPTH} levels deep; refused")
            continue
        if nid in size:
            continue
        if nid in entered:
            raise _Refused(node, "an alias refers to the mapping or list that contains it")
        entered.add(nid)
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)


class _Builder:
    """Builds plain Python data from a measured node tree, recording marks and problems."""

    def __init__(self, source: str, loader: yaml.SafeLoader) -> None:
        self.source = source
        self.loader = loader
        self.parsed = Parsed(None)

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.source, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: yaml.Node, loc: Loc, message: str) -> None:
        self.parsed.problems.append(Problem(self.mark(node), dotted(loc), message))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.parsed.marks.setdefault(loc, self.mark(node))
        if node.tag not in (_MAP_TAG, _SEQ_TAG) and not isinstance(node, yaml.ScalarNode):
            self.problem(node, loc, f"the tag `{node.tag}` is not allowed in a scenario")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*loc, i)) for i, child in enumerate(node.value)]
        return self._scalar(node, loc)

    def _key(self, node: yaml.Node, loc: Loc) -> str | int | float | bool | None:
        """A mapping key (a plain scalar), remembering a YAML 1.1 boolean word."""
        said = len(self.parsed.problems)
        key = self._scalar(node, loc, record=False) if isinstance(node, yaml.ScalarNode) else None
        if key is None or not isinstance(key, str | int | float | bool):
            if len(self.parsed.problems) == said:  # else the scalar's own problem says why
                self.problem(node, loc, "a key must be a plain word or number")
            return None
        if isinstance(key, bool) and node.value.lower() not in ("true", "false"):
            self.parsed.yaml11_words[(*loc, key)] = node.value
            self.parsed.yaml11_keys.add((*loc, key))
        return key

    def _scalar(self, node: yaml.ScalarNode, loc: Loc, *, record: bool = True) -> Any:
        text, plain = node.value, node.style is None
        if node.tag in (_INT_TAG, _FLOAT_TAG) and ":" in text:
            return text  # "16:00" is a time of day, not the base-60 number 960
        if record and node.tag == _BOOL_TAG and text.lower() not in ("true", "false"):
            self.parsed.yaml11_words[loc] = text
        if node.tag == _INT_TAG and _OCTAL_LIKE.match(text):
            digits = text.lstrip("+-").lstrip("0_") or "0"
            self.problem(
                node,
                loc,
                f"`{text}` starts with a zero, which YAML 1.1 reads as an octal number: write "
                f"{digits}, or quote it if it is text",
            )
            return None
        if node.tag == _FLOAT_TAG and text.lstrip("+-").lower() in (".inf", ".nan"):
            self.problem(node, loc, f"`{text}` is not a finite number")
            return None
        if node.tag == _STR_TAG and plain and _YAML12_FLOAT.match(text):
            return float(text)  # 1e5: a number in YAML 1.2, text in YAML 1.1
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problem(node, loc, f"cannot read this value: {first_line(exc)}")
            return None
        lone = _SURROGATE.search(value) if isinstance(value, str) else None
        if lone is not None:
            self.problem(
                node,
                loc,
                f"a lone surrogate (\\u{ord(lone.group()):04x}) at character {lone.start() + 1} "
                "is not a character of any text: remove it, or write the character itself",
            )
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        seen: dict[Any, Mark] = {}
        entries = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self._merge(value_node, loc, out)
            else:
                entries.append((key_node, value_node))
        merged = set(out)
        for key_node, value_node in entries:
            key = self._key(key_node, loc)
            if key is None:
                continue
            if key in seen:
                self.problem(
                    key_node,
                    (*loc, key),
                    f"duplicate key `{key}` (first written at line {seen[key].line}); "
                    "keep only one",
                )
                continue
            seen[key] = self.mark(key_node)
            here = (*loc, key)
            if key in merged:  # an explicit key wins over a merged one: forget the merged marks
                self._forget(here)
            self.parsed.key_marks[here] = self.mark(key_node)
            self.parsed.marks[here] = self.mark(value_node)
            out[key] = self.build(value_node, here)
        return out

    def _merge(self, value_node: yaml.Node, loc: Loc, out: dict[Any, Any]) -> None:
        """YAML merge keys (`<<: *base`): earlier sources win, explicit keys win over all."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for src in sources:
            if not isinstance(src, yaml.MappingNode):
                self.problem(src, loc, "`<<` can only merge a mapping")
                continue
            value = self._mapping(src, loc)
            for k, v in value.items():
                out.setdefault(k, v)

    def _forget(self, prefix: Loc) -> None:
        n = len(prefix)
        p = self.parsed
        for table in (p.marks, p.key_marks, p.yaml11_words):
            for k in [k for k in table if k[:n] == prefix]:
                del table[k]


def parse_yaml_text(text: str, source: str) -> Parsed:
    """Parse YAML text into `Parsed`; raises `ScenarioError` when the text cannot be read.

    Problems that do not stop reading (duplicate keys, octal-looking numbers, ...) are left in
    `Parsed.problems` for the caller to report with the others.
    """
    refuse_unicode_breaks(text, source)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line, col = line_col(text, exc.position)
        message = f"a control character (#x{exc.character:04x}) that YAML does not allow"
        raise ScenarioError([Problem(Mark(source, line, col), None, message)]) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if exc.context_mark and "while scanning a" in str(exc.context):
                mark = exc.context_mark  # where the unclosed quote or the key started
            where = Mark(source, mark.line + 1, mark.column + 1) if mark else Mark(source, 1, 1)
            message = syntax_message(exc)
            long_key = key_too_long(text, exc.problem_mark)
            if long_key is not None:
                start, length = long_key
                where = Mark(source, *line_col(text, start))
                message = (
                    f"a key of {length:,} characters: keys are limited to "
                    f"{MAX_KEY_CHARS:,} characters in YAML; shorten it"
                )
            raise ScenarioError([Problem(where, None, message)]) from None
        except yaml.YAMLError as exc:
            raise ScenarioError([Problem(Mark(source, 1, 1), None, first_line(exc))]) from None
        except RecursionError:
            raise ScenarioError(
                [Problem(Mark(source, 1, 1), None, "nested too deeply to read; refused")]
            ) from None
        if node is None:
            raise ScenarioError([Problem(Mark(source, 1, 1), None, "the file is empty")])
        builder = _Builder(source, loader)
        try:
            measure(node)
        except _Refused as refused:
            raise ScenarioError(
                [Problem(builder.mark(refused.node), None, refused.message)]
            ) from None
        data = builder.build(node, ())
    finally:
        loader.dispose()
    builder.parsed.data = data
    return builder.parsed


def read_file(
    path: Path, source: str | None = None, seen: list[tuple[Path, bytes]] | None = None
) -> Parsed:
    """Read and parse one YAML file (size and encoding checked); `source` names it in messages.

    `seen`, when given, gets the file's resolved path and the very bytes parsed (what a cache
    of the parsed file compares the file with later)."""
    source = source or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                [
                    Problem(
                        Mark(source, 1, 1),
                        None,
                        f"the file is {size / 2**20:.1f} MB, above the "
                        f"{MAX_FILE_BYTES // 2**20} MB limit for scenarios; refused",
                    )
                ]
            )
        raw = read_input(path, MAX_FILE_BYTES)  # a regular file only: never a FIFO or device
    except InputRefused as exc:
        raise ScenarioError([Problem(None, None, f"{source}: {exc}")]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ScenarioError([Problem(None, None, f"{source}: cannot read: {reason}")]) from None
    if seen is not None:
        seen.append((path.resolve(), raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(
            [
                Problem(
                    Mark(source, line, col),
                    None,
                    f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
                )
            ]
        ) from None
    return parse_yaml_text(text.removeprefix("\ufeff"), source)


__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_KEY_CHARS",
    "MAX_NODES",
    "Loc",
    "Parsed",
    "dotted",
    "first_line",
    "measure",
    "parse_yaml_text",
    "read_file",
]
