"""Checks of an order history against a product file, shared by loading and `inspect-data`.

Place in the flow: `fcsim.scenario.data.attach_data` (a scenario's data files) and
`fcsim inspect-data` call `missing_from_products`; every problem carries its file and row.
"""

from __future__ import annotations

import numpy as np

from fcsim.history.orders import History
from fcsim.history.products import Products
from fcsim.history.table import Problems


def missing_from_products(history: History, products: Products, problems: Problems) -> None:
    """Every SKU sold in the history must be in the product file."""
    known = set(products.sku.tolist())
    missing = [i for i, c in enumerate(history.sku_codes.tolist()) if c not in known]
    if not missing:
        return
    lines = history.sku_lines()
    first_row = np.full(len(history.sku_codes), np.iinfo(np.int64).max)
    np.minimum.at(first_row, history.line_sku, history.line_row)
    for i in missing:
        n = int(lines[i])
        problems.add(
            history.source,
            int(first_row[i]),
            history.columns_used.get("sku"),
            f'SKU "{history.sku_codes[i]}" is not in the product file {products.source}'
            + (f" ({n} lines)" if n > 1 else ""),
        )


__all__ = ["missing_from_products"]
