"""Which column of a data file holds which field: defaults for common shop exports, overrides.

Place in the flow: after `table.read_table`, before values are parsed. Header names are
compared without case, spaces or punctuation (`Lineitem SKU` = `lineitem_sku`); for each field
the first known name present wins, unless the scenario names the column itself
(`demand.columns.sku: "Article"`). The names below cover Shopify, WooCommerce, Magento and
Amazon order reports and the plain names used in fcsim's own sample files (docs/data.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from fcsim.history.table import Problems, Table


@dataclass(frozen=True)
class FieldSpec:
    """A field: what it is, whether it is required, and its known header names."""

    label: str
    required: bool
    names: tuple[str, ...]
    scales: tuple[tuple[str, float], ...] = ()  # header names read in another unit (grams)


ORDER_FIELDS: dict[str, FieldSpec] = {
    "order_id": FieldSpec(
        "order id",
        True,
        ("order_id", "order_number", "order", "name", "increment_id", "amazon_order_id", "id"),
    ),
    "created_at": FieldSpec(
        "order creation time",
        True,
        (
            "created_at",
            "order_date",
            "order_created_at",
            "purchase_date",
            "date_created",
            "created",
            "date",
            "timestamp",
            "datetime",
        ),
    ),
    "sku": FieldSpec(
        "SKU",
        True,
        ("lineitem_sku", "sku", "variant_sku", "product_sku", "item_sku", "seller_sku"),
    ),
    "quantity": FieldSpec(
        "quantity",
        False,
        (
            "lineitem_quantity",
            "quantity",
            "qty",
            "qty_ordered",
            "quantity_purchased",
            "item_quantity",
            "units",
        ),
    ),
    "unit_price": FieldSpec(
        "unit price",
        False,
        ("lineitem_price", "unit_price", "item_price", "price", "item_cost", "unit_price_eur"),
    ),
    "country": FieldSpec(
        "shipping country",
        False,
        (
            "shipping_country",
            "ship_country",
            "shipping_country_code",
            "destination_country",
            "country",
            "country_code",
        ),
    ),
    "postcode": FieldSpec(
        "shipping postcode",
        False,
        (
            "shipping_zip",
            "shipping_postcode",
            "shipping_postal_code",
            "ship_postal_code",
            "postcode",
            "postal_code",
            "zip",
            "zip_code",
        ),
    ),
    "shipping_method": FieldSpec(
        "shipping method",
        False,
        (
            "shipping_method",
            "shipping_method_title",
            "ship_service_level",
            "shipping_service",
            "delivery_method",
        ),
    ),
}

PRODUCT_FIELDS: dict[str, FieldSpec] = {
    "sku": FieldSpec(
        "SKU", True, ("sku", "variant_sku", "product_sku", "item_sku", "article_number")
    ),
    "category": FieldSpec(
        "category", False, ("category", "product_type", "product_category", "type")
    ),
    "unit_price_eur": FieldSpec(
        "unit price",
        False,
        ("unit_price_eur", "unit_price", "price", "variant_price", "selling_price"),
    ),
    "unit_cost_eur": FieldSpec(
        "unit cost", False, ("unit_cost_eur", "unit_cost", "cost", "cost_per_item")
    ),
    "unit_weight_kg": FieldSpec(
        "unit weight",
        False,
        ("unit_weight_kg", "weight_kg", "weight", "variant_grams", "grams", "weight_g"),
        scales=(("variant_grams", 0.001), ("grams", 0.001), ("weight_g", 0.001)),
    ),
    "unit_volume_l": FieldSpec(
        "unit volume", False, ("unit_volume_l", "volume_l", "volume", "volume_litres")
    ),
    "popularity": FieldSpec(
        "popularity", False, ("popularity", "units_sold", "quantity_sold", "sales")
    ),
}


def squash(header: str) -> str:
    """A header name without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", header.lower())


@dataclass(frozen=True)
class Column:
    """The header chosen for a field and the factor to its unit (1, or 0.001 for grams)."""

    header: str
    scale: float = 1.0


def match_columns(
    table: Table,
    fields: Mapping[str, FieldSpec],
    chosen: Mapping[str, str | None],
    problems: Problems,
    hint: str,
) -> dict[str, Column] | None:
    """The column of each field found in `table`; None when a required one is missing.

    `chosen` holds the header names set by the user (None: recognise by common names);
    `hint` says where they are set, e.g. `demand.columns.` or `--column `.
    """
    by_squash: dict[str, str] = {}
    for h in table.headers:
        if h:
            by_squash.setdefault(squash(h), h)
    out: dict[str, Column] = {}
    missing = False
    listed = ", ".join(f'"{h}"' for h in table.headers if h)
    for key, spec in fields.items():
        scales = {squash(n): s for n, s in spec.scales}
        wanted = chosen.get(key)
        if wanted is not None:
            header = wanted if wanted in table.columns else by_squash.get(squash(wanted))
            if header is None:
                problems.add(
                    table.source,
                    1,
                    None,
                    f'no column "{wanted}" ({hint}{key}); the columns are: {listed}',
                )
                missing = True
                continue
            out[key] = Column(header, scales.get(squash(header), 1.0))
            continue
        for name in spec.names:
            header = by_squash.get(squash(name))
            if header is not None:
                out[key] = Column(header, scales.get(squash(name), 1.0))
                break
        else:
            if spec.required:
                problems.add(
                    table.source,
                    1,
                    None,
                    f"no column for the {spec.label} (looked for "
                    f"{', '.join(spec.names[:4])}, ...); name it with {hint}{key}; "
                    f"the columns are: {listed}",
                )
                missing = True
    return None if missing else out
