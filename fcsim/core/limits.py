"""Largest figures fcsim accepts, so that every count fits the model's 32-bit integer arrays.

Place in the flow: the lowest layer. The scenario schema (`units_per_line`, `lines_per_order`,
the distributions of days) and the order-history reader (`fcsim.history.orders`) refuse figures
above these bounds with their key path or row, before anything is simulated: a pasted barcode in
a quantity column or a typo of `1e12` must be an error, not a silent overflow to negative units
and costs.
"""

from __future__ import annotations

MAX_UNITS_PER_LINE = 1_000_000
"""Units on one order line (history rows and the `units_per_line` distribution)."""

MAX_LINES_PER_ORDER = 1_000
"""Order lines of one order (the `lines_per_order` distribution)."""

MAX_UNITS_PER_ORDER = MAX_UNITS_PER_LINE * MAX_LINES_PER_ORDER
"""Units of one order, all its lines together (history orders)."""

MAX_DAYS = 36_500
"""Days of a delay, lead time or processing time (a hundred years: only a typo comes near)."""

INT32_MAX = 2**31 - 1
assert MAX_UNITS_PER_ORDER < INT32_MAX  # a parcel's units are held in 32 bits

__all__ = [
    "INT32_MAX",
    "MAX_DAYS",
    "MAX_LINES_PER_ORDER",
    "MAX_UNITS_PER_LINE",
    "MAX_UNITS_PER_ORDER",
]
