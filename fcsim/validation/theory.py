"""Closed-form queueing results the simulator is compared with.

Place in the flow: used by `fcsim.validation.suite` (the theory column of the validation table)
and by the tests. Notation: arrival rate `lam` per minute, mean service time `service_min`
(minutes), `c` identical servers, offered load `a = lam * service_min` (Erlangs), utilisation
`rho = a / c` (must be < 1 for a steady state).

- M/M/c: probability of waiting (Erlang C) and mean wait in queue `Wq = C / (c mu - lam)`.
- M/M/1: mean time in system `W = 1 / (mu - lam)`.
- Jackson tandem: by Burke's theorem the departures of a stable M/M/c queue are Poisson, so a
  line of such stations is a product-form network and the mean time through it is the sum of
  each station's M/M/c mean time in system.
"""

from __future__ import annotations

from collections.abc import Sequence


def _check(lam: float, service_min: float, c: int) -> float:
    if lam <= 0 or service_min <= 0 or c < 1:
        raise ValueError(f"need lam > 0, service_min > 0, c >= 1 (got {lam}, {service_min}, {c})")
    rho = lam * service_min / c
    if rho >= 1:
        raise ValueError(f"utilisation {rho:.3f} >= 1: no steady state")
    return rho


def erlang_b(c: int, a: float) -> float:
    """Erlang B blocking probability for `c` servers and offered load `a` (stable recursion)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Erlang C: probability that an arrival to an M/M/c queue with offered load `a` waits."""
    if not 0 <= a < c:
        raise ValueError(f"offered load must be in [0, c) (got a={a}, c={c})")
    b = erlang_b(c, a)
    rho = a / c
    return b / (1.0 - rho + rho * b)


def mmc_wait_probability(lam: float, service_min: float, c: int) -> float:
    """P(wait > 0) in an M/M/c queue."""
    _check(lam, service_min, c)
    return erlang_c(c, lam * service_min)


def mmc_mean_wait_min(lam: float, service_min: float, c: int) -> float:
    """Mean wait in queue (before service starts), minutes, in an M/M/c queue."""
    _check(lam, service_min, c)
    mu = 1.0 / service_min
    return erlang_c(c, lam * service_min) / (c * mu - lam)


def mmc_mean_sojourn_min(lam: float, service_min: float, c: int) -> float:
    """Mean time in system (wait + service), minutes, in an M/M/c queue."""
    return mmc_mean_wait_min(lam, service_min, c) + service_min


def mm1_mean_sojourn_min(lam: float, service_min: float) -> float:
    """Mean time in system of an M/M/1 queue: 1 / (mu - lam), minutes."""
    _check(lam, service_min, 1)
    return 1.0 / (1.0 / service_min - lam)


def tandem_mean_sojourn_min(lam: float, stations: Sequence[tuple[float, int]]) -> float:
    """Mean time through a line of M/M/c stations `(service_min, c)` fed by Poisson(`lam`)."""
    return sum(mmc_mean_sojourn_min(lam, s, c) for s, c in stations)


def mean_wip(lam: float, mean_time_min: float) -> float:
    """Little's law: mean number in a system = arrival rate x mean time in it."""
    return lam * mean_time_min
