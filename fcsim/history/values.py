"""Parsing a column's values — numbers, text, timestamps — and naming every bad one by row.

Place in the flow: called by `fcsim.history.orders` and `fcsim.history.products` for each
matched column. Parsing is vectorised (pandas); a value that cannot be read becomes NaN / NaT
and a problem `file:ROW: column "X": not a number ("two")`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from fcsim.history.columns import Column
from fcsim.history.table import Problems, Table

_CURRENCY = re.compile(r"^\s*(?:[€$£]|EUR|USD|GBP)?\s*|\s*(?:[€$£]|EUR|USD|GBP)?\s*$")
MAX_OFFSET_MIN = 14 * 60
"""Largest UTC offset in use (Kiribati, +14:00; the most western is -12:00)."""
_WITH_OFFSET = (
    r"^(?P<wall>.*\d:\d\d(?::\d\d(?:[.,]\d+)?)?)\s*(?P<offset>Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$"
)


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _count(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def text(table: Table, col: Column | None) -> np.ndarray:
    """The column as stripped text ("" where empty or absent), one entry per record."""
    if col is None:
        return np.full(table.n, "", dtype=object)
    s = table.columns[col.header]
    out = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    return out.to_numpy(dtype=object)


def numbers(
    table: Table,
    col: Column,
    problems: Problems,
    *,
    whole: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    what: str = "",
) -> np.ndarray:
    """The column as float64 (NaN where empty or bad); bad values are reported by row.

    A decimal comma is accepted (`12,50`); a leading or trailing currency sign is ignored.
    `minimum` rejects smaller values, `maximum` larger ones; `whole` requires whole numbers.
    """
    raw = table.columns[col.header]
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
        shown = raw.astype(str).to_numpy(dtype=object)
        bad = np.zeros(table.n, dtype=bool)
    else:
        s = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
        shown = s.to_numpy(dtype=object)
        cleaned = s.str.replace(_CURRENCY, "", regex=True)
        comma = cleaned.str.fullmatch(r"-?\d+,\d+")
        cleaned = cleaned.where(~comma, cleaned.str.replace(",", ".", regex=False))
        values = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        bad = (s != "").to_numpy() & np.isnan(values)
    bad |= np.isinf(values)
    _report(problems, table, col, bad, [f'not a number ("{_show(v)}")' for v in shown[bad]])
    values = np.where(bad, np.nan, values) * col.scale
    ok = ~np.isnan(values)
    if whole:
        frac = ok & (values != np.round(values))
        msgs = [f'not a whole number ("{_show(v)}")' for v in shown[frac]]
        _report(problems, table, col, frac, msgs)
        values[frac] = np.nan
        ok &= ~frac
    if minimum is not None:
        low = ok & (values < minimum)
        neg = values[low] < 0
        msgs = [
            (
                f"negative {what or 'value'} ({_show(v)})"
                if n
                else f"must be at least {minimum:g} (got {_show(v)})"
            )
            for v, n in zip(shown[low], neg, strict=True)
        ]
        _report(problems, table, col, low, msgs)
        values[low] = np.nan
        ok &= ~low
    if maximum is not None:
        high = ok & (values > maximum)
        msgs = [f"must be at most {_count(maximum)} (got {_show(v)})" for v in shown[high]]
        _report(problems, table, col, high, msgs)
        values[high] = np.nan
    return values


def _report(
    problems: Problems, table: Table, col: Column, mask: np.ndarray, messages: list[str]
) -> None:
    if mask.any():
        problems.add_rows(table.source, table.rows[mask], col.header, messages)


def timestamps(
    table: Table,
    col: Column,
    problems: Problems,
    *,
    date_format: str | None,
    timezone: str | None,
) -> tuple[np.ndarray, dict[str, int]]:
    """Local wall-clock times as datetime64[s] (NaT where empty or bad) and offset counts.

    Times with a UTC offset (`+01:00`, `Z`) are converted to `timezone` when it is given, else
    kept as written (offset dropped). The counts say which offsets were seen, so that a report
    can warn when every time is in UTC.
    """
    raw = table.columns[col.header]
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        idx = pd.DatetimeIndex(raw)
        seen = {str(idx.tz): table.n} if idx.tz is not None else {}
        if idx.tz is not None:
            idx = (idx.tz_convert(timezone) if timezone else idx).tz_localize(None)
        return idx.to_numpy(dtype="datetime64[s]"), seen
    s = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
    parts = s.str.extract(_WITH_OFFSET, flags=re.IGNORECASE)
    wall = parts["wall"].fillna(s)
    fmt = date_format or "ISO8601"
    parsed = pd.to_datetime(wall.where(wall != "", None), format=fmt, errors="coerce")
    bad = (s != "").to_numpy() & parsed.isna().to_numpy()
    hint = "" if date_format else "; for another format set date_format, e.g. '%d/%m/%Y %H:%M'"
    shown = s.to_numpy(dtype=object)[bad]
    _report(problems, table, col, bad, [f'not a date and time ("{_show(v)}"){hint}' for v in shown])
    offsets = parts["offset"].fillna("").str.upper().to_numpy(dtype=object)
    minutes = np.array([_offset_min(o) for o in offsets], dtype=float)
    wrong = ~bad & np.isinf(minutes)
    msgs = [
        f'the UTC offset {o} is not one ("{_show(v)}"): offsets run from -14:00 to +14:00, '
        "with minutes below 60"
        for o, v in zip(offsets[wrong], s.to_numpy(dtype=object)[wrong], strict=True)
    ]
    _report(problems, table, col, wrong, msgs)
    bad |= wrong
    seen: dict[str, int] = {}
    for o in offsets[~bad]:
        if o:
            key = "+00:00" if o in ("Z", "UTC", "GMT") else o
            seen[key] = seen.get(key, 0) + 1
    out = pd.DatetimeIndex(parsed)
    has_offset = ~np.isnan(minutes) & ~bad
    if timezone and has_offset.any():
        utc = out[has_offset] - pd.to_timedelta(minutes[has_offset], unit="min")
        local = utc.tz_localize("UTC").tz_convert(timezone).tz_localize(None)
        values = out.to_numpy(dtype="datetime64[s]").copy()
        values[has_offset] = local.to_numpy(dtype="datetime64[s]")
        return values, seen
    return out.to_numpy(dtype="datetime64[s]"), seen


def _offset_min(text: str) -> float:
    """Minutes east of UTC; NaN without an offset, inf for one outside ±14:00 or minutes >= 60."""
    if not text:
        return np.nan
    if text in ("Z", "UTC", "GMT"):
        return 0.0
    sign = -1.0 if text[0] == "-" else 1.0
    digits = text[1:].replace(":", "")
    hours = int(digits[:2])
    mins = int(digits[2:4]) if len(digits) >= 4 else 0
    if mins >= 60 or hours * 60 + mins > MAX_OFFSET_MIN:
        return np.inf
    return sign * (hours * 60 + mins)
