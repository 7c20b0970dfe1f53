"""Time: simulation minutes, dates, staff shifts and business days.

Place in the flow: the model asks a `WorkCalendar` when a task of N work-minutes started at time t
finishes (work pauses outside shifts and resumes at the next shift: no per-order events for shift
ends), and uses the vectorised `BusinessDays` helpers for carrier collections, transit and
promises (numpy `busday_*` with weekmasks and holidays).

Simulation time is float minutes since `start_date` 00:00 (local time). Day index d covers
[d * 1440, (d + 1) * 1440).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

import numpy as np

from fcsim.core.timeofday import MIN_PER_DAY, WEEKDAYS, minutes_of, weekmask

DAYS_PER_MONTH = 365.25 / 12
"""Mean length of a calendar month in days: months of amortisation are turned into days by it."""


class WorkCalendar:
    """Working intervals of a staff pool and the mapping between clock and work time.

    `work(t)` is the number of working minutes in [0, t); `finish(t, d)` is the clock time at
    which `d` working minutes started at `t` are done. Shifts that overlap or touch are merged.
    """

    def __init__(self, intervals: Iterable[tuple[float, float]]) -> None:
        self._build(intervals)

    def _build(self, intervals: Iterable[tuple[float, float]]) -> None:
        merged: list[list[float]] = []
        for start, end in sorted(intervals):
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        # floats: the staff pools compare float times with them, faster than with ints
        self.starts = [float(s) for s, _ in merged]
        self.ends = [float(e) for _, e in merged]
        cum = [0.0]
        for s, e in merged:
            cum.append(cum[-1] + (e - s))
        self.cum_start = cum[:-1]
        self.cum_end = cum[1:]
        self.total = cum[-1]

    def add(self, start: float, end: float) -> None:
        """Add working time [start, end) (overtime); work already scheduled is not moved."""
        self._build([*zip(self.starts, self.ends, strict=True), (start, end)])

    def day_end(self, day: int) -> float | None:
        """End of the last working interval that starts on `day`, if any."""
        lo = bisect_left(self.starts, day * MIN_PER_DAY)
        hi = bisect_left(self.starts, (day + 1) * MIN_PER_DAY)
        return self.ends[hi - 1] if hi > lo else None

    @classmethod
    def from_shifts(
        cls,
        shifts: Sequence[tuple[Sequence[str], str, str]]
        | Sequence[tuple[Sequence[str], str, str, Sequence[tuple[str, str]]]],
        start_date: dt.date,
        n_days: int,
        holidays: Iterable[dt.date] = (),
    ) -> WorkCalendar:
        """Build from `(weekdays, "HH:MM", "HH:MM"[, breaks])` shifts over `n_days` days.

        A shift whose end is at or before its start runs past midnight. Breaks are
        `("HH:MM", "HH:MM")` pairs within the shift (unpaid, no work). Holidays have no shifts
        (a night shift starting the evening before a holiday still runs).
        """
        hol = set(holidays)
        pieces = []
        for shift in shifts:
            days, start, end = shift[0], shift[1], shift[2]
            breaks = shift[3] if len(shift) > 3 else ()
            s, e = minutes_of(start), minutes_of(end)
            if e <= s:
                e += MIN_PER_DAY
            cuts = []
            for b0, b1 in breaks:
                bs, be = minutes_of(b0), minutes_of(b1)
                if bs < s:
                    bs, be = bs + MIN_PER_DAY, be + MIN_PER_DAY
                if be <= bs:
                    be += MIN_PER_DAY
                cuts.append((bs, be))
            pieces.append((days, _subtract((s, e), cuts)))
        intervals = []
        for d in range(n_days):
            date = start_date + dt.timedelta(days=d)
            if date in hol:
                continue
            wd = WEEKDAYS[date.weekday()]
            for days, parts in pieces:
                if wd in days:
                    intervals += [(d * MIN_PER_DAY + a, d * MIN_PER_DAY + b) for a, b in parts]
        return cls(intervals)

    @classmethod
    def always(cls, n_days: int) -> WorkCalendar:
        """Around the clock (24/7), e.g. for queueing-theory validation."""
        return cls([(0.0, float(n_days * MIN_PER_DAY))])

    def work(self, t: float) -> float:
        """Working minutes in [0, t)."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0.0
        return self.cum_start[i] + min(t, self.ends[i]) - self.starts[i]

    def finish(self, t: float, duration: float) -> float:
        """Clock time when `duration` working minutes, started at `t`, are done (inf if never)."""
        if duration <= 0:
            return t
        target = self.work(t) + duration
        j = bisect_left(self.cum_end, target)
        if j >= len(self.starts):
            return float("inf")
        return max(t, self.starts[j] + (target - self.cum_start[j]))

    def next_working(self, t: float) -> float:
        """The first working instant at or after `t` (inf if the calendar has no more)."""
        i = bisect_right(self.ends, t)
        return max(t, self.starts[i]) if i < len(self.starts) else float("inf")

    def minutes_per_day(self, n_days: int) -> np.ndarray:
        """Working minutes in each day 0..n_days-1."""
        edges = np.arange(n_days + 1, dtype=float) * MIN_PER_DAY
        cum = np.array([self.work(t) for t in edges])
        return np.diff(cum)


def _subtract(span: tuple[int, int], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`span` minus the `cuts` intervals."""
    parts = [span]
    for c0, c1 in cuts:
        nxt = []
        for a, b in parts:
            if c1 <= a or c0 >= b:
                nxt.append((a, b))
                continue
            if a < c0:
                nxt.append((a, c0))
            if c1 < b:
                nxt.append((c1, b))
        parts = nxt
    return parts


class BusinessDays:
    """Vectorised business-day arithmetic over day indices (0 = start date)."""

    def __init__(self, start_date: dt.date, holidays: Iterable[dt.date]) -> None:
        self.start = np.datetime64(start_date, "D")
        self.holidays = np.array(sorted(set(holidays)), dtype="datetime64[D]")

    def date_of(self, day: np.ndarray) -> np.ndarray:
        """numpy dates of day indices."""
        return self.start + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")

    def day_of(self, date: np.ndarray) -> np.ndarray:
        """Day indices of numpy dates."""
        return (np.asarray(date, dtype="datetime64[D]") - self.start).astype(np.int64)

    def roll_forward(self, day: np.ndarray, days: Sequence[str]) -> np.ndarray:
        """Each day itself if it is one of `days` and not a holiday, else the next such day."""
        d = np.busday_offset(
            self.date_of(day), 0, roll="forward", weekmask=weekmask(days), holidays=self.holidays
        )
        return self.day_of(d)

    def offset(self, day: np.ndarray, n: np.ndarray | int, days: Sequence[str]) -> np.ndarray:
        """The `n`-th business day after `day` (rolled forward first when not a business day)."""
        d = np.busday_offset(
            self.date_of(day),
            np.asarray(n, dtype=np.int64),
            roll="forward",
            weekmask=weekmask(days),
            holidays=self.holidays,
        )
        return self.day_of(d)

    def count(self, begin: np.ndarray, end: np.ndarray, days: Sequence[str]) -> np.ndarray:
        """Business days in [begin, end) (negative when end < begin)."""
        return np.busday_count(
            self.date_of(begin),
            self.date_of(end),
            weekmask=weekmask(days),
            holidays=self.holidays,
        ).astype(np.int64)

    def next_at(
        self, t_min: np.ndarray, time_of_day: str, days: Sequence[str], inclusive: bool = True
    ) -> np.ndarray:
        """Day index of the first `days` day whose `time_of_day` is at or after `t_min`.

        With `inclusive`, a time exactly at `time_of_day` still makes that day (a parcel ready at
        16:00 makes a 16:00 cutoff).
        """
        t = np.asarray(t_min, dtype=float)
        day = np.floor(t / MIN_PER_DAY).astype(np.int64)
        tod = t - day * MIN_PER_DAY
        cut = minutes_of(time_of_day)
        late = tod > cut if inclusive else tod >= cut
        return self.roll_forward(day + late, days)
