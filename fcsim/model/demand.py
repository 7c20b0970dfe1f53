"""The order stream, generated up front and vectorised; identical for every strategy.

Place in the flow: `fcsim.experiment.runs.simulate` calls `generate` with the replication's
`"demand"` stream. The result depends only on the scenario's business (catalogue, demand, horizon)
and the seed and replication — never on the strategy — so all strategies see the same orders.

Orders are columns; lines are stored CSR-style: the lines of order i are
`line_start[i]:line_start[i + 1]`.

Demand from an order history (its content in `Scenario.data`, read when the scenario was
loaded) is made by `generate_history`, by the history's `mode`:

- replay: every order of the history, on the same weekday and time of day: the history's
  first day goes to the first horizon day with the same weekday (0-6 days in). The same in
  every replication. Orders falling after the horizon are left out.
- bootstrap: each horizon day takes all the orders (baskets and times) of a history day drawn
  at random among the days with the same weekday in the same month (the nearest month with
  such days when the history has none). `growth` thins (below 0) or repeats (above 0) orders at
  random: each order is kept `1 + growth` times on average; a repeated order takes the time
  of another order of its day.
- fit: daily counts from the fitted Poisson model (`fit.py`), times from the hour profile;
  baskets drawn whole from the history (`baskets: resample`) or line by line by popularity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fcsim.history.fit import DAYS_PER_MONTH, calendar_of, weekday_offset
from fcsim.history.orders import History
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.streams import Streams
from fcsim.scenario.schema.business import Demand
from fcsim.scenario.schema.content import NO_DATA, ScenarioData
from fcsim.scenario.schema.delivery import Destination
from fcsim.scenario.schema.history import HistoryDemand


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
    *,
    data: ScenarioData = NO_DATA,
) -> Orders:
    """Draw the orders of `n_days` days: Poisson counts per day, times by hour profile.

    Demand from an order history (replay, bootstrap, fit; its content in `data`, read when the
    scenario was loaded) is made by `generate_history`.
    """
    if isinstance(demand, HistoryDemand):
        return generate_history(demand, catalogue, start_date, n_days, streams, data=data)
    rng = streams.rng("demand")
    counts = rng.poisson(daily_rates(demand, start_date, n_days))
    n = int(counts.sum())
    day = np.repeat(np.arange(n_days), counts)
    hours = np.asarray(demand.hour_profile, float)
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    created = day * MIN_PER_DAY + hour * 60.0 + rng.random(n) * 60.0
    created.sort()

    n_lines = np.maximum(1, np.rint(demand.lines_per_order.ppf(rng.random(n)))).astype(np.int64)
    n_lines = np.minimum(n_lines, int(np.count_nonzero(catalogue.popularity > 0)))
    line_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_lines, out=line_start[1:])
    total = int(line_start[-1])
    cum = np.cumsum(catalogue.popularity)
    cum[-1] = 1.0
    sku = np.searchsorted(cum, rng.random(total), side="right").astype(np.int32)
    units = np.maximum(1, np.rint(demand.units_per_line.ppf(rng.random(total)))).astype(np.int32)
    sku = distinct_skus(sku, line_start, catalogue.popularity, streams.rng("demand.distinct_skus"))
    return Orders(created_min=created, line_start=line_start, line_sku=sku, line_units=units)


MAX_REDRAW_ROUNDS = 64
"""Rounds of redrawing repeated SKUs before the last orders are drawn exactly (see below)."""


def _repeats(sku: np.ndarray, pos: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Which of the lines `rows` hold a SKU that already stands on an earlier line of their order.

    `pos` is every line's position in its order (0 for its first line), `rows` ascending line
    indices with `pos > 0`. Each line is compared with the lines 1, 2, ... places before it in
    its order: a few vectorised passes, as many as the longest order has lines, with no sort.
    """
    out = np.zeros(len(rows), dtype=bool)
    sel = np.arange(len(rows))
    back = 1
    while len(sel):
        r = rows[sel]
        out[sel[sku[r] == sku[r - back]]] = True
        back += 1
        sel = sel[pos[r] >= back]
    return out


def distinct_skus(
    sku: np.ndarray, line_start: np.ndarray, popularity: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The lines of each order made distinct SKUs, drawn by popularity without replacement.

    A line whose SKU repeats an earlier line of its order is drawn again by popularity until
    every line of the order is a different SKU: the order's SKUs are then a draw without
    replacement (each next SKU by popularity among those not yet in the basket). The first
    line of each order, and every line that was already distinct, keep the SKU drawn first, so
    the redraws (from their own stream) change only the repeated lines. The few orders still
    repeating a SKU after `MAX_REDRAW_ROUNDS` rounds (a basket holding most of a tiny catalogue)
    are drawn whole, exactly, by the Efraimidis–Spirakis method. Needs at most as many lines
    per order as SKUs of positive popularity.
    """
    sku = sku.copy()
    n_lines = np.diff(line_start)
    line_order = np.repeat(np.arange(len(line_start) - 1), n_lines)
    pos = np.arange(len(sku)) - np.repeat(line_start[:-1], n_lines)
    rows = np.flatnonzero(pos > 0)  # only a line after the first can repeat one
    cum = np.cumsum(popularity)
    cum[-1] = 1.0
    for _ in range(MAX_REDRAW_ROUNDS):
        again = rows[_repeats(sku, pos, rows)]  # ascending: the redraws keep line order
        if not len(again):
            return sku
        sku[again] = np.searchsorted(cum, rng.random(len(again)), side="right")
        redrawn = np.zeros(len(line_start) - 1, dtype=bool)
        redrawn[line_order[again]] = True
        rows = rows[redrawn[line_order[rows]]]  # the other orders are distinct already
    positive = np.flatnonzero(popularity > 0)
    with np.errstate(divide="ignore"):
        log_w = np.log(popularity[positive])
    for o in np.unique(line_order[rows[_repeats(sku, pos, rows)]]):
        lo, hi = int(line_start[o]), int(line_start[o + 1])
        keys = np.log(-np.log(rng.random(len(positive)))) - log_w  # smallest k: E-S draw
        sku[lo:hi] = positive[np.argsort(keys, kind="stable")[: hi - lo]]
    return sku


def order_zones(destinations: Sequence[Destination], n_orders: int, streams: Streams) -> np.ndarray:
    """Destination zone index of every order, by the zones' shares (same in every strategy)."""
    shares = np.array([d.share for d in destinations], dtype=float)
    if len(shares) == 1:
        return np.zeros(n_orders, dtype=np.int16)
    cum = np.cumsum(shares / shares.sum())
    cum[-1] = 1.0
    u = streams.keyed("destination", np.arange(n_orders))
    return np.searchsorted(cum, u, side="right").astype(np.int16)


def generate_history(
    demand: HistoryDemand,
    catalogue: CatalogueArrays,
    start_date: dt.date,
    n_days: int,
    streams: Streams,
    *,
    data: ScenarioData,
) -> Orders:
    """The orders of `n_days` days from `start_date`, made from the history by `demand.mode`."""
    history = data.history_for(demand)
    sku_map = sku_indices(history, catalogue)
    if demand.mode == "replay":
        return replay(history, sku_map, start_date, n_days)
    if demand.mode == "bootstrap":
        return bootstrap(
            history, sku_map, start_date, n_days, growth=demand.growth, streams=streams
        )
    return fit_orders(
        demand,
        history,
        sku_map,
        catalogue,
        start_date=start_date,
        n_days=n_days,
        streams=streams,
        data=data,
    )


def sku_indices(history: History, catalogue: CatalogueArrays) -> np.ndarray:
    """Catalogue index of every SKU rank of the history."""
    if catalogue.sku_code is None:
        raise ValueError("the catalogue has no SKU codes to match the order history against")
    index = {code: i for i, code in enumerate(catalogue.sku_code.tolist())}
    missing = [c for c in history.sku_codes.tolist() if c not in index]
    if missing:
        raise ValueError(f"SKUs of the history missing from the catalogue: {missing[:5]}")
    return np.array([index[c] for c in history.sku_codes.tolist()], dtype=np.int32)


def take(history: History, sku_map: np.ndarray, idx: np.ndarray, created_min: np.ndarray) -> Orders:
    """Orders made of the baskets of history orders `idx` at times `created_min`, sorted."""
    sort = np.argsort(created_min, kind="stable")
    idx, created = idx[sort], created_min[sort]
    starts = history.line_start[idx]
    counts = history.line_start[idx + 1] - starts
    line_start = np.zeros(len(idx) + 1, dtype=np.int64)
    np.cumsum(counts, out=line_start[1:])
    lines = np.repeat(starts - line_start[:-1], counts) + np.arange(int(line_start[-1]))
    return Orders(
        created_min=created.astype(np.float64),
        line_start=line_start,
        line_sku=sku_map[history.line_sku[lines]].astype(np.int32),
        line_units=history.line_units[lines].astype(np.int32),
    )


def replay(history: History, sku_map: np.ndarray, start_date: dt.date, n_days: int) -> Orders:
    """The history's orders as they were, weekdays aligned, cut at the end of the horizon."""
    day = history.day + weekday_offset(history.first_day, start_date)
    created = day * float(MIN_PER_DAY) + history.minute_of_day
    idx = np.flatnonzero(created < n_days * MIN_PER_DAY)
    return take(history, sku_map, idx, created[idx])


def source_days(
    history: History, start_date: dt.date, n_days: int, rng: np.random.Generator
) -> np.ndarray:
    """For each horizon day, a history day with the same weekday, same (or nearest) month."""
    h_wd, h_month = calendar_of(history.first_day, history.n_days)
    t_wd, t_month = calendar_of(np.datetime64(start_date, "D"), n_days)
    out = np.empty(n_days, dtype=np.int64)
    keys = t_wd * 12 + t_month
    for key in np.unique(keys):
        wd, month = divmod(int(key), 12)
        same_wd = h_wd == wd
        dist = np.abs(h_month[same_wd] - month)
        dist = np.minimum(dist, 12 - dist)
        pool = np.flatnonzero(same_wd)[dist == dist.min()]
        targets = np.flatnonzero(keys == key)
        out[targets] = pool[rng.integers(len(pool), size=len(targets))]
    return out


def bootstrap(
    history: History,
    sku_map: np.ndarray,
    start_date: dt.date,
    n_days: int,
    *,
    growth: float,
    streams: Streams,
) -> Orders:
    """Whole history days resampled by weekday and month; `growth` thins or repeats orders."""
    rng = streams.rng("demand")
    src = source_days(history, start_date, n_days, rng)
    day_start = np.searchsorted(history.day, np.arange(history.n_days + 1))
    counts = day_start[src + 1] - day_start[src]
    target = np.repeat(np.arange(n_days), counts)
    first = np.repeat(day_start[src], counts)
    idx = first + (np.arange(len(target)) - np.repeat(np.cumsum(counts) - counts, counts))
    times = history.minute_of_day[idx]
    factor = 1.0 + growth
    copies = np.floor(factor).astype(np.int64) + (rng.random(len(idx)) < factor % 1.0)
    basket = np.repeat(idx, copies)
    day = np.repeat(target, copies)
    minute = np.repeat(times, copies)
    first_copy = np.zeros(len(basket), dtype=bool)
    first_copy[(np.cumsum(copies) - copies)[copies > 0]] = True
    extra = ~first_copy
    if extra.any():
        # a repeated order takes the time of a random order of the same source day
        src_first = np.repeat(first, copies)[extra]
        src_count = np.repeat(np.repeat(counts, counts), copies)[extra]
        pick = src_first + np.floor(rng.random(int(extra.sum())) * src_count).astype(np.int64)
        minute[extra] = history.minute_of_day[pick]
    return take(history, sku_map, basket, day * float(MIN_PER_DAY) + minute)


def fit_orders(
    demand: HistoryDemand,
    history: History,
    sku_map: np.ndarray,
    catalogue: CatalogueArrays,
    *,
    start_date: dt.date,
    n_days: int,
    streams: Streams,
    data: ScenarioData,
) -> Orders:
    """Orders drawn from the model fitted to the history (see `fcsim.history.fit`)."""
    model = projected_demand(demand, start_date, data)
    orders = generate(model, catalogue, start_date, n_days, streams)
    if demand.baskets == "independent":
        return orders
    rng = streams.rng("demand")
    idx = rng.integers(history.n, size=orders.n)
    return take(history, sku_map, idx, orders.created_min)


def projected_demand(demand: HistoryDemand, start_date: dt.date, data: ScenarioData) -> Demand:
    """The fitted `Demand` moved to the horizon: growth applied, trend continued if asked."""
    fitted = data.fit_for(demand)
    history = data.history_for(demand)
    base = data.demand_for(demand)
    level = fitted.level * (1.0 + demand.growth)
    if demand.trend:
        middle = history.first_day + np.timedelta64((history.n_days - 1) // 2, "D")
        months = (np.datetime64(start_date, "D") - middle).astype(np.int64) / DAYS_PER_MONTH
        level *= (1.0 + base.growth_per_month) ** months
        return base.model_copy(update={"orders_per_day": float(level)})
    return base.model_copy(update={"orders_per_day": float(level), "growth_per_month": 0.0})
