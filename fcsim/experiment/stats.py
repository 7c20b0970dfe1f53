"""Statistics over replications: means with 95 % t-intervals, paired differences.

Place in the flow: in the summarise step of the pipeline (`fcsim.experiment.pipeline`),
`summarise` turns the runs table (one row per strategy x replication) into per-strategy
intervals, and `paired` into intervals of the difference of each strategy against the reference,
replication by replication. Because every strategy of a replication sees the same orders and the
same customer behaviour (common random numbers), paired intervals are narrower than comparing
two unpaired intervals: `unpaired` gives the Welch interval of the same difference, as if the
runs were independent, to show what common random numbers buy. The sizing search
(`fcsim.experiment.sizing`) uses `interval` and `paired_difference` at each point it evaluates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats as sps

from fcsim.core.metrics import is_metric

CONFIDENCE = 0.95


def interval(values: Iterable[float], confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean and two-sided t-interval; nan bounds with fewer than 2 finite values."""
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    n = len(v)
    if n == 0:
        return {"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 0}
    mean = float(v.mean())
    if n < 2:
        return {"mean": mean, "ci_low": math.nan, "ci_high": math.nan, "n": 1}
    sd = float(v.std(ddof=1))
    half = float(sps.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def metric_columns(runs: pd.DataFrame) -> list[str]:
    """The KPI columns of a runs table: the registered metrics (`fcsim.core.metrics`) it has."""
    return [c for c in runs.columns if is_metric(c) and pd.api.types.is_numeric_dtype(runs[c])]


def summarise(runs: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """strategy -> metric -> {mean, ci_low, ci_high, n}."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    cols = metric_columns(runs)
    for strategy, group in runs.groupby("strategy", sort=False):
        out[str(strategy)] = {c: interval(group[c]) for c in cols}
    return out


def paired(runs: pd.DataFrame, reference: str) -> dict[str, dict[str, dict[str, float]]]:
    """strategy -> metric -> interval of (strategy - reference), paired by replication."""
    cols = metric_columns(runs)
    ref = runs[runs["strategy"] == reference].set_index("replication")
    out: dict[str, dict[str, dict[str, float]]] = {}
    for strategy, group in runs.groupby("strategy", sort=False):
        if strategy == reference:
            continue
        g = group.set_index("replication")
        common = g.index.intersection(ref.index)
        out[str(strategy)] = {
            c: interval((g.loc[common, c] - ref.loc[common, c]).to_numpy()) for c in cols
        }
    return out


def welch(
    a: Iterable[float], b: Iterable[float], confidence: float = CONFIDENCE
) -> dict[str, float]:
    """Mean of `a` minus mean of `b` with a Welch t-interval (independent samples)."""
    x = np.asarray(list(a), dtype=float)
    y = np.asarray(list(b), dtype=float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    n = min(len(x), len(y))
    if len(x) == 0 or len(y) == 0:
        return {"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 0}
    mean = float(x.mean() - y.mean())
    if len(x) < 2 or len(y) < 2:
        return {"mean": mean, "ci_low": math.nan, "ci_high": math.nan, "n": n}
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = math.sqrt(vx + vy)
    if se == 0:
        return {"mean": mean, "ci_low": mean, "ci_high": mean, "n": n}
    df = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    half = float(sps.t.ppf(0.5 + confidence / 2, df)) * se
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def unpaired(runs: pd.DataFrame, reference: str) -> dict[str, dict[str, dict[str, float]]]:
    """strategy -> metric -> Welch interval of (strategy - reference), ignoring the pairing."""
    cols = metric_columns(runs)
    ref = runs[runs["strategy"] == reference]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for strategy, group in runs.groupby("strategy", sort=False):
        if strategy == reference:
            continue
        out[str(strategy)] = {c: welch(group[c], ref[c]) for c in cols}
    return out


def paired_difference(
    a: pd.DataFrame, b: pd.DataFrame, metric: str, on: str = "replication"
) -> dict[str, float]:
    """Interval of `a[metric] - b[metric]`, rows matched on `on` (common random numbers)."""
    x = a.set_index(on)[metric]
    y = b.set_index(on)[metric]
    common = x.index.intersection(y.index)
    return interval((x.loc[common] - y.loc[common]).to_numpy())


def half_width(entry: dict[str, float]) -> float:
    """Half-width of an interval entry (nan when undefined)."""
    return (entry["ci_high"] - entry["ci_low"]) / 2


def figures(x: float, half: float | None = None, finest: float | None = None) -> str:
    """`x` written with the digits its interval carries: to two significant figures of the
    interval's half-width (three of `x` itself without an interval), never finer than `finest`
    (a grid step), rounded half away from zero, with thousands separators."""
    if not math.isfinite(x):
        return f"{x}"
    if half is not None and math.isfinite(half) and half > 0:
        step = 10.0 ** (math.floor(math.log10(half)) - 1)
    elif x != 0:
        step = 10.0 ** (math.floor(math.log10(abs(x))) - 2)
    else:
        return "0"
    if finest is not None and finest > 0:
        step = max(step, 10.0 ** math.floor(math.log10(finest)))
    digits = max(0, -round(math.log10(step)))
    value = math.copysign(math.floor(abs(x) / step + 0.5) * step, x)
    return f"{value:,.{digits}f}"
