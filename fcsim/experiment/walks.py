"""The 1-D walk along a hybrid's routing shares, and the brute-force yardstick of the search.

Place in the flow: `fcsim.experiment.staffing.search` walks a routing share with `share_walk`,
each share's headcounts sized by its coordinate search; `brute_force` evaluates every
candidate of a small grid, the answer the tests hold the search to. Neither simulates anything
itself: both call the evaluator they are given.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from fcsim.experiment.candidates import Config, Evaluate, Target, Variable


def share_walk(n: int, start: int, cost: Callable[[int], float]) -> int | None:
    """The lowest `cost` over the indices 0..n-1 of a unimodal cost, by a walk from `start`.

    `cost` (math.inf: infeasible) is asked about each index at most once that matters (the
    caller keeps what it found). From `start`, both neighbours are asked; the walk moves to the
    cheaper one while it is strictly cheaper than where it stands, and stops where both
    neighbours are dearer or infeasible (or beyond the ends). When the start is infeasible,
    the indices around it are asked ring by ring, both sides, until one is feasible, and the
    walk goes on from the cheapest of that ring; with none feasible, every index is asked and
    the answer is None. Returns the index where the walk stopped.
    """
    start = min(max(start, 0), n - 1)
    here = start
    if math.isinf(cost(here)):
        for d in range(1, n):
            ring = [j for j in (start - d, start + d) if 0 <= j < n]
            ok = [j for j in ring if not math.isinf(cost(j))]
            if ok:
                here = min(ok, key=lambda j: (cost(j), j))
                break
        else:
            return None
    while True:
        side = [j for j in (here - 1, here + 1) if 0 <= j < n]
        nxt = min(side, key=lambda j: (cost(j), j), default=None)
        if nxt is None or not cost(nxt) < cost(here):
            return here
        here = nxt


def brute_force(
    variables: Sequence[Variable], evaluate: Evaluate, target: Target, margin: float = 0.0
) -> Config | None:
    """Every candidate evaluated: the cheapest meeting the target (a test's yardstick).

    Provider staff are the fewest meeting the target for the merchant's choice: among the
    cheapest, the one with the fewest provider staff."""
    grid = list(itertools.product(*(range(len(v.values)) for v in variables)))
    trials = evaluate(grid)
    ok = [t for t in trials if target.met(t, margin)]
    if not ok:
        return None

    def provider_staff(c: Config) -> int:
        return sum(c[i] for i, v in enumerate(variables) if not v.merchant_pays)

    best = min(t.sort_cost for t in ok)
    tied = [t.config for t in ok if t.sort_cost <= best + 1e-12]
    return min(tied, key=lambda c: (provider_staff(c), c))
