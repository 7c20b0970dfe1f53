"""Slotting (D5): which storage location holds each SKU.

Place in the flow: `model/picking.py` calls the policy once per warehouse node. Signature:
`(layout, sales_rank[n_skus], rng) -> location index[n_skus]` (distinct locations).
"""

from __future__ import annotations

import numpy as np

from fcsim.policies.layout import Layout


def random(layout: Layout, sales_rank: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Any SKU anywhere: a random permutation of the locations."""
    return rng.permutation(layout.n_locations)[: len(sales_rank)]


def abc(layout: Layout, sales_rank: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fast movers closest to the depot: SKUs by sales rank onto locations by distance."""
    by_distance = np.argsort(layout.from_depot, kind="stable")
    return by_distance[np.argsort(np.argsort(sales_rank, kind="stable"), kind="stable")]


POLICIES = {"random": random, "abc": abc}
