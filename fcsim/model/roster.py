"""A warehouse's headcounts and carton size, from its configuration.

Place in the flow: a `WarehouseModel` (`model/warehouse.py`), when it is built, sizes its staff
pools from `headcount_by_day` (after the node's staffing changes) and counts the cartons a 3PL
bills with `units_per_carton`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from fcsim.scenario.schema.nodes import ThirdPartyNode, WarehouseNode


def headcount_by_day(cfg: WarehouseNode, start: dt.date, n_days: int) -> dict[str, np.ndarray]:
    """Pickers, packers and receivers per day, after the node's staffing changes."""
    out = {
        role: np.full(n_days, getattr(cfg, role), dtype=np.int64)
        for role in ("pickers", "packers", "receivers")
    }
    for change in sorted(cfg.staffing, key=lambda c: c.from_date):
        first = max(0, (change.from_date - start).days)
        for role, h in out.items():
            value = getattr(change, role)
            if value is not None:
                h[first:] = value
    return out


def units_per_carton(cfg: WarehouseNode) -> int:
    """Units in an inbound carton: a 3PL's billing figure, else the purchase case pack."""
    if isinstance(cfg, ThirdPartyNode) and cfg.fees.receiving_units_per_carton is not None:
        return cfg.fees.receiving_units_per_carton
    return cfg.replenishment.case_pack_units


def roster(headcount: np.ndarray) -> int | np.ndarray:
    """A staff pool's headcount: a number when it never changes, else the per-day array."""
    return int(headcount[0]) if (headcount == headcount[0]).all() else headcount
