"""Composing scenarios: `extends: base.yaml` and `--set key.path=VALUE` overrides.

Place in the flow: between reading YAML (`fcsim.scenario.yamlfile`) and validating it
(`fcsim.scenario.load`). `extends` deep-merges a file over its base following JSON Merge Patch
(RFC 7386): mappings merge key by key, any other value (lists included) replaces the base's,
and `null` removes the key (its default then applies). `--set` overrides are the same idea on
the command line, applied after `extends`, each value typed by the schema at its key path.
Every value keeps the position it came from, so a message names the file and line, or the
override, that set it. `composed` keeps the composed files of the scenarios loaded in one
process (checked against the files' bytes at every call), so a search that loads one scenario
for every candidate parses it once.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import threading
from pathlib import Path
from typing import Any

from fcsim.core.errors import Mark, Problem, ScenarioError, not_a_file
from fcsim.core.files import InputRefused, read_input
from fcsim.scenario.tools import schema_at, schema_types
from fcsim.scenario.yamlfile import (
    MAX_FILE_BYTES,
    Loc,
    Parsed,
    dotted,
    parse_yaml_text,
    read_file,
)

MAX_EXTENDS = 16
"""Longest chain of `extends` followed."""

_PART = re.compile(r"^([^.\[\]]+)((?:\[\d+\])*)$")


def _display(path: Path) -> str:
    """A path as messages show it: relative to the working folder when below it."""
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else rel


def load_with_extends(
    path: Path,
    source: str,
    stack: tuple[Path, ...] = (),
    seen: list[tuple[Path, bytes]] | None = None,
) -> Parsed:
    """Read `path` and, when it has `extends: BASE`, merge it over its base (recursively).

    `seen`, when given, gets every file read with the bytes parsed (`read_file`)."""
    parsed = read_file(path, source, seen)
    if not isinstance(parsed.data, dict):
        what = "a list" if isinstance(parsed.data, list) else f"the value {parsed.data!r}"
        raise ScenarioError(
            [
                Problem(
                    parsed.marks.get(()) or Mark(source, 1, 1),
                    None,
                    f"a scenario must be a mapping of keys to values (this file holds {what})",
                )
            ]
        )
    if "extends" not in parsed.data:
        return parsed
    base_ref = parsed.data.pop("extends")
    mark = parsed.marks.get(("extends",))
    stack = (*stack, path.resolve())

    def fail(message: str) -> ScenarioError:
        return ScenarioError([*parsed.problems, Problem(mark, "extends", message)])

    if not isinstance(base_ref, str) or not base_ref.strip():
        raise fail(f"must be the path of a base scenario file (got {base_ref!r})")
    base_path = (path.parent / base_ref).resolve()
    if base_path in stack:
        chain = " -> ".join(p.name for p in (*stack, base_path))
        raise fail(f"`extends` cycle: {chain}")
    if len(stack) > MAX_EXTENDS:
        raise fail(f"more than {MAX_EXTENDS} files extend one another; refused")
    if not base_path.is_file():
        raise fail(f"{base_ref}: {not_a_file(base_path)} (looked for {_display(base_path)})")
    shown = _display(base_path)
    try:
        base = load_with_extends(base_path, shown, stack, seen)
    except ScenarioError as err:  # a base that cannot be read is named at this `extends`
        raise ScenarioError(
            [*parsed.problems]
            + [
                p
                if p.mark is not None
                else Problem(mark, "extends", f"{base_ref}: {p.message.removeprefix(shown + ': ')}")
                for p in err.problems
            ]
        ) from None
    return merge_patch(base, parsed)


COMPOSED_KEPT = 8
"""Composed scenario files kept by `composed` (a search loads one file hundreds of times)."""

_composed: dict[tuple[Path, str, str], tuple[tuple[tuple[Path, bytes], ...], Parsed]] = {}
_composed_lock = threading.Lock()  # `fcsim advise` loads candidates from several threads


def _unchanged(files: tuple[tuple[Path, bytes], ...]) -> bool:
    """Whether every file still holds the bytes it held when it was parsed."""
    for p, raw in files:
        try:
            if read_input(p, MAX_FILE_BYTES) != raw:
                return False
        except (OSError, InputRefused):
            return False
    return True


def copy_parsed(parsed: Parsed) -> Parsed:
    """A copy that can be changed (overrides, `extends`) without changing `parsed`: the data
    copied deeply, the tables of positions (immutable marks) copied one level."""
    return Parsed(
        copy.deepcopy(parsed.data),
        dict(parsed.marks),
        dict(parsed.key_marks),
        dict(parsed.yaml11_words),
        set(parsed.yaml11_keys),
        list(parsed.problems),
    )


def composed(path: Path, source: str) -> Parsed:
    """`load_with_extends(path, source)`, parsed and composed once per content of its files.

    A search loads one scenario file for every candidate, each time with other overrides: the
    file and every file it extends are parsed and merged once, and each later call gets a copy
    of that (the overrides are applied to the copy). Every call reads the files again and
    compares their bytes with those parsed, so a file changed in between is parsed anew (an
    edit is never missed, even within the resolution of the files' modification times).
    A file that cannot be read, or that holds a fatal problem, is never kept: each call reports
    it afresh."""
    key = (path.resolve(), source, os.getcwd())  # a base's name in messages is relative
    with _composed_lock:
        kept = _composed.get(key)
    if kept is not None and _unchanged(kept[0]):
        return copy_parsed(kept[1])
    seen: list[tuple[Path, bytes]] = []
    parsed = load_with_extends(path, source, seen=seen)
    with _composed_lock:
        _composed.pop(key, None)
        while len(_composed) >= COMPOSED_KEPT:
            del _composed[next(iter(_composed))]  # the oldest
        _composed[key] = (tuple(seen), copy_parsed(parsed))
    return parsed


def extends_chain(path: Path) -> list[Path]:
    """`path` and every file it `extends`, nearest first, as resolved paths.

    For a scenario that loads (`load_with_extends` has checked the chain); a chain that stops
    on a problem gives the files read up to it.
    """
    files: list[Path] = []
    here = path
    while here.is_file() and here.resolve() not in files and len(files) <= MAX_EXTENDS:
        files.append(here.resolve())
        data = read_file(here).data
        base = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(base, str) or not base.strip():
            break
        here = here.parent / base
    return files


def _drop(parsed: Parsed, prefix: Loc) -> None:
    """Forget every position recorded at or below `prefix`."""
    n = len(prefix)
    for table in (parsed.marks, parsed.key_marks, parsed.yaml11_words):
        for loc in [k for k in table if k[:n] == prefix]:
            del table[loc]
    parsed.yaml11_keys = {loc for loc in parsed.yaml11_keys if loc[:n] != prefix}


def _take(out: Parsed, src: Parsed, prefix: Loc) -> None:
    """Copy the positions recorded at or below `prefix` from `src` into `out`."""
    n = len(prefix)
    out.marks.update({k: v for k, v in src.marks.items() if k[:n] == prefix})
    out.key_marks.update({k: v for k, v in src.key_marks.items() if k[:n] == prefix})
    out.yaml11_words.update({k: v for k, v in src.yaml11_words.items() if k[:n] == prefix})
    out.yaml11_keys |= {loc for loc in src.yaml11_keys if loc[:n] == prefix}


def merge_patch(base: Parsed, child: Parsed) -> Parsed:
    """`child` merged over `base` (JSON Merge Patch, RFC 7386), positions included."""
    out = Parsed(
        copy.deepcopy(base.data),
        dict(base.marks),
        dict(base.key_marks),
        dict(base.yaml11_words),
        set(base.yaml11_keys),
        [*base.problems, *child.problems],
    )

    def walk(target: dict[Any, Any], patch: dict[Any, Any], loc: Loc) -> None:
        for key, value in patch.items():
            here = (*loc, key)
            if value is None:
                target.pop(key, None)
                _drop(out, here)
                # a later "required key is missing" points at the null that removed it
                for table, src in ((out.marks, child.marks), (out.key_marks, child.key_marks)):
                    if here in src:
                        table[here] = src[here]
            elif isinstance(value, dict):
                if not isinstance(target.get(key), dict):
                    target[key] = {}
                    _drop(out, here)
                for table, src in ((out.marks, child.marks), (out.key_marks, child.key_marks)):
                    if here in src:
                        table[here] = src[here]
                walk(target[key], value, here)
            else:
                _drop(out, here)
                _take(out, child, here)
                target[key] = copy.deepcopy(value)

    walk(out.data, child.data, ())
    return out


def split_key_path(key: str) -> list[str | int] | None:
    """`carriers[0].cutoff` or `carriers.0.cutoff` -> ["carriers", "0", "cutoff"] (None: bad)."""
    parts: list[str | int] = []
    for piece in key.strip().split("."):
        m = _PART.match(piece.strip())
        if not m:
            return None
        parts.append(m.group(1))
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
    return parts


def _typed(raw: str, value: Any, loc: Loc, data: Any) -> Any:
    """Where the schema expects text, a value YAML would read as a number or boolean stays text."""
    if isinstance(value, bool | int | float) and not isinstance(value, str):
        types = schema_types(schema_at(loc, data))
        if types and types <= {"string", "null"}:
            return raw.strip()
    return value


def _suggest(key: str, options: list[str]) -> str:
    close = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean `{close[0]}`?"
    return f"; there is: {', '.join(options)}" if options else ""


def apply_overrides(parsed: Parsed, overrides: list[str]) -> Parsed:
    """Apply `--set key.path=VALUE` overrides in order; problems are added to `parsed.problems`.

    A value is read as YAML and typed by the schema; `null` removes the key (its default then
    applies). A path may create missing sections (`customers.notify_proactively=false`) but not
    a missing named entry (`strategies.typo.pickers=3` is refused with a suggestion).
    """
    for text in overrides:
        problem = _apply_one(parsed, text)
        if problem is not None:
            parsed.problems.append(problem)
    return parsed


def _apply_one(parsed: Parsed, text: str) -> Problem | None:
    here = Mark(f"--set {text}", None, None)
    if "=" not in text:
        return Problem(here, None, "expected KEY.PATH=VALUE, e.g. --set horizon_days=56")
    key, _, raw = text.partition("=")
    parts = split_key_path(key)
    if not parts:
        return Problem(here, None, f"`{key}` is not a key path like strategies.own.pickers")
    if not raw.strip():
        return Problem(here, key.strip(), "no value after `=` (write null to remove the key)")
    try:
        sub = parse_yaml_text(raw, here.source)
    except ScenarioError as err:
        special = raw.lstrip()[:1] in ("%", "@", "`", "&", "*", "!", "|", ">")
        hint = f"; to give it as text, quote it: --set '{key}=\"{raw}\"'" if special else ""
        return Problem(here, key.strip(), f"cannot read the value: {err.problems[0].message}{hint}")
    if sub.problems:
        return Problem(here, key.strip(), sub.problems[0].message)
    node: Any = parsed.data
    loc: Loc = ()
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            index = int(part) if str(part).isdigit() else -1
            if not 0 <= index < len(node):
                count = f"{len(node)} item" + ("" if len(node) == 1 else "s")
                return Problem(
                    here, dotted(loc), f"has {count}; `{part}` is not an index of it (from 0)"
                )
            loc = (*loc, index)
            if not last:
                node = node[index]
            elif sub.data is None:
                return Problem(here, dotted(loc), "null removes a key, not a list item")
            else:
                node[index] = _typed(raw, sub.data, loc, parsed.data)
        elif isinstance(node, dict):
            name = str(part)
            if last:
                loc = (*loc, name)
                if sub.data is None:
                    node.pop(name, None)
                else:
                    node[name] = _typed(raw, sub.data, loc, parsed.data)
                break
            if name not in node:
                schema = schema_at(loc, parsed.data) or {}
                named = schema.get("additionalProperties") or schema.get("patternProperties")
                if "properties" not in schema and named:
                    return Problem(
                        here,
                        dotted(loc),
                        f"has no entry `{name}`" + _suggest(name, sorted(map(str, node))),
                    )
                node[name] = {}
                parsed.marks[(*loc, name)] = parsed.key_marks[(*loc, name)] = here
            loc = (*loc, name)
            node = node[name]
        else:
            return Problem(here, dotted(loc), "is a single value, not a mapping or list")
    _drop(parsed, loc)
    parsed.marks[loc] = parsed.key_marks[loc] = here
    for sub_loc, word in sub.yaml11_words.items():
        parsed.yaml11_words[(*loc, *sub_loc)] = word
    parsed.yaml11_keys |= {(*loc, *k) for k in sub.yaml11_keys}
    return None


def parse_override(text: str) -> tuple[list[str | int], str]:
    """Split `key.path=VALUE` into its key path and raw value; raises `ScenarioError` if bad."""
    key, sep, raw = text.partition("=")
    parts = split_key_path(key) if sep else None
    if not parts:
        raise ScenarioError(
            [Problem(Mark(f"--set {text}", None, None), None, "expected KEY.PATH=VALUE")]
        )
    return parts, raw


__all__ = [
    "apply_overrides",
    "composed",
    "copy_parsed",
    "extends_chain",
    "load_with_extends",
    "merge_patch",
    "parse_override",
    "split_key_path",
]
