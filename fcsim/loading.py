"""Reading scenario files safely, with every value's file, line and column.

Place in the flow: first step of every command. YAML text -> (plain data, marks) -> `extends`
merged -> `--set` overrides applied -> `Scenario` validated. Any problem, anywhere, becomes a
`Problem` (`file:line:col: key.path: what is wrong`); all problems are collected and raised
together as `ScenarioError`, which the command line turns into exit status 2.

Safety: files above 5 MB are refused, text must be UTF-8, YAML is composed with PyYAML's safe
loader and then built here node by node, so duplicate keys are caught, alias expansion is
capped (billion-laughs) and YAML 1.1 surprises are recognised (`NO` read as a boolean,
`16:00` read as a base-60 number: here it stays the string "16:00").
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fcsim.errors import Mark, Problem, ScenarioError
from fcsim.scenario import Loc, Scenario
from fcsim.schema_tools import describe_error

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
_BOOL_TAG = "tag:yaml.org,2002:bool"
_SEXAGESIMAL_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class Parsed:
    """Plain data from YAML with the position of every value and key."""

    data: Any
    marks: dict[Loc, Mark]
    key_marks: dict[Loc, Mark]
    yaml11_bools: set[Loc]


class _Builder:
    """Builds plain Python data from a composed YAML node tree, recording marks."""

    def __init__(self, source: str, loader: yaml.SafeLoader) -> None:
        self.source = source
        self.loader = loader
        self.count = 0
        self.parsed = Parsed(None, {}, {}, set())
        self.problems: list[Problem] = []

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.source, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(self.mark(node))
        self.parsed.marks.setdefault(loc, self.mark(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*loc, i)) for i, child in enumerate(node.value)]
        return self._scalar(node, loc)

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if node.tag in _SEXAGESIMAL_TAGS and ":" in node.value:
            return node.value  # "16:00" is a time of day, not 960
        if node.tag == _BOOL_TAG and node.value.lower() not in ("true", "false"):
            self.parsed.yaml11_bools.add(loc)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problems.append(
                Problem(self.mark(node), _dotted(loc), f"cannot read this value: {_first(exc)}")
            )
            return None

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        seen: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for src in sources:
                    value = self.build(src, loc)
                    if not isinstance(value, dict):
                        self.problems.append(
                            Problem(self.mark(src), _dotted(loc), "`<<` must merge a mapping")
                        )
                        continue
                    for k, v in value.items():
                        merged.setdefault(k, v)
                continue
            key = (
                self._scalar(key_node, (*loc, "<key>"))
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if not isinstance(key, str | int | float | bool) or key is None:
                self.problems.append(
                    Problem(self.mark(key_node), _dotted(loc), "keys must be plain scalars")
                )
                continue
            if key in seen:
                first = seen[key]
                self.problems.append(
                    Problem(
                        self.mark(key_node),
                        _dotted((*loc, key)),
                        f"duplicate key `{key}` (first defined at line {first.line})",
                    )
                )
                continue
            seen[key] = self.mark(key_node)
            self.parsed.key_marks[(*loc, key)] = self.mark(key_node)
            self.parsed.marks.pop((*loc, key), None)
            out[key] = self.build(value_node, (*loc, key))
        for k, v in merged.items():
            out.setdefault(k, v)
        return out


class _TooBig(Exception):
    def __init__(self, mark: Mark) -> None:
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """Safe loader; composition only (values are built by `_Builder`)."""


def _first(exc: BaseException) -> str:
    text = str(getattr(exc, "problem", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _dotted(loc: Loc) -> str:
    return ".".join(str(p) for p in loc) if loc else "(top level)"


def parse_yaml_text(text: str, source: str) -> Parsed:
    """Parse YAML text into a `Parsed`; raises `ScenarioError` on any problem."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            msg = _first(exc)
            if "\\t" in msg or "'\\t'" in msg or "tab" in msg.lower():
                msg = "tab characters cannot indent YAML; use spaces"
            raise ScenarioError(
                [Problem(Mark(source, mark.line + 1, mark.column + 1), None, msg)]
            ) from None
        except yaml.YAMLError as exc:
            raise ScenarioError([Problem(Mark(source, 1, 1), None, _first(exc))]) from None
        if node is None:
            raise ScenarioError([Problem(Mark(source, 1, 1), None, "the file is empty")])
        builder = _Builder(source, loader)
        try:
            data = builder.build(node, ())
        except _TooBig as big:
            raise ScenarioError(
                [
                    Problem(
                        big.mark,
                        None,
                        f"the document expands to more than {MAX_NODES:,} values "
                        "(aliases nested too deep); refused",
                    )
                ]
            ) from None
        except RecursionError:
            raise ScenarioError(
                [Problem(Mark(source, 1, 1), None, "the document is nested too deeply")]
            ) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise ScenarioError(builder.problems)
    builder.parsed.data = data
    return builder.parsed


def read_file(path: Path, source: str | None = None) -> Parsed:
    """Read and parse one YAML file (size and encoding checked); `source` names it in messages."""
    source = source or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError(
            [Problem(None, None, f"{source}: cannot read: {exc.strerror}")]
        ) from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    Mark(source, 1, 1),
                    None,
                    f"the file is {size / 1e6:.1f} MB, above the {MAX_FILE_BYTES // 2**20} MB "
                    "limit for scenarios",
                )
            ]
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
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


def _display(path: Path) -> str:
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else rel


def _load_with_extends(path: Path, source: str, stack: tuple[Path, ...]) -> Parsed:
    parsed = read_file(path, source)
    if not isinstance(parsed.data, dict):
        raise ScenarioError(
            [Problem(parsed.marks.get(()), None, "a scenario must be a mapping of keys to values")]
        )
    base_ref = parsed.data.pop("extends", None)
    if base_ref is None:
        return parsed
    mark = parsed.marks.get(("extends",))
    if not isinstance(base_ref, str):
        raise ScenarioError([Problem(mark, "extends", "must be a file path (a string)")])
    base_path = (path.parent / base_ref).resolve()
    if base_path in stack:
        chain = " -> ".join(p.name for p in (*stack, base_path))
        raise ScenarioError([Problem(mark, "extends", f"`extends` cycle: {chain}")])
    if not base_path.is_file():
        raise ScenarioError([Problem(mark, "extends", f"no such file: {base_ref}")])
    base = _load_with_extends(base_path, _display(base_path), (*stack, base_path))
    return _merge(base, parsed)


def _merge(base: Parsed, child: Parsed) -> Parsed:
    """Deep-merge `child` over `base`: mappings merge key by key, anything else replaces."""
    out = Parsed(
        copy.deepcopy(base.data),
        dict(base.marks),
        dict(base.key_marks),
        set(base.yaml11_bools),
    )

    def drop(prefix: Loc) -> None:
        n = len(prefix)
        for table in (out.marks, out.key_marks):
            for loc in [k for k in table if k[:n] == prefix]:
                del table[loc]
        out.yaml11_bools = {loc for loc in out.yaml11_bools if loc[:n] != prefix}

    def take(prefix: Loc) -> None:
        n = len(prefix)
        out.marks.update({k: v for k, v in child.marks.items() if k[:n] == prefix})
        out.key_marks.update({k: v for k, v in child.key_marks.items() if k[:n] == prefix})
        out.yaml11_bools |= {loc for loc in child.yaml11_bools if loc[:n] == prefix}

    def walk(target: dict[Any, Any], src: dict[Any, Any], loc: Loc) -> None:
        for key, value in src.items():
            here = (*loc, key)
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                out.key_marks[here] = child.key_marks.get(here, out.key_marks.get(here))
                walk(target[key], value, here)
            else:
                drop(here)
                take(here)
                target[key] = copy.deepcopy(value)

    walk(out.data, child.data, ())
    return out


def parse_override(text: str) -> tuple[Loc, Any, str]:
    """Split `key.path=VALUE` into a key path and a YAML-typed value."""
    source = f"--set {text}"
    if "=" not in text:
        raise ScenarioError([Problem(None, None, f"{source}: expected key.path=VALUE")])
    key, _, raw = text.partition("=")
    parts = [p for p in key.strip().split(".")]
    if not key.strip() or any(not p for p in parts):
        raise ScenarioError([Problem(None, None, f"{source}: the key path is empty or malformed")])
    loc: Loc = tuple(int(p) if p.isdigit() else p for p in parts)
    try:
        value = parse_yaml_text(raw, source).data if raw.strip() else None
    except ScenarioError as err:
        raise ScenarioError(
            [Problem(None, None, f"{source}: cannot read the value: {err.problems[0].message}")]
        ) from None
    return loc, value, source


def apply_overrides(parsed: Parsed, overrides: list[str]) -> Parsed:
    """Apply `--set key.path=VALUE` overrides; the value is typed by the schema later."""
    for text in overrides:
        loc, value, source = parse_override(text)
        node = parsed.data
        for depth, part in enumerate(loc[:-1]):
            if isinstance(node, dict):
                node = node.setdefault(part, {})
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                raise ScenarioError(
                    [
                        Problem(
                            None,
                            None,
                            f"{source}: {_dotted(loc[: depth + 1])}: no such item to set",
                        )
                    ]
                )
        last = loc[-1]
        if isinstance(node, list):
            if not isinstance(last, int) or last >= len(node):
                raise ScenarioError(
                    [Problem(None, None, f"{source}: {_dotted(loc)}: no such item")]
                )
            node[last] = value
        elif isinstance(node, dict):
            node[last] = value
        else:
            raise ScenarioError(
                [Problem(None, None, f"{source}: {_dotted(loc[:-1])} is not a mapping or list")]
            )
        n = len(loc)
        for table in (parsed.marks, parsed.key_marks):
            for k in [k for k in table if k[:n] == loc]:
                del table[k]
        parsed.marks[loc] = Mark(source, None, None)
        parsed.key_marks[loc] = Mark(source, None, None)
    return parsed


def _normalise(data: Any, loc: Loc) -> tuple[Loc, bool]:
    """Map a pydantic error location onto the data: drop union tags; flag `[key]` errors."""
    out: list[Any] = []
    node = data
    is_key = False
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and any(
            node.get(t) == part for t in ("kind", "dist", "policy")
        ):
            continue  # discriminated-union tag inserted by pydantic
        elif isinstance(part, str) and part.startswith(("function-", "json-or-python")):
            continue
        else:
            out.append(part)
            node = None
    return tuple(out), is_key


def _mark_for(parsed: Parsed, loc: Loc, is_key: bool) -> Mark | None:
    table = parsed.key_marks if is_key else parsed.marks
    if loc in table:
        return table[loc]
    for n in range(len(loc) - 1, -1, -1):
        if loc[:n] in parsed.marks:
            return parsed.marks[loc[:n]]
    return None


def validate(parsed: Parsed, source: str) -> Scenario:
    """Validate parsed data into a `Scenario`, or raise every problem found."""
    data = parsed.data
    if not isinstance(data, dict):
        raise ScenarioError([Problem(Mark(source, 1, 1), None, "a scenario must be a mapping")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc, is_key = _normalise(data, tuple(err["loc"]))
            if err["type"] == "extra_forbidden":
                is_key = True
            msg = describe_error(err, loc, data)
            if loc in parsed.yaml11_bools:
                word = _raw_word(parsed, loc)
                msg += f' (YAML 1.1 reads a bare {word} as a boolean: quote it, "{word}")'
            problems.append(Problem(_mark_for(parsed, loc, is_key), _dotted(loc), msg))
        raise ScenarioError(problems) from None
    cross = scenario.problems()
    if cross:
        raise ScenarioError(
            [Problem(_mark_for(parsed, loc, False), _dotted(loc), msg) for loc, msg in cross]
        )
    return scenario


def _raw_word(parsed: Parsed, loc: Loc) -> str:
    mark = parsed.marks.get(loc)
    if mark and mark.line and Path(mark.source).is_file():
        lines = Path(mark.source).read_text(encoding="utf-8").splitlines()
        if mark.line <= len(lines):
            rest = lines[mark.line - 1][mark.col - 1 :]
            return rest.split()[0].rstrip(",]}") if rest.split() else "value"
    return "yes/no/on/off"


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Load, merge (`extends`), override (`--set`) and validate a scenario file."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError([Problem(None, None, f"{p}: no such scenario file")])
    parsed = _load_with_extends(p.resolve(), str(p), (p.resolve(),))
    parsed = apply_overrides(parsed, overrides or [])
    return validate(parsed, str(p))
