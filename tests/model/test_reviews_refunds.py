"""Refund speed and reviews (customers who react): hand-computed rating, refunds counted from
inspection, slow refunds that dissatisfy, a rating that moves conversion, common random numbers.

The small test scenario (four weeks, 60 orders/day); the reviews run with a customer base.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fcsim.experiment.runs import RunSpec, simulate
from fcsim.model.accounting.refunds import refund_day, slow_refunds
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.catalogue import build_catalogue
from fcsim.model.customer_base import potential_orders
from fcsim.model.demand import generate
from fcsim.model.network import run_strategy
from fcsim.model.reactive import run_reactive
from fcsim.model.reviews import conversion_factor, post_reviews, rating_by_day
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.customer_base import Reviews

from conftest import SMALL

SHORT = ["horizon_days=28"]
REACTIVE = [*SHORT, "customer_base={}"]
SLOW_INSPECTION = [
    "returns.refund_after=inspection",
    "returns.inspect_min_per_unit={dist: deterministic, value: 90}",
    "strategies.own.receivers=1",
]


def _kpis(strategy: str, *overrides: str) -> dict[str, float]:
    sc = load_scenario(SMALL, [*SHORT, *overrides])
    return simulate(RunSpec(sc, strategy, 0, sc.seed)).kpis


def _strategy_run(strategy: str, *overrides: str):
    """(scenario, run) of one strategy on the small scenario's orders, without the KPIs."""
    sc = load_scenario(SMALL, [*SHORT, *overrides])
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    return sc, run_strategy(sc, strategy, orders, cat, streams)


# ------------------------------------------------------------------ the rating, by hand
def test_rating_by_day_hand_computed():
    """Prior 4.6 x 10 reviews, window 2 days: day 0 has nothing posted before it; day 1 sees
    day 0's two 5-star reviews; day 2 days 0-1 (2 x 5 + 1 x 1); day 3 only day 1 and 2."""
    cfg = Reviews(window_days=2, prior_reviews=10, initial_rating=4.6)
    count = np.array([2, 1, 0, 3])
    stars = np.array([10.0, 1.0, 0.0, 15.0])
    r = rating_by_day(cfg, count, stars)
    assert r[0] == pytest.approx(4.6)
    assert r[1] == pytest.approx((46 + 10) / 12)
    assert r[2] == pytest.approx((46 + 11) / 13)
    assert r[3] == pytest.approx((46 + 1) / 11)
    none = Reviews(prior_reviews=0, initial_rating=3.0)
    assert rating_by_day(none, np.zeros(3), np.zeros(3)).tolist() == [3.0, 3.0, 3.0]


def test_conversion_factor_only_below_the_reference():
    cfg = Reviews(reference_rating=4.5, conversion_semi_elasticity_per_star=0.4)
    rating = np.array([5.0, 4.5, 4.0, 3.0])
    visits = np.arange(4) * MIN_PER_DAY + 600.0
    f = conversion_factor(cfg, rating, visits)
    assert f.tolist() == pytest.approx([1.0, 1.0, math.exp(-0.2), math.exp(-0.6)])


def test_reviews_posted_after_the_lag_with_their_stars():
    """Every order reviews (share 1): a satisfied one on day 1 + lag 2 posts on day 3 with
    5 stars, a dissatisfied one 1 star; one still under way (inf) posts nothing."""
    cfg = Reviews(review_share=1.0, lag_days=2, window_days=30, prior_reviews=0)
    verdict = np.array([1.2, 1.5, np.inf]) * MIN_PER_DAY
    bad = np.array([False, True, False])
    r = post_reviews(cfg, np.arange(3), verdict, bad, 6, Streams(1, 0))
    assert r.reviews_by_day.tolist() == [0, 0, 0, 2, 0, 0]
    assert r.stars_by_day[3] == 6.0
    assert r.rating[4] == pytest.approx(3.0)  # (5 + 1) / 2


def test_who_reviews_is_drawn_per_visit_not_in_sequence():
    """Common random numbers: whether a visit reviews depends on the visit only, not on which
    other orders are placed (a strategy that places half the orders sees the same reviewers
    among them). Each visit's verdict falls on its own day, so a review's day names it."""
    cfg = Reviews(review_share=0.5, lag_days=0, prior_reviews=0)
    keys = np.arange(40) * 7 + 3  # visit indices in the superset
    verdict = (np.arange(40) + 0.5) * MIN_PER_DAY
    bad = np.zeros(40, dtype=bool)
    full = post_reviews(cfg, keys, verdict, bad, 40, Streams(1, 0)).reviews_by_day
    assert 5 < full.sum() < 35
    half = post_reviews(cfg, keys[1::2], verdict[1::2], bad[1::2], 40, Streams(1, 0))
    assert half.reviews_by_day[1::2].tolist() == full[1::2].tolist()
    assert half.reviews_by_day[::2].sum() == 0


# ------------------------------------------------------------------ refunds
def test_refund_counted_from_inspection_when_the_scenario_says_so():
    """Receipt: the refund comes `refund_business_days` after the return arrives, whatever
    the staff; inspection with one slow receiver: after the inspection, so later on average,
    and each parcel's refund is 2 business days after max(receipt, inspection) exactly."""
    receipt = _kpis("own", *SLOW_INSPECTION[1:])
    inspection = _kpis("own", *SLOW_INSPECTION)
    assert 2 <= receipt["refund_wait_days_mean"] <= 4  # 2 business days, weekends between
    assert inspection["refund_wait_days_mean"] > receipt["refund_wait_days_mean"] + 1
    assert inspection["return_cycle_days_mean"] > receipt["return_cycle_days_mean"]
    assert receipt["refunds_pending_end"] == 0 < inspection["refunds_pending_end"]
    # a dropship supplier does not inspect: its refunds are the same under both settings
    assert _kpis("drop", *SLOW_INSPECTION)["refund_wait_days_mean"] == pytest.approx(
        _kpis("drop")["refund_wait_days_mean"]
    )

    sc, run = _strategy_run("own", *SLOW_INSPECTION)
    p = run.parcels
    refund = refund_day(sc, run)
    done = p.inspected_day >= 0
    assert done.sum() > 10 and (p.inspected_day[done] >= p.return_day[done]).all()
    bd = BusinessDays(sc.start_date, sc.calendar.holidays)
    by_hand = bd.offset(p.inspected_day[done].astype(np.int64), 2, sc.promise.business_weekdays)
    assert np.array_equal(refund[done], by_hand)
    # received during the run and still queued at its end: no refund yet
    waiting = (p.return_day >= 0) & (p.return_day < run.n_days) & ~done
    assert waiting.sum() > 5 and np.isinf(refund[waiting]).all()
    # arriving after the run's end: refunded from their receipt, as without inspection
    after = p.return_day >= run.n_days
    by_receipt = bd.offset(p.return_day[after].astype(np.int64), 2, sc.promise.business_weekdays)
    assert after.any() and np.array_equal(refund[after], by_receipt)


def test_a_dropship_node_of_a_hybrid_refunds_from_receipt_under_inspection():
    """In a hybrid, `refund_after: inspection` delays the refunds of the warehouse nodes only:
    the returns of its dropship supplier (no inspection) are refunded `refund_business_days`
    after their receipt, none left pending."""
    slow = ["returns.refund_after=inspection", "strategies.hyb.nodes.a.receivers=1"]
    sc, run = _strategy_run("hyb", *SLOW_INSPECTION[1:2], *slow)
    p = run.parcels
    refund = refund_day(sc, run)
    supplier = np.array([n.kind == "supplier" for n in run.nodes])[p.node]
    back = p.return_day >= 0
    bd = BusinessDays(sc.start_date, sc.calendar.holidays)
    days = sc.promise.business_weekdays
    drop = back & supplier
    assert drop.sum() > 5
    by_receipt = bd.offset(p.return_day[drop].astype(np.int64), 2, days)
    assert np.array_equal(refund[drop], by_receipt)
    # the warehouse nodes' returns wait for their inspection: some refunds come later
    wh = back & ~supplier & (p.inspected_day >= 0)
    assert (refund[wh] > bd.offset(p.return_day[wh].astype(np.int64), 2, days)).any()


def test_slow_refund_dissatisfies_and_churns():
    """Refunds beyond 3 days from receipt dissatisfy: with churn share 1, more customers lost
    than when refund speed does not matter; the slow refunds are counted (unknown otherwise)."""
    churn = "customers.churn_share_of_dissatisfied=1"
    off = _kpis("own", churn, *SLOW_INSPECTION)
    on = _kpis("own", churn, *SLOW_INSPECTION, "customers.dissatisfied_after_refund_days=3")
    assert math.isnan(off["slow_refunds"])
    assert on["slow_refunds"] > 5
    assert on["customers_lost"] > off["customers_lost"]
    # the same threshold with fast refunds (from receipt, 2 business days: at most 4 calendar
    # days, over 3 only across a weekend) loses fewer
    fast = _kpis("own", churn, "customers.dissatisfied_after_refund_days=3")
    assert fast["slow_refunds"] < on["slow_refunds"]


# ------------------------------------------------------------------ reviews in the run
def _reactive(*overrides: str):
    sc = load_scenario(SMALL, [*REACTIVE, *overrides])
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    return sc, cat, streams, potential_orders(sc, cat, streams)


def test_with_customers_who_react_a_slow_refund_churns_on_the_day_it_became_slow():
    """Churn share 1, refunds slow beyond 3 days: a customer whose return was refunded too
    slowly has churned by the day the refund became slow (receipt + 3 + 1, 00:00), some of
    them exactly then (well after the delivery), and none of her later visits is placed."""
    sc, cat, streams, pot = _reactive(
        *SLOW_INSPECTION,
        "customers.churn_share_of_dissatisfied=1",
        "customers.dissatisfied_after_refund_days=3",
    )
    rr = run_reactive(sc, "own", pot, cat, streams)
    f, p = rr.facts, rr.run.parcels
    slow, when = slow_refunds(sc, rr.run, refund_day(sc, rr.run))
    assert slow.sum() > 5
    who = f.customer[f.order_keys][p.order[slow]]
    churn = f.churn_min[who]
    assert (churn <= when[slow]).all()
    exact = churn == when[slow]
    assert exact.sum() > 5
    assert (when[slow][exact] > p.delivery_min[slow][exact] + 3 * MIN_PER_DAY).all()
    later = f.placed & (f.visit_min > f.churn_min[f.customer])
    assert not later.any()


def test_reviews_without_pull_change_nothing_but_the_rating():
    """A rating that does not move conversion (semi-elasticity 0) leaves every order as with
    no reviews at all: the same visits placed, the same deliveries."""
    sc0, cat, streams, pot = _reactive()
    sc1, *_ = _reactive("customer_base.reviews={conversion_semi_elasticity_per_star: 0}")
    a = run_reactive(sc0, "own", pot, cat, streams)
    b = run_reactive(sc1, "own", pot, cat, Streams(sc1.seed, 0))
    assert np.array_equal(a.facts.placed, b.facts.placed)
    assert np.array_equal(a.run.parcels.delivery_min, b.run.parcels.delivery_min, equal_nan=True)
    assert a.facts.rating is None and b.facts.rating is not None
    assert b.facts.rating.reviews_by_day.sum() > 0


def test_bad_service_lowers_the_rating_and_conversion():
    """Every order of the slow strategy is late beyond the threshold (a 12-day dropship shown
    as a 2-day promise): its rating falls toward 1 star and its conversion with it; the own
    warehouse keeps its rating near 5 and its conversion."""
    bad_promise = "strategies.drop.promise_business_days=2"
    reviews = "customer_base.reviews={review_share: 0.5, lag_days: 1, prior_reviews: 5}"
    sc = load_scenario(SMALL, [*REACTIVE, bad_promise, reviews])
    own = simulate(RunSpec(sc, "own", 0, sc.seed))
    drop = simulate(RunSpec(sc, "drop", 0, sc.seed))
    assert own.kpis["rating_end"] > 4.5
    assert drop.kpis["rating_end"] < 2.5
    assert drop.kpis["rating_mean"] < own.kpis["rating_mean"]
    assert drop.kpis["conversion_rate"] < own.kpis["conversion_rate"] - 0.02
    assert own.kpis["reviews_posted"] > 50
    # the daily series carry the rating shown and the active customers
    assert drop.daily["rating"][-1] == pytest.approx(drop.kpis["rating_end"])
    last = sc.horizon_days - 1
    assert drop.daily["active_customers"][last] == drop.kpis["active_customers_end"]
    # and with no reviews those KPIs are unknown
    plain = simulate(RunSpec(load_scenario(SMALL, REACTIVE), "own", 0, sc.seed))
    assert math.isnan(plain.kpis["rating_mean"]) and "rating" not in plain.daily


def test_identical_service_gives_identical_orders_with_reviews():
    """Common random numbers kept with reviews: a twin of a strategy places the same visits."""
    twin = "strategies.twin={kind: self, pickers: 2, packers: 2, carriers: [colissimo]}"
    sc, cat, streams, pot = _reactive(twin, "customer_base.reviews={}")
    a = run_reactive(sc, "own", pot, cat, streams)
    b = run_reactive(sc, "twin", pot, cat, Streams(sc.seed, 0))
    assert np.array_equal(a.facts.placed, b.facts.placed)
    assert np.array_equal(a.facts.rating.rating, b.facts.rating.rating)


def test_a_lost_parcel_is_told_after_its_own_promise():
    """Not replaced (`incidents.reship: false`), a lost parcel is announced to its customer at
    the end of the day `lost_detected_after_business_days` business days after the parcel's own
    promised day (the dropship's 12 business days here, not the scenario's promise), and never
    before it shipped: her verdict, for churn and reviews, comes then."""
    from fcsim.model.accounting.outcomes import order_outcomes
    from fcsim.model.reviews import verdict_minutes

    lossy = "carriers[1].loss_probability=0.3"
    sc, run = _strategy_run("drop", "incidents.reship=false", lossy)
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    oc = order_outcomes(sc, run, orders, cat, streams)
    p = run.parcels
    lost = p.lost & (p.ship_min <= run.n_days * MIN_PER_DAY)
    assert lost.sum() > 20
    bd = BusinessDays(sc.start_date, sc.calendar.holidays)
    day = bd.offset(p.promised_day[lost].astype(np.int64), 5, sc.promise.business_weekdays)
    told = np.maximum((day + 1) * MIN_PER_DAY, p.ship_min[lost])
    assert np.array_equal(oc.lost_told_min[p.order[lost]], told)
    assert (told > (p.promised_day[lost] + 1) * MIN_PER_DAY).all()  # after the promise ran out
    verdict = verdict_minutes(sc, oc)
    assert np.array_equal(verdict[p.order[lost]], told)


def test_a_cancelled_backorder_is_judged_when_it_is_cancelled():
    """With customers who react, a backorder her patience cancels makes its customer churn
    (and review) on the day of the cancellation, not at the order: the visits she makes while
    she waits are still placed."""
    from fcsim.model.reviews import verdict_minutes

    starved = "strategies.drop.stock_availability=0.6"
    waits = "strategies.drop.backorder_days={dist: uniform, low: 4, high: 12}"
    churn = "customers.churn_share_of_dissatisfied=1"
    often = "customer_base.orders_per_customer_per_year=24"
    sc, cat, streams, pot = _reactive(starved, waits, churn, often)
    rr = run_reactive(sc, "drop", pot, cat, streams)
    from fcsim.model.accounting.outcomes import order_outcomes

    oc = order_outcomes(sc, rr.run, rr.orders, cat, streams, rr.facts)
    gone = oc.cancelled & (oc.cancelled_min > rr.orders.created_min)
    assert gone.sum() > 10  # cancelled by patience, days after the order
    verdict = verdict_minutes(sc, oc)
    assert np.array_equal(verdict[gone], oc.cancelled_min[gone])
    f = rr.facts
    cust = f.customer[f.order_keys[gone]]
    assert (f.churn_min[cust] <= oc.cancelled_min[gone]).all()
    assert (f.churn_min[cust] > rr.orders.created_min[gone]).any()  # not at the order
