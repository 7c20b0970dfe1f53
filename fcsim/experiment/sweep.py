"""Sweeps: a grid over dotted scenario keys, each point run like `fcsim run`.

Place in the flow: `fcsim sweep SCENARIO --vary key.path=V1,V2 [--vary ...]` parses each
`--vary` (`parse_vary`), builds the grid of points (`grid`: every combination, the first
`--vary` outermost) and resolves and validates the scenario of every point before anything runs
(`resolve`: any bad value stops the command with exit 2). The pipeline
(`fcsim.experiment.pipeline`) then runs all points as one plan (each point's `--set` overrides
travel in its `RunSpec`s) and its write step (`fcsim.experiment.outputs.write_sweep`) writes,
with `write_point` and `write_grid` here, in the output folder:

- `runs.parquet`: one row per point x strategy x replication, the varied keys as columns;
- `daily.parquet` (and `breakdowns.parquet`): the same with a `point` column;
- `summary.csv`: one row per point x strategy x metric (mean and 95 % interval);
- `sweep.json`: the grid and, per point, the summary and paired differences;
- `points/<NNN>_<values>/`: per point, the resolved `scenario.yaml` and the files of
  `fcsim run` (summary.json, summary.csv, runs.parquet, daily.parquet; index.html if asked).

Every point uses the same seed, so points are compared on the same orders too (common random
numbers across points as well as across strategies).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from fcsim.core.errors import Problem, ScenarioError, UsageError, relabel
from fcsim.experiment.loading import load_scenario
from fcsim.scenario.schema.base import EVERY_KEY
from fcsim.scenario.schema.scenario import Scenario

if TYPE_CHECKING:
    from fcsim.experiment.pipeline import PointResults


@dataclass(frozen=True)
class Vary:
    """One `--vary key.path=V1,V2,...`: a dotted key and its raw values (YAML text)."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Point:
    """One grid point: its number, its `key=value` overrides, and the values as validated."""

    index: int
    overrides: tuple[str, ...]
    values: dict[str, Any]  # key -> value in the resolved scenario (raw text until resolved)

    @property
    def folder(self) -> str:
        """`NNN_<last key part>=<value>_...`, safe as a folder name."""
        parts = [
            o.split("=", 1)[0].rsplit(".", 1)[-1] + "=" + o.split("=", 1)[1] for o in self.overrides
        ]
        label = re.sub(r"[^A-Za-z0-9_.=+-]+", "-", "_".join(parts)).strip("-")[:80]
        return f"{self.index:03d}_{label}" if label else f"{self.index:03d}"


def split_values(text: str, sep: str = ",") -> list[str]:
    """Split `V1,V2,...` on `sep` (a comma) outside brackets, braces and quotes."""
    out, cur, depth, quote = [], [], 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == sep and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur).strip())
    return out


def parse_vary(text: str) -> Vary:
    """`key.path=V1,V2,...` -> `Vary`; a malformed option is a usage error (exit 2)."""
    key, eq, raw = text.partition("=")
    key = key.strip()
    if not eq or not key or any(not p for p in key.split(".")):
        raise UsageError(f"--vary {text}: expected key.path=V1,V2,...")
    values = split_values(raw)
    if any(v == "" for v in values):
        raise UsageError(f"--vary {text}: an empty value (two commas in a row, or none given)")
    if len(set(values)) != len(values):
        raise UsageError(f"--vary {text}: a value is listed twice")
    return Vary(key, tuple(values))


def grid(varies: Sequence[Vary]) -> list[Point]:
    """Every combination of the values; the first `--vary` is the outermost loop."""
    keys = [v.key for v in varies]
    if len(set(keys)) != len(keys):
        raise UsageError("--vary: the same key is varied twice")
    points = []
    for i, combo in enumerate(itertools.product(*(v.values for v in varies))):
        overrides = tuple(f"{k}={raw}" for k, raw in zip(keys, combo, strict=True))
        points.append(Point(i, overrides, dict(zip(keys, combo, strict=True))))
    return points


def resolve(
    path: Path, base_overrides: Sequence[str], points: Sequence[Point]
) -> tuple[list[Point], list[Scenario]]:
    """The validated scenario of every point, and the points with their validated values.

    Every problem of every point is raised at once (`ScenarioError`: exit 2, nothing run).
    """
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for point in points:
        try:
            scenarios.append(load_scenario(path, [*base_overrides, *point.overrides]))
        except ScenarioError as err:
            labels = {o: f"--vary {o}" for o in point.overrides}
            problems += [p for p in relabel(err.problems, labels) if p not in problems]
    if problems:
        raise ScenarioError(problems)
    typed = [
        replace(p, values={k: value_at(sc, k, raw) for k, raw in p.values.items()})
        for p, sc in zip(points, scenarios, strict=True)
    ]
    return typed, scenarios


def value_at(scenario: Scenario, key: str, default: Any = None) -> Any:
    """The value at dotted `key` in the validated scenario (list items by index), or `default`."""
    node: Any = scenario.model_dump(mode="python", by_alias=True, context={EVERY_KEY: True})
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return default
    return _plain(node)


def _plain(v: Any) -> Any:
    """A value as a Parquet/JSON-friendly scalar: numbers and strings as they are."""
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, list | dict | tuple):
        return json.dumps(v, default=str, sort_keys=True)
    return str(v)


def resolved_yaml(scenario: Scenario, point: Point) -> str:
    """The resolved scenario of a point as YAML (loads back to the same content hash)."""
    try:
        body = yaml.safe_dump(
            scenario.model_dump(mode="python", by_alias=True), sort_keys=False, allow_unicode=True
        )
    except yaml.YAMLError:
        body = yaml.safe_dump(
            scenario.model_dump(mode="json", by_alias=True), sort_keys=False, allow_unicode=True
        )
    head = (
        f"# Resolved scenario of sweep point {point.index}: "
        f"{' '.join(point.overrides) or '(no overrides)'}\n"
        f"# content hash {scenario.content_hash()}\n"
    )
    return head + body


def point_columns(points: Sequence[Point]) -> list[dict[str, Any]]:
    """Per point, the varied keys' values typed for Parquet (numbers stay numbers)."""
    if not points:
        return []
    keys = list(points[0].values)
    columns: dict[str, list[Any]] = {}
    for k in keys:
        values = [p.values[k] for p in points]
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        if not numbers and len({type(v) for v in values}) != 1:
            values = [v if isinstance(v, str) else json.dumps(v) for v in values]
        columns[k] = values
    return [{k: columns[k][i] for k in keys} for i in range(len(points))]


def with_point_columns(table: pd.DataFrame, point: Point, typed: dict[str, Any]) -> pd.DataFrame:
    """`table` with `point` and the varied keys as its first columns."""
    front = {"point": point.index, **typed}
    extra = pd.DataFrame({k: [v] * len(table) for k, v in front.items()}, index=table.index)
    return pd.concat([extra, table], axis=1)


@dataclass
class PointSummary:
    """What a point's folder holds, kept for the sweep-level files and the terminal table."""

    point: Point
    folder: Path
    doc: dict[str, Any]
    runs: pd.DataFrame
    daily: pd.DataFrame
    breakdowns: pd.DataFrame | None


def write_point(out: Path, point: Point, results: PointResults) -> PointSummary:
    """Write a point's folder (the files of `fcsim run` plus its resolved scenario.yaml)."""
    from fcsim.core.files import write_text
    from fcsim.experiment.results import write_all

    if results.doc is None:
        raise ValueError(f"sweep point {point.index}: no run finished, nothing to write")
    folder = out / "points" / point.folder
    doc = results.doc | {"point": {"index": point.index, "overrides": list(point.overrides)}}
    write_all(folder, doc, results.runs, results.daily, results.breakdowns)
    write_text(folder / "scenario.yaml", resolved_yaml(results.plan.scenario, point))
    return PointSummary(point, folder, doc, results.runs, results.daily, results.breakdowns)


def write_grid(
    out: Path,
    base: Scenario,
    varies: Sequence[Vary],
    seed: int,
    replications: int,
    summaries: Sequence[PointSummary],
    failed: Sequence[str],
) -> dict[str, Any]:
    """Write the sweep-level files; return the `sweep.json` document."""
    from fcsim.core.files import atomic_write, json_safe, write_text

    pairs = list(zip(summaries, point_columns([s.point for s in summaries]), strict=True))
    runs = _concat([with_point_columns(s.runs, s.point, t) for s, t in pairs])
    daily = _concat([with_point_columns(s.daily, s.point, t) for s, t in pairs])
    parts = [
        with_point_columns(s.breakdowns, s.point, t)
        for s, t in pairs
        if s.breakdowns is not None and len(s.breakdowns)
    ]
    rows = [
        {"point": s.point.index, **t, "strategy": strat, "metric": m, **vals}
        for s, t in pairs
        for strat, metrics in s.doc["strategies"].items()
        for m, vals in metrics.items()
    ]
    doc = json_safe(
        {
            "scenario": base.name,
            "seed": seed,
            "replications": replications,
            "vary": {v.key: list(v.values) for v in varies},
            "points": [
                {
                    "point": s.point.index,
                    "overrides": list(s.point.overrides),
                    "values": t,
                    "folder": str(s.folder.relative_to(out)),
                    "strategies": s.doc["strategies"],
                    "paired": s.doc["paired"],
                }
                for s, t in pairs
            ],
            "failed_runs": list(failed),
        }
    )
    atomic_write(out / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    atomic_write(out / "daily.parquet", lambda p: daily.to_parquet(p, index=False))
    if parts:
        table = _concat(parts)
        atomic_write(out / "breakdowns.parquet", lambda p: table.to_parquet(p, index=False))
    atomic_write(out / "summary.csv", lambda p: pd.DataFrame(rows).to_csv(p, index=False))
    write_text(out / "sweep.json", json.dumps(doc, indent=2) + "\n")
    return doc


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
