"""Loading a scenario: file -> checked `Scenario`, or every problem with its file and line.

Place in the flow: first step of every command. `fcsim.scenario.yamlfile` reads the YAML safely
with positions; `fcsim.scenario.compose` follows `extends` and applies `--set` overrides; here
the data is validated into a frozen `Scenario`. Every problem, wherever it was found, becomes a
`Problem` printed as `file:line:col: key.path: what is wrong`; all are raised together as
`ScenarioError`, which the command line turns into exit status 2 without writing anything.

Cross-references (a node naming an unknown carrier, routing to a missing node, ...) are checked
by `Scenario.problems()`, which needs a valid scenario. When the schema finds problems, the
loader still looks for cross-reference problems: it sets aside the values the schema rejected
(their defaults apply), validates again, and reports what `Scenario.problems()` finds in the
parts that were not set aside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fcsim.core.errors import Mark, Problem, ScenarioError, not_a_file
from fcsim.scenario.compose import apply_overrides, composed, extends_chain
from fcsim.scenario.crossrefs import cross_problems_despite, normalise_loc, value_at
from fcsim.scenario.data import attach_data, resolve_data_paths
from fcsim.scenario.schema.scenario import Scenario
from fcsim.scenario.tools import EXTENSION_PREFIX, describe_error, schema_at, schema_types
from fcsim.scenario.yamlfile import Loc, Parsed, dotted, parse_yaml_text, read_file


def _mark_for(parsed: Parsed, loc: Loc, *, key: bool = False) -> Mark | None:
    """Where to point for a problem at `loc`: the key for containers and keys, else the value."""
    container = isinstance(value_at(parsed.data, loc), dict | list)
    if (key or container) and loc in parsed.key_marks:
        return parsed.key_marks[loc]
    if loc in parsed.marks:
        return parsed.marks[loc]
    for n in range(len(loc) - 1, -1, -1):
        prefix = loc[:n]
        if prefix in parsed.key_marks:
            return parsed.key_marks[prefix]
        if prefix in parsed.marks:
            return parsed.marks[prefix]
    return None


def _yaml11_hint(parsed: Parsed, loc: Loc, value: Any) -> str:
    word = parsed.yaml11_words.get(loc)
    if word is None or not isinstance(value, bool):
        return ""
    if loc in parsed.yaml11_keys:
        return f' (YAML 1.1 reads the bare key {word} as {str(value).lower()}: quote it, "{word}")'
    node = schema_at(loc, parsed.data) or {}
    choices = node.get("enum")
    if "string" in schema_types(node) and (choices is None or word in choices):
        return f' (YAML 1.1 reads a bare {word} as {str(value).lower()}: quote it, "{word}")'
    return f" (YAML 1.1 reads the bare word {word} as the boolean {str(value).lower()})"


def _problems_of(
    parsed: Parsed, errors: list[dict[str, Any]], refused: set[str | None]
) -> list[Problem]:
    """One `Problem` per pydantic error, placed; none again for a value the reader refused."""
    out = []
    for err in errors:
        loc, is_key = normalise_loc(parsed.data, tuple(err["loc"]))
        if err.get("input", 0) is None and dotted(loc) in refused:
            continue
        kind = err["type"]
        msg = describe_error(err, loc, parsed.data)
        msg += _yaml11_hint(parsed, loc, err.get("input"))
        if kind == "missing":
            # removed by `null` in an overlay or --set: point there; else at the parent key
            mark = parsed.key_marks.get(loc) or _mark_for(parsed, loc[:-1], key=True)
        elif kind == "union_tag_invalid":  # point at the wrong `kind:` / `dist:` itself
            tag = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            mark = parsed.marks.get((*loc, tag)) or _mark_for(parsed, loc, key=True)
        else:
            mark = _mark_for(parsed, loc, key=is_key or kind == "extra_forbidden")
        out.append(Problem(mark, dotted(loc), msg))
    return out


def validate(parsed: Parsed) -> Scenario:
    """Validate composed data into a `Scenario`, or raise every problem found."""
    problems = list(parsed.problems)
    refused = {p.path for p in problems}  # values the reader refused (read as nothing)
    try:
        scenario = Scenario.model_validate(parsed.data)
    except ValidationError as exc:
        errors = exc.errors()
        problems += _problems_of(parsed, errors, refused)
        cross = cross_problems_despite(parsed.data, errors)
    else:
        cross = scenario.problems()
    problems += [Problem(_mark_for(parsed, loc), dotted(loc), msg) for loc, msg in cross]
    if problems:
        unique = list(dict.fromkeys(problems))
        raise ScenarioError(unique)
    return scenario


def load_data(path: str | Path, overrides: list[str] | None = None) -> Parsed:
    """Read a scenario file, follow `extends` and apply `--set` overrides (not yet validated)."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(
            [Problem(None, None, f"{p}: {not_a_file(p)}; expected a scenario file")]
        )
    parsed = apply_overrides(composed(p, str(p)), list(overrides or []))
    for key in [k for k in parsed.data if str(k).startswith(EXTENSION_PREFIX)]:
        del parsed.data[key]  # x-...: blocks for YAML anchors, not scenario keys
    return parsed


ScenarioCheck = Callable[[Scenario], list[tuple[Loc, str]]]
"""A check of a valid scenario (its data attached): problems as (key path, message)."""


def load_scenario(
    path: str | Path, overrides: list[str] | None = None, checks: Sequence[ScenarioCheck] = ()
) -> Scenario:
    """Load, merge (`extends`), override (`--set`) and validate a scenario file.

    `checks` run last, on the valid scenario with its data files read: the layers above pass
    the checks that need the model (`fcsim.experiment.loading`); their problems point at the
    key's line like every other one.
    """
    parsed = load_data(path, overrides)
    resolve_data_paths(parsed)  # data files named by the scenario, relative to its folder
    scenario = attach_data(validate(parsed), parsed)  # read and checked: problems by file:row
    found = [problem for check in checks for problem in check(scenario)]
    if found:
        raise ScenarioError(
            list(dict.fromkeys(Problem(_mark_for(parsed, loc), dotted(loc), m) for loc, m in found))
        )
    return scenario


def input_files(path: str | Path, *scenarios: Scenario) -> list[tuple[str, Path]]:
    """The files `scenarios` (loaded from `path`, with overrides) were read from, each with what
    it is: the scenario file, every file it `extends`, and the data files they name
    (`demand.orders`, `catalogue.from`)."""
    chain = extends_chain(Path(path))
    out = [("the scenario file", Path(path))]
    out += [("a file the scenario extends", p) for p in chain[1:]]
    for scenario in scenarios:
        for key, value in (
            ("demand.orders", getattr(scenario.demand, "orders", None)),
            ("catalogue.from", getattr(scenario.catalogue, "from_", None)),
        ):
            item = (f"the data file of {key}", Path(value)) if isinstance(value, str) else None
            if item is not None and item not in out:
                out.append(item)
    return out


__all__ = ["input_files", "load_data", "load_scenario", "parse_yaml_text", "read_file", "validate"]
