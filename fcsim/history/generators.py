"""Orders of the horizon made from an order history: replay, bootstrap or fit.

Place in the flow: `fcsim.demand.generate` hands a `HistoryDemand` here with the catalogue
and the replication's streams. Like the parametric demand, the orders depend only on the
scenario's business, the seed and the replication — never on the strategy — and come back
sorted by creation time.

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

import numpy as np

from fcsim.calendar import MIN_PER_DAY
from fcsim.catalogue import CatalogueArrays
from fcsim.demand import Orders
from fcsim.history.cache import load_fit, load_history
from fcsim.history.fit import DAYS_PER_MONTH, calendar_of
from fcsim.history.orders import History
from fcsim.schema.business import Demand
from fcsim.schema.history import HistoryDemand
from fcsim.streams import Streams


def generate_history(
    demand: HistoryDemand,
    catalogue: CatalogueArrays,
    start_date: dt.date,
    n_days: int,
    streams: Streams,
) -> Orders:
    """The orders of `n_days` days from `start_date`, made from the history by `demand.mode`."""
    history = load_history(demand)
    sku_map = sku_indices(history, catalogue)
    if demand.mode == "replay":
        return replay(history, sku_map, start_date, n_days)
    if demand.mode == "bootstrap":
        return bootstrap(history, sku_map, start_date, n_days, demand.growth, streams)
    return fit_orders(demand, history, sku_map, catalogue, start_date, n_days, streams)


def sku_indices(history: History, catalogue: CatalogueArrays) -> np.ndarray:
    """Catalogue index of every SKU rank of the history."""
    if catalogue.sku_code is None:
        raise ValueError("the catalogue has no SKU codes to match the order history against")
    index = {code: i for i, code in enumerate(catalogue.sku_code.tolist())}
    missing = [c for c in history.sku_codes.tolist() if c not in index]
    if missing:
        raise ValueError(f"SKUs of the history missing from the catalogue: {missing[:5]}")
    return np.array([index[c] for c in history.sku_codes.tolist()], dtype=np.int32)


def weekday_offset(first_day: np.datetime64, start_date: dt.date) -> int:
    """Days from the horizon start to the first day with the history's first weekday."""
    first_wd = (first_day.astype("datetime64[D]").view("int64") - 4) % 7
    return int((first_wd - start_date.weekday()) % 7)


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
    start_date: dt.date,
    n_days: int,
    streams: Streams,
) -> Orders:
    """Orders drawn from the model fitted to the history (see `fit.py`)."""
    from fcsim.demand import generate

    model = projected_demand(demand, start_date)
    orders = generate(model, catalogue, start_date, n_days, streams)
    if demand.baskets == "independent":
        return orders
    rng = streams.rng("demand")
    idx = rng.integers(history.n, size=orders.n)
    return take(history, sku_map, idx, orders.created_min)


def projected_demand(demand: HistoryDemand, start_date: dt.date) -> Demand:
    """The fitted `Demand` moved to the horizon: growth applied, trend continued if asked."""
    fitted = load_fit(demand)
    history = load_history(demand)
    base = fitted.demand
    level = fitted.level * (1.0 + demand.growth)
    if demand.trend:
        middle = history.first_day + np.timedelta64((history.n_days - 1) // 2, "D")
        months = (np.datetime64(start_date, "D") - middle).astype(np.int64) / DAYS_PER_MONTH
        level *= (1.0 + base.growth_per_month) ** months
        return base.model_copy(update={"orders_per_day": float(level)})
    return base.model_copy(update={"orders_per_day": float(level), "growth_per_month": 0.0})
