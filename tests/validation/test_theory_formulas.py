"""The closed-form queueing results against textbook values and a brute-force birth-death chain."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fcsim.validation import theory


def birth_death(lam: float, service_min: float, c: int, n_max: int = 4000) -> np.ndarray:
    """Stationary distribution of the M/M/c queue length, by its balance equations (log scale)."""
    mu = 1.0 / service_min
    log_p = np.zeros(n_max)
    for n in range(1, n_max):
        log_p[n] = log_p[n - 1] + math.log(lam / (mu * min(n, c)))
    p = np.exp(log_p - log_p.max())
    return p / p.sum()


@pytest.mark.parametrize("c", [1, 2, 5, 20])
@pytest.mark.parametrize("rho", [0.5, 0.8, 0.95])
def test_erlang_c_and_mean_wait_match_the_birth_death_chain(c: int, rho: float) -> None:
    service = 3.0
    lam = rho * c / service
    p = birth_death(lam, service, c)
    n = np.arange(len(p))
    p_wait = p[c:].sum()
    lq = ((n - c).clip(0) * p).sum()
    assert theory.mmc_wait_probability(lam, service, c) == pytest.approx(p_wait, rel=1e-9)
    assert theory.mmc_mean_wait_min(lam, service, c) == pytest.approx(lq / lam, rel=1e-9)
    l_total = (n * p).sum()
    assert theory.mmc_mean_sojourn_min(lam, service, c) == pytest.approx(l_total / lam, rel=1e-9)


def test_textbook_values() -> None:
    assert theory.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert theory.erlang_c(1, 0.8) == pytest.approx(0.8)  # M/M/1: P(wait) = rho
    assert theory.erlang_b(1, 1.0) == pytest.approx(0.5)
    assert theory.mm1_mean_sojourn_min(0.5, 1.0) == pytest.approx(2.0)
    assert theory.mmc_mean_wait_min(0.8, 1.0, 1) == pytest.approx(4.0)  # rho / (mu - lam)
    # Jackson tandem: sum of the stations' times in system
    assert theory.tandem_mean_sojourn_min(0.5, [(1.0, 1), (1.0, 1)]) == pytest.approx(4.0)
    assert theory.mean_wip(2.0, 3.0) == 6.0


def test_unstable_or_invalid_queues_are_refused() -> None:
    with pytest.raises(ValueError, match="no steady state"):
        theory.mmc_mean_wait_min(1.0, 1.0, 1)
    with pytest.raises(ValueError):
        theory.erlang_c(3, 3.0)
    with pytest.raises(ValueError):
        theory.mm1_mean_sojourn_min(-1.0, 1.0)
