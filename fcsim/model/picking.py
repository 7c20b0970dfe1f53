"""Picking (D5): pick-tour durations and the release of orders to pickers.

Place in the flow: `model/warehouse.py` computes every parcel's pick work up front, vectorised
(a tour set-up share plus a time per line, drawn by inverse transform from noise keyed by the
order line, so the same line takes the same quantile of time in every strategy), and gives the
picker pool a `take` function from the batching policy. A tour of k parcels costs one set-up and
the lines of all k.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fcsim.model.parcels import Parcels
from fcsim.policies import get_policy
from fcsim.schema.nodes import Picking
from fcsim.streams import Streams


@dataclass(frozen=True)
class PickWork:
    """Working minutes of each of a node's parcels (indexed by local position)."""

    setup_min: np.ndarray
    lines_min: np.ndarray

    def tour(self, group: Sequence[int]) -> float:
        """Minutes for one tour picking `group` (local parcel positions) together."""
        if len(group) == 1:
            i = group[0]
            return float(self.setup_min[i] + self.lines_min[i])
        return float(self.setup_min[group[0]] + self.lines_min[list(group)].sum())


def pick_work(cfg: Picking, parcels: Parcels, ids: np.ndarray, streams: Streams) -> PickWork:
    """Set-up and line minutes for parcels `ids` (global indices, in the node's local order)."""
    setup = cfg.tour_setup_min.ppf(
        streams.keyed("pick_setup", parcels.order[ids], parcels.slot[ids])
    )
    lines, owner = parcels.lines_of_many(ids)
    line_min = cfg.pick_min_per_line.ppf(streams.keyed("pick", lines))
    lines = np.bincount(owner, weights=line_min, minlength=len(ids)) + cfg.insert_min_per_order
    return PickWork(setup_min=setup, lines_min=lines)


def take_policy(cfg: Picking):
    """The picker pool's `take(queued) -> k` from the batching policy."""
    policy = get_policy("batching", cfg.policy)
    size = cfg.batch_size
    return lambda queued: policy(queued, size)
