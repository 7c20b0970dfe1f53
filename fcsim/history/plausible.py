"""Figures no real order export holds: absurd order sizes and dates far from the others.

Place in the flow: called by `fcsim.history.orders.read_history` on the parsed lines, before
they are grouped into orders and before anything is counted per day. A typo must be an error
with its row, not a silent change of the simulation: one date typed 9999-12-31 (or 2001 for
2025) would stretch the history over thousands of empty days, so that a bootstrap draws almost
no orders, and would make every per-day array of that length. Each check returns the ids of
the orders it refused, so that none of their lines is kept.

The window of dates (see docs/data.md): from `EARLIEST` to a year after today, and a history
spanning at most `MAX_SPAN_DAYS` (ten years).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from fcsim.core.limits import MAX_UNITS_PER_ORDER
from fcsim.history.table import Problems

EARLIEST = pd.Timestamp("1990-01-01")
"""Orders created before this day are refused (no shop's export goes back further)."""
AHEAD_DAYS = 366
"""Orders created more than this many days after today are refused."""
MAX_SPAN_DAYS = 3_653
"""Longest history accepted, first to last order day (ten years)."""


def latest_accepted(today: dt.date | None = None) -> pd.Timestamp:
    """The last moment an order may be created: the end of the day a year after `today`."""
    day = (today or dt.date.today()) + dt.timedelta(days=AHEAD_DAYS)
    return pd.Timestamp(day) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def order_totals(frame: pd.DataFrame, src: str, header: str, problems: Problems) -> list[str]:
    """Report orders whose lines together hold more than `MAX_UNITS_PER_ORDER` units.

    Each is reported at its first row.
    """
    named = frame["oid"] != ""
    total = frame["qty"].where(named, 0).fillna(0).groupby(frame["oid"], sort=False)
    total = total.transform("sum")
    first = frame["row"].groupby(frame["oid"], sort=False).transform("first")
    big = named & (total > MAX_UNITS_PER_ORDER) & (frame["row"] == first)
    if big.any():
        msgs = [
            f'order id "{o}" holds {int(t):,} units, more than the {MAX_UNITS_PER_ORDER:,} '
            "an order may hold"
            for o, t in zip(frame["oid"][big], total[big], strict=True)
        ]
        problems.add_rows(src, frame["row"][big].to_numpy(), header, msgs)
    return frame["oid"][big].tolist()


def _when(t: pd.Timestamp) -> str:
    """`YYYY-MM-DD HH:MM`, also for years Python's datetime cannot hold (a Parquet 10¹³ s)."""
    return str(np.datetime_as_string(t.to_datetime64(), unit="m")).replace("T", " ")


def order_dates(
    frame: pd.DataFrame,
    src: str,
    header: str,
    problems: Problems,
    today: dt.date | None = None,
) -> list[str]:
    """Report creation times outside the window, then dates that stretch the history too far.

    Only rows that give the time are reported (an order's other lines take it from them).
    When the good dates span more than `MAX_SPAN_DAYS`, the rows on the side farther from the
    median date, beyond the span from the other end, are reported: a mistyped year.
    """
    created = pd.to_datetime(frame["created"])
    given = created.notna() & ~frame["created_empty"] & (frame["oid"] != "")
    latest = latest_accepted(today)
    early, late = given & (created < EARLIEST), given & (created > latest)
    msgs = {
        **{i: f"{_when(created[i])} is before {EARLIEST:%Y-%m-%d}" for i in frame.index[early]},
        **{
            i: f"{_when(created[i])} is after {latest:%Y-%m-%d}, a year from today"
            for i in frame.index[late]
        },
    }
    outside = early | late
    refused = set(frame["oid"][outside])
    inside = given & ~outside & ~frame["oid"].isin(refused)
    if inside.any():
        day = created[inside].dt.floor("D")
        first, last, middle = day.min(), day.max(), day.median()
        if (last - first).days > MAX_SPAN_DAYS:
            span = pd.Timedelta(days=MAX_SPAN_DAYS)
            if middle - first >= last - middle:
                far = inside & (created.dt.floor("D") < last - span)
                ref, side = created[inside].idxmax(), "before the latest order"
            else:
                far = inside & (created.dt.floor("D") > first + span)
                ref, side = created[inside].idxmin(), "after the earliest order"
            for i in frame.index[far]:
                days = abs((created[i].floor("D") - created[ref].floor("D")).days)
                msgs[i] = (
                    f"{_when(created[i])} is {days:,} days {side} ({_when(created[ref])}, row "
                    f"{int(frame['row'][ref])}), but a history may span at most 10 years"
                )
            outside |= far
    if msgs:
        rows = sorted(msgs)
        problems.add_rows(
            src,
            frame["row"][rows].to_numpy(),
            header,
            [f"{msgs[i]}: a mistyped year?" for i in rows],
        )
    return sorted(set(frame["oid"][outside]))


__all__ = [
    "AHEAD_DAYS",
    "EARLIEST",
    "MAX_SPAN_DAYS",
    "latest_accepted",
    "order_dates",
    "order_totals",
]
