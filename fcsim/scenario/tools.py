"""The scenario schema as data: JSON Schema, key suggestions and readable error messages.

Place in the flow: `fcsim schema` prints `json_schema()` (or `overlay_schema()` for files that
`extends` another); `fcsim.scenario.load` calls `describe_error` to turn a pydantic error into a
sentence that suggests the closest valid key or value; `fcsim.scenario.compose` asks
`schema_at` what type a `--set` value should have; `fcsim.scenario.docgen` renders the scenario
reference from the same JSON Schema.
"""

from __future__ import annotations

import copy
import difflib
from functools import cache
from typing import Any

import pydantic_core
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from fcsim.scenario.schema.scenario import Loc, Scenario

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXTENSION_PREFIX = "x-"
"""Top-level keys starting with this are ignored: they hold blocks reused with YAML anchors."""
EXTENSION_PREFIX_PATTERN = "^x-"


class _WithDefaults(GenerateJsonSchema):
    """Also shows defaults given by a factory (`default_factory=Picking`), keys by alias."""

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            return factory()  # type: ignore[call-arg]
        return super().get_default_value(schema)

    def encode_default(self, dft: Any) -> Any:
        return pydantic_core.to_jsonable_python(dft, by_alias=True)


@cache
def _scenario_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema(
        by_alias=True, mode="validation", schema_generator=_WithDefaults
    )
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["properties"]["extends"] = {
        "type": "string",
        "title": "Extends",
        "description": "Path of a base scenario, relative to this file. This file is merged "
        "over it: mappings key by key, other values replace the base's, null removes a key.",
    }
    schema["patternProperties"] = {
        EXTENSION_PREFIX_PATTERN: {
            "description": "Ignored by fcsim: a place for YAML anchors (&name) reused below."
        }
    }
    _close_name_maps(schema)
    return schema


def _close_name_maps(node: Any) -> None:
    """Mappings keyed by names accept only keys matching the name pattern (as fcsim does)."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_name_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_name_maps(value)


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of scenario files, with `extends` allowed at the top."""
    return copy.deepcopy(_scenario_schema())


def overlay_schema() -> dict[str, Any]:
    """JSON Schema of a file that `extends` another: no key is required, null removes a key.

    Unknown keys and wrong types are still errors, so an editor checks overlays too.
    """

    def relax(node: Any) -> Any:
        if isinstance(node, list):
            return [relax(n) for n in node]
        if not isinstance(node, dict):
            return node
        out = {k: relax(v) for k, v in node.items() if k not in ("required", "discriminator")}
        if "oneOf" in out:  # without required tags several branches may match a partial value
            out["anyOf"] = out.pop("oneOf")
        if isinstance(out.get("properties"), dict):
            out["properties"] = {
                k: {"anyOf": [v, {"type": "null"}]} for k, v in out["properties"].items()
            }
        return out

    schema = relax(json_schema())
    schema["title"] = "Scenario overlay (a file with `extends`)"
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


def schema_at(loc: Loc, data: Any, *, union: bool = False) -> dict[str, Any] | None:
    """The JSON Schema node describing the value at `loc` (None if the path leaves the schema).

    A discriminated union resolves to the branch `data` selects, or stays the union itself
    with `union=True`.
    """
    schema = _scenario_schema()
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
        data = _data_at(data, (part,))
    node = _resolve(schema, node)
    return _branch(schema, node, data) if node.get("discriminator") and not union else node


def schema_types(node: dict[str, Any] | None) -> set[str]:
    """The JSON types a schema node allows (`string`, `integer`, `null`, ...); empty if any."""
    if not node:
        return set()
    node = _resolve(_scenario_schema(), node)
    if "type" in node:
        return {node["type"]} if isinstance(node["type"], str) else set(node["type"])
    if "const" in node or "enum" in node:
        values = node.get("enum", [node.get("const")])
        return {"string" if isinstance(v, str) else "number" for v in values}
    out: set[str] = set()
    for opt in node.get("anyOf", []) + node.get("oneOf", []):
        types = schema_types(opt)
        if not types:
            return set()
        out |= types
    return out


def valid_keys(loc: Loc, data: Any) -> list[str]:
    """Keys allowed in the mapping at `loc`."""
    node = schema_at(loc, data)
    if node and not node.get("properties"):
        node = _branch(_scenario_schema(), node, _data_at(data, loc))
    return sorted(node.get("properties", {})) if node else []


def _fmt(value: Any) -> str:
    if value is None:
        return "nothing"
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        text = str(value).lower()
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = f"a list of {len(value)}"
    return text if len(text) <= 60 else text[:57] + "..."


def _num(value: Any) -> str:
    """A bound as people write it: 0 rather than 0.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _data_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def did_you_mean(word: Any, options: list[str]) -> str:
    """`; did you mean `x`?` for the closest option (case-insensitive), or an empty string."""
    if not isinstance(word, str) or not options:
        return ""
    lowered = {o.lower(): o for o in options}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean `{lowered[close[0]]}`?" if close else ""


def _quoted_number(value: Any) -> str:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return ": it is quoted, so it is text; remove the quotes"
    return ""


def _tags(text: str) -> list[str]:
    return [t.strip().strip("'") for t in text.replace(" or ", ", ").split(",") if t.strip()]


def _is_distribution(loc: Loc, data: Any) -> bool:
    node = schema_at(loc, data, union=True)
    return bool(node and node.get("discriminator", {}).get("propertyName") == "dist")


def describe_error(err: dict[str, Any], loc: Loc, data: Any) -> str:
    """One sentence for one pydantic error, with the offending value."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    got = f" (got {_fmt(value)})"
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        options = valid_keys(loc[:-1], data)
        hint = did_you_mean(str(key), options) or (
            f"; valid keys: {', '.join(options)}" if 0 < len(options) <= 15 else ""
        )
        return f"unknown key `{key}`{hint}"
    if kind == "missing":
        return f"required key `{loc[-1]}` is missing" if loc else "a required key is missing"
    if kind in ("model_attributes_type", "model_type", "dict_type") and _is_distribution(loc, data):
        return (
            "must be a distribution, e.g. {dist: deterministic, value: 2} or "
            f"{{dist: lognormal, mean: 2, cv: 0.3}}{got}"
        )
    simple = {
        "greater_than": f"must be > {_num(ctx.get('gt'))}",
        "greater_than_equal": f"must be >= {_num(ctx.get('ge'))}",
        "less_than": f"must be < {_num(ctx.get('lt'))}",
        "less_than_equal": f"must be <= {_num(ctx.get('le'))}",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "int_parsing": "must be a whole number",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "finite_number": "must be a finite number",
        "string_type": "must be text",
        "bool_type": "must be true or false",
        "date_type": "must be a date written YYYY-MM-DD, without quotes",
        "dict_type": "must be a mapping (key: value lines)",
        "model_type": "must be a mapping (key: value lines)",
        "model_attributes_type": "must be a mapping (key: value lines)",
        "list_type": "must be a list",
    }
    if kind in simple:
        hint = _quoted_number(value) if kind in ("int_type", "float_type") else ""
        return simple[kind] + got[:-1] + hint + ")"
    if kind in ("too_short", "too_long"):
        what = "at least" if kind == "too_short" else "at most"
        n = ctx.get("min_length", ctx.get("max_length"))
        actual = ctx.get("actual_length")
        unit = "characters" if isinstance(value, str) else "items"
        return f"needs {what} {n} {unit} (got {actual})"
    if kind == "literal_error":
        options = _tags(str(ctx.get("expected", "")))
        return f"must be one of {', '.join(options)}{got}{did_you_mean(value, options)}"
    if kind == "union_tag_invalid":
        disc = str(ctx.get("discriminator", "")).strip("'")
        options = _tags(str(ctx.get("expected_tags", "")))
        tag = ctx.get("tag")
        return (
            f"`{disc}` must be one of {', '.join(options)} (got {_fmt(tag)})"
            f"{did_you_mean(tag, options)}"
        )
    if kind == "union_tag_not_found":
        disc = str(ctx.get("discriminator", "")).strip("'")
        node = schema_at(loc, data, union=True)
        tags = list((node or {}).get("discriminator", {}).get("mapping", {}))
        return f"missing `{disc}`" + (f" (one of {', '.join(tags)})" if tags else "")
    if kind == "string_pattern_mismatch":
        if "A-Za-z0-9" in str(ctx.get("pattern", "")):
            return (
                f"must use only letters, digits, `_` and `-`, starting with a letter or digit{got}"
            )
        return f"has the wrong format{got}"
    if kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
        if msg.startswith("unknown ") and "choose one of: " in msg:
            msg += did_you_mean(value, msg.split("choose one of: ", 1)[1].split(", "))
        return msg
    msg = str(err.get("msg", kind))
    return msg[:1].lower() + msg[1:] + (got if value is not None and "got" not in msg else "")


__all__ = [
    "describe_error",
    "did_you_mean",
    "json_schema",
    "overlay_schema",
    "schema_at",
    "schema_types",
    "valid_keys",
]
