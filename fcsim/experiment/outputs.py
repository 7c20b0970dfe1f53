"""The write step of the pipeline: the result files of an output folder, one function a command.

Place in the flow: after `fcsim.experiment.pipeline` has run and summarised the points of a
command, `write_run` (`fcsim run`), `write_sweep` (`fcsim sweep`) or `write_size`
(`fcsim size`) writes them into the output folder, every file atomically
(`fcsim.experiment.results`, `fcsim.experiment.sweep`), and then `failed_runs.log` with the spec,
message and traceback of every failed run (an old log is removed when none failed). Each
returns a `Written`: the document written (summary.json, sweep.json or size.json), the log's
path, and for a sweep each point's folder and tables, from which the command writes the report
pages it was asked for (`fcsim.report`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fcsim.core.files import atomic_write, write_text
from fcsim.experiment.pipeline import RunOutcome
from fcsim.experiment.results import write_all
from fcsim.experiment.runs import RunFailure
from fcsim.experiment.sweep import Point, PointSummary, Vary, write_grid, write_point
from fcsim.scenario.schema.scenario import Scenario

FAILURE_LOG = "failed_runs.log"
"""File in the output folder with the spec, message and traceback of every failed run."""


@dataclass
class Written:
    """What the write step put in an output folder."""

    folder: Path
    doc: dict[str, Any] | None  # the document written; None when no run finished
    log: Path | None  # failed_runs.log, when some runs failed
    points: list[PointSummary] = field(default_factory=list)  # a sweep's point folders


def write_run(out: Path, outcome: RunOutcome) -> Written:
    """The files of `fcsim run`: summary.json and .csv, runs, daily and breakdowns tables.

    `summary.json` names the failed runs under `failed_runs`; with no run finished, only the
    failure log is written.
    """
    (point,) = outcome.points
    doc = point.doc
    if doc is not None:
        if outcome.failures:
            doc = doc | {"failed_runs": [f.spec.label for f in outcome.failures]}
        write_all(out, doc, point.runs, point.daily, point.breakdowns)
    return Written(out, doc, write_failure_log(out, outcome.failures))


def write_sweep(
    out: Path,
    base: Scenario,
    varies: Sequence[Vary],
    points: Sequence[Point],
    outcome: RunOutcome,
) -> Written:
    """The files of `fcsim sweep`: the grid's tables and sweep.json, and `points/<NNN>_.../`.

    The point folders of an earlier grid are removed first; a point whose runs all failed has
    no folder, and with no point left no sweep-level file is written.
    """
    if len(points) != len(outcome.points):
        raise ValueError("one grid point per point of the outcome expected")
    shutil.rmtree(out / "points", ignore_errors=True)  # a point of an earlier grid must not stay
    summaries = [
        write_point(out, point, results)
        for point, results in zip(points, outcome.points, strict=True)
        if results.results
    ]
    doc = None
    if summaries:
        p = outcome.points[0].plan
        failed = [f.spec.label for f in outcome.failures]
        doc = write_grid(out, base, varies, p.seed, p.replications, summaries, failed)
    return Written(out, doc, write_failure_log(out, outcome.failures), summaries)


def write_size(
    out: Path,
    doc: dict[str, Any],
    tables: Sequence[pd.DataFrame],
    front: Sequence[str],
    failures: Sequence[RunFailure],
) -> Written:
    """The files of `fcsim size`: size.json and runs.parquet (`front` columns first)."""
    write_text(out / "size.json", json.dumps(doc, indent=2) + "\n")
    if tables:
        table = pd.concat(list(tables), ignore_index=True)
        table = table[[*front, *[c for c in table.columns if c not in front]]]
        atomic_write(out / "runs.parquet", lambda p: table.to_parquet(p, index=False))
    return Written(out, doc, write_failure_log(out, failures))


def write_failure_log(out: Path, failures: Sequence[RunFailure]) -> Path | None:
    """Write each failed run's spec, message and traceback to `out/failed_runs.log`.

    With no failure, a log left by an earlier command is removed (None is returned).
    """
    log = out / FAILURE_LOG
    if not failures:
        log.unlink(missing_ok=True)
        return None
    parts = []
    for f in failures:
        s = f.spec
        parts.append(
            f"=== {s.label}\n"
            f"scenario: {s.scenario.name} (content hash {s.scenario.content_hash()})\n"
            f"strategy: {s.strategy}\nreplication: {s.replication}\nseed: {s.seed}\n"
            f"overrides: {' '.join(s.overrides) or '(none)'}\n"
            f"error: {f.message}\n{f.traceback}\n"
        )
    write_text(log, "".join(parts))
    return log
