"""Customers who react against the birth-death model of the customer base (docs/validation.md).

The whole pipeline (`potential_orders`, `run_reactive`, the KPIs) on the small test scenario
with a customer base, every parcel lost (`loss_probability: 1`, no reshipping, the loss known
at the end of the promised day, or when it ships if later: promise D+0 and no detection
delay), free shipping and no cancellations.
Every placed order then dissatisfies its customer (q = 1) and churns her with probability
s = `customers.churn_share_of_dissatisfied`; conversion is the baseline c0 (no fee, promise
within the reference).

Derivation, from the code (fcsim/model/customer_base.py):

- n0 = round(orders_per_day x 365 / orders_per_customer_per_year) customers at t = 0; arrivals
  Poisson at a x n0 per unit of time (a = attrition_per_year, per year); each customer leaves
  for other reasons after an exponential time of rate a. The number present P(t) is an
  M/M/inf population started at its mean: E P(t) = n0 at every t.
- Visits: Poisson at V = orders_per_day / c0 per day, each given to a customer drawn uniformly
  among those *present* -- churned ones included (they absorb visits that are then not
  placed). A customer's visit rate is V / P(t) ~ V / n0, whether she churned or not, so the
  rate at which a not-yet-churned customer meets a churning order is constant:
  mu_c = (V c0 / n0) q s = orders_per_day q s / n0 per day (= orders_per_customer_per_year
  x q x s per year, up to the rounding of n0).
- Without delay between the order and the churn, the non-churned present customers follow
  dN/dt = a n0 - (a + mu_c) N, N(0) = n0:  N(t) = N* + (n0 - N*) exp(-(a + mu_c) t),
  N* = a n0 / (a + mu_c).
- The churn happens when the order resolves (here: when its customer is told the parcel is
  lost, at the end of its promised day or when it ships if that is later), D after the order.
  A customer alive over [u, t] is counted at t iff none of her churning orders (Poisson, rate
  mu_c, delays as marks) resolved by t: probability exp(-mu_c ((t - u) - int_u^t
  P(tau + D > t) dtau)), between exp(-mu_c (t - u)) and exp(-mu_c (t - u - B)^+), with
  B(t) = int P(tau + D_tau > t) dtau the mean unresolved age of a customer's orders at t. So
  f(t; 0) <= E N(t) <= f(t; B), f(t; B) = exp(-a B) [N* + (n0 - N*) exp(-(a + mu_c)(t - B))]
  + n0 (1 - exp(-a B)). B(t) is estimated from the run by Little's law: orders placed by t
  and not yet resolved at t, over the orders placed per day in the week before t (about a day;
  more at a Monday 00:00, after a weekend without collections).

The measured mean over the replications must fall in [f(t; 0) - h, f(t; B) + h], h the
half-width of the 99 % t-interval of the replications (at a quarter, half, three quarters and
the end of the horizon; the end value is the KPI `active_customers_end`). The same
measurement is refused by the formula with the churn share halved.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from fcsim.experiment.runs import RunSpec, simulate
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.catalogue import build_catalogue
from fcsim.model.customer_base import base_size, potential_orders
from fcsim.model.reactive import run_reactive
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario

from conftest import SMALL

REPS = 6
EVERY_ORDER_LOST = [
    "customer_base={orders_per_customer_per_year: 12, patience_days: null}",
    "shipping_fee.policy=free",
    "promise.business_days=0",
    "carriers.0.loss_probability=1",
    "incidents.reship=false",
    "incidents.lost_detected_after_business_days=0",
]


def expected_active(t: float, n0: int, a: float, mu: float, b: float = 0.0) -> float:
    """f(t; B): expected non-churned present customers at day t, churn delayed by B days."""
    b = min(b, t)
    steady = a * n0 / (a + mu)
    late = math.exp(-a * b)
    return late * (steady + (n0 - steady) * math.exp(-(a + mu) * (t - b))) + n0 * (1 - late)


def measure(sc, strategy: str, times: list[float]) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """(active customers, B estimate) per replication x time, and the KPI at the horizon."""
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    active = np.zeros((REPS, len(times)))
    backlog = np.zeros((REPS, len(times)))
    kpi = []
    for rep in range(REPS):
        streams = Streams(sc.seed, rep)
        rr = run_reactive(sc, strategy, potential_orders(sc, cat, streams), cat, streams)
        f, p = rr.facts, rr.run.parcels
        assert f.unsettled == 0
        created = rr.orders.created_min
        # an order resolves (its customer is told its parcel is lost) at the end of its
        # promised day (D+0, no detection delay), or when it ships if that is later
        told = np.maximum((p.promised_day + 1) * MIN_PER_DAY, np.nan_to_num(p.ship_min, nan=np.inf))
        shipped = np.full(rr.orders.n, -np.inf)
        np.maximum.at(shipped, p.order, told)
        for j, t in enumerate(times):
            tm = t * MIN_PER_DAY
            present = (f.arrival_min <= tm) & (f.departure_min > tm) & (f.churn_min > tm)
            active[rep, j] = present.sum()
            rate = ((created <= tm) & (created > tm - 7 * MIN_PER_DAY)).sum() / 7
            backlog[rep, j] = ((created <= tm) & (shipped > tm)).sum() / rate
        kpi.append(simulate(RunSpec(sc, strategy, rep, sc.seed)).kpis["active_customers_end"])
    return active, backlog, kpi


@pytest.mark.parametrize(("share", "attrition"), [(0.35, 0.3), (0.7, 4.0)])
def test_active_customers_follow_the_birth_death_model(share: float, attrition: float) -> None:
    horizon = 38  # ends on a Wednesday (00:00 of a Thursday): a mid-week backlog
    sc = load_scenario(
        SMALL,
        [
            f"horizon_days={horizon}",
            *EVERY_ORDER_LOST,
            f"customers.churn_share_of_dissatisfied={share}",
            f"customer_base.attrition_per_year={attrition}",
        ],
    )
    n0 = base_size(sc.customer_base, sc.demand)
    a = sc.customer_base.attrition_per_year / 365.0
    mu = sc.demand.orders_per_day * 1.0 * share / n0  # per day, q = 1
    times = [horizon / 4, horizon / 2, 3 * horizon / 4, horizon]
    active, backlog, kpi = measure(sc, "out", times)
    assert kpi == active[:, -1].tolist()  # the KPI is the count at the end of the horizon
    t99 = stats.t.ppf(0.995, REPS - 1)
    for j, t in enumerate(times):
        mean = active[:, j].mean()
        half = t99 * active[:, j].std(ddof=1) / math.sqrt(REPS)
        b = backlog[:, j].mean()
        assert 0 < b < 4, b  # a day or so of orders under way
        low, high = expected_active(t, n0, a, mu), expected_active(t, n0, a, mu, b)
        assert low - half <= mean <= high + half, (t, mean, half, low, high)
        # it did decay, by more than the noise: the formula is tested, not the start value
        assert n0 - mean > 5 * half
    # the test can fail: half the churn share is refused by the same measurement
    mean, t = active[:, -1].mean(), times[-1]
    half = t99 * active[:, -1].std(ddof=1) / math.sqrt(REPS)
    assert mean + half < expected_active(t, n0, a, mu / 2)
