"""Reductions of outcome columns that KPIs share: means and percentiles that skip NaN.

Place in the flow: used by `fcsim.model.accounting.kpis` and `operations` on the columns of one
run; a column with no value gives NaN (reported as "–"), never an error.
"""

from __future__ import annotations

import numpy as np


def _safe_div(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


def _pct(values: np.ndarray, q: float) -> float:
    v = values[~np.isnan(values)]
    return float(np.percentile(v, q)) if len(v) else float("nan")


def _mean(values: np.ndarray) -> float:
    v = values[~np.isnan(values)]
    return float(v.mean()) if len(v) else float("nan")
