"""An order export turned into an order history: orders, their lines, times and destinations.

Place in the flow: `read_history` reads the file (`table`), finds its columns (`columns`),
parses and checks every value (`values`), then groups lines into orders. Every problem is
reported with its row: missing SKUs, quantities that are not whole positive numbers or above
`fcsim.core.limits`, dates that cannot be read, an order id used by two orders, repeated rows,
and (`plausible`) orders too large and dates outside the window a history may cover. The
`History` it returns holds only good rows; callers decide whether problems are fatal (they are
for a simulation).

Order-level fields (creation time, destination, shipping method) may be given on the first line
of an order only, as Shopify exports do: the other lines take them from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fcsim.core.limits import MAX_UNITS_PER_LINE
from fcsim.history import plausible, values
from fcsim.history.columns import ORDER_FIELDS, match_columns
from fcsim.history.table import Problems, read_table

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class History:
    """Orders of an export as columns; lines CSR-style, SKUs by sales rank in the history."""

    source: str
    order_id: np.ndarray  # object, one per order, orders sorted by creation time
    created: np.ndarray  # datetime64[s], local wall-clock time
    first_row: np.ndarray  # int64, row of the order's first line in the file
    line_start: np.ndarray  # int64, n + 1 offsets
    line_sku: np.ndarray  # int32, index into sku_codes
    line_units: np.ndarray  # int32
    line_price: np.ndarray  # float64 unit price, NaN when unknown
    line_row: np.ndarray  # int64, row of the line in the file
    sku_codes: np.ndarray  # object, SKU code by rank (most order lines first)
    country: np.ndarray  # object, "" when unknown
    postcode: np.ndarray  # object
    shipping_method: np.ndarray  # object
    offsets_seen: dict[str, int] = field(default_factory=dict)
    columns_used: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.created)

    @property
    def n_lines(self) -> np.ndarray:
        return np.diff(self.line_start)

    @property
    def first_day(self) -> np.datetime64:
        return self.created.min().astype("datetime64[D]")

    @property
    def day(self) -> np.ndarray:
        """Day of every order, counted from the first day of the history."""
        return (self.created.astype("datetime64[D]") - self.first_day).astype(np.int64)

    @property
    def n_days(self) -> int:
        """Calendar days from the first to the last order day, both included."""
        return int(self.day.max()) + 1 if self.n else 0

    @property
    def minute_of_day(self) -> np.ndarray:
        """Minutes after local midnight of every order's creation."""
        sec = (self.created - self.created.astype("datetime64[D]")).astype(np.int64)
        return sec / 60.0

    def sku_lines(self) -> np.ndarray:
        """Order lines per SKU rank."""
        return np.bincount(self.line_sku, minlength=len(self.sku_codes))

    def sku_units(self) -> np.ndarray:
        """Units sold per SKU rank."""
        return np.bincount(self.line_sku, weights=self.line_units, minlength=len(self.sku_codes))


def read_history(
    path: Path,
    problems: Problems,
    *,
    columns: Mapping[str, str | None] | None = None,
    date_format: str | None = None,
    timezone: str | None = None,
    hint: str = "demand.columns.",
    source: str | None = None,
) -> History | None:
    """Read and check an order export; None when it cannot be read at all."""
    table = read_table(path, problems, source)
    if table is None:
        return None
    cols = match_columns(table, ORDER_FIELDS, columns or {}, problems, hint)
    if cols is None:
        return None
    src = table.source
    start = len(problems.found.get(src, []))
    oid = values.text(table, cols["order_id"])
    sku = values.text(table, cols["sku"])
    if (oid == "").any():
        problems.add_rows(
            src,
            table.rows[oid == ""],
            cols["order_id"].header,
            ["missing order id"] * int((oid == "").sum()),
        )
    if (sku == "").any():
        problems.add_rows(
            src, table.rows[sku == ""], cols["sku"].header, ["missing SKU"] * int((sku == "").sum())
        )
    if "quantity" in cols:
        qty = values.numbers(
            table,
            cols["quantity"],
            problems,
            whole=True,
            minimum=1,
            maximum=MAX_UNITS_PER_LINE,
            what="quantity",
        )
        empty_q = values.text(table, cols["quantity"]) == ""
        if empty_q.any():
            problems.add_rows(
                src,
                table.rows[empty_q],
                cols["quantity"].header,
                ["missing quantity"] * int(empty_q.sum()),
            )
    else:
        qty = np.ones(table.n)
    price = (
        values.numbers(table, cols["unit_price"], problems, minimum=0, what="price")
        if "unit_price" in cols
        else np.full(table.n, np.nan)
    )
    created, offsets = values.timestamps(
        table, cols["created_at"], problems, date_format=date_format, timezone=timezone
    )
    frame = pd.DataFrame(
        {
            "row": table.rows,
            "oid": oid,
            "sku": sku,
            "qty": qty,
            "price": price,
            "created": pd.Series(created),
            "created_empty": values.text(table, cols["created_at"]) == "",
            "country": values.text(table, cols.get("country")),
            "postcode": values.text(table, cols.get("postcode")),
            "method": values.text(table, cols.get("shipping_method")),
        }
    )
    frame = _order_level(frame, src, cols["created_at"].header, problems)
    frame = _repeated_rows(frame, src, problems)
    refused = plausible.order_dates(frame, src, cols["created_at"].header, problems)
    if "quantity" in cols:
        refused += plausible.order_totals(frame, src, cols["quantity"].header, problems)
    bad_rows = {r for r, _, _ in problems.found.get(src, [])[start:] if r}
    keep = ~frame["row"].isin(bad_rows) & (frame["oid"] != "") & (frame["sku"] != "")
    keep &= frame["created"].notna() & frame["qty"].notna() & ~frame["oid"].isin(refused)
    return _assemble(frame[keep], src, offsets, {k: c.header for k, c in cols.items()})


def _order_level(
    frame: pd.DataFrame, src: str, created_header: str, problems: Problems
) -> pd.DataFrame:
    """Fill order-level fields from the order's other lines; report conflicting times."""
    by = frame.groupby("oid", sort=False)
    for name in ("country", "postcode", "method"):
        blank = frame[name] == ""
        if blank.any():
            first = frame[name].where(~blank).groupby(frame["oid"], sort=False).transform("first")
            frame[name] = frame[name].where(~blank, first.fillna(""))
    created = frame["created"]
    first = by["created"].transform("first")
    conflict = created.notna() & first.notna() & (created != first) & (frame["oid"] != "")
    if conflict.any():
        first_row = frame["row"].where(created.notna()).groupby(frame["oid"]).transform("first")
        msgs = [
            f'order id "{o}" was already used in row {int(r)} for an order created at '
            f"{pd.Timestamp(t):%Y-%m-%d %H:%M}: two orders share one id"
            for o, r, t in zip(
                frame["oid"][conflict], first_row[conflict], first[conflict], strict=True
            )
        ]
        problems.add_rows(src, frame["row"][conflict].to_numpy(), created_header, msgs)
    frame["created"] = created.where(created.notna(), first)
    missing = frame["created"].isna() & frame["created_empty"]
    if missing.any():
        problems.add_rows(
            src,
            frame["row"][missing].to_numpy(),
            created_header,
            ["missing order creation time"] * int(missing.sum()),
        )
    return frame


def _repeated_rows(frame: pd.DataFrame, src: str, problems: Problems) -> pd.DataFrame:
    """Report rows that repeat an earlier row exactly (a line exported twice)."""
    key = ["oid", "sku", "qty", "price", "created"]
    dup = frame.duplicated(subset=key, keep="first") & (frame["oid"] != "")
    if dup.any():
        first = frame.groupby(key, dropna=False, sort=False)["row"].transform("first")
        msgs = [
            f"repeats row {int(r)} (same order, SKU, quantity and price): a line exported twice"
            for r in first[dup]
        ]
        problems.add_rows(src, frame["row"][dup].to_numpy(), None, msgs)
    return frame


def _assemble(
    frame: pd.DataFrame, src: str, offsets: dict[str, int], columns: dict[str, str]
) -> History:
    """Group good lines into orders sorted by creation time, SKUs ranked by lines."""
    codes, sku_idx = np.unique(frame["sku"].to_numpy(dtype=str), return_inverse=True)
    lines = np.bincount(sku_idx, minlength=len(codes))
    order = np.lexsort((codes, -lines))  # most lines first, then by code
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes))
    oids, first_pos, oidx = np.unique(
        frame["oid"].to_numpy(dtype=str), return_index=True, return_inverse=True
    )
    created = frame["created"].to_numpy(dtype="datetime64[s]")
    o_created = created[first_pos]
    o_row = frame["row"].to_numpy()[first_pos]
    sort = np.lexsort((o_row, o_created))  # by time, then by position in the file
    new_index = np.empty(len(oids), dtype=np.int64)
    new_index[sort] = np.arange(len(oids))
    line_order = new_index[oidx]
    perm = np.lexsort((frame["row"].to_numpy(), line_order))
    counts = np.bincount(line_order, minlength=len(oids))
    line_start = np.zeros(len(oids) + 1, dtype=np.int64)
    np.cumsum(counts, out=line_start[1:])

    def per_order(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=object)[first_pos][sort]

    return History(
        source=src,
        order_id=oids.astype(object)[sort],
        created=o_created[sort],
        first_row=o_row[sort].astype(np.int64),
        line_start=line_start,
        line_sku=rank[sku_idx][perm].astype(np.int32),
        line_units=frame["qty"].to_numpy()[perm].astype(np.int32),
        line_price=frame["price"].to_numpy(dtype=float)[perm],
        line_row=frame["row"].to_numpy()[perm].astype(np.int64),
        sku_codes=codes.astype(object)[order],
        country=per_order("country"),
        postcode=per_order("postcode"),
        shipping_method=per_order("method"),
        offsets_seen=offsets,
        columns_used=columns,
    )
