"""Little's law and work in progress, from the timestamps of any run.

Place in the flow: called by the validation suite on every queueing run and by the property
tests on every random scenario. A parcel is in a system from `entered` until `left` (nan = still
there when the run ends). Over a window [a, b):

- the time-average number in the system `L = (1/T) * integral of N(t) dt`, computed from the
  step function N(t) (+1 at each entry, -1 at each exit), never from the parcels' durations;
- the arrival rate `lam = arrivals in [a, b) / T` and their mean time in the system `W`.

Little's law `L = lam * W` holds exactly when the system is empty at both edges of the window;
otherwise the parcels present at `a` or still present at `b` make a difference that is bounded
by `edge_bound` (their time inside the window, resp. after it, divided by T). `holds` checks
that bound, so a violation means inconsistent timestamps, not bad luck.

`little_exact` applies this to a warehouse node of a run and also compares the node's own
work-in-progress counter (kept by the model, not derived from the timestamps) with the number
of parcels in process according to the timestamps, at every daily reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY

if TYPE_CHECKING:
    from fcsim.model.network import StrategyRun


@dataclass(frozen=True)
class LittleCheck:
    """Both sides of Little's law over one window."""

    wip: float  # L: time-average number in the system
    lam: float  # arrivals per minute in the window
    W: float  # mean time in the system of those arrivals, minutes
    edge_bound: float  # |L - lam * W| can be at most this (edge effects)
    arrivals: int

    @property
    def lam_w(self) -> float:
        return self.lam * self.W

    @property
    def holds(self) -> bool:
        return abs(self.wip - self.lam_w) <= self.edge_bound + 1e-9 * max(1.0, self.wip)


def wip_at(t: np.ndarray, entered: np.ndarray, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) number in the system at each time of `t`.

    Lower counts parcels with entered < t < left; upper also those entering or leaving exactly
    at t (the order of simultaneous events is the simulator's business).
    """
    e = np.sort(entered)
    lv = np.sort(np.where(np.isnan(left), np.inf, left))
    t = np.asarray(t, dtype=float)
    lower = np.searchsorted(e, t, side="left") - np.searchsorted(lv, t, side="right")
    upper = np.searchsorted(e, t, side="right") - np.searchsorted(lv, t, side="left")
    return lower, upper


def counter_agrees(
    counts: np.ndarray, t: np.ndarray, entered: np.ndarray, left: np.ndarray
) -> np.ndarray:
    """Whether a model's own work-in-progress counter, read at times `t`, matches the timestamps.

    True where `counts` lies between the lower and upper numbers of `wip_at` (ties allowed).
    """
    lower, upper = wip_at(t, entered, left)
    counts = np.asarray(counts)
    return (counts >= lower) & (counts <= upper)


def time_average_wip(entered: np.ndarray, left: np.ndarray, a: float, b: float) -> float:
    """(1/(b-a)) * integral over [a, b) of the number in the system, from the step function."""
    left = np.where(np.isnan(left), np.inf, left)
    times = np.concatenate([entered, left])
    steps = np.concatenate([np.ones(len(entered)), -np.ones(len(left))])
    order = np.argsort(times, kind="stable")
    times, level = times[order], np.cumsum(steps[order])
    # level[i] is N(t) on [times[i], times[i + 1]); clip every piece to [a, b)
    start = np.clip(times, a, b)
    end = np.clip(np.append(times[1:], np.inf), a, b)
    return float(np.sum(level * (end - start)) / (b - a))


def littles_law(
    entered: np.ndarray, left: np.ndarray, a: float, b: float, end: float | None = None
) -> LittleCheck:
    """Little's law over [a, b) for items in a system from `entered` to `left`.

    `left` is nan for items still inside when observation stopped at `end` (default `b`); they
    count as leaving at `end`, an edge effect covered by the bound.
    """
    entered = np.asarray(entered, dtype=float)
    stop = b if end is None else max(end, b)
    left = np.where(np.isnan(left), stop, np.asarray(left, dtype=float))
    if np.any(entered > left):
        raise ValueError("an item left before it entered")
    T = b - a
    inside = (entered >= a) & (entered < b)
    n = int(inside.sum())
    at_a = (entered < a) & (left > a)
    at_b = inside & (left > b)
    edge_a = float(np.sum(np.minimum(left[at_a], b) - a))
    edge_b = float(np.sum(left[at_b] - b))
    return LittleCheck(
        wip=time_average_wip(entered, left, a, b),
        lam=n / T,
        W=float(np.mean(left[inside] - entered[inside])) if n else 0.0,
        edge_bound=max(edge_a, edge_b) / T,
        arrivals=n,
    )


def little_exact(run: StrategyRun, node: int, a: float, b: float) -> bool:
    """Exact checks of a warehouse node's work in progress (parcels accepted, not yet packed).

    Little's law holds over [a, b) up to its edge bound, and the node's daily WIP counter
    (`backlog_parcels`, read at each day's start) equals the number of parcels in process
    according to their timestamps.
    """
    p = run.parcels
    mine = (p.node == node) & ~p.cancelled
    entered, left = p.created_min[mine], p.ready_min[mine]
    check = littles_law(entered, left, a, b, end=run.n_days * MIN_PER_DAY)
    counter = run.nodes[node].daily["backlog_parcels"]
    days = np.arange(len(counter)) * MIN_PER_DAY
    return check.holds and bool(np.all(counter_agrees(counter, days, entered, left)))
