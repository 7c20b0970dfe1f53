"""Replenishment rules (D3), on inventory position = on hand + on order - backordered.

Place in the flow: `model/inventory.py` calls the policy at each review with numpy arrays over
the node's SKUs. Signature: `(position[n], reorder_point[n], order_up_to[n], review_index) ->
order quantity[n]` (units, >= 0; integer-valued floats).
"""

from __future__ import annotations

import numpy as np


def s_S(
    position: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray, review_index: int
) -> np.ndarray:
    """(s, S): when the position is at or below s, order up to S."""
    need = position <= reorder_point
    return np.where(need, np.ceil(np.maximum(order_up_to - position, 0)), 0.0)


def R_S(
    position: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray, review_index: int
) -> np.ndarray:
    """(R, S): at every review, order up to S whatever the position."""
    return np.ceil(np.maximum(order_up_to - position, 0))


def min_max(
    position: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray, review_index: int
) -> np.ndarray:
    """Min-max: when the position falls strictly below min, order up to max."""
    need = position < reorder_point
    return np.where(need, np.ceil(np.maximum(order_up_to - position, 0)), 0.0)


POLICIES = {"s_S": s_S, "R_S": R_S, "min_max": min_max}
