"""Cost per order month by month: sums by month, replication by replication, and crossovers.

Hand cases: strategy A costs 10 EUR/order until March and 12 from April, B 11 throughout, so
the cheapest changes from A to B in April, clearly (every replication agrees); with noise
that swamps the difference, the same change is "not separable"; a strategy that could not
keep up is never the cheapest.
"""

from __future__ import annotations

import pandas as pd

from fcsim.report import monthly


def _daily(cost_a, cost_b, reps: int = 3, days: int = 120) -> pd.DataFrame:
    """Two strategies, 100 orders a day from 2026-01-01; cost per order by date (and
    replication, when the cost function takes it)."""
    dates = pd.date_range("2026-01-01", periods=days, freq="D")
    rows = []
    for s, cost in (("a", cost_a), ("b", cost_b)):
        for r in range(reps):
            for d, date in enumerate(dates):
                per = cost(date, r) if cost.__code__.co_argcount == 2 else cost(date)
                rows.append((s, r, d, date, 100.0, 100.0 * per))
    cols = ["strategy", "replication", "day", "date", "orders_created", "cost_eur"]
    return pd.DataFrame(rows, columns=cols)


def _a(date: pd.Timestamp) -> float:
    return 10.0 if date.month < 4 else 12.0


def _b(date: pd.Timestamp) -> float:
    return 11.0


def test_monthly_cost_per_order_is_the_month_cost_over_the_month_orders() -> None:
    m = monthly.monthly_costs(_daily(_a, _b), horizon_days=120, warmup_days=31)
    # January is the warm-up; April 30 days + 90-119 = Apr 1..Apr 30 (days 90-119)
    assert sorted(m["month"].unique()) == ["2026-02", "2026-03", "2026-04"]
    a = m[m["strategy"] == "a"].groupby("month")["cost_per_order_eur"].mean()
    assert a.round(9).to_dict() == {"2026-02": 10.0, "2026-03": 10.0, "2026-04": 12.0}
    feb = m[(m["strategy"] == "a") & (m["month"] == "2026-02") & (m["replication"] == 0)]
    assert float(feb["orders"].iloc[0]) == 28 * 100


def test_a_partial_month_is_left_out() -> None:
    # days 0-64: January, February, and March 1-6 (6 days < MIN_DAYS)
    m = monthly.monthly_costs(_daily(_a, _b, days=65))
    assert sorted(m["month"].unique()) == ["2026-01", "2026-02"]


def test_the_cheapest_changing_is_a_clear_crossover() -> None:
    m = monthly.monthly_costs(_daily(_a, _b))
    assert monthly.crossovers(m, ["a", "b"]) == [
        monthly.Crossover("2026-04", before="a", after="b", clear=True)
    ]


def test_a_crossover_inside_the_noise_is_not_separable() -> None:
    def a(date: pd.Timestamp) -> float:
        return 10.0 if date.month < 4 else 11.2

    def b(date: pd.Timestamp, rep: int) -> float:
        # April: 9, 13 and 11.3 by replication, a mean of 11.1 below a's 11.2, but the paired
        # differences (+2.2, -1.8, -0.1) do not exclude zero
        return 11.0 if date.month < 4 else (9.0, 13.0, 11.3)[rep]

    m = monthly.monthly_costs(_daily(a, b))
    assert monthly.crossovers(m, ["a", "b"]) == [
        monthly.Crossover("2026-04", before="a", after="b", clear=False)
    ]
    fig = monthly.monthly_cost_per_order(_daily(a, b), ["a", "b"])
    assert [x.text for x in fig.layout.annotations] == ["cheapest: a → b (not separable)"]


def test_a_strategy_that_could_not_keep_up_is_never_the_cheapest() -> None:
    m = monthly.monthly_costs(_daily(_a, _b))
    assert monthly.crossovers(m, ["b"]) == []
    fig = monthly.monthly_cost_per_order(_daily(_a, _b), ["a", "b"], overloaded={"a"})
    names = [t.name for t in fig.data if t.name]
    assert "a (could not keep up)" in names
    assert not fig.layout.annotations  # no crossover marked: only b is feasible


def test_the_chart_marks_the_crossover_and_draws_bands() -> None:
    fig = monthly.monthly_cost_per_order(_daily(_a, _b), ["a", "b"])
    assert [a.text for a in fig.layout.annotations] == ["cheapest: a → b"]
    assert sum(1 for t in fig.data if t.fill == "toself") == 2


def test_one_month_draws_nothing() -> None:
    assert monthly.monthly_cost_per_order(_daily(_a, _b, days=31), ["a", "b"]) is None
