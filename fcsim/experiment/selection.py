"""Selection of the best strategy: Bonferroni-paired subset selection with an indifference zone.

Place in the flow: the summarise step of the pipeline (`fcsim.experiment.results.summary_document`)
calls `selection_block` on the runs table (one row per strategy x replication) to write the
`selection` block of `summary.json`; the report's cards and the terminal read it back. The
procedure itself, `subset`, is a pure function of a (strategies x replications) array.

The procedure is the screening step of Nelson, Swann, Goldsman and Song (2001, "Simple
procedures for selecting the best simulated system when the number of alternatives is large"),
on differences paired by replication (common random numbers: every strategy of a replication
sees the same orders), with a Bonferroni t quantile over the k − 1 comparisons of each strategy.
For a lower-is-better metric, strategy i stays in the subset when, against every other j,

    mean_i <= mean_j + max(0, W_ij − δ),   W_ij = t(1 − α/(k − 1), n − 1) · S_ij / √n,

where S_ij is the standard deviation of the paired differences X_i − X_j over the n
replications and δ the indifference zone. With probability at least 1 − α the subset holds the
best strategy whenever it is better than every other by at least δ (and, whatever the true
means, a strategy within δ of the best). A subset of one is a selected strategy; a larger
subset holds strategies that these replications cannot separate.

Strategies that could not keep up (`overloaded`) or miss the scenario's service target
(`missed_target`) are left out before the procedure and listed as `excluded`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from fcsim.core.metrics import metric

METHOD = "bonferroni-paired-subset"
"""The procedure's name in summary.json."""
CONFIDENCE = 0.95
"""Default probability of a correct selection."""
SELECTED_METRICS: tuple[str, ...] = ("cost_per_order_eur", "order_to_delivery_h_mean", "late_rate")
"""The metrics ranked by selection: those of the report's glance cards."""
DEFAULT_INDIFFERENCE: dict[str, float] = {
    "cost_per_order_eur": 0.10,  # EUR per order
    "order_to_delivery_h_mean": 1.0,  # hours
    "late_rate": 0.005,  # a share: half a percentage point
}
"""The indifference zone δ of each selected metric, in the metric's unit."""
OVERLOADED = "could not keep up"
MISSES = "misses the service target"


@dataclass(frozen=True)
class Subset:
    """The outcome of `subset` on one metric."""

    kept: tuple[int, ...]  # indices of the strategies in the subset, best mean first
    means: tuple[float, ...]  # every strategy's mean, in input order
    n: int  # replications used (those every strategy has)
    quantile: float  # the Bonferroni t quantile (nan with fewer than 2 replications)


def subset(
    values: np.ndarray,
    delta: float,
    confidence: float = CONFIDENCE,
    lower_is_better: bool = True,
) -> Subset:
    """The subset of rows of `values` (strategies x replications, paired by column) that may be
    the best at `confidence`, for an indifference zone `delta` >= 0 (module docstring).

    Columns with a non-finite value in some row are dropped (their pairing is broken). With a
    single strategy it is kept; with fewer than two replications every strategy is kept.
    """
    if delta < 0 or not math.isfinite(delta):
        raise ValueError(f"the indifference zone must be a number >= 0 (got {delta})")
    if not 0 < confidence < 1:
        raise ValueError(f"the confidence must be between 0 and 1 (got {confidence})")
    x = np.asarray(values, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError("values must be a (strategies x replications) array with a strategy")
    x = x[:, np.isfinite(x).all(axis=0)]
    k, n = x.shape
    sign = 1.0 if lower_is_better else -1.0
    y = sign * x  # lower is better from here on
    means = y.mean(axis=1) if n else np.full(k, math.nan)
    order = tuple(int(i) for i in np.argsort(means, kind="stable"))
    shown = tuple(float(sign * m) for m in means)
    if k == 1:
        return Subset((0,), shown, n, math.nan)
    if n < 2:
        return Subset(order, shown, n, math.nan)
    t = float(sps.t.ppf(1 - (1 - confidence) / (k - 1), n - 1))
    kept = []
    for i in order:
        keep = True
        for j in range(k):
            if j == i:
                continue
            s = float(np.std(y[i] - y[j], ddof=1))
            w = t * s / math.sqrt(n)
            if means[i] > means[j] + max(0.0, w - delta):
                keep = False
                break
        if keep:
            kept.append(i)
    return Subset(tuple(kept), shown, n, t)


@dataclass(frozen=True)
class Settings:
    """The options of selection: δ per metric (in its unit) and the confidence."""

    indifference: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_INDIFFERENCE))
    confidence: float = CONFIDENCE

    def delta(self, key: str) -> float:
        """δ of metric `key` (the default when not given; 0 for a metric without one)."""
        return float(self.indifference.get(key, DEFAULT_INDIFFERENCE.get(key, 0.0)))


def metric_selection(
    runs: pd.DataFrame,
    key: str,
    delta: float,
    confidence: float,
    excluded: Mapping[str, str],
) -> dict[str, Any] | None:
    """The selection entry of metric `key` over the strategies of `runs` not in `excluded`
    (strategy -> why), paired by replication; None when the runs do not have the metric."""
    if runs.empty or key not in runs.columns:
        return None
    m = metric(key)
    strategies = [str(s) for s in runs["strategy"].drop_duplicates()]
    out_of = {s: why for s, why in excluded.items() if s in strategies}
    candidates = [s for s in strategies if s not in out_of]
    entry: dict[str, Any] = {
        "better": m.better,
        "unit": m.unit,
        "indifference": delta,
        "confidence": confidence,
        "candidates": candidates,
        "excluded": out_of,
        "subset": [],
        "selected": None,
        "replications": 0,
        "means": {},
    }
    if not candidates or m.lower_is_better is None:
        return entry
    wide = runs[runs["strategy"].isin(candidates)].pivot_table(
        index="strategy", columns="replication", values=key, aggfunc="first", dropna=False
    )
    wide = wide.reindex(candidates)
    result = subset(wide.to_numpy(float), delta, confidence, m.lower_is_better)
    chosen = [candidates[i] for i in result.kept]
    entry.update(
        subset=chosen,
        selected=chosen[0] if len(chosen) == 1 else None,
        replications=result.n,
        means=dict(zip(candidates, result.means, strict=True)),
    )
    return entry


def selection_block(
    runs: pd.DataFrame,
    excluded: Mapping[str, str],
    settings: Settings | None = None,
    keys: Sequence[str] = SELECTED_METRICS,
) -> dict[str, Any]:
    """summary.json `selection`: the method, the confidence and one entry per selected metric."""
    settings = settings or Settings()
    metrics = {}
    for key in keys:
        e = metric_selection(runs, key, settings.delta(key), settings.confidence, excluded)
        if e is not None:
            metrics[key] = e
    return {"method": METHOD, "confidence": settings.confidence, "metrics": metrics}


def excluded_strategies(overloaded: Mapping[str, Any], missed: Mapping[str, Any]) -> dict[str, str]:
    """Strategy -> why it is left out of selection: it could not keep up, or misses the target."""
    out = dict.fromkeys(missed, MISSES)
    out.update(dict.fromkeys(overloaded, OVERLOADED))
    return out
