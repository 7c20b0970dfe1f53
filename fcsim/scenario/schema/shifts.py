"""Schema of a warehouse's working time: its shifts, their breaks, its overtime rule (D14).

Place in the flow: `WarehouseNode.shifts` and `WarehouseNode.overtime` (`nodes.py`), and the
operating plans `fcsim advise` may choose between (`sizing.py`), which set the same keys. The
model's calendar (`fcsim.model.calendar`) turns the shifts into working minutes.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from fcsim.core.timeofday import MIN_PER_DAY
from fcsim.scenario.schema.base import MON_FRI, Model, TimeOfDay, Weekday, errors_at, minutes_of


class Break(Model):
    """A break within a shift."""

    start: TimeOfDay = Field(description="Break start, HH:MM.")
    end: TimeOfDay = Field(description="Break end, HH:MM.")


class Overtime(Model):
    """Overtime when the backlog is high: shifts are extended, paid at a premium (D14)."""

    backlog_threshold_parcels: int = Field(
        ge=0, description="Parcels waiting at the start of a working day that trigger overtime."
    )
    max_hours_per_day: float = Field(
        default=2.0, gt=0, le=12, description="Hours added after the day's last shift."
    )
    premium: float = Field(
        default=0.25, ge=0, le=3, description="Extra pay for overtime hours (0.25 = +25 %)."
    )


class Shift(Model):
    """A working shift of the warehouse staff on the given weekdays (local time)."""

    days: list[Weekday] = Field(
        default_factory=lambda: list(MON_FRI), min_length=1, description="Weekdays of the shift."
    )
    start: TimeOfDay = Field(description="Shift start, HH:MM.")
    end: TimeOfDay = Field(
        description="Shift end, HH:MM; an end at or before the start runs past midnight."
    )
    breaks: list[Break] = Field(
        default_factory=list, description="Unpaid breaks within the shift (no work is done)."
    )

    @model_validator(mode="after")
    def _breaks_inside(self) -> Shift:
        """Every break lies inside the shift (read as the calendar reads it: past midnight too)."""
        s, e = minutes_of(self.start), minutes_of(self.end)
        e += MIN_PER_DAY if e <= s else 0
        found = []
        for i, b in enumerate(self.breaks):
            bs, be = minutes_of(b.start), minutes_of(b.end)
            if bs < s:
                bs, be = bs + MIN_PER_DAY, be + MIN_PER_DAY
            be += MIN_PER_DAY if be <= bs else 0
            if b.start == b.end:
                why = f"the break starts and ends at {b.start}: give it a length"
            elif not (s <= bs and be <= e):
                why = (
                    f"the break {b.start}-{b.end} is not inside the shift {self.start}-"
                    f"{self.end}: a break must start and end within its shift"
                )
            else:
                continue
            found.append((("breaks", i), why, b.model_dump()))
        if found:
            raise errors_at("Shift", found)
        return self
