"""The baseline file of the regression gate: written by `fcsim baseline`, read by `fcsim check`.

Place in the flow: `fcsim baseline` runs a scenario and calls `build` on the runs table, then
`write`; `fcsim check` calls `read` (every problem is reported with the file and key path, as
bad input) and re-runs with the recorded seed, replications and overrides. The file holds, per
strategy and metric, the mean, the 95 % interval and the value of every replication (so a check
can pair replication by replication), plus the scenario's content hash and its validated
content (so a changed scenario is named key by key), the `--set` overrides, the fcsim version
and the command that records the baseline again.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shlex
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from fcsim import __version__
from fcsim.core.errors import Mark, Problem, ScenarioError, UsageError
from fcsim.core.files import InputRefused, read_input, write_text
from fcsim.experiment.stats import interval, metric_columns
from fcsim.scenario.schema.scenario import Scenario

FORMAT = "fcsim-baseline"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ABS_VALUE = 1e15
"""Largest magnitude of a recorded value: no KPI (euros, hours, rates, counts) comes near it."""


def _plausible(x: float | None) -> float | None:
    if x is not None and abs(x) > MAX_ABS_VALUE:
        raise ValueError(f"{x:g} is not a plausible value (beyond ±{MAX_ABS_VALUE:g})")
    return x


Value = Annotated[float | None, AfterValidator(_plausible)]
"""A recorded value: a finite number of plausible size, or null (none)."""


class MetricRecord(BaseModel):
    """One strategy x metric: the 95 % interval and every replication's value (null = none).

    A value is a finite number of plausible size or null (none): NaN, infinities and absurd
    magnitudes are problems of the file, which `fcsim baseline` never writes.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    mean: Value
    ci_low: Value
    ci_high: Value
    n: int = Field(ge=0)
    values: list[Value]


class Baseline(BaseModel):
    """A recorded baseline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["fcsim-baseline"]
    format_version: Literal[1]
    fcsim_version: str
    created_utc: str
    scenario: str
    scenario_file: str
    scenario_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    overrides: list[str]
    seed: int = Field(ge=0, lt=2**63)
    replications: int = Field(ge=2)
    refresh_command: str
    strategies: dict[str, dict[str, MetricRecord]] = Field(min_length=1)
    scenario_content: dict[str, Any]
    data_files: dict[str, str] = Field(default_factory=dict)  # key path -> SHA-256 of the file

    @model_validator(mode="after")
    def _one_value_per_replication(self) -> Baseline:
        for strategy, metrics in self.strategies.items():
            for metric, rec in metrics.items():
                if len(rec.values) != self.replications:
                    raise ValueError(
                        f"strategies.{strategy}.{metric}.values has {len(rec.values)} values "
                        f"for {self.replications} replications"
                    )
        return self

    def metrics(self) -> list[str]:
        """Metrics recorded for every strategy."""
        sets = [set(m) for m in self.strategies.values()]
        common = set.intersection(*sets)
        first = next(iter(self.strategies.values()))
        return [m for m in first if m in common]


def refresh_command(
    scenario_file: str,
    overrides: list[str],
    replications: int | None,
    seed: int | None,
    out: str,
) -> str:
    """The `fcsim baseline ...` command line that records this baseline again."""
    argv = ["fcsim", "baseline", scenario_file]
    for text in overrides:
        argv += ["--set", text]
    if replications is not None:
        argv += ["-r", str(replications)]
    if seed is not None:
        argv += ["--seed", str(seed)]
    argv += ["-o", out]
    return shlex.join(argv)


def _number(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


def build(
    scenario: Scenario,
    scenario_file: str,
    overrides: list[str],
    seed: int,
    replications: int,
    runs: pd.DataFrame,
    refresh: str,
) -> dict[str, Any]:
    """The baseline document from a runs table (one row per strategy x replication)."""
    cols = metric_columns(runs)
    strategies: dict[str, dict[str, Any]] = {}
    for strategy, group in runs.groupby("strategy", sort=False):
        g = group.sort_values("replication")
        metrics: dict[str, Any] = {}
        for c in cols:
            ci = interval(g[c].to_numpy(dtype=float))
            metrics[c] = {
                "mean": _number(ci["mean"]),
                "ci_low": _number(ci["ci_low"]),
                "ci_high": _number(ci["ci_high"]),
                "n": int(ci["n"]),
                "values": [_number(v) for v in g[c].to_numpy(dtype=float)],
            }
        strategies[str(strategy)] = metrics
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "fcsim_version": __version__,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scenario": scenario.name,
        "scenario_file": scenario_file,
        "scenario_hash": scenario.content_hash(),
        "overrides": list(overrides),
        "seed": seed,
        "replications": replications,
        "refresh_command": refresh,
        "strategies": strategies,
        "scenario_content": scenario.model_dump(mode="json", by_alias=True),
        **({"data_files": dict(scenario.data.file_digests)} if scenario.data.file_digests else {}),
    }


def write(path: Path, doc: dict[str, Any]) -> None:
    """Write the baseline atomically (nothing half-written on failure)."""
    write_text(path, json.dumps(doc, indent=1, allow_nan=False) + "\n")


def read(path: Path) -> Baseline:
    """Read and check a baseline file; every problem is a `UsageError` naming file and key."""
    try:
        text = read_input(path, MAX_FILE_BYTES).decode("utf-8")
    except InputRefused as exc:
        raise UsageError(f"{path}: {exc}: give a baseline file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a baseline file (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}:{exc.lineno}:{exc.colno}: not a baseline file (invalid JSON: {exc.msg})"
        ) from None
    except RecursionError:
        raise UsageError(f"{path}: not a baseline file (JSON nested too deeply)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(
            f'{path}: not an fcsim baseline (no `"format": "{FORMAT}"`); '
            "record one with `fcsim baseline SCENARIO -o FILE`"
        )
    version = data.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise UsageError(
            f"{path}: baseline format {version} was written by a newer fcsim "
            f"(this is fcsim {__version__}, which reads format {FORMAT_VERSION})"
        )
    try:
        return Baseline.model_validate(data)
    except ValidationError as exc:
        # one line per problem, each `file: key.path: what is wrong` (JSON keeps no positions)
        where = Mark(str(path), None, None)
        problems = []
        for err in exc.errors()[:10]:
            loc = ".".join(str(p) for p in err["loc"]) or None
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(Problem(where, loc, f"not a valid baseline: {msg}"))
        more = len(exc.errors()) - len(problems)
        if more > 0:
            problems.append(Problem(where, None, f"... and {more} more"))
        raise ScenarioError(problems) from None


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def data_files_diff(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Data files (order history, product file) whose bytes differ from the recorded ones."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a != b:
            was = f"content {a[:12]}…" if a else "no file"
            now = f"content {b[:12]}…" if b else "no file"
            out.append(f"{key}: the file's {was} in the baseline, {now} now (the file was edited)")
    return out


def content_diff(old: Any, new: Any, limit: int = 20) -> list[str]:
    """Key paths where two validated scenario contents differ, as `path: old -> new` lines."""
    out: list[str] = []

    def walk(a: Any, b: Any, path: str) -> None:
        if len(out) > limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for k in list(a) + [k for k in b if k not in a]:
                p = f"{path}.{k}" if path else str(k)
                if k not in b:
                    out.append(f"{p}: {_short(a[k])} in the baseline, absent now")
                elif k not in a:
                    out.append(f"{p}: absent in the baseline, {_short(b[k])} now")
                else:
                    walk(a[k], b[k], p)
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{path}.{i}")
        elif a != b:
            out.append(f"{path or '(top level)'}: {_short(a)} in the baseline, {_short(b)} now")

    walk(old, new, "")
    if len(out) > limit:
        out = [*out[:limit], "... and more"]
    return out
