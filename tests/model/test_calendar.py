"""Calendar arithmetic by hand: work time across shifts, weekends and holidays; business days.

Day 0 is Monday 2026-01-05; minute m of day d is `d * 1440 + m`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fcsim.model.calendar import MIN_PER_DAY, BusinessDays, WorkCalendar

MON = dt.date(2026, 1, 5)
WEEK = ["mon", "tue", "wed", "thu", "fri"]
HOLIDAY_MON = dt.date(2026, 1, 12)  # day 7


def at(day: int, hhmm: str) -> float:
    h, m = hhmm.split(":")
    return day * MIN_PER_DAY + int(h) * 60 + int(m)


@pytest.fixture
def office() -> WorkCalendar:
    """08:00-12:00 and 13:00-17:00 on weekdays, Monday 12 January off, for three weeks."""
    return WorkCalendar.from_shifts(
        [(WEEK, "08:00", "12:00"), (WEEK, "13:00", "17:00")], MON, 21, [HOLIDAY_MON]
    )


def test_work_pauses_between_shifts_and_over_the_weekend_and_holiday(office) -> None:
    assert office.finish(at(0, "11:30"), 60) == at(0, "13:30")  # lunch break
    assert office.finish(at(0, "16:30"), 60) == at(1, "08:30")  # overnight
    assert office.finish(at(4, "16:00"), 120) == at(8, "09:00")  # weekend + holiday Monday
    assert office.finish(at(5, "10:00"), 10) == at(8, "08:10")  # Saturday: starts Tuesday
    assert office.finish(at(0, "08:00"), 8 * 60) == at(0, "17:00")  # a full day, to the minute
    assert office.finish(at(0, "09:00"), 0) == at(0, "09:00")


def test_work_time_and_paid_minutes_per_day(office) -> None:
    assert office.work(at(0, "12:30")) == 240
    assert office.work(at(1, "00:00")) == 480
    days = office.minutes_per_day(9)
    assert days.tolist() == [480] * 5 + [0, 0, 0, 480]  # weekend, then the holiday


def test_next_working_instant(office) -> None:
    assert office.next_working(at(0, "09:00")) == at(0, "09:00")
    assert office.next_working(at(0, "12:00")) == at(0, "13:00")  # a shift end is not working
    assert office.next_working(at(4, "18:00")) == at(8, "08:00")
    assert office.next_working(at(30, "08:00")) == float("inf")
    assert office.finish(at(30, "08:00"), 1) == float("inf")


def test_night_shift_runs_past_midnight_and_survives_a_holiday_morning() -> None:
    cal = WorkCalendar.from_shifts([(WEEK, "22:00", "06:00")], MON, 14, [HOLIDAY_MON])
    # Friday's night shift ends Saturday 06:00; the next starts Monday 22:00... but Monday is a
    # holiday: no shift starts that day; the next one starts Tuesday 22:00.
    assert cal.finish(at(4, "23:00"), 6 * 60) == at(5, "05:00")
    assert cal.finish(at(5, "05:00"), 2 * 60) == at(8, "23:00")
    # a shift that starts the evening before a holiday still runs into it
    cal2 = WorkCalendar.from_shifts([(WEEK, "22:00", "06:00")], MON, 14, [dt.date(2026, 1, 6)])
    assert cal2.finish(at(0, "22:00"), 8 * 60) == at(1, "06:00")


def test_always_is_round_the_clock() -> None:
    cal = WorkCalendar.always(3)
    assert cal.finish(at(0, "23:30"), 60) == at(1, "00:30")
    assert cal.minutes_per_day(3).tolist() == [1440] * 3


def test_business_days_roll_offset_count_and_cutoffs() -> None:
    bd = BusinessDays(MON, [HOLIDAY_MON])
    days = ["mon", "tue", "wed", "thu", "fri"]
    d = np.array([4, 5, 6, 7])  # Friday, Saturday, Sunday, holiday Monday
    assert bd.roll_forward(d, days).tolist() == [4, 8, 8, 8]
    assert bd.offset(np.array([4]), 1, days).tolist() == [8]  # Friday + 1 = Tuesday
    assert bd.offset(np.array([5]), 0, days).tolist() == [8]  # Saturday rolls to Tuesday
    assert bd.count(np.array([0]), np.array([14]), days).tolist() == [9]  # 10 weekdays - 1
    # cutoffs are inclusive: ready at 16:00 sharp makes the 16:00 collection
    t = np.array([at(4, "15:59"), at(4, "16:00"), at(4, "16:01"), at(3, "23:59")])
    assert bd.next_at(t, "16:00", days).tolist() == [4, 4, 8, 4]
    assert bd.next_at(t[1:2], "16:00", days, inclusive=False).tolist() == [8]
    # Saturday collection when the carrier collects on Saturdays
    assert bd.next_at(t[2:3], "16:00", [*days, "sat"]).tolist() == [5]
    assert bd.date_of(np.array([7]))[0] == np.datetime64("2026-01-12")
    assert bd.day_of(np.array(["2026-01-14"], dtype="datetime64[D]")).tolist() == [9]
