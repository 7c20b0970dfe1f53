"""Checks a model makes of itself: breaks inside their shift, one headcount change per date."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from fcsim.scenario.schema.nodes import SelfNode, Shift


@pytest.mark.parametrize(
    ("start", "end", "breaks"),
    [
        ("08:00", "16:00", [("08:00", "08:30"), ("12:00", "12:30"), ("15:30", "16:00")]),
        ("22:00", "06:00", [("23:30", "00:15"), ("02:00", "02:30")]),  # past midnight
        ("06:00", "06:00", [("05:00", "05:30")]),  # a 24-hour shift
    ],
)
def test_breaks_inside_their_shift_are_accepted(start: str, end: str, breaks: list) -> None:
    Shift(start=start, end=end, breaks=[{"start": a, "end": b} for a, b in breaks])


@pytest.mark.parametrize(
    ("start", "end", "brk", "index"),
    [
        ("08:00", "16:00", ("07:00", "17:00"), 1),  # around the shift: read as the next day
        ("08:00", "16:00", ("15:45", "16:15"), 1),
        ("22:00", "06:00", ("05:30", "07:00"), 1),
        ("08:00", "16:00", ("12:00", "12:00"), 1),
    ],
)
def test_a_break_outside_its_shift_is_refused_at_its_index(
    start: str, end: str, brk: tuple[str, str], index: int
) -> None:
    ok = (
        {"start": "23:00", "end": "23:30"}
        if start == "22:00"
        else {"start": "12:00", "end": "12:30"}
    )
    with pytest.raises(ValidationError) as err:
        Shift(start=start, end=end, breaks=[ok, {"start": brk[0], "end": brk[1]}])
    (only,) = err.value.errors()
    assert only["loc"] == ("breaks", index)


def test_two_staffing_changes_on_one_date_are_refused_at_the_second() -> None:
    with pytest.raises(ValidationError) as err:
        SelfNode(
            kind="self",
            carriers=["c"],
            staffing=[
                {"from_date": dt.date(2026, 2, 2), "pickers": 3},
                {"from_date": dt.date(2026, 2, 9), "pickers": 4},
                {"from_date": dt.date(2026, 2, 2), "pickers": 5},
            ],
        )
    (only,) = err.value.errors()
    assert only["loc"] == ("staffing", 2, "from_date")
    assert "already the date of staffing[0]" in only["msg"]
