"""Which node serves each SKU in a hybrid strategy (D17).

Place in the flow: `model/network.py` calls the policy once per run to map every SKU to a node;
each order line then goes to its SKU's node, and an order becomes one parcel per node.
Signature: `(config, sales_rank[n_skus], category[n_skus], category_names, node_names) ->
node index[n_skus]`. `sales_rank` 0 is the best-seller.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def abc(
    config: Any,
    sales_rank: np.ndarray,
    category: np.ndarray,
    category_names: list[str],
    node_names: list[str],
) -> np.ndarray:
    """Class A = the top `a_share` of SKUs by sales rank, B the next `b_share`, C the rest."""
    n = len(sales_rank)
    a_end = round(config.a_share * n)
    b_end = round((config.a_share + config.b_share) * n)
    cls = np.where(sales_rank < a_end, 0, np.where(sales_rank < b_end, 1, 2))
    table = np.array([node_names.index(config.assign[c]) for c in ("A", "B", "C")])
    return table[cls]


def by_category(
    config: Any,
    sales_rank: np.ndarray,
    category: np.ndarray,
    category_names: list[str],
    node_names: list[str],
) -> np.ndarray:
    """Each category to its listed node, others to the default node."""
    default = node_names.index(config.default)
    table = np.array(
        [node_names.index(config.assign.get(c, config.default)) for c in category_names]
    )
    return table[category] if len(table) else np.full(len(sales_rank), default)


POLICIES = {"abc": abc, "category": by_category}
