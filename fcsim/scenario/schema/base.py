"""Building blocks shared by every part of the scenario schema.

Place in the flow: imported by the other `fcsim.scenario.schema` modules. Holds the frozen,
extra-forbidding base model, the `HH:MM` time-of-day type, weekday names and distributions
bounded by the largest value they may draw.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from fcsim.core.distributions import Distribution
from fcsim.core.limits import MAX_DAYS, MAX_LINES_PER_ORDER, MAX_UNITS_PER_LINE
from fcsim.core.timeofday import WEEKDAYS, minutes_of, weekmask
from fcsim.scenario.schema.policy_names import policy_names

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MON_FRI: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
MON_SAT: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat")

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


def _check_hhmm(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(f"must be a time of day as HH:MM between 00:00 and 24:00 (got {value!r})")
    return value


TimeOfDay = Annotated[
    str,
    AfterValidator(_check_hhmm),
    Field(json_schema_extra={"pattern": r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$"}),
]
"""A local time of day written `HH:MM` (quote it in YAML: `"16:00"`)."""


Probability = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
    ),
]
"""A name usable in dotted keys: letters, digits, `_` and `-`."""


def _figure(x: float) -> str:
    return f"{x:,.0f}" if abs(x) < 1e15 else f"{x:.3g}"


def _at_most(limit: float, unit: str) -> Callable[[Any], Any]:
    """A check that a distribution's largest draw is at most `limit`.

    Unbounded distributions (exponential, lognormal, gamma) are judged by the largest value they
    can draw, their one-in-10¹² tail included: a mean fit for the figure keeps it far below.
    """

    def check(dist: Any) -> Any:
        top = dist.largest()
        if not top <= limit:
            raise ValueError(
                f"can draw up to {_figure(top)} {unit}; at most {_figure(limit)} are allowed"
            )
        return dist

    return check


LinesPerOrder = Annotated[
    Distribution, AfterValidator(_at_most(MAX_LINES_PER_ORDER, "lines per order"))
]
"""Order lines per order: at most `MAX_LINES_PER_ORDER`, whatever is drawn."""
UnitsPerLine = Annotated[
    Distribution, AfterValidator(_at_most(MAX_UNITS_PER_LINE, "units per line"))
]
"""Units per order line: at most `MAX_UNITS_PER_LINE`, whatever is drawn."""
DaysDistribution = Annotated[Distribution, AfterValidator(_at_most(MAX_DAYS, "days"))]
"""A delay, lead time or processing time in days: at most `MAX_DAYS`, whatever is drawn."""


def errors_at(title: str, found: list[tuple[tuple[str | int, ...], str, Any]]) -> ValidationError:
    """Problems found by a model's own check, each at its key path below the model.

    `found` holds (key path, message, value). Raised from a validator, the error's paths are
    prefixed with the model's own: `shifts[0].breaks[1]`, not just `shifts[0]`.
    """
    details = [
        InitErrorDetails(
            type=PydanticCustomError("value_error", "{message}", {"message": message}),
            loc=loc,
            input=value,
        )
        for loc, message, value in found
    ]
    return ValidationError.from_exception_data(title, details)


def registered_policy(kind: str) -> object:
    """A string type that must name a registered policy of `kind` (an enum in the JSON Schema)."""
    names = policy_names(kind)

    def check(value: str) -> str:
        if value not in names:
            raise ValueError(f"unknown {kind} policy {value!r}; choose one of: {', '.join(names)}")
        return value

    return Annotated[str, AfterValidator(check), Field(json_schema_extra={"enum": names})]


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, values are frozen, types strict.

    Strict types mean `pickers: yes` or `pickers: 2.5` are errors rather than silent casts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class OmitDefaults(Model):
    """A model whose `omit_when_default` keys are left out of its dump while at their default.

    For keys of mechanisms that are off by default: a scenario that does not use them dumps
    (and hashes, `Scenario.content_hash`) exactly as before they existed, so its run store
    entries and regression baseline stay valid.
    """

    omit_when_default: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _omit_defaults(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in self.omit_when_default:
                field = type(self).model_fields[name]
                if getattr(self, name) == field.get_default(call_default_factory=True):
                    data.pop(field.alias or name, None)
        return data


__all__ = ["WEEKDAYS", "minutes_of", "weekmask"]  # re-exported for the schema modules
