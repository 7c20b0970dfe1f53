"""The scenario schema as data: JSON Schema, key suggestions and readable error messages.

Place in the flow: `fcsim schema` prints `json_schema()`; `fcsim.loading` calls
`describe_error` to turn a pydantic error into a sentence and to suggest the closest valid key;
`fcsim.docs` renders the scenario reference from the same JSON Schema.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any

from fcsim.scenario import Loc, Scenario

SCHEMA_ID = "https://fcsim.dev/schema/scenario.json"


@cache
def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of scenario files, with `extends` allowed at the top."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Path of a base scenario (relative to this file), deep-merged under "
        "this one.",
    }
    return schema


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def _branch(schema: dict[str, Any], node: dict[str, Any], data: Any) -> dict[str, Any]:
    """Pick the branch of a union that matches `data` (by discriminator), else the first object."""
    node = _resolve(schema, node)
    options = node.get("oneOf") or node.get("anyOf")
    if not options:
        return node
    disc = node.get("discriminator")
    if disc and isinstance(data, dict):
        tag = data.get(disc["propertyName"])
        ref = disc.get("mapping", {}).get(tag) if isinstance(tag, str) else None
        if ref:
            return _resolve(schema, {"$ref": ref})
    for opt in options:
        opt = _branch(schema, opt, data)
        if opt.get("type") in ("object", "array") or "properties" in opt:
            return opt
    return _resolve(schema, options[0])


def schema_at(loc: Loc, data: Any) -> dict[str, Any] | None:
    """The JSON Schema node describing the value at `loc` (None if the path leaves the schema)."""
    schema = json_schema()
    node: dict[str, Any] = schema
    for part in loc:
        node = _branch(schema, node, data)
        if "properties" in node and part in node["properties"]:
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        elif node.get("patternProperties"):
            node = next(iter(node["patternProperties"].values()))
        elif "items" in node and isinstance(part, int):
            node = node["items"]
        else:
            return None
        data = (
            data.get(part)
            if isinstance(data, dict)
            else (
                data[part]
                if isinstance(data, list) and isinstance(part, int) and part < len(data)
                else None
            )
        )
    return _branch(schema, node, data)


def valid_keys(loc: Loc, data: Any) -> list[str]:
    """Keys allowed in the mapping at `loc`."""
    node = schema_at(loc, data)
    return sorted(node.get("properties", {})) if node else []


def _fmt(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        text = str(value).lower()
    return text if len(text) <= 60 else text[:57] + "..."


def _data_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def describe_error(err: dict[str, Any], loc: Loc, data: Any) -> str:
    """One sentence for one pydantic error, with the offending value."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    got = f" (got {_fmt(value)})"
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        options = valid_keys(loc[:-1], data)
        close = difflib.get_close_matches(str(key), options, n=1, cutoff=0.6)
        hint = (
            f"; did you mean `{close[0]}`?"
            if close
            else (f"; valid keys: {', '.join(options)}" if 0 < len(options) <= 15 else "")
        )
        return f"unknown key `{key}`{hint}"
    if kind == "missing":
        return f"required key `{loc[-1]}` is missing" if loc else "required key is missing"
    simple = {
        "greater_than": f"must be > {ctx.get('gt')}",
        "greater_than_equal": f"must be >= {ctx.get('ge')}",
        "less_than": f"must be < {ctx.get('lt')}",
        "less_than_equal": f"must be <= {ctx.get('le')}",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_type": "must be a number",
        "string_type": "must be text",
        "bool_type": "must be true or false",
        "date_type": "must be a date written YYYY-MM-DD",
        "dict_type": "must be a mapping (key: value lines)",
        "model_type": "must be a mapping (key: value lines)",
        "list_type": "must be a list",
        "finite_number": "must be a finite number",
    }
    if kind in simple:
        return simple[kind] + got
    if kind in ("too_short", "too_long"):
        what = "at least" if kind == "too_short" else "at most"
        n = ctx.get("min_length", ctx.get("max_length"))
        actual = ctx.get("actual_length")
        unit = "characters" if isinstance(value, str) else "items"
        return f"needs {what} {n} {unit} (got {actual})"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}{got}"
    if kind == "union_tag_invalid":
        return (
            f"`{ctx.get('discriminator', '').strip(chr(39))}` must be one of "
            f"{ctx.get('expected_tags')} (got {_fmt(ctx.get('tag'))})"
        )
    if kind == "union_tag_not_found":
        disc = str(ctx.get("discriminator", "")).strip("'")
        node = schema_at(loc, data)
        tags = sorted((node or {}).get("discriminator", {}).get("mapping", {}))
        return f"missing `{disc}`" + (f": one of {', '.join(tags)}" if tags else "")
    if kind == "string_pattern_mismatch":
        if "A-Za-z0-9" in str(ctx.get("pattern", "")):
            return (
                f"must use only letters, digits, `_` and `-`, starting with a letter or digit{got}"
            )
        return f"has the wrong format{got}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    msg = str(err.get("msg", kind))
    return msg[:1].lower() + msg[1:] + (got if value is not None and "got" not in msg else "")


__all__ = ["describe_error", "json_schema", "schema_at", "valid_keys"]
