"""A product file turned into a product list: SKU, category and the SKU's own figures.

Place in the flow: `fcsim.model.catalogue` builds the catalogue columns from `Products` when the
scenario says `catalogue: {from: products.csv}`. Each row is one SKU; its category must be one
of the scenario's categories, whose figures fill in what the file does not give. Problems are
reported with their rows: repeated or missing SKUs, unknown categories, bad numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fcsim.history import values
from fcsim.history.columns import PRODUCT_FIELDS, match_columns
from fcsim.history.table import Problems, read_table

FIGURES = ("unit_price_eur", "unit_cost_eur", "unit_weight_kg", "unit_volume_l")
"""Per-SKU figures a product file may give (NaN where it does not)."""


@dataclass(frozen=True)
class Products:
    """One entry per SKU, in file order."""

    source: str
    sku: np.ndarray  # object, SKU codes
    row: np.ndarray  # int64, row in the file
    category: np.ndarray  # int64, index into the scenario's categories
    figures: dict[str, np.ndarray]  # per-SKU figure, NaN where the file gives none
    popularity: np.ndarray | None  # relative sales from the file, if it has them

    @property
    def n(self) -> int:
        return len(self.sku)


def read_products(
    path: Path,
    problems: Problems,
    categories: Sequence[str] | None,
    *,
    columns: Mapping[str, str | None] | None = None,
    hint: str = "catalogue.columns.",
    source: str | None = None,
) -> Products | None:
    """Read and check a product file; None when it cannot be read at all.

    `categories` are the scenario's category names; None accepts any (to inspect a file).
    """
    table = read_table(path, problems, source)
    if table is None:
        return None
    cols = match_columns(table, PRODUCT_FIELDS, columns or {}, problems, hint)
    if cols is None:
        return None
    src = table.source
    start = len(problems.found.get(src, []))
    sku = values.text(table, cols["sku"])
    header = cols["sku"].header
    empty = sku == ""
    if empty.any():
        problems.add_rows(src, table.rows[empty], header, ["missing SKU"] * int(empty.sum()))
    first_row: dict[str, int] = {}
    for code, row in zip(sku.tolist(), table.rows.tolist(), strict=True):
        if not code:
            continue
        if code in first_row:
            problems.add(
                src, row, header, f'SKU "{code}" is already listed in row {first_row[code]}'
            )
        else:
            first_row[code] = row
    if categories is None and "category" in cols:  # inspecting: any category goes
        categories = sorted(set(values.text(table, cols["category"]).tolist()) - {""})
    categories = list(categories or [""])
    known = {name: i for i, name in enumerate(categories)}
    if "category" in cols:
        cat_text = values.text(table, cols["category"])
        category = np.array([known.get(c, -1) for c in cat_text.tolist()], dtype=np.int64)
        for row, name in zip(table.rows[category < 0], cat_text[category < 0], strict=True):
            what = f'no category "{name}"' if name else "missing category"
            problems.add(
                src,
                int(row),
                cols["category"].header,
                f"{what}; the scenario's categories are: {', '.join(categories)}",
            )
    elif len(categories) == 1:
        category = np.zeros(table.n, dtype=np.int64)
    else:
        problems.add(
            src,
            1,
            None,
            f"no category column (looked for {', '.join(PRODUCT_FIELDS['category'].names)}); "
            f"with several categories each SKU needs one; name it with {hint}category",
        )
        return None
    figures = {}
    for name in FIGURES:
        if name in cols:
            figures[name] = values.numbers(
                table, cols[name], problems, minimum=0, what=PRODUCT_FIELDS[name].label
            )
            if name in ("unit_weight_kg", "unit_volume_l"):
                zero = figures[name] == 0
                for row in table.rows[zero]:
                    problems.add(src, int(row), cols[name].header, "must be above 0 (got 0)")
        else:
            figures[name] = np.full(table.n, np.nan)
    popularity = (
        values.numbers(table, cols["popularity"], problems, minimum=0, what="popularity")
        if "popularity" in cols
        else None
    )
    bad_rows = {r for r, _, _ in problems.found.get(src, [])[start:] if r}
    keep = ~np.isin(table.rows, list(bad_rows)) & ~empty & (category >= 0)
    _, first = np.unique(sku[keep].astype(str), return_index=True)
    keep_idx = np.flatnonzero(keep)[np.sort(first)]
    if len(keep_idx) == 0 and not problems.found.get(src):
        problems.add(src, None, None, "no products: the file has a header but no rows")
    pop = None
    if popularity is not None:
        pop = np.nan_to_num(popularity[keep_idx], nan=0.0)
    return Products(
        source=src,
        sku=sku[keep_idx],
        row=table.rows[keep_idx],
        category=category[keep_idx],
        figures={k: v[keep_idx] for k, v in figures.items()},
        popularity=pop,
    )
