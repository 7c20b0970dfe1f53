"""Read the result files of an output folder back, for `fcsim report OUT`.

Place in the flow: `ReportData` holds the tables every report is built from; the report can be
rebuilt from the files `fcsim run` (`fcsim.experiment.results.write_all`) or `fcsim sweep` wrote,
without re-running. A folder with `sweep.json` is a sweep. Missing or unreadable files raise
`UsageError` with a message naming the file (exit status 2); `breakdowns.parquet` is optional
(folders written before it existed still get a report, without the detail figures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from fcsim.core.errors import UsageError

REQUIRED = ("summary.json", "runs.parquet", "daily.parquet")
"""The files of `fcsim run` a report needs (`breakdowns.parquet` is optional)."""
SWEEP_REQUIRED = ("sweep.json", "runs.parquet")
"""The files of `fcsim sweep` a sweep report needs."""


@dataclass(frozen=True)
class ReportData:
    """The result tables a report is built from (as `fcsim run` and `fcsim sweep` wrote them)."""

    doc: dict[str, Any]
    runs: pd.DataFrame
    daily: pd.DataFrame
    breakdowns: pd.DataFrame | None = None


def _parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise UsageError(f"{path}: not a readable Parquet file ({exc})") from None


def _json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(doc, dict) or "scenario" not in doc:
        raise UsageError(f"{path}: not an fcsim summary (no `scenario` entry)")
    return doc


def read_results(out: Path) -> ReportData:
    """The tables of an output folder of `fcsim run` or `fcsim sweep`."""
    if not out.is_dir():
        what = "is a file, not a folder" if out.exists() else "no such folder"
        raise UsageError(f"{out}: {what} (give the output folder of `fcsim run`)")
    sweep = (out / "sweep.json").is_file()
    required = SWEEP_REQUIRED if sweep else REQUIRED
    missing = [name for name in required if not (out / name).is_file()]
    if missing:
        raise UsageError(
            f"{out}: missing {', '.join(missing)} — is this the output folder of `fcsim run`?"
        )
    doc = _json(out / required[0])
    daily, breakdowns = (
        _parquet(out / name) if (out / name).is_file() else None
        for name in ("daily.parquet", "breakdowns.parquet")
    )
    return ReportData(
        doc=doc,
        runs=_parquet(out / "runs.parquet"),
        daily=pd.DataFrame() if daily is None else daily,
        breakdowns=breakdowns,
    )
