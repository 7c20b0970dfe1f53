"""Clock and weekday helpers: `HH:MM` strings, minutes after midnight, numpy weekmasks.

Place in the flow: the lowest layer. The scenario schema uses them to check times of day and
weekday lists; the model's calendar uses them to lay out shifts, cutoffs and business days.
"""

from __future__ import annotations

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as scenarios write them, Monday first (numpy's weekmask order)."""

MIN_PER_DAY = 1440
"""Minutes in a day: simulation day d covers [d * MIN_PER_DAY, (d + 1) * MIN_PER_DAY)."""


def minutes_of(hhmm: str) -> int:
    """Minutes after midnight of an `HH:MM` string."""
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def weekmask(days: tuple[str, ...] | list[str]) -> str:
    """numpy busday weekmask (`"1111100"`) for a list of weekday names."""
    return "".join("1" if d in days else "0" for d in WEEKDAYS)
