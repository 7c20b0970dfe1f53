"""The schema as documentation: JSON Schema, the generated reference, units and descriptions."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest

from fcsim.scenario.docgen import OUTPUTS, reference_markdown, stale
from fcsim.scenario.tools import json_schema, overlay_schema

from conftest import ROOT, run_in_process

# A number's unit or what it counts must show in its key or its description.
UNIT_IN_KEY = re.compile(
    r"(_eur|_kg|_l$|_l_|_m$|_min|_h$|_h_|_days?|_months?|_hours?|_years?|_per_|_units|"
    r"_parcels|_rate|_share|_probability|percent|_exponent|_cv$)"
)
UNIT_IN_TEXT = re.compile(
    r"\b(EUR|kg|litres?|metres?|minutes?|hours?|days?|weeks?|months?|years?|share|"
    r"probability|percent|%|per|units?|parcels?|orders?|pallets?|SKUs?|lines?|staff|pickers|"
    r"packers|supervisors|seed|coefficient|exponent|relative|index|aisles?|rank|number of|"
    r"key's unit)\b",
    re.IGNORECASE,
)


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out = [("Scenario", k, v) for k, v in schema["properties"].items()]
    for name, node in schema["$defs"].items():
        out += [(name, k, v) for k, v in node.get("properties", {}).items()]
    return out


def _types(node: dict[str, Any]) -> set[str]:
    found = {node["type"]} if isinstance(node.get("type"), str) else set()
    for opt in node.get("anyOf", []):
        found |= _types(opt)
    return found


def test_generated_docs_are_up_to_date() -> None:
    assert stale() == [], "generated docs are stale: run `python -m fcsim.scenario.docgen`"


def test_the_repository_docs_are_up_to_date() -> None:
    # the repository's docs/, whatever folder docgen takes for the repository
    assert stale(ROOT) == [], "generated docs are stale: run `python -m fcsim.scenario.docgen`"


def test_fcsim_schema_prints_the_documented_schemas() -> None:
    for args, rel in (((), "docs/scenario.schema.json"), (("--overlay",), None)):
        res = run_in_process("schema", *args)
        assert res.returncode == 0, res.stderr
        doc = json.loads(res.stdout)
        jsonschema.Draft202012Validator.check_schema(doc)
        if rel:
            assert doc == json.loads((ROOT / rel).read_text())
        else:
            assert doc == overlay_schema()


def test_every_key_has_a_description_and_every_number_a_unit() -> None:
    no_description, no_unit = [], []
    for model, key, node in _properties(json_schema()):
        text = node.get("description", "")
        if not text and "const" not in node:
            no_description.append(f"{model}.{key}")
        numeric = bool(_types(node) & {"number", "integer"})
        if numeric and not (UNIT_IN_KEY.search(key) or UNIT_IN_TEXT.search(text)):
            no_unit.append(f"{model}.{key}: {text}")
    assert no_description == []
    assert no_unit == []


def test_every_key_and_every_default_is_in_the_reference() -> None:
    text = reference_markdown()
    schema = json_schema()
    for model, key, _node in _properties(schema):
        if model in text:  # sections for every reachable model
            assert f"| `{key}` |" in text, f"{model}.{key} missing from the reference"
    assert "| `pickers` | whole number | `4` | ≥ 1, ≤ 10000 |" in text
    assert "`{dist: lognormal, mean: 0.75, cv: 0.4}`" in text  # a default distribution
    assert "## Distributions" in text and "`dist: triangular`" in text


def test_the_overlay_schema_checks_partial_files() -> None:
    overlay = jsonschema.Draft202012Validator(overlay_schema())
    good = {"extends": "default.yaml", "strategies": {"own": {"pickers": 6, "carriers": None}}}
    assert list(overlay.iter_errors(good)) == []
    for bad in (
        {"strategies": {"own": {"pikers": 6}}},
        {"horizon_day": 10},
        {"demand": {"orders_per_day": -1}},
    ):
        assert list(overlay.iter_errors(bad)), bad
    full = jsonschema.Draft202012Validator(json_schema())
    assert list(full.iter_errors(good))  # a partial file is not a whole scenario


def test_name_maps_refuse_bad_names_in_the_json_schema() -> None:
    full = jsonschema.Draft202012Validator(json_schema())
    strategies = json_schema()["properties"]["strategies"]
    assert strategies["additionalProperties"] is False
    errors = list(full.iter_errors({"strategies": {"own warehouse": {}}}))
    assert any("own warehouse" in e.message for e in errors)


@pytest.mark.parametrize("rel", sorted(OUTPUTS))
def test_generated_files_say_how_they_are_made(rel: str) -> None:
    if rel.endswith(".md"):
        assert "python -m fcsim.scenario.docgen" in (ROOT / rel).read_text()
    else:
        assert json.loads((ROOT / rel).read_text())["$schema"].endswith("2020-12/schema")
