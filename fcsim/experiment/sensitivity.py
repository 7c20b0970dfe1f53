"""Sensitivity inputs: which scenario values `fcsim sensitivity` moves, and to what.

Place in the flow: `fcsim sensitivity SCENARIO --inputs ...` parses each input (`parse_inputs`:
`KEY.PATH`, `KEY.PATH=±20%`, `KEY.PATH=-10%:+30%` or `KEY.PATH=LOW:HIGH`), finds the values it
names in the scenario as written (after `extends` and `--set`; `resolve_inputs`: a path segment
may be a wildcard, `*` for any one key or list item, `**` for any depth) and turns each into a
low and a high variant, as `--set` overrides, validated like the scenario itself before
anything runs (exit 2 on a key that does not exist, a value that is not a number, or a low or
high value the schema refuses). The pipeline (`fcsim.experiment.pipeline`) then runs the base
and every variant with the same seed (common random numbers) and
`fcsim.experiment.sensitivity_doc` measures the effects.

A percentage applies to a number, element-wise to a list of numbers, and to the location
parameters of a distribution (`value`, `mean`, `low`, `mode`, `high`, `values`; not `cv` nor
`weights`); a whole-number key stays a whole number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from fcsim.core.errors import ScenarioError, UsageError, relabel
from fcsim.experiment.loading import load_scenario
from fcsim.experiment.sweep import split_values
from fcsim.scenario.load import load_data
from fcsim.scenario.schema.base import EVERY_KEY
from fcsim.scenario.schema.scenario import Scenario
from fcsim.scenario.tools import schema_at, schema_types
from fcsim.scenario.yamlfile import dotted

DEFAULT_SPAN = "±20%"
"""The low and high of an input given without them."""
DIST_PARAMS = ("value", "mean", "low", "mode", "high", "values")
"""The parameters of a distribution a percentage scales (in the key's unit)."""

DEFAULT_INPUTS: tuple[tuple[str, str], ...] = (
    ("carriers.*.rate_card.*.price_eur", DEFAULT_SPAN),
    ("strategies.**.carrier_volume_tiers.*.discount", DEFAULT_SPAN),
    ("carriers.*.on_time_probability_by_month", "-4%:+3%"),
    ("strategies.**.fees.pick_pack_first_item_eur", DEFAULT_SPAN),
    ("strategies.**.fees.storage_locations.*.*eur_per_month", DEFAULT_SPAN),
    ("strategies.**.fees.receiving_eur_per_unit", DEFAULT_SPAN),
    ("strategies.**.costs.wage_eur_per_hour", DEFAULT_SPAN),
    ("strategies.**.costs.buildings.*.rent_eur_per_month", DEFAULT_SPAN),
    ("strategies.**.price_markup", DEFAULT_SPAN),
    ("catalogue.categories.*.return_rate", DEFAULT_SPAN),
    ("customers.churn_share_of_dissatisfied", DEFAULT_SPAN),
    ("strategies.**.replenishment.supplier_lead_time_days", DEFAULT_SPAN),
)
"""The inputs of a run without `--inputs`: the cost and service figures a consultant would
question (carrier rates and volume discounts, carrier on-time rate, 3PL fees, wages, rent,
the dropship supplier's markup, return rates, churn, supplier lead time). Those the scenario
does not have, or has only as zeros, are left out and listed under `skipped`."""

_PERCENT = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)%$")
_SYMMETRIC = re.compile(r"^(?:±|\+-|\+/-)?(\d+(?:\.\d+)?)%$")


@dataclass(frozen=True)
class InputSpec:
    """One `--inputs` item as typed: a key pattern, and its low and high (percent or value)."""

    text: str  # as typed (for error messages)
    pattern: str  # dotted key path, possibly with `*` / `**` segments
    low: str  # "-20%" or a YAML value
    high: str

    @property
    def option(self) -> str:
        return f"--inputs {self.text}"


@dataclass(frozen=True)
class Side:
    """The low or the high variant of an input: its label and its `--set` overrides."""

    label: str  # "-20%", or the value as typed
    percent: float | None  # -0.2 for "-20%"; None: a value as typed
    overrides: tuple[str, ...]  # `key.path=value`, one per concrete key
    values: dict[str, Any]  # concrete key -> value set


@dataclass(frozen=True)
class Input:
    """One input resolved in the scenario: its concrete keys, base values and both variants."""

    spec: InputSpec
    keys: tuple[str, ...]  # the concrete key paths the pattern names
    base: dict[str, Any]  # key -> value in the base scenario
    low: Side
    high: Side

    @property
    def name(self) -> str:
        return self.spec.pattern


def _normal_key(key: str) -> str:
    """`carriers[0].cutoff` -> `carriers.0.cutoff`."""
    return re.sub(r"\[(\d+|\*)\]", r".\1", key.strip())


def parse_input(text: str, span: str = DEFAULT_SPAN) -> InputSpec:
    """`KEY.PATH[=±P%|=LOW:HIGH]` -> `InputSpec`; a malformed item is a usage error (exit 2)."""
    key, eq, raw = text.partition("=")
    key = _normal_key(key)
    where = f"--inputs {text}"
    if not key or any(not p.strip() for p in key.split(".")):
        raise UsageError(f"{where}: expected KEY.PATH[=±P%|=LOW:HIGH], e.g. wage=±20%")
    if any(p.strip() == "***" or (p != "**" and "**" in p) for p in key.split(".")):
        raise UsageError(f"{where}: `**` stands alone as a path segment (any depth)")
    raw = raw.strip() if eq else span
    if not raw:
        raise UsageError(f"{where}: no value after `=` (give ±P% or LOW:HIGH)")
    if raw.startswith(("±", "+-", "+/-")) or re.fullmatch(r"\d+(?:\.\d+)?%", raw):
        sym = _SYMMETRIC.match(raw)
        if not sym:
            raise UsageError(f"{where}: `{raw}` is not a percentage like ±20%")
        p = sym.group(1)
        low, high = f"-{p}%", f"+{p}%"
    else:
        parts = split_values(raw, ":")  # `A:B`, the colon outside brackets and quotes
        if len(parts) != 2 or not all(parts):
            raise UsageError(
                f"{where}: expected ±P% (e.g. ±20%) or LOW:HIGH (values, or percentages "
                "like -10%:+30%)"
            )
        low, high = parts
    for end in (low, high):
        m = _PERCENT.match(end)
        if m and m.group(1) == "-" and float(m.group(2)) >= 100:
            raise UsageError(f"{where}: {end} would take the value to zero or below")
    if low == high:
        raise UsageError(f"{where}: the low and the high are the same ({low})")
    return InputSpec(text, ".".join(p.strip() for p in key.split(".")), low, high)


def parse_inputs(texts: Sequence[str]) -> list[InputSpec]:
    """Every `--inputs` option (each a comma-separated list; repeatable), in order."""
    specs = [parse_input(item) for text in texts for item in split_values(text) if item]
    seen: dict[str, str] = {}
    for s in specs:
        if s.pattern in seen:
            raise UsageError(f"--inputs {s.text}: {s.pattern} is already given ({seen[s.pattern]})")
        seen[s.pattern] = s.text
    if not specs:
        raise UsageError("--inputs: no input given")
    return specs


def default_specs() -> list[InputSpec]:
    """The default inputs as specs."""
    return [parse_input(f"{key}={span}") for key, span in DEFAULT_INPUTS]


def _children(node: Any) -> list[tuple[str | int, Any]]:
    if isinstance(node, dict):
        return [(k, v) for k, v in node.items() if not str(k).startswith("x-")]
    if isinstance(node, list):
        return list(enumerate(node))
    return []


def expand(data: Any, parts: Sequence[str], prefix: tuple[str | int, ...] = ()) -> list[tuple]:
    """The locations in `data` a dotted pattern names (`*`: one level, `**`: any depth)."""
    if not parts:
        return [prefix]
    head, rest = parts[0], parts[1:]
    found: list[tuple] = []
    if head == "**":
        found += expand(data, rest, prefix)
        for k, v in _children(data):
            found += expand(v, parts, (*prefix, k))
    else:
        for k, v in _children(data):
            if str(k) == head or (any(c in head for c in "*?[") and fnmatchcase(str(k), head)):
                found += expand(v, rest, (*prefix, k))
    return list(dict.fromkeys(found))


def _number(x: float, whole: bool) -> int | float:
    return round(x) if whole else float(f"{x:.10g}")


def scaled(value: Any, factor: float, whole: bool = False) -> Any:
    """`value` times `factor`: a number, each number of a list, a distribution's location
    parameters; raises `ValueError` naming what is not a number."""
    if isinstance(value, bool):
        raise ValueError("is true/false, not a number")
    if isinstance(value, int | float):
        return _number(value * factor, whole and isinstance(value, int))
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        return [_number(v * factor, whole and isinstance(v, int)) for v in value]
    if isinstance(value, dict) and "dist" in value:
        out = dict(value)
        for k in DIST_PARAMS:
            if k in out:
                out[k] = scaled(out[k], factor)
        return out
    kind = "a list" if isinstance(value, list) else type(value).__name__
    if isinstance(value, dict):
        kind = "a mapping"
    if isinstance(value, str):
        kind = f"text ({value!r})"
    raise ValueError(f"is {kind}, not a number: a percentage cannot apply; give LOW:HIGH values")


def _percent(end: str) -> float | None:
    m = _PERCENT.match(end)
    return None if m is None else (-1 if m.group(1) == "-" else 1) * float(m.group(2)) / 100


def _side(spec: InputSpec, end: str, keys: Sequence[str], base: dict, whole: dict) -> Side:
    p = _percent(end)
    values: dict[str, Any] = {}
    for k in keys:
        if p is None:
            values[k] = end  # a value as typed: the loader types and checks it
            continue
        try:
            values[k] = scaled(base[k], 1 + p, whole[k])
        except ValueError as exc:
            raise UsageError(f"{spec.option}: {k} {exc}") from None
    label = f"{p * 100:+g}%" if p is not None else end
    text = {k: v if p is None else json.dumps(v) for k, v in values.items()}
    return Side(label, p, tuple(f"{k}={text[k]}" for k in keys), values)


def _moves(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True, default=str) != json.dumps(b, sort_keys=True, default=str)


def resolve_input(spec: InputSpec, data: Any, scenario: Scenario) -> Input:
    """The concrete keys, base values and variants of one input (exit 2 when it names none).

    Keys are looked for in the validated scenario (defaults included); a value is taken as
    written in the scenario file when it is there, else the default."""
    parts = spec.pattern.split(".")
    wild = any(any(c in p for c in "*?[") for p in parts)
    tree = scenario.model_dump(mode="json", by_alias=True, context={EVERY_KEY: True})
    locs = expand(tree, parts)
    if not locs:
        what = "names no key of the scenario" if wild else "no such key in the scenario"
        raise UsageError(f"{spec.option}: {spec.pattern}: {what}")
    base = {dotted(loc): _at(data, loc, _at(tree, loc)) for loc in locs}
    percent = _percent(spec.low) is not None or _percent(spec.high) is not None
    if percent:
        if wild:
            locs = [loc for loc in locs if base[dotted(loc)] is not None]
            base = {k: v for k, v in base.items() if v is not None}
        if not base or any(v is None for v in base.values()):
            raise UsageError(
                f"{spec.option}: {spec.pattern}: has no value (not set, and no default): "
                "a percentage cannot apply; give LOW:HIGH values"
            )
    keys = tuple(base)
    whole = {dotted(loc): schema_types(schema_at(loc, data)) == {"integer"} for loc in locs}
    low = _side(spec, spec.low, keys, base, whole)
    high = _side(spec, spec.high, keys, base, whole)
    for side in (low, high):
        if side.percent is not None and not any(_moves(base[k], side.values[k]) for k in keys):
            raise UsageError(
                f"{spec.option}: {', '.join(keys)} is 0 (or rounds to the same value): "
                f"{side.label} changes nothing; give LOW:HIGH values"
            )
    return Input(spec, keys, base, low, high)


def _at(data: Any, loc: tuple, default: Any = None) -> Any:
    """The value at `loc` in `data`, or `default` when the path is not there."""
    for part in loc:
        here = isinstance(data, dict) and part in data
        if not here and not (isinstance(data, list) and isinstance(part, int) and part < len(data)):
            return default
        data = data[part]
    return data


@dataclass(frozen=True)
class Resolved:
    """The base scenario, the inputs and the scenario of each variant (low, high per input)."""

    base: Scenario
    inputs: list[Input]
    scenarios: list[tuple[Scenario, Scenario]]  # (low, high) per input
    skipped: list[dict[str, str]]  # default inputs left out, with why


def resolve(path: Path, overrides: Sequence[str], specs: Sequence[InputSpec] | None) -> Resolved:
    """Every input resolved and every variant validated, before anything runs.

    `specs` None: the default inputs, those the scenario lacks left out (`skipped`). All the
    problems of every variant are raised at once (`ScenarioError`: exit 2).
    """
    base = load_scenario(path, list(overrides))
    data = load_data(path, list(overrides)).data
    inputs, skipped = [], []
    for spec in specs if specs is not None else default_specs():
        try:
            inputs.append(resolve_input(spec, data, base))
        except UsageError as exc:
            if specs is not None:
                raise
            skipped.append({"input": spec.pattern, "reason": str(exc).split(": ", 2)[-1]})
    if not inputs:
        raise UsageError("--inputs: none of the default inputs is in this scenario; give some")
    _check_apart(inputs, overrides)
    scenarios, problems = [], []
    for item in inputs:
        pair = []
        for side in (item.low, item.high):
            try:
                pair.append(load_scenario(path, [*overrides, *side.overrides]))
            except ScenarioError as err:
                labels = {o: f"{item.spec.option} ({side.label})" for o in side.overrides}
                problems += [p for p in relabel(err.problems, labels) if p not in problems]
        if len(pair) == 2:
            scenarios.append((pair[0], pair[1]))
    if problems:
        raise ScenarioError(problems)
    return Resolved(base, inputs, scenarios, skipped)


def _check_apart(inputs: Sequence[Input], overrides: Sequence[str]) -> None:
    """Refuse a key named by two inputs, or also given to `--set` (its value would be lost)."""
    owner: dict[str, str] = {}
    for item in inputs:
        for k in item.keys:
            if k in owner:
                raise UsageError(f"{item.spec.option}: {k} is also varied by {owner[k]}")
            owner[k] = item.spec.option
    for text in overrides:
        key = _normal_key(text.partition("=")[0])
        for k, option in owner.items():
            if k == key or k.startswith(key + ".") or key.startswith(k + "."):
                raise UsageError(
                    f"--set {text}: {key} is also varied by {option}; give it to one of them"
                )
