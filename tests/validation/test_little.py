"""Little's law and the work-in-progress helpers on small hand-made timelines."""

from __future__ import annotations

import numpy as np
import pytest

from fcsim.validation.little import counter_agrees, littles_law, time_average_wip, wip_at


def test_time_average_wip_of_a_hand_timeline() -> None:
    # in the system: [0, 4), [1, 3), [2, 10); window [0, 8): area 4 + 2 + 6 = 12
    entered = np.array([0.0, 1.0, 2.0])
    left = np.array([4.0, 3.0, 10.0])
    assert time_average_wip(entered, left, 0.0, 8.0) == pytest.approx(12 / 8)
    lower, upper = wip_at(np.array([0.5, 1.0, 3.5, 12.0]), entered, left)
    assert lower.tolist() == [1, 1, 2, 0]
    assert upper.tolist() == [1, 2, 2, 0]


def test_littles_law_is_exact_when_the_window_starts_and_ends_empty() -> None:
    entered = np.array([1.0, 2.0, 5.0])
    left = np.array([3.0, 6.0, 7.0])
    check = littles_law(entered, left, 0.0, 10.0)
    assert check.edge_bound == 0
    assert check.wip == pytest.approx(check.lam_w)
    assert check.wip == pytest.approx((2 + 4 + 2) / 10)
    assert check.holds


def test_littles_law_edge_bound_covers_work_across_the_window_edges() -> None:
    rng = np.random.default_rng(3)
    entered = np.sort(rng.uniform(0, 100, 500))
    left = entered + rng.exponential(5.0, 500)
    left[-3:] = np.nan  # still inside when the run ends
    check = littles_law(entered, left, 20.0, 80.0, end=100.0)
    assert check.holds
    assert check.edge_bound > 0


def test_inconsistent_timestamps_are_caught() -> None:
    with pytest.raises(ValueError, match="left before it entered"):
        littles_law(np.array([2.0]), np.array([1.0]), 0.0, 5.0)
    # a flow time that does not match the time spent in the system breaks the identity
    entered = np.array([1.0, 2.0])
    left = np.array([3.0, 4.0])
    good = littles_law(entered, left, 0.0, 10.0)
    bad_w = type(good)(good.wip, good.lam, good.W + 1.0, good.edge_bound, good.arrivals)
    assert good.holds and not bad_w.holds


def test_counter_agreement_allows_ties_but_not_miscounts() -> None:
    entered = np.array([0.0, 5.0])
    left = np.array([10.0, 10.0])
    t = np.array([5.0, 7.0, 10.0])
    assert counter_agrees(np.array([1, 2, 0]), t, entered, left).all()
    assert counter_agrees(np.array([2, 2, 2]), t, entered, left).all()  # ties at 5 and 10
    assert not counter_agrees(np.array([1, 3, 0]), t, entered, left)[1]
