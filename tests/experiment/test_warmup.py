"""MSER-5 warm-up detection: hand cases, a synthetic transient, and the warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fcsim.experiment.warmup import mser, warmup_block, window_warnings


def test_hand_case_one_high_batch() -> None:
    # batch means 10, 0, 0, 0, 0, 0: cutting one batch leaves a constant tail (MSER 0)
    assert mser([10.0] * 5 + [0.0] * 25) == 5


def test_hand_case_values() -> None:
    # batch means 6, 2, 1, 1: MSER(0) = 17/16 = 1.0625, MSER(1) = 0.667/9 = 0.074,
    # MSER(2) = 0/4 = 0: the cut is 2 batches (10 days) — d runs over the first half only
    y = [6.0] * 5 + [2.0] * 5 + [1.0] * 10
    assert mser(y) == 10


def test_flat_and_short_series() -> None:
    assert mser([3.0] * 40) == 0
    assert mser([1.0, 2.0, 3.0]) == 0  # less than two batches
    with pytest.raises(ValueError):
        mser([1.0, np.nan] * 10)


def test_known_transient_is_found() -> None:
    """An exponential start (60 above the level, time constant 10 days) on noise of sd 1: the
    bias falls under the noise at about 41 days. Over 30 random series MSER-5 never cuts before
    35 days (the bias still 1.8 sd), its median cut is 40–60 days; with no transient, nothing
    is cut in most series."""
    t = np.arange(365)
    cuts, flat = [], []
    for seed in range(30):
        noise = np.random.default_rng(seed).normal(0.0, 1.0, size=len(t))
        cuts.append(mser(100.0 + 60.0 * np.exp(-t / 10.0) + noise))
        flat.append(mser(100.0 + noise))
    assert min(cuts) >= 35 and 40 <= np.median(cuts) <= 60 and max(cuts) <= 180
    assert np.median(flat) == 0 and np.mean(np.array(flat) <= 25) >= 0.8


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=0, max_size=200), st.floats(-1e3, 1e3))
# any finite series gives a cut of whole batches within its first half
def test_properties(values: list[float], shift: float) -> None:
    d = mser(values)
    m = len(values) // 5
    assert d % 5 == 0 and 0 <= d <= 5 * (m // 2)
    assert mser([v + shift for v in values[: 5 * m]]) % 5 == 0  # whole batches only


def test_window_warnings() -> None:
    assert window_warnings(91, 28) == []
    (weekly,) = window_warnings(30, 20)
    assert "10 days" in weekly and "two weeks" in weekly
    (monthly,) = window_warnings(70, 28)
    assert "42 days" in monthly and "two months" in monthly


def test_block_warns_when_warmup_days_is_shorter() -> None:
    days = np.arange(100)
    rows = []
    for strategy, lag in (("a", 30.0), ("b", 0.0)):
        for rep in range(2):
            backlog = 50.0 * (days < lag) + 5.0 + rep
            rows.append(
                pd.DataFrame(
                    {
                        "strategy": strategy,
                        "replication": rep,
                        "day": days,
                        "backlog_parcels": backlog,
                        "stock_units": 1000.0,
                    }
                )
            )
    daily = pd.concat(rows, ignore_index=True)
    block = warmup_block(daily, horizon_days=90, warmup_days=10)
    assert block["detected"]["a"]["backlog_parcels"] == 30
    assert block["detected"]["b"] == {"backlog_parcels": 0, "stock_units": 0}
    assert block["detected_days"] == 30 and block["measured_days"] == 80
    (warning,) = block["warnings"]
    assert "warmup_days is 10" in warning and "a's backlog for 30 days" in warning
    assert warmup_block(daily, 90, 30)["warnings"] == []
    assert warmup_block(pd.DataFrame(), 30, 20)["warnings"] == window_warnings(30, 20)
