"""Routing of a pick tour through the layout (D5): the walking distance of a tour.

Place in the flow: `model/picking.py` calls the policy for each tour with the locations to
visit; the tour starts and ends at the depot. Signature: `(layout, locations) -> metres`.
Policies (Roodbergen's classic heuristics for a single-block layout):
- `s_shape`: every aisle with a pick is walked through entirely; with an odd number of such
  aisles the last one is entered and left from the front (to its deepest pick and back);
- `largest_gap`: the first and last aisles with picks are walked through; in every other aisle
  the picker comes in from the front and from the back and skips the largest gap between
  adjacent picks (or between a pick and an aisle end);
- `nearest_neighbour`: always walk to the closest remaining location;
- `optimal`: the shortest tour (exact dynamic programming) for up to `OPTIMAL_MAX_STOPS`
  distinct locations; longer tours take the best of the three heuristics.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from fcsim.policies.layout import Layout

OPTIMAL_MAX_STOPS = 10


def _cross(layout: Layout, aisles: np.ndarray) -> float:
    """Walking along the cross-aisles: out to the farthest aisle and back, via the depot."""
    dx = layout.depot[0]
    xs = aisles * layout.spacing_m
    return 2 * (max(xs.max(), dx) - min(xs.min(), dx))


def s_shape(layout: Layout, locations: np.ndarray) -> float:
    """Traversal (S-shape) routing."""
    locs = np.unique(locations)
    if len(locs) == 0:
        return 0.0
    aisle = layout.aisle_of[locs]
    used = np.unique(aisle)
    n = len(used)
    vertical = (n - 1) * layout.length_m if n % 2 else n * layout.length_m
    if n % 2:
        vertical += 2 * layout.y[locs][aisle == used[-1]].max()
    return float(_cross(layout, used) + vertical)


def largest_gap(layout: Layout, locations: np.ndarray) -> float:
    """Largest-gap routing."""
    locs = np.unique(locations)
    if len(locs) == 0:
        return 0.0
    aisle = layout.aisle_of[locs]
    used = np.unique(aisle)
    if len(used) == 1:
        return float(_cross(layout, used) + 2 * layout.y[locs].max())
    vertical = 2 * layout.length_m
    for a in used[1:-1]:
        ys = np.sort(layout.y[locs][aisle == a])
        gaps = np.diff(np.concatenate([[0.0], ys, [layout.length_m]]))
        vertical += 2 * (layout.length_m - gaps.max())
    return float(_cross(layout, used) + vertical)


def _points(layout: Layout, locations: np.ndarray) -> list[tuple[float, float]]:
    locs = np.unique(locations)
    return [layout.depot, *zip(layout.x[locs].tolist(), layout.y[locs].tolist(), strict=True)]


def nearest_neighbour(layout: Layout, locations: np.ndarray) -> float:
    """Nearest-neighbour routing from the depot, then back to it."""
    pts = _points(layout, locations)
    here, rest, total = pts[0], pts[1:], 0.0
    while rest:
        dists = [layout.distance(*here, *p) for p in rest]
        i = int(np.argmin(dists))
        total += dists[i]
        here = rest.pop(i)
    return total + layout.distance(*here, *pts[0])


def optimal(layout: Layout, locations: np.ndarray) -> float:
    """The shortest tour through the locations (Held-Karp), for small tours."""
    pts = _points(layout, locations)
    k = len(pts) - 1
    if k == 0:
        return 0.0
    if k > OPTIMAL_MAX_STOPS:
        return min(f(layout, locations) for f in (s_shape, largest_gap, nearest_neighbour))
    d = [[layout.distance(*a, *b) for b in pts] for a in pts]
    best: dict[tuple[int, int], float] = {(1 << i, i): d[0][i + 1] for i in range(k)}
    for size in range(2, k + 1):
        for subset in combinations(range(k), size):
            mask = sum(1 << i for i in subset)
            for last in subset:
                prev = mask & ~(1 << last)
                best[(mask, last)] = min(
                    best[(prev, j)] + d[j + 1][last + 1] for j in subset if j != last
                )
    full = (1 << k) - 1
    return min(best[(full, i)] + d[i + 1][0] for i in range(k))


POLICIES = {
    "s_shape": s_shape,
    "largest_gap": largest_gap,
    "nearest_neighbour": nearest_neighbour,
    "optimal": optimal,
}
