"""Read the result files of an output folder back, for `fcsim report OUT`.

Place in the flow: `ReportData` holds the tables every report is built from; the report can be
rebuilt from the files `fcsim run` (`fcsim.experiment.results.write_all`) or `fcsim sweep` wrote,
without re-running. A folder with `sweep.json` is a sweep. Missing or unreadable files raise
`UsageError` with a message naming the file (exit status 2), and so does a `breakdowns.parquet`
without the columns of a breakdown table; `breakdowns.parquet` is optional (folders written
before it existed still get a report, without the detail figures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from fcsim.core.errors import UsageError
from fcsim.core.files import InputRefused, read_input
from fcsim.core.metrics import BREAKDOWN_COLUMNS

REQUIRED = ("summary.json", "runs.parquet", "daily.parquet")
"""The files of `fcsim run` a report needs (`breakdowns.parquet` is optional)."""
SWEEP_REQUIRED = ("sweep.json", "runs.parquet")
"""The files of `fcsim sweep` a sweep report needs."""
BREAKDOWN_TABLE = ("strategy", "replication", *BREAKDOWN_COLUMNS)
"""Columns `breakdowns.parquet` must have (a sweep's adds the point's)."""


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


MAX_JSON_BYTES = 1024 * 1024 * 1024
"""Largest summary.json or sweep.json read (a sweep of thousands of points is far below)."""


def _json(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(read_input(path, MAX_JSON_BYTES).decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise UsageError(f"{path}: not an fcsim summary (JSON nested too deeply)") from None
    except InputRefused as exc:
        raise UsageError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(doc, dict) or "scenario" not in doc:
        raise UsageError(f"{path}: not an fcsim summary (no `scenario` entry)")
    return doc


def read_advice(out: Path) -> dict[str, Any] | None:
    """The `advice.json` of an output folder of `fcsim advise`, or None when there is none."""
    path = out / "advice.json"
    if not path.is_file():
        return None
    doc = _json(path)
    if not isinstance(doc.get("sizings"), list) or not isinstance(doc.get("answers"), dict):
        raise UsageError(f"{path}: not an fcsim advice (no `sizings` and `answers`)")
    return doc


def read_sensitivity(out: Path) -> dict[str, Any] | None:
    """The `sensitivity.json` of an output folder of `fcsim sensitivity`, or None."""
    path = out / "sensitivity.json"
    if not path.is_file():
        return None
    doc = _json(path)
    if not isinstance(doc.get("inputs"), list) or not isinstance(doc.get("base"), dict):
        raise UsageError(f"{path}: not an fcsim sensitivity (no `inputs` and `base`)")
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
    if breakdowns is not None:
        missing = [c for c in BREAKDOWN_TABLE if c not in breakdowns.columns]
        if missing:
            raise UsageError(
                f"{out / 'breakdowns.parquet'}: not an fcsim breakdown table (no column "
                f"{', '.join(missing)}); run the command again, or remove the file"
            )
    return ReportData(
        doc=doc,
        runs=_parquet(out / "runs.parquet"),
        daily=pd.DataFrame() if daily is None else daily,
        breakdowns=breakdowns,
    )
