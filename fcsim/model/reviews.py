"""Reviews (opt-in, `customer_base.reviews`): the shop's rolling rating and its pull on conversion.

Place in the flow: `model/reactive.py`, after each pass of a strategy, turns the pass's order
outcomes into the reviews its customers post (`post_reviews`), the rating shown each day
(`rating_by_day`) and the factor that rating puts on the next pass's conversion at checkout
(`conversion_factor`). Arithmetic only, keyed noise: the same customers review in every strategy.

- Who reviews: a share `review_share` of the orders, drawn per visit (keyed, purpose "reviews").
- When: `lag_days` after the customer's verdict (`verdict_minutes`): the delivery; for a lost
  parcel when she is told (the end of its promised day + the detection delay in business
  days, never before it shipped); for a cancellation when it happened; for a customer dissatisfied
  only by a slow refund, the day the refund became slow. Orders still under way post nothing.
- Stars: `stars_dissatisfied` from a dissatisfied customer (late beyond the threshold, lost,
  damaged or wrong item, surprise fee, slow refund), `stars_satisfied` otherwise.
- Rating shown on day d: the mean of the reviews posted on days [d - window_days, d), with the
  initial rating counted as `prior_reviews` reviews.
- Conversion at checkout on day d: x exp(-conversion_semi_elasticity_per_star
  x max(0, reference_rating - rating(d))); a rating at or above the reference leaves it as is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.streams import Streams
from fcsim.scenario.schema.customer_base import Reviews
from fcsim.scenario.schema.scenario import Scenario


@dataclass(frozen=True)
class Rating:
    """The reviews of one pass and the rating they make, per day of the horizon."""

    reviews_by_day: np.ndarray  # int64: reviews posted each day
    stars_by_day: np.ndarray  # float: their stars, summed
    rating: np.ndarray  # rating shown each day


def verdict_minutes(scenario: Scenario, oc) -> np.ndarray:
    """When each order's customer makes up her mind (inf while the order is under way).

    The delivery; for a lost parcel (not replaced) when she is told, at the end of the day
    `incidents.lost_detected_after_business_days` business days after its promised day and
    never before it shipped (`OrderOutcomes.lost_told_min`);
    for a cancelled order its cancellation (at the order for want of stock, when her patience
    ran out for a backorder); for a customer dissatisfied only by a slow refund, when the
    refund became slow.
    """
    t = np.where(oc.lost, oc.lost_told_min, oc.delivered_min)
    t = np.where(oc.cancelled, oc.cancelled_min, t)
    r = oc.reaction
    t = np.where(r.dissatisfied & ~r.at_delivery, oc.slow_refund_min, t)
    return np.where(np.isnan(t), np.inf, t)


def post_reviews(
    cfg: Reviews,
    keys: np.ndarray,
    verdict_min: np.ndarray,
    dissatisfied: np.ndarray,
    n_days: int,
    streams: Streams,
) -> Rating:
    """The reviews the orders `keys` (their visits' indices) post, and the rating by day."""
    writes = streams.keyed("reviews", keys) < cfg.review_share
    post = verdict_min + cfg.lag_days * MIN_PER_DAY
    m = writes & np.isfinite(post) & (post < n_days * MIN_PER_DAY)
    day = np.floor(post[m] / MIN_PER_DAY).astype(np.int64)
    stars = np.where(dissatisfied[m], cfg.stars_dissatisfied, cfg.stars_satisfied)
    count = np.bincount(day, minlength=n_days)[:n_days]
    total = np.bincount(day, weights=stars, minlength=n_days)[:n_days]
    return Rating(count, total, rating_by_day(cfg, count, total))


def rating_by_day(cfg: Reviews, count: np.ndarray, stars: np.ndarray) -> np.ndarray:
    """Rating shown each day: reviews of the previous `window_days` days and the prior."""
    n = len(count)
    c = np.concatenate([[0.0], np.cumsum(count, dtype=float)])
    s = np.concatenate([[0.0], np.cumsum(stars, dtype=float)])
    d = np.arange(n)
    lo = np.maximum(0, d - cfg.window_days)
    n_w, s_w = c[d] - c[lo], s[d] - s[lo]
    weight = cfg.prior_reviews + n_w
    prior = cfg.prior_reviews * cfg.initial_rating
    return np.where(weight > 0, (prior + s_w) / np.maximum(weight, 1e-12), cfg.initial_rating)


def conversion_factor(cfg: Reviews, rating: np.ndarray, visit_min: np.ndarray) -> np.ndarray:
    """The factor the rating shown on each visit's day puts on its conversion."""
    day = np.clip(np.floor(visit_min / MIN_PER_DAY).astype(np.int64), 0, len(rating) - 1)
    gap = np.maximum(0.0, cfg.reference_rating - rating[day])
    return np.exp(-cfg.conversion_semi_elasticity_per_star * gap)


def initial(cfg: Reviews, n_days: int) -> Rating:
    """Before any pass: no review posted, the initial rating every day."""
    zero = np.zeros(n_days)
    return Rating(np.zeros(n_days, dtype=np.int64), zero, rating_by_day(cfg, zero, zero))
