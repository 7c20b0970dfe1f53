"""The order stream, generated up front and vectorised; identical for every strategy.

Place in the flow: `experiment.simulate` calls `generate` with the replication's `"demand"`
stream. The result depends only on the scenario's business (catalogue, demand, horizon) and the
seed and replication — never on the strategy — so all strategies see the same orders.

Orders are columns; lines are stored CSR-style: the lines of order i are
`line_start[i]:line_start[i + 1]`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fcsim.calendar import MIN_PER_DAY
from fcsim.catalogue import CatalogueArrays
from fcsim.schema.business import Demand
from fcsim.schema.delivery import Destination
from fcsim.schema.history import HistoryDemand
from fcsim.streams import Streams


@dataclass(frozen=True)
class Orders:
    """Orders and their lines as numpy columns, sorted by creation time."""

    created_min: np.ndarray  # float64, minutes since start
    line_start: np.ndarray  # int64, n_orders + 1 offsets into the line columns
    line_sku: np.ndarray  # int32, SKU index (= sales rank)
    line_units: np.ndarray  # int32, units on the line

    @property
    def n(self) -> int:
        return len(self.created_min)

    @property
    def n_lines(self) -> np.ndarray:
        return np.diff(self.line_start)

    @property
    def line_order(self) -> np.ndarray:
        """Order index of every line."""
        return np.repeat(np.arange(self.n), self.n_lines)


def daily_rates(demand: Demand, start_date: dt.date, n_days: int) -> np.ndarray:
    """Expected orders on each day: base x weekday x month profile x compound growth."""
    dates = np.datetime64(start_date, "D") + np.arange(n_days).astype("timedelta64[D]")
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    month = dates.astype("datetime64[M]").astype(int) % 12
    wk = np.asarray(demand.weekday_profile, float)
    mo = np.asarray(demand.month_profile, float)
    wk = wk / wk.mean()
    mo = mo / mo.mean()
    growth = (1.0 + demand.growth_per_month) ** (np.arange(n_days) / 30.0)
    return demand.orders_per_day * wk[weekday] * mo[month] * growth


def generate(
    demand: Demand | HistoryDemand,
    catalogue: CatalogueArrays,
    start_date: dt.date,
    n_days: int,
    streams: Streams,
) -> Orders:
    """Draw the orders of `n_days` days: Poisson counts per day, times by hour profile.

    Demand from an order history (replay, bootstrap, fit) is made by `fcsim.history`.
    """
    if isinstance(demand, HistoryDemand):
        from fcsim.history.generators import generate_history

        return generate_history(demand, catalogue, start_date, n_days, streams)
    rng = streams.rng("demand")
    counts = rng.poisson(daily_rates(demand, start_date, n_days))
    n = int(counts.sum())
    day = np.repeat(np.arange(n_days), counts)
    hours = np.asarray(demand.hour_profile, float)
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    created = day * MIN_PER_DAY + hour * 60.0 + rng.random(n) * 60.0
    created.sort()

    n_lines = np.maximum(1, np.rint(demand.lines_per_order.ppf(rng.random(n)))).astype(np.int64)
    n_lines = np.minimum(n_lines, catalogue.n)
    line_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_lines, out=line_start[1:])
    total = int(line_start[-1])
    cum = np.cumsum(catalogue.popularity)
    cum[-1] = 1.0
    sku = np.searchsorted(cum, rng.random(total), side="right").astype(np.int32)
    units = np.maximum(1, np.rint(demand.units_per_line.ppf(rng.random(total)))).astype(np.int32)
    return Orders(created_min=created, line_start=line_start, line_sku=sku, line_units=units)


def order_zones(destinations: Sequence[Destination], n_orders: int, streams: Streams) -> np.ndarray:
    """Destination zone index of every order, by the zones' shares (same in every strategy)."""
    shares = np.array([d.share for d in destinations], dtype=float)
    if len(shares) == 1:
        return np.zeros(n_orders, dtype=np.int16)
    cum = np.cumsum(shares / shares.sum())
    cum[-1] = 1.0
    u = streams.keyed("destination", np.arange(n_orders))
    return np.searchsorted(cum, u, side="right").astype(np.int16)
