"""Demand from a history: fit recovers a known model, replay is exact, bootstrap keeps weekdays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from fcsim.core.distributions import Empirical
from fcsim.history.fit import calendar_of, daily_counts, fit_history
from fcsim.history.orders import read_history
from fcsim.history.table import Problems
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.demand import bootstrap, replay
from fcsim.model.streams import Streams
from fcsim.scenario.schema.business import Demand

from conftest import ROOT

SAMPLE = ROOT / "scenarios" / "data" / "apparel_orders.csv"
WEEKDAY = [1.3, 1.1, 1.0, 1.0, 0.9, 0.7, 1.0]


def _catalogue(n: int) -> CatalogueArrays:
    pop = np.ones(n)  # flat: a SKU is rarely drawn twice in one order
    ones = np.ones(n)
    return CatalogueArrays(
        popularity=pop / pop.sum(), category=np.zeros(n, dtype=np.int64), category_names=["x"],
        category_storage_class=["ambient"],
        price_eur=ones, cost_eur=ones, weight_kg=ones, volume_l=ones, units_per_pallet=ones,
        return_rate=0 * ones, soft=ones > 0, fragile=ones < 0, daily_units=ones,
        fragility=np.ones(n, dtype=np.int8), shelf_life_days=np.zeros(n, dtype=np.int32),
        sku_code=np.array([f"S{i}" for i in range(n)], dtype=object),
    )  # fmt: skip


def _write_orders(path: Path, orders, catalogue: CatalogueArrays, start: dt.date) -> None:
    """An export of `orders` as a shop would write it: one row per SKU of each order."""
    t0 = np.datetime64(start, "s")
    created = t0 + (orders.created_min * 60).astype("timedelta64[s]")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("order_id,created_at,sku,quantity\n")
        for i in range(orders.n):
            when = str(created[i]).replace("T", " ")
            basket: dict[str, int] = {}
            for j in range(orders.line_start[i], orders.line_start[i + 1]):
                sku = catalogue.sku_code[orders.line_sku[j]]
                basket[sku] = basket.get(sku, 0) + int(orders.line_units[j])
            for sku, units in basket.items():
                fh.write(f"{i + 1},{when},{sku},{units}\n")


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory):
    """A year (52 weeks) of orders from a known Poisson model, exported and read back."""
    from fcsim.model.demand import generate

    demand = Demand(
        kind="poisson",
        orders_per_day=40.0,
        weekday_profile=WEEKDAY,
        lines_per_order=Empirical(dist="empirical", values=[1, 2, 3], weights=[6, 3, 1]),
    )
    cat = _catalogue(300)
    start = dt.date(2025, 1, 6)  # a Monday
    orders = generate(demand, cat, start, 364, Streams(11, 0))
    path = tmp_path_factory.mktemp("known") / "orders.csv"
    _write_orders(path, orders, cat, start)
    problems = Problems()
    history = read_history(path, problems)
    assert not problems
    return demand, orders, history


def test_fit_recovers_the_daily_mean_weekday_profile_and_lines(known) -> None:
    demand, orders, history = known
    assert history.n == orders.n
    fit = fit_history(history)
    n_days = history.n_days
    # daily mean: Poisson, so its standard error is sqrt(mean / days)
    se_mean = np.sqrt(demand.orders_per_day / n_days)
    assert abs(fit.level - demand.orders_per_day) < 3 * se_mean
    assert abs(fit.daily_mean - demand.orders_per_day) < 3 * se_mean
    # weekday factor k: (mean of 52 Poisson days) / overall mean
    truth = np.array(WEEKDAY) / np.mean(WEEKDAY)
    se_wd = np.sqrt(demand.orders_per_day * truth / 52) / demand.orders_per_day
    assert np.all(np.abs(fit.weekday - truth) < 3.5 * se_wd), (fit.weekday, truth)
    assert not fit.months_fitted and np.allclose(fit.month, 1.0)  # under a year: flat
    # lines per order: mean 1.5, sd 0.67 (a SKU drawn twice in an order is exported as one
    # line, which is rare with this flat catalogue)
    lines = demand.lines_per_order
    se_lines = np.sqrt(lines.var() / history.n)
    merged = orders.n_lines.mean() - history.n_lines.mean()
    assert 0 <= merged < 0.01
    assert abs(fit.lines_per_order.mean() - lines.mean()) < 3 * se_lines + merged


def test_fit_on_a_flat_model_finds_no_trend_or_weekday_effect(known) -> None:
    _, _, history = known
    fit = fit_history(history)
    assert fit.trend_fitted and abs(fit.trend_per_month) < 0.02  # generated without growth
    assert 0.7 < fit.dispersion < 1.3  # Poisson counts around the fitted means


def _history():
    problems = Problems()
    h = read_history(SAMPLE, problems, timezone="Europe/Paris")
    assert not problems
    return h


def test_replay_reproduces_the_orders_and_every_days_volume() -> None:
    h = _history()
    sku_map = np.arange(len(h.sku_codes), dtype=np.int32)
    start = dt.date(2026, 1, 7)  # a Wednesday, like 2025-01-01: no shift
    orders = replay(h, sku_map, start, h.n_days)
    assert orders.n == h.n
    day = (orders.created_min // MIN_PER_DAY).astype(np.int64)
    assert np.array_equal(np.bincount(day, minlength=h.n_days), daily_counts(h))
    assert np.array_equal(orders.n_lines, h.n_lines)
    assert np.array_equal(orders.line_units, h.line_units)
    # a Monday start: the history moves two days in, weekdays kept
    shifted = replay(h, sku_map, dt.date(2026, 1, 5), h.n_days + 2)
    assert shifted.n == h.n and shifted.created_min.min() >= 2 * MIN_PER_DAY


def test_bootstrap_keeps_weekday_means_and_differs_between_replications() -> None:
    h = _history()
    sku_map = np.arange(len(h.sku_codes), dtype=np.int32)
    counts = daily_counts(h)
    h_wd, _ = calendar_of(h.first_day, h.n_days)
    start, n_days, reps = dt.date(2026, 1, 5), 364, 4
    t_wd, _ = calendar_of(np.datetime64(start, "D"), n_days)
    per_rep = []
    for rep in range(reps):
        orders = bootstrap(h, sku_map, start, n_days, growth=0.0, streams=Streams(5, rep))
        assert np.all(np.diff(orders.created_min) >= 0)
        day = (orders.created_min // MIN_PER_DAY).astype(np.int64)
        per_rep.append(np.bincount(day, minlength=n_days))
    assert not np.array_equal(per_rep[0], per_rep[1])
    sim = np.concatenate(per_rep)
    sim_wd = np.tile(t_wd, reps)
    for wd in range(7):
        hist = counts[h_wd == wd]
        got = sim[sim_wd == wd]
        se = np.sqrt(hist.var(ddof=1) / len(hist) + hist.var(ddof=1) / len(got))
        assert abs(got.mean() - hist.mean()) < 3.5 * se, (wd, got.mean(), hist.mean())


def test_bootstrap_growth_scales_volume_and_keeps_baskets() -> None:
    h = _history()
    sku_map = np.arange(len(h.sku_codes), dtype=np.int32)
    start = dt.date(2026, 1, 5)
    base = bootstrap(h, sku_map, start, 364, growth=0.0, streams=Streams(9, 0))
    more = bootstrap(h, sku_map, start, 364, growth=0.5, streams=Streams(9, 0))
    ratio = more.n / base.n
    assert abs(ratio - 1.5) < 0.05
    assert abs(more.n_lines.mean() - h.n_lines.mean()) < 0.05


def test_the_same_streams_give_the_same_orders() -> None:
    h = _history()
    sku_map = np.arange(len(h.sku_codes), dtype=np.int32)
    a = bootstrap(h, sku_map, dt.date(2026, 1, 5), 60, growth=0.2, streams=Streams(3, 1))
    b = bootstrap(h, sku_map, dt.date(2026, 1, 5), 60, growth=0.2, streams=Streams(3, 1))
    assert np.array_equal(a.created_min, b.created_min)
    assert np.array_equal(a.line_sku, b.line_sku)


def test_scenario_catalogue_ranks_skus_by_history_sales(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the scenario: SKU index = sales rank, every mode generates sorted orders."""
    from fcsim.model.catalogue import build_catalogue
    from fcsim.model.demand import generate
    from fcsim.scenario.load import load_scenario

    path = ROOT / "scenarios" / "history_apparel.yaml"
    for sets in (
        ["demand.mode=replay", "demand.growth=0"],
        ["demand.mode=bootstrap"],
        ["demand.mode=fit"],
        ["demand.mode=fit", "demand.baskets=independent"],
    ):
        sc = load_scenario(path, sets)
        cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
        assert np.all(np.diff(cat.popularity) <= 0) and cat.popularity.sum() == pytest.approx(1)
        one = generate(
            sc.demand, cat, sc.start_date, sc.horizon_days, Streams(sc.seed, 0), data=sc.data
        )
        two = generate(
            sc.demand, cat, sc.start_date, sc.horizon_days, Streams(sc.seed, 1), data=sc.data
        )
        assert np.all(np.diff(one.created_min) >= 0)
        assert one.created_min.max() < sc.horizon_days * MIN_PER_DAY
        lines = np.bincount(one.line_sku, minlength=cat.n)
        assert lines[:10].sum() > lines[-10:].sum()  # best-sellers first
        if "demand.mode=replay" in sets:
            assert np.array_equal(one.created_min, two.created_min)
        else:
            assert one.n != two.n or not np.array_equal(one.created_min, two.created_min)
