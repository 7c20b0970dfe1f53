"""What a warehouse node expects to sell: its share of each SKU and its demand per day.

Place in the flow: a `WarehouseModel` (`model/warehouse.py`), when it is built, sizes its
stock targets from the units routing sends it (`demand_share`) and, with
`replenishment.follow_forecast`, from its expected demand per day (`demand_forecast`).
"""

from __future__ import annotations

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.context import RunContext
from fcsim.model.demand import daily_rates
from fcsim.scenario.schema.business import Demand


def demand_forecast(ctx: RunContext, ids: np.ndarray, smooth_days: int = 28) -> np.ndarray:
    """Expected demand at this node per day, relative to its average day.

    The demand model's level (month profile, growth; 1 for an order history) times this node's
    share of each day's units, smoothed over four weeks (routing by season or region changes
    it), relative to the node's average share.
    """
    sc = ctx.scenario
    n = ctx.n_days
    demand = sc.demand
    if isinstance(demand, Demand):
        level = daily_rates(demand, sc.start_date, n) / demand.orders_per_day
    else:
        level = np.ones(n)
    o = ctx.orders
    lines, _ = ctx.parcels.lines_of_many(ids)
    day_of_line = np.floor(o.created_min[o.line_order] / MIN_PER_DAY).astype(np.int64)
    here = np.bincount(day_of_line[lines], weights=o.line_units[lines], minlength=n)[:n]
    every = np.bincount(day_of_line, weights=o.line_units, minlength=n)[:n]
    here_s, every_s = _moving_sum(here, smooth_days), _moving_sum(every, smooth_days)
    overall = here.sum() / every.sum() if every.sum() else 0.0
    if overall == 0:
        return level
    share = np.divide(here_s, every_s * overall, out=np.ones(n), where=every_s > 0)
    last = int(np.flatnonzero(every_s > 0)[-1]) if (every_s > 0).any() else 0
    share[last + 1 :] = share[last]
    return level * share


def _moving_sum(x: np.ndarray, width: int) -> np.ndarray:
    """Sum over a centred window of `width` days (shorter at the ends), same length as x."""
    cum = np.concatenate([[0.0], np.cumsum(x)])
    i = np.arange(len(x))
    lo = np.clip(i - width // 2, 0, len(x))
    hi = np.clip(i + (width + 1) // 2, 0, len(x))
    return cum[hi] - cum[lo]


def demand_share(ctx: RunContext, ids: np.ndarray) -> np.ndarray:
    """Share of each SKU's units that the parcels `ids` carry (what routing sends this node)."""
    lines, _ = ctx.parcels.lines_of_many(ids)
    o = ctx.orders
    n = ctx.catalogue.n
    here = np.bincount(o.line_sku[lines], weights=o.line_units[lines], minlength=n)
    total = np.bincount(o.line_sku, weights=o.line_units, minlength=n)
    return np.divide(here, total, out=np.zeros(n), where=total > 0)
