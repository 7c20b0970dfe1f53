"""Reading a data file (CSV or Parquet) into columns with the row number of every record.

Place in the flow: first step of importing an order history or a product file. The file is read
as it is — every CSV cell stays text — so that `fcsim.history.orders` and
`fcsim.history.products` can check each value and say in which row it is wrong. Problems are
collected in `Problems` (capped) and raised together as `ScenarioError`, like scenario problems.

Row numbers are those a spreadsheet shows: in a CSV file the header is row 1 and the first
record row 2; in a Parquet file the first record is row 1.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fcsim.core.errors import Mark, Problem, ScenarioError

MAX_PROBLEMS = 50
"""Problems listed per file; the rest are counted."""

MAX_DATA_BYTES = 1 << 30
"""Data files above 1 GiB are refused."""

_DELIMITERS = ",;\t|"


@dataclass
class Problems:
    """Problems found in data files, kept per file up to `MAX_PROBLEMS` (the rest counted)."""

    cap: int = MAX_PROBLEMS
    found: dict[str, list[tuple[int, str | None, str]]] = field(default_factory=dict)

    def add(self, source: str, row: int | None, column: str | None, message: str) -> None:
        """One problem: `source:row: column "X": message` (row None: the whole file)."""
        self.found.setdefault(source, []).append((row or 0, column, message))

    def add_rows(
        self, source: str, rows: np.ndarray, column: str | None, messages: list[str]
    ) -> None:
        """The same kind of problem in several rows (one message per row)."""
        bucket = self.found.setdefault(source, [])
        for row, msg in zip(rows.tolist(), messages, strict=True):
            bucket.append((int(row), column, msg))

    def __bool__(self) -> bool:
        return any(self.found.values())

    def count(self) -> int:
        return sum(len(v) for v in self.found.values())

    def as_problems(self) -> list[Problem]:
        """The problems as `Problem`s, first `cap` by row for each file, plus a count line."""
        out: list[Problem] = []
        for source, items in self.found.items():
            items = sorted(items, key=lambda t: t[0])
            if len(items) > self.cap:
                out.append(
                    Problem(
                        Mark(source, None, None),
                        None,
                        f"{len(items):,} problems; the first {self.cap} by row are listed",
                    )
                )
            for row, column, message in items[: self.cap]:
                path = f'column "{column}"' if column else None
                out.append(Problem(Mark(source, row or None, None), path, message))
        return out

    def raise_if_any(self) -> None:
        if self:
            raise ScenarioError(self.as_problems())


@dataclass(frozen=True)
class Table:
    """The columns of a data file by header, and the row number of each record."""

    source: str
    headers: list[str]
    columns: dict[str, pd.Series]
    rows: np.ndarray  # int64 row number of each record

    @property
    def n(self) -> int:
        return len(self.rows)


def display_name(path: Path) -> str:
    """The path as messages show it: relative to the working folder when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def read_table(path: Path, problems: Problems, source: str | None = None) -> Table | None:
    """Read `path` (CSV by default, Parquet by its suffix); None when it cannot be read at all."""
    source = source or display_name(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.add(source, None, None, f"cannot read: {exc.strerror}")
        return None
    if size > MAX_DATA_BYTES:
        problems.add(source, None, None, f"the file is {size / 1e9:.1f} GB, above the 1 GB limit")
        return None
    if path.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(path, source, problems)
    return _read_csv(path.read_bytes(), source, problems)


def _read_parquet(path: Path, source: str, problems: Problems) -> Table | None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        problems.add(source, None, None, f"not a readable Parquet file: {_first_line(exc)}")
        return None
    headers = [str(c) for c in frame.columns]
    cols = {str(c): frame[c].reset_index(drop=True) for c in frame.columns}
    return Table(source, headers, cols, np.arange(1, len(frame) + 1, dtype=np.int64))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_csv(raw: bytes, source: str, problems: Problems) -> Table | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        problems.add(
            source,
            row,
            None,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); export or save the file as UTF-8",
        )
        return None
    if "\x00" in text:
        problems.add(source, None, None, "not a text file (it contains NUL bytes)")
        return None
    if not text.strip():
        problems.add(source, None, None, "the file is empty")
        return None
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    rows: list[int] = []
    headers: list[str] | None = None
    row = 0
    try:
        for record in reader:
            row += 1
            if headers is None:
                headers = [h.strip() for h in record]
                if not any(headers):
                    problems.add(source, row, None, "the first row must hold the column names")
                    return None
                continue
            if not any(cell.strip() for cell in record):
                continue  # blank line
            if len(record) != len(headers):
                problems.add(
                    source,
                    row,
                    None,
                    f"{len(record)} fields where the header has {len(headers)}"
                    + (
                        " (a field with a comma should be quoted)"
                        if len(record) > len(headers)
                        else ""
                    ),
                )
                continue
            records.append(record)
            rows.append(row)
    except csv.Error as exc:
        problems.add(source, row + 1, None, f"cannot read this row: {exc}")
        return None
    assert headers is not None
    blank = [i + 1 for i, h in enumerate(headers) if not h]
    if blank:
        problems.add(source, 1, None, f"column {blank[0]} of the header has no name")
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            problems.add(source, 1, None, f'the column "{h}" appears twice in the header')
        seen.add(h)
    data = list(zip(*records, strict=True)) if records else [()] * len(headers)
    cols = {
        h: pd.Series(list(values), dtype=object)
        for h, values in zip(headers, data, strict=True)
        if h
    }
    return Table(source, headers, cols, np.asarray(rows, dtype=np.int64))


def _sniff(text: str) -> str:
    """The delimiter: the one of `,;<tab>|` that splits the header into the most fields."""
    head = text[:8192].splitlines()[0] if text else ""
    counts = {d: head.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","
