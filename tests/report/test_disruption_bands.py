"""Disruption days shaded on the report's daily series (from the daily column alone)."""

from __future__ import annotations

import pandas as pd
import pytest

from fcsim.report.series import daily_series, disruption_bands


def daily(active: list[int]) -> pd.DataFrame:
    n = len(active)
    return pd.DataFrame(
        {
            "strategy": ["a"] * n,
            "replication": [0] * n,
            "day": range(n),
            "date": pd.date_range("2026-01-05", periods=n).strftime("%Y-%m-%d"),
            "orders_created": [10.0] * n,
            "disruptions_active": [float(x) for x in active],
        }
    )


def test_consecutive_disruption_days_make_one_band_each() -> None:
    d = daily([0, 1, 1, 0, 0, 2, 0, 1])
    assert disruption_bands(d) == [(1, 2), (5, 5), (7, 7)]
    assert disruption_bands(d, horizon_days=6) == [(1, 2), (5, 5)]  # drain days not drawn
    assert disruption_bands(d.drop(columns="disruptions_active")) == []


def test_the_bands_are_drawn_on_every_panel() -> None:
    fig = daily_series(daily([0] * 7 + [1] * 3 + [0] * 11), ["a"], "2026-01-05", 21)
    assert fig is not None
    shapes = [s for s in fig.layout.shapes if s.fillcolor == "#d62728"]
    assert len(shapes) == 1
    assert str(shapes[0].x0).startswith("2026-01-12") and str(shapes[0].x1).startswith("2026-01-15")


def test_customers_panels_with_their_own_number_format() -> None:
    """With customers who react the page draws active customers and the rating (two decimals);
    without those columns neither panel is there."""
    d = daily([0] * 14).assign(active_customers=5000.0, rating=[4.6] * 7 + [4.2] * 7)
    fig = daily_series(d, ["a"], "2026-01-05", 14)
    titles = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("Active customers") for t in titles)
    assert any(t.startswith("Shop rating") for t in titles)
    rating = [t for t in fig.data if "%{y:.2f}" in t.hovertemplate]
    assert len(rating) == 1 and list(rating[0].y) == pytest.approx([4.6, 4.2])
    plain = daily_series(daily([0] * 14), ["a"], "2026-01-05", 14)
    assert not any(a.text.startswith("Shop rating") for a in plain.layout.annotations)
