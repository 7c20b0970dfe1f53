"""The write step of the pipeline: the result files of an output folder, one function a command.

Place in the flow: after `fcsim.experiment.pipeline` has run and summarised the points of a
command, `write_run` (`fcsim run`), `write_sweep` (`fcsim sweep`), `write_size`
(`fcsim size`), `write_advice` (`fcsim advise`) or `write_sensitivity` (`fcsim sensitivity`)
writes them (`fcsim.experiment.results`,
`fcsim.experiment.sweep`), then
`failed_runs.log` with the spec, message and traceback of every failed run, then the report
pages the command asks for (`pages`, a callback of the command given the staged `Written`:
`fcsim.report` writes them). All of it is one set (`RESULT_FILES`), staged and swapped into the
output folder whole (`fcsim.experiment.staging`): the files of an earlier command not written
again are removed, and a write that fails leaves the earlier set as it was. Each returns a
`Written`: the document written (summary.json, sweep.json or size.json), the log's path, and
for a sweep each point's folder and tables, all in the output folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from fcsim.core.files import atomic_write, write_text
from fcsim.experiment.pipeline import RunOutcome
from fcsim.experiment.results import write_all
from fcsim.experiment.runs import RunFailure
from fcsim.experiment.staging import staged
from fcsim.experiment.sweep import Point, PointSummary, Vary, write_grid, write_point
from fcsim.scenario.schema.scenario import Scenario

FAILURE_LOG = "failed_runs.log"
"""File in the output folder with the spec, message and traceback of every failed run."""
TRACE_FILE = "trace.parquet"
"""One row per parcel of every run (`fcsim run --trace`; `fcsim.model.accounting.trace`)."""

RESULT_FILES: dict[str, tuple[str, ...]] = {
    "run": (
        "summary.json",
        "summary.csv",
        "runs.parquet",
        "daily.parquet",
        "breakdowns.parquet",
        TRACE_FILE,
        "results.xlsx",
        "index.html",
        FAILURE_LOG,
    ),
    "sweep": (
        "sweep.json",
        "summary.csv",
        "runs.parquet",
        "daily.parquet",
        "breakdowns.parquet",
        "index.html",
        "points",
        FAILURE_LOG,
    ),
    "size": ("size.json", "runs.parquet", FAILURE_LOG),
    "advise": ("advice.json", "advice.parquet", "index.html", FAILURE_LOG),
    "sensitivity": ("sensitivity.json", "runs.parquet", "index.html", FAILURE_LOG),
}
"""The files (and `points/` folder) each command owns in its output folder, its marker first
(`results.xlsx`: `fcsim.report.workbook.WORKBOOK`, written by `fcsim run` through `pages`)."""


@dataclass
class Written:
    """What the write step put in an output folder."""

    folder: Path
    doc: dict[str, Any] | None  # the document written; None when no run finished
    log: Path | None  # failed_runs.log, when some runs failed
    points: list[PointSummary] = field(default_factory=list)  # a sweep's point folders


Pages = Callable[["Written"], None]
"""A command's report pages, written into the staged folder of a `Written` before the swap."""


def _final(written: Written, stage: Path, out: Path) -> Written:
    """`written` with its paths moved from the staging folder to the output folder."""

    def moved(p: Path) -> Path:
        return out / p.relative_to(stage)

    return replace(
        written,
        folder=out,
        log=None if written.log is None else moved(written.log),
        points=[replace(s, folder=moved(s.folder)) for s in written.points],
    )


def write_run(out: Path, outcome: RunOutcome, pages: Pages | None = None) -> Written:
    """The files of `fcsim run`: summary.json and .csv, runs, daily and breakdowns tables, and
    the per-parcel trace when the runs were asked for it (`trace.parquet`).

    `summary.json` names the failed runs under `failed_runs`; with no run finished, only the
    failure log is written (and `pages` is not called).
    """
    (point,) = outcome.points
    doc = point.doc
    if doc is not None and outcome.failures:
        doc = doc | {"failed_runs": [f.spec.label for f in outcome.failures]}
    with staged(out, RESULT_FILES["run"]) as stage:
        if doc is not None:
            write_all(stage, doc, point.runs, point.daily, point.breakdowns)
            trace = point.trace
            if trace is not None:
                atomic_write(stage / TRACE_FILE, lambda p: trace.to_parquet(p, index=False))
        written = Written(stage, doc, write_failure_log(stage, outcome.failures))
        if doc is not None and pages is not None:
            pages(written)
    return _final(written, stage, out)


def write_sweep(
    out: Path,
    base: Scenario,
    varies: Sequence[Vary],
    points: Sequence[Point],
    outcome: RunOutcome,
    pages: Pages | None = None,
) -> Written:
    """The files of `fcsim sweep`: the grid's tables and sweep.json, and `points/<NNN>_.../`.

    The point folders of an earlier grid go with the earlier set; a point whose runs all failed
    has no folder, and with no point left no sweep-level file is written (nor `pages` called).
    """
    if len(points) != len(outcome.points):
        raise ValueError("one grid point per point of the outcome expected")
    with staged(out, RESULT_FILES["sweep"]) as stage:
        summaries = [
            write_point(stage, point, results)
            for point, results in zip(points, outcome.points, strict=True)
            if results.results
        ]
        doc = None
        if summaries:
            p = outcome.points[0].plan
            failed = [f.spec.label for f in outcome.failures]
            doc = write_grid(stage, base, varies, p.seed, p.replications, summaries, failed)
        log = write_failure_log(stage, outcome.failures)
        written = Written(stage, doc, log, summaries)
        if doc is not None and pages is not None:
            pages(written)
    return _final(written, stage, out)


def write_size(
    out: Path,
    doc: dict[str, Any],
    tables: Sequence[pd.DataFrame],
    front: Sequence[str],
    failures: Sequence[RunFailure],
) -> Written:
    """The files of `fcsim size`: size.json and runs.parquet (`front` columns first)."""
    with staged(out, RESULT_FILES["size"]) as stage:
        write_text(stage / "size.json", json.dumps(doc, indent=2) + "\n")
        if tables:
            table = pd.concat(list(tables), ignore_index=True)
            table = table[[*front, *[c for c in table.columns if c not in front]]]
            atomic_write(stage / "runs.parquet", lambda p: table.to_parquet(p, index=False))
        written = Written(stage, doc, write_failure_log(stage, failures))
    return _final(written, stage, out)


def write_advice(
    out: Path,
    doc: dict[str, Any],
    table: pd.DataFrame,
    failures: Sequence[RunFailure],
    pages: Pages | None = None,
) -> Written:
    """The files of `fcsim advise`: advice.json, advice.parquet (one row per volume x strategy
    x candidate tried), and its page (`pages`)."""
    return _json_and_table(out, "advise", doc, table, failures, pages)


def write_sensitivity(
    out: Path,
    doc: dict[str, Any],
    runs: pd.DataFrame,
    failures: Sequence[RunFailure],
    pages: Pages | None = None,
) -> Written:
    """The files of `fcsim sensitivity`: sensitivity.json, runs.parquet (one row per input x
    side x strategy x replication, the base first), and its page (`pages`)."""
    return _json_and_table(out, "sensitivity", doc, runs, failures, pages)


def _json_and_table(
    out: Path,
    kind: str,
    doc: dict[str, Any],
    table: pd.DataFrame,
    failures: Sequence[RunFailure],
    pages: Pages | None,
) -> Written:
    """A `kind` folder of `RESULT_FILES[kind]`: its JSON document and its table first, written
    in a stage and moved in place together with the page."""
    files = RESULT_FILES[kind]
    with staged(out, files) as stage:
        write_text(stage / files[0], json.dumps(doc, indent=2) + "\n")
        atomic_write(stage / files[1], lambda p: table.to_parquet(p, index=False))
        written = Written(stage, doc, write_failure_log(stage, failures))
        if pages is not None:
            pages(written)
    return _final(written, stage, out)


def write_failure_log(out: Path, failures: Sequence[RunFailure]) -> Path | None:
    """Write each failed run's spec, message and traceback to `out/failed_runs.log`.

    With no failure, a log left there is removed (None is returned).
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
