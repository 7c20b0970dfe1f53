"""A parametric demand fitted to an order history: the `fit` mode and the inspect summary.

Place in the flow: `fcsim.model.demand.fit_orders` draws orders from the fitted model; the catalogue
uses the fitted volume for expected daily sales; `inspect-data` prints the fitted figures.

The model of the orders of day d (Poisson):
    mean_d = level x weekday[wd(d)] x month[m(d)] x exp(trend x (d - middle) / 30)
fitted by maximum likelihood: iterative proportional fitting of the weekday and month factors
(each factor's fitted total equals its observed total, which is the Poisson likelihood
equation of a log-linear model) alternating with a Newton step on the trend. The month profile
needs a full year of history; with less it stays flat. With one to two years, month factors
and a trend cannot be told apart reliably: the trend is then left at 0 (the month profile holds
the year's growth); it is fitted with two years or more, or with 4 weeks to a year. Times of
day come from the hour histogram, lines per order and units per line from their empirical
distributions, SKU popularity from the share of order lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from fcsim.core.distributions import Empirical
from fcsim.history.orders import History

DAYS_PER_MONTH = 30.0
FULL_YEAR_DAYS = 365
MIN_TREND_DAYS = 28
MAX_GROWTH_PER_MONTH = 2.0  # bounds of a scenario's demand.growth_per_month
MIN_GROWTH_PER_MONTH = -0.5


@dataclass(frozen=True)
class FittedDemand:
    """Fitted figures of a history: the parametric demand at the history's middle.

    The scenario layer turns them into a scenario `Demand` (`fcsim.scenario.data.fitted_demand`).
    """

    daily_counts: np.ndarray  # orders on each history day
    level: float  # mean orders/day at the middle of the history, profiles averaged out
    weekday: np.ndarray  # 7 factors, mean 1
    month: np.ndarray  # 12 factors, mean 1 (flat without a full year)
    months_fitted: bool
    trend_fitted: bool
    trend_per_month: float  # fitted growth per 30 days (0.05 = +5 %)
    dispersion: float  # variance / mean of daily counts around the fitted means
    growth_per_month: float  # the trend, bounded as a scenario's growth_per_month
    hour_profile: list[float]  # orders by hour of day
    lines_per_order: Empirical
    units_per_line: Empirical

    @property
    def daily_mean(self) -> float:
        return float(self.daily_counts.mean())


def daily_counts(history: History) -> np.ndarray:
    """Orders on each calendar day of the history (days without orders count as 0)."""
    return np.bincount(history.day, minlength=history.n_days).astype(float)


def calendar_of(first_day: np.datetime64, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Weekday (0 = Monday) and month (0 = January) of `n_days` days from `first_day`."""
    dates = first_day + np.arange(n_days).astype("timedelta64[D]")
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01: Thursday
    month = dates.astype("datetime64[M]").astype(np.int64) % 12
    return weekday, month


def weekday_offset(first_day: np.datetime64, start_date: dt.date) -> int:
    """Days from the horizon start to the first day with the history's first weekday."""
    first_wd = (first_day.astype("datetime64[D]").view("int64") - 4) % 7
    return int((first_wd - start_date.weekday()) % 7)


def fit_history(history: History, iterations: int = 200) -> FittedDemand:
    """Fit the daily volume model and the basket distributions to `history`."""
    counts = daily_counts(history)
    n = len(counts)
    weekday, month = calendar_of(history.first_day, n)
    months_fitted = n >= FULL_YEAR_DAYS
    trend_fitted = n >= 2 * FULL_YEAR_DAYS or (not months_fitted and n >= MIN_TREND_DAYS)
    t = (np.arange(n) - (n - 1) / 2.0) / DAYS_PER_MONTH
    w = np.ones(7)
    m = np.ones(12)
    b = 0.0
    level = counts.mean()
    for _ in range(iterations):
        prev = (w.copy(), m.copy(), b)
        base = np.exp(b * t)
        w = _ratio(counts, level * m[month] * base, weekday, 7, w)
        if months_fitted:
            m = _ratio(counts, level * w[weekday] * base, month, 12, m)
        mu = level * w[weekday] * m[month] * np.exp(b * t)
        level *= counts.sum() / mu.sum()
        mu = level * w[weekday] * m[month] * np.exp(b * t)
        if trend_fitted:
            grad = float(np.dot(t, counts - mu))
            hess = float(np.dot(t * t, mu))
            b = float(np.clip(b + grad / hess if hess > 0 else b, -3.0, 3.0))
        if (
            np.allclose(prev[0], w, rtol=1e-10, atol=1e-12)
            and np.allclose(prev[1], m, rtol=1e-10, atol=1e-12)
            and abs(prev[2] - b) < 1e-12
        ):
            break
    # normalise the factors to a mean of 1; the level carries the scale
    wm, mm = w.mean(), m.mean()
    w, m = w / wm, m / mm
    level *= wm * mm
    mu = level * w[weekday] * m[month] * np.exp(b * t)
    dispersion = float(np.sum((counts - mu) ** 2 / np.maximum(mu, 1e-9)) / max(1, n - 1))
    trend = float(np.expm1(b))
    return FittedDemand(
        growth_per_month=float(np.clip(trend, MIN_GROWTH_PER_MONTH, MAX_GROWTH_PER_MONTH)),
        hour_profile=hour_profile(history),
        lines_per_order=_empirical(history.n_lines),
        units_per_line=_empirical(history.line_units),
        daily_counts=counts,
        level=float(level),
        weekday=w,
        month=m,
        months_fitted=months_fitted,
        trend_fitted=trend_fitted,
        trend_per_month=trend,
        dispersion=dispersion,
    )


def _ratio(
    counts: np.ndarray, rest: np.ndarray, group: np.ndarray, k: int, current: np.ndarray
) -> np.ndarray:
    """One proportional-fitting step: each group's factor so that fitted = observed totals."""
    obs = np.bincount(group, weights=counts, minlength=k)
    exp = np.bincount(group, weights=rest, minlength=k)
    return np.where(exp > 0, obs / np.where(exp > 0, exp, 1.0), current)


def hour_profile(history: History) -> list[float]:
    """Share of orders created in each hour 00..23."""
    hours = np.minimum((history.minute_of_day // 60).astype(np.int64), 23)
    counts = np.bincount(hours, minlength=24).astype(float)
    return [float(x) for x in counts / counts.sum()]


def _empirical(values: np.ndarray) -> Empirical:
    vals, counts = np.unique(np.asarray(values, dtype=np.int64), return_counts=True)
    return Empirical(
        dist="empirical",
        values=[float(v) for v in vals],
        weights=[float(c) for c in counts],
    )


def sku_popularity(history: History) -> np.ndarray:
    """Share of order lines of each SKU rank (sums to 1, decreasing)."""
    lines = history.sku_lines().astype(float)
    return lines / lines.sum()
