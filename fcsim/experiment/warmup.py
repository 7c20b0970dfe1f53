"""Warm-up detection (MSER-5) and the length of the measured window.

Place in the flow: the summarise step of the pipeline (`fcsim.experiment.results.summary_document`)
calls `warmup_block` on the daily table (one row per strategy x replication x day) to write the
`warmup` block of `summary.json`; the terminal and the report's daily-flow figure read it back.

A run starts empty: no backlog, stock at its initial level. `mser` finds where such a start
stops biasing a series, by the MSER-5 rule (White 1997; White, Cobb and Spratt 2000): the
series (here the mean over replications of each day's backlog and stock on hand) is cut into
batches of 5 days, and the truncation d (in batches) kept is the one that minimises

    MSER(d) = Σ_{i>d} (Y_i − Ȳ_d)² / (m − d)²,

over the m batch means Y_i with d in the first half of the series (a minimum in the second
half says the series never settled: then the whole first half is reported). The detected
warm-up is 5·d days. A scenario's `warmup_days` shorter than the largest detected one is
warned about, as is a measured window (`horizon_days − warmup_days`) shorter than two weeks
(a weekly pattern cannot be averaged out) or two months (a monthly one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

BATCH = 5
"""Days per batch of MSER-5."""
SERIES: tuple[tuple[str, str], ...] = (
    ("backlog_parcels", "backlog"),
    ("stock_units", "stock on hand"),
)
"""The daily columns examined, with their names in messages."""
WEEKLY_DAYS = 14
"""A measured window shorter than this cannot average out a weekly pattern (two weeks)."""
MONTHLY_DAYS = 60
"""A measured window shorter than this cannot average out a monthly pattern (two months)."""


def mser(series: Sequence[float] | np.ndarray, batch: int = BATCH) -> int:
    """The MSER-`batch` truncation point of `series`, in observations (a multiple of `batch`).

    Observations past the last whole batch are left out; a series of fewer than two batches,
    or one that does not vary, gives 0. Non-finite values are refused (ValueError).
    """
    y = np.asarray(series, dtype=float)
    if y.ndim != 1:
        raise ValueError("a one-dimensional series is expected")
    if not np.isfinite(y).all():
        raise ValueError("the series has non-finite values")
    m = len(y) // batch
    if m < 2:
        return 0
    means = y[: m * batch].reshape(m, batch).mean(axis=1)
    best_d, best = 0, np.inf
    for d in range(m // 2 + 1):
        tail = means[d:]
        value = float(((tail - tail.mean()) ** 2).sum()) / (m - d) ** 2
        if value < best - 1e-12 * max(1.0, abs(best) if np.isfinite(best) else 1.0):
            best_d, best = d, value
    return best_d * batch


def window_warnings(horizon_days: int, warmup_days: int) -> list[str]:
    """Why the measured window is too short for a weekly or a monthly pattern (or nothing)."""
    measured = horizon_days - warmup_days
    if measured < WEEKLY_DAYS:
        return [
            f"the measured window is {measured} days (horizon_days {horizon_days} − "
            f"warmup_days {warmup_days}): shorter than two weeks, so the weekly pattern of "
            "orders and staff is not averaged out; lengthen horizon_days"
        ]
    if measured < MONTHLY_DAYS:
        return [
            f"the measured window is {measured} days (horizon_days {horizon_days} − "
            f"warmup_days {warmup_days}): shorter than two months, so monthly patterns "
            "(seasonality, monthly fees and minimums) are not averaged out"
        ]
    return []


def warmup_block(daily: pd.DataFrame, horizon_days: int, warmup_days: int) -> dict[str, Any]:
    """summary.json `warmup`: MSER-5 per strategy and series, the largest, and the warnings."""
    detected: dict[str, dict[str, int]] = {}
    worst: tuple[int, str, str] | None = None
    if not daily.empty and {"strategy", "day"} <= set(daily.columns):
        d = daily[daily["day"] < horizon_days]
        for col, _ in SERIES:
            if col not in d.columns:
                continue
            mean = d.groupby(["strategy", "day"], sort=False)[col].mean()
            for strategy in d["strategy"].drop_duplicates():
                y = mean.loc[strategy].sort_index().to_numpy(float)
                y = y[np.isfinite(y)]
                days = mser(y)
                detected.setdefault(str(strategy), {})[col] = days
                if worst is None or days > worst[0]:
                    worst = (days, str(strategy), col)
    warnings = []
    if worst is not None and worst[0] > warmup_days:
        days, strategy, col = worst
        what = dict(SERIES)[col]
        warnings.append(
            f"warmup_days is {warmup_days} but MSER-5 finds the start still biasing "
            f"{strategy}'s {what} for {days} days: the first days' figures weigh on the "
            f"results; set warmup_days to at least {days} (and horizon_days longer)"
        )
    warnings += window_warnings(horizon_days, warmup_days)
    return {
        "method": f"MSER-{BATCH}",
        "series": [c for c, _ in SERIES],
        "warmup_days": warmup_days,
        "measured_days": horizon_days - warmup_days,
        "detected": detected,
        "detected_days": 0 if worst is None else worst[0],
        "warnings": warnings,
    }
