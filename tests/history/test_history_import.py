"""Reading order exports and product files: columns, formats, time zones, problems by row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fcsim.history.orders import read_history
from fcsim.history.products import read_products
from fcsim.history.table import Problems

from conftest import ROOT

SAMPLE = ROOT / "scenarios" / "data" / "apparel_orders.csv"


def _read(path: Path, **kw):
    problems = Problems()
    return read_history(path, problems, **kw), problems


def test_the_shopify_style_sample_reads_without_problems() -> None:
    h, problems = _read(SAMPLE)
    assert not problems
    assert h.n == 4429 and len(h.line_sku) == 7346 and h.n_days == 365
    assert h.columns_used["order_id"] == "Name" and h.columns_used["sku"] == "Lineitem sku"
    assert np.all(np.diff(h.created) >= np.timedelta64(0, "s"))  # sorted by creation time
    assert (h.country != "").all()  # order-level fields filled from the order's first line
    lines = h.sku_lines()
    assert np.all(np.diff(lines) <= 0)  # SKU index = rank by order lines


def test_order_level_fields_come_from_the_first_line(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text(
        "Name,Created at,Lineitem sku,Lineitem quantity,Shipping Country\n"
        "#2,2025-01-06 10:00,B,1,DE\n#1,2025-01-06 09:00,A,2,FR\n#1,,B,1,\n",
        encoding="utf-8",
    )
    h, problems = _read(p)
    assert not problems
    assert list(h.order_id) == ["#1", "#2"]  # by creation time
    assert list(h.country) == ["FR", "DE"]
    assert list(h.n_lines) == [2, 1] and list(h.line_units) == [2, 1, 1]


def test_time_zones_are_converted_when_asked(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text(
        "order_id,created_at,sku\n"
        "1,2025-03-30T00:30:00Z,A\n"  # 01:30 in Paris (+01:00)
        "2,2025-03-30T01:30:00+00:00,A\n"  # 03:30 in Paris: summer time began at 02:00
        "3,2025-07-01 12:00:00 +0200,A\n"  # 12:00 in Paris
        "4,2025-07-01 12:00,A\n",  # no offset: taken as local
        encoding="utf-8",
    )
    paris, problems = _read(p, timezone="Europe/Paris")
    assert not problems
    assert [str(t)[11:16] for t in paris.created] == ["01:30", "03:30", "12:00", "12:00"]
    written, _ = _read(p)
    assert [str(t)[11:16] for t in written.created] == ["00:30", "01:30", "12:00", "12:00"]
    assert written.offsets_seen == {"+00:00": 2, "+0200": 1}


def test_semicolons_decimal_commas_and_a_date_format(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text(
        "Order Number;Order Date;Article;Qty;Price\n"
        "A1;05/01/2025 14:20;X;2;12,50\nA2;06/01/2025 09:05;Y;1;€ 3,00\n",
        encoding="utf-8",
    )
    h, problems = _read(
        p,
        columns={"sku": "Article", "order_id": "order number"},
        date_format="%d/%m/%Y %H:%M",
    )
    assert not problems, problems.as_problems()
    assert str(h.created[0]) == "2025-01-05T14:20:00"
    assert list(h.line_price) == [12.5, 3.0]


def test_parquet_with_typed_columns(tmp_path: Path) -> None:
    p = tmp_path / "o.parquet"
    frame = pd.DataFrame(
        {
            "order_id": [1, 1, 2],
            "created_at": pd.to_datetime(
                ["2025-01-06 09:00", "2025-01-06 09:00", "2025-01-07 23:30"]
            ).tz_localize("UTC"),
            "sku": ["A", "B", "A"],
            "quantity": [1, 3, -2],
        }
    )
    frame.to_parquet(p)
    h, problems = _read(p, timezone="Europe/Paris")
    found = [str(x) for x in problems.as_problems()]
    assert len(found) == 1 and found[0].endswith(':3: column "quantity": negative quantity (-2)')
    assert h.n == 1 and str(h.created[0]) == "2025-01-06T10:00:00"


def test_a_named_column_that_is_not_there(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text("order_id,created_at,sku\n1,2025-01-06 10:00,A\n", encoding="utf-8")
    h, problems = _read(p, columns={"quantity": "Menge"})
    assert h is None
    (msg,) = [str(x) for x in problems.as_problems()]
    assert 'o.csv:1: no column "Menge" (demand.columns.quantity)' in msg


def test_products_take_their_own_figures_and_check_categories(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text(
        "Variant SKU,Product Type,Variant Price,Variant Grams\n"
        "A,tops,10,250\nB,tops,,\nC,hats,5,100\n",
        encoding="utf-8",
    )
    problems = Problems()
    prods = read_products(p, problems, ["tops", "shoes"])
    (msg,) = [str(x) for x in problems.as_problems()]
    assert 'p.csv:4: column "Product Type": no category "hats"' in msg
    assert list(prods.sku) == ["A", "B"]
    assert prods.figures["unit_weight_kg"][0] == 0.25  # grams read as grams
    assert np.isnan(prods.figures["unit_price_eur"][1])  # the category's price will apply
