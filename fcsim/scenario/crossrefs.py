"""Cross-reference problems of a scenario that the schema has already rejected.

Place in the flow: called by `fcsim.scenario.load.validate` when pydantic finds problems, so that a
file with a negative picker count *and* an unknown carrier name gets both messages in one go.
`Scenario.problems()` (carrier names, routing targets, zones, ...) needs a valid scenario, so
the values the schema rejected are set aside on a copy of the data: unknown keys, single
values and sections such as `replenishment` are removed (their defaults apply); a missing or
removed required number, boolean, date or choice gets a valid stand-in from the JSON Schema's
bounds. Names are never invented, and named entries (`strategies.own`) and list items are
never removed. Problems at or below a set-aside value are dropped; when the data cannot be
repaired this way, no cross-reference problem is reported (the schema's problems still are).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

from pydantic import ValidationError

from fcsim.scenario.schema.scenario import Scenario
from fcsim.scenario.tools import schema_at, schema_types
from fcsim.scenario.yamlfile import Loc

_TAG_KEYS = ("kind", "dist", "policy")
_ROUNDS = 5
_NO_STAND_IN = object()


def normalise_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Loc, bool]:
    """Map a pydantic error location onto the data: drop union tags; flag `[key]` errors."""
    out: list[Any] = []
    node = data
    is_key = False
    for i, part in enumerate(loc):
        if part == "[key]":
            is_key = True
            continue
        if _is_tag(node, part, loc[i + 1 :]):
            continue  # discriminated-union tag inserted by pydantic
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            if isinstance(node, dict):
                part = next(k for k in node if k == part)  # the key as written (False, not 0)
            out.append(part)
            node = node[part]
        elif isinstance(part, str) and part.startswith(("function-", "json-or-python")):
            continue
        else:
            out.append(part)
            node = None
    return tuple(out), is_key


def _is_tag(node: Any, part: Any, rest: tuple[Any, ...]) -> bool:
    """Whether `part` is the union tag pydantic put in the path (`policy: rules` gives `rules`).

    A tag may also be a key of the same mapping (`policy: rules` next to `rules: [...]`): it is
    the tag when what follows is found in the mapping itself (`rules`, `rules`, 2).
    """
    if not isinstance(node, dict) or not any(node.get(t) == part for t in _TAG_KEYS):
        return False
    return part not in node or (bool(rest) and rest[0] in node and rest[0] != "[key]")


def value_at(data: Any, loc: Loc) -> Any:
    """The value at `loc` in plain data, or None when the path does not exist."""
    for part in loc:
        found = (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        )
        if not found:
            return None
        data = data[part]
    return data


def _stand_in(loc: Loc, data: Any) -> Any:
    """A valid value for the scalar at `loc` (middle of its bounds), or `_NO_STAND_IN`."""
    node = schema_at(loc, data) or {}
    types = schema_types(node) - {"null"}
    if "enum" in node or "const" in node:
        return node.get("enum", [node.get("const")])[0]
    if types == {"boolean"}:
        return False
    if types == {"string"} and node.get("format") == "date":
        return dt.date(2000, 1, 3)
    if types not in ({"integer"}, {"number"}):
        return _NO_STAND_IN  # names and other text are never invented
    lo = node.get("minimum", node.get("exclusiveMinimum"))
    hi = node.get("maximum", node.get("exclusiveMaximum"))
    if lo is None and hi is None:
        value = 1.0
    elif hi is None:
        value = lo + 1.0
    elif lo is None:
        value = hi - 1.0
    else:
        value = (lo + hi) / 2
    return math.ceil(value) if types == {"integer"} else float(value)


def _set_aside(data: Any, errors: list[dict[str, Any]], removed: list[Loc]) -> bool:
    """Remove or replace the values the schema rejected; False when one cannot be."""
    for err in errors:
        loc, _ = normalise_loc(data, tuple(err["loc"]))
        parent = value_at(data, loc[:-1]) if loc else None
        if not isinstance(parent, dict):
            return False
        key = loc[-1]
        value = parent.get(key)
        if err["type"] == "missing":
            stand_in = _stand_in(loc, data)
            if stand_in is _NO_STAND_IN:
                return False
            parent[key] = stand_in
        elif key not in parent:
            return False
        elif err["type"] == "extra_forbidden" or _is_single(value) or _is_section(loc, value, data):
            del parent[key]
        else:
            return False
        removed.append(loc)
    return True


def _is_section(loc: Loc, value: Any, data: Any) -> bool:
    """A mapping under a fixed key (`replenishment`), not a named entry (`strategies.own`)."""
    parent = schema_at(loc[:-1], data) or {}
    return isinstance(value, dict) and loc[-1] in parent.get("properties", {})


def _is_single(value: Any) -> bool:
    if isinstance(value, list):
        return not any(isinstance(v, dict | list) for v in value)
    if isinstance(value, dict):
        return "dist" in value
    return True


def cross_problems_despite(data: Any, errors: list[dict[str, Any]]) -> list[tuple[Loc, str]]:
    """`Scenario.problems()` of `data` with the values behind `errors` set aside."""
    data = copy.deepcopy(data)
    removed: list[Loc] = []
    for _ in range(_ROUNDS):
        if not _set_aside(data, errors, removed):
            return []
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
            continue

        def touches(loc: Loc) -> bool:
            return any(loc[: len(r)] == r or r[: len(loc)] == loc for r in removed)

        return [(loc, msg) for loc, msg in scenario.problems() if not touches(loc)]
    return []


__all__ = ["cross_problems_despite", "normalise_loc", "value_at"]
