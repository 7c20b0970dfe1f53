"""The warehouse configured as M/M/c queues against Erlang C, M/M/1 and a Jackson tandem.

Each case runs the ordinary model for several replications; a row passes when the theoretical
value lies in the t-interval of the replications (the tolerance is the simulation's spread).
The default run uses `QUICK` (seconds per case); `-m slow` runs the scale of docs/validation.md.
"""

from __future__ import annotations

from functools import cache

import pytest

from fcsim.validation import theory
from fcsim.validation.suite import FULL, QUICK, Case, Row, cases, run_case

QUICK_CASES = {c.key: c for c in cases(QUICK)}
FULL_CASES = {c.key: c for c in cases(FULL)}


@cache
def quick_rows(key: str) -> tuple[Row, ...]:
    return tuple(run_case(QUICK_CASES[key], QUICK.replications))


def _failures(rows: tuple[Row, ...] | list[Row]) -> list[str]:
    return [
        f"{r.title}: {r.label}: theory {r.theory:.4f} outside [{r.ci_low:.4f}, {r.ci_high:.4f}]"
        f" (mean {r.mean:.4f}, n={r.n})"
        for r in rows
        if not r.passed
    ]


def test_every_queueing_case_has_its_theory() -> None:
    keys = set(QUICK_CASES)
    for rho in (0.5, 0.8, 0.95):
        for c in (1, 5, 20):
            assert f"mmc_c{c}_rho{rho:g}" in keys
    assert {"tandem_1_1", "tandem_5_3"} <= keys
    for case in QUICK_CASES.values():
        assert "little_gap" in case.quantities


@pytest.mark.parametrize("key", list(QUICK_CASES))
def test_simulation_matches_theory(key: str) -> None:
    rows = quick_rows(key)
    assert rows and all(r.n == QUICK.replications for r in rows)
    assert not _failures(rows), "\n".join(_failures(rows))


@pytest.mark.parametrize("key", ["mmc_c1_rho0.5", "mmc_c1_rho0.8"])
def test_the_intervals_are_tight_enough_to_reject_a_wrong_model(key: str) -> None:
    """M/D/1 (deterministic picks) waits half as long as M/M/1: the interval must exclude it."""
    case: Case = QUICK_CASES[key]
    wait = next(r for r in quick_rows(key) if r.quantity == "wait_mean_min")
    lam, s = case.spec.lam_per_min, case.spec.pick_min
    md1 = theory.mmc_mean_wait_min(lam, s, 1) / 2  # Pollaczek-Khinchine with zero variance
    assert not wait.ci_low <= md1 <= wait.ci_high


@pytest.mark.slow
@pytest.mark.parametrize("key", list(FULL_CASES))
def test_simulation_matches_theory_at_full_scale(key: str) -> None:
    rows = run_case(FULL_CASES[key], FULL.replications)
    assert not _failures(rows), "\n".join(_failures(rows))
