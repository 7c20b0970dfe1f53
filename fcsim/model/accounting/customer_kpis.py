"""KPIs of customers who react (opt-in) and of the profit every run makes.

Place in the flow: `kpis.evaluate` calls `customer_kpis` with the `CustomerFacts` that
`model/reactive.py` gathered (None when the scenario has no `customer_base`: those KPIs are then
unknown, NaN) and `profit_kpis` for every run. Definitions (docs/model.md, "Customers who react"):

- potential_orders: checkout visits created in the window; conversion_rate: the share of them
  that converted at checkout (before churn);
- orders_lost_to_churn: visits that would have converted but whose customer had churned; their
  margin without VAT is churn_lost_margin_eur (measured over the horizon, not assumed);
- active_customers_end: customers present at the end of the horizon who have not churned;
- repeat_order_share: orders of the window whose customer had placed an earlier order in the run;
- backorders_cancelled: parcels cancelled because their customer's patience ran out (whole run);
- with reviews (`customer_base.reviews`): reviews_posted in the window, rating_mean (mean of the
  daily rating shown over the window) and rating_end (on the last day of the horizon);
- gross_margin_eur: selling price without VAT minus goods cost of the units customers keep
  (ordered, less short and returned); profit_eur: that margin less the total cost (shipping
  revenue included); profit_per_order_eur: per order of the window.

Daily series (`customer_daily`): active_customers (present, not churned, at each day's end)
and, with reviews, rating (shown that day) and reviews_posted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.model.accounting.reduce import _safe_div
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.reviews import Rating

CUSTOMER_KPIS = (
    "potential_orders",
    "conversion_rate",
    "orders_lost_to_churn",
    "churn_lost_margin_eur",
    "active_customers_end",
    "repeat_order_share",
    "customer_passes",
    "unsettled_orders",
    "backorders_cancelled",
    "reviews_posted",
    "rating_mean",
    "rating_end",
)
"""The KPIs of `customer_kpis`: NaN for a scenario without `customer_base`."""


@dataclass(frozen=True)
class CustomerFacts:
    """What the reactive run knows about customers: per visit of the superset, per customer."""

    order_keys: np.ndarray  # superset index of each order served (the noise keys)
    surprise_fee: np.ndarray  # per order served: duties due on delivery (dissatisfies)
    visit_min: np.ndarray  # per visit: creation time
    converts: np.ndarray  # per visit: converted at checkout
    placed: np.ndarray  # per visit: ordered (converted, customer not churned)
    visit_margin_eur: np.ndarray  # per visit: basket margin without VAT
    customer: np.ndarray  # per visit: its customer
    churn_min: np.ndarray  # per customer: when she churned (inf: never)
    arrival_min: np.ndarray  # per customer
    departure_min: np.ndarray  # per customer: leaves for other reasons (inf: never)
    passes: int  # runs of the strategy made
    unsettled: int  # visits whose placement the last run's churn would still change
    rating: Rating | None = None  # with reviews: the last run's reviews and rating by day


def customer_kpis(
    facts: CustomerFacts | None,
    window_min: tuple[float, float],
    horizon_min: float,
    node_totals: list[dict[str, float]],
) -> dict[str, float]:
    """The customer KPIs of one run (NaN without a customer base)."""
    if facts is None:
        return dict.fromkeys(CUSTOMER_KPIS, float("nan"))
    lo, hi = window_min
    w = (facts.visit_min >= lo) & (facts.visit_min < hi)
    lost = w & facts.converts & ~facts.placed
    present = (
        (facts.arrival_min <= horizon_min)
        & (facts.departure_min > horizon_min)
        & (facts.churn_min > horizon_min)
    )
    placed = np.flatnonzero(facts.placed)  # by creation time
    cust = facts.customer[placed]
    order = np.lexsort((placed, cust))
    repeat = np.zeros(len(placed), dtype=bool)
    repeat[order[1:]] = cust[order[1:]] == cust[order[:-1]]
    in_w = w[placed]
    return {
        "potential_orders": float(w.sum()),
        "conversion_rate": _safe_div((w & facts.converts).sum(), w.sum()),
        "orders_lost_to_churn": float(lost.sum()),
        "churn_lost_margin_eur": float(facts.visit_margin_eur[lost].sum()),
        "active_customers_end": float(present.sum()),
        "repeat_order_share": _safe_div((repeat & in_w).sum(), in_w.sum()),
        "customer_passes": float(facts.passes),
        "unsettled_orders": float(facts.unsettled),
        "backorders_cancelled": float(sum(t.get("backorders_cancelled", 0) for t in node_totals)),
        **_rating_kpis(facts.rating, window_min),
    }


def _rating_kpis(rating: Rating | None, window_min: tuple[float, float]) -> dict[str, float]:
    if rating is None:
        return dict.fromkeys(("reviews_posted", "rating_mean", "rating_end"), float("nan"))
    lo, hi = (int(x // MIN_PER_DAY) for x in window_min)
    return {
        "reviews_posted": float(rating.reviews_by_day[lo:hi].sum()),
        "rating_mean": float(rating.rating[lo:hi].mean()) if hi > lo else float("nan"),
        "rating_end": float(rating.rating[-1]),
    }


def customer_daily(facts: CustomerFacts, n_days: int) -> dict[str, np.ndarray]:
    """Active customers at each day's end and, with reviews, the rating and reviews by day."""
    left = np.minimum(facts.departure_min, facts.churn_min)
    come = np.floor(facts.arrival_min / MIN_PER_DAY).astype(np.int64)
    go = np.floor(left[np.isfinite(left)] / MIN_PER_DAY).astype(np.int64)
    # present at the end of day d: arrived on day <= d, left on day > d
    arrived = np.cumsum(np.bincount(np.clip(come, 0, n_days), minlength=n_days + 1))[:n_days]
    gone = np.cumsum(np.bincount(np.clip(go, 0, n_days), minlength=n_days + 1))[:n_days]
    out = {"active_customers": (arrived - gone).astype(float)}
    if facts.rating is not None:
        pad = n_days - len(facts.rating.rating)  # drain days: the last rating stays shown
        out["rating"] = np.concatenate(
            [facts.rating.rating, np.full(max(0, pad), facts.rating.rating[-1])]
        )[:n_days]
        out["reviews_posted"] = np.concatenate(
            [facts.rating.reviews_by_day, np.zeros(max(0, pad))]
        )[:n_days].astype(float)
    return out


def profit_kpis(
    margin_eur: np.ndarray,
    units: np.ndarray,
    units_short: np.ndarray,
    units_returned: np.ndarray,
    in_window: np.ndarray,
    total_cost_eur: float,
) -> dict[str, float]:
    """Gross margin of the units customers keep, and the profit after the total cost."""
    kept = np.clip(units - units_short - units_returned, 0, None)
    share = np.divide(kept, units, out=np.zeros(len(units)), where=units > 0)
    gross = float((margin_eur * share)[in_window].sum())
    n = int(in_window.sum())
    return {
        "gross_margin_eur": gross,
        "profit_eur": gross - total_cost_eur,
        "profit_per_order_eur": _safe_div(gross - total_cost_eur, n),
    }
