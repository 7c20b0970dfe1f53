"""Schema of imported data: demand from an order history, a catalogue from a product file.

Place in the flow: parts of `fcsim.scenario.schema.scenario.Scenario`. `demand` is either the
parametric `Demand` (`kind: poisson`, the default when `kind` is omitted) or `HistoryDemand` (`kind:
history`); `catalogue` is either the generated `Catalogue` (`skus: N`) or `CatalogueFile` (`from:
products.csv`). The files themselves are read and checked row by row by `fcsim.history` once the
scenario is valid; relative paths are resolved against the folder of the scenario file that names
them (`fcsim.history.paths`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from fcsim.scenario.schema.base import Model
from fcsim.scenario.schema.business import Catalogue, Category, Demand, unique_categories

DATA_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".pq")

Header = Annotated[str, Field(min_length=1, max_length=200)]


class OrderColumns(Model):
    """Header names of the order file's columns; omitted ones are recognised by common names."""

    order_id: Header | None = Field(
        default=None, description="Order id (default: Name, Order ID, order_number, ...)."
    )
    created_at: Header | None = Field(
        default=None, description="Order creation time (default: Created at, Order Date, ...)."
    )
    sku: Header | None = Field(
        default=None, description="SKU of the line (default: Lineitem sku, SKU, ...)."
    )
    quantity: Header | None = Field(
        default=None,
        description="Units on the line (default: Lineitem quantity, Quantity, qty, ...; "
        "without such a column every line is one unit).",
    )
    unit_price: Header | None = Field(
        default=None, description="Unit price (optional; default: Lineitem price, Price, ...)."
    )
    country: Header | None = Field(
        default=None, description="Shipping country (optional; default: Shipping Country, ...)."
    )
    postcode: Header | None = Field(
        default=None, description="Shipping postcode (optional; default: Shipping Zip, ...)."
    )
    shipping_method: Header | None = Field(
        default=None, description="Shipping method (optional; default: Shipping Method, ...)."
    )


class ProductColumns(Model):
    """Header names of the product file's columns; omitted ones are recognised by common names."""

    sku: Header | None = Field(default=None, description="SKU (default: SKU, Variant SKU, ...).")
    category: Header | None = Field(
        default=None,
        description="Category name, one of `categories` (default: category, Product Type, ...).",
    )
    unit_price_eur: Header | None = Field(
        default=None, description="Selling price per unit, EUR (optional; default: price, ...)."
    )
    unit_cost_eur: Header | None = Field(
        default=None, description="Purchase cost per unit, EUR (optional; default: cost, ...)."
    )
    unit_weight_kg: Header | None = Field(
        default=None,
        description="Weight per unit, kg (optional; default: weight_kg, weight; Variant Grams "
        "and weight_g are read as grams).",
    )
    unit_volume_l: Header | None = Field(
        default=None, description="Volume per unit, litres (optional; default: volume_l, ...)."
    )
    popularity: Header | None = Field(
        default=None,
        description="Relative sales (e.g. units sold last year), used when demand is not a "
        "history (optional; default: popularity, units_sold, sales).",
    )


def _check_path(value: str) -> str:
    if not value.lower().endswith(DATA_SUFFIXES):
        raise ValueError(
            f"must be a .csv or .parquet file (got {value!r}); other extensions are not read"
        )
    return value


DataPath = Annotated[str, Field(min_length=1, max_length=4096)]


class HistoryDemand(Model):
    """Orders from the merchant's own history: replayed, resampled by day, or fitted."""

    kind: Literal["history"] = Field(description="Demand from an order history file.")
    orders: DataPath = Field(
        description="Order export (CSV or Parquet, one row per order line), relative to the "
        "scenario file."
    )
    mode: Literal["replay", "bootstrap", "fit"] = Field(
        default="bootstrap",
        description="replay: the exact orders, shifted to the horizon (weekdays aligned); "
        "bootstrap: whole days resampled by weekday and month, baskets intact; fit: a "
        "parametric model (weekday and month profile, trend, lines per order, SKU popularity).",
    )
    columns: OrderColumns = Field(
        default_factory=OrderColumns, description="Header names, where the defaults miss."
    )
    timezone: str | None = Field(
        default=None,
        description="IANA time zone of the shop (e.g. Europe/Paris): timestamps with an offset "
        "are converted to it. Omitted: times are taken as written, offsets dropped.",
    )
    date_format: str | None = Field(
        default=None,
        description="strftime format of the creation time (e.g. '%d/%m/%Y %H:%M'); default: "
        "ISO 8601 (2025-03-01 14:05[:SS][+01:00]).",
    )
    growth: float = Field(
        default=0.0,
        ge=-0.9,
        le=20.0,
        description="Volume relative to the history (0.2 = 20 % more orders), for bootstrap "
        "and fit; replay plays the orders as they were.",
    )
    baskets: Literal["resample", "independent"] = Field(
        default="resample",
        description="fit: draw whole baskets seen in the history (co-occurrence kept) or draw "
        "each line's SKU independently by popularity.",
    )
    trend: bool = Field(
        default=False,
        description="fit: continue the volume trend fitted on the history into the horizon "
        "(on top of `growth`).",
    )

    @field_validator("orders")
    @classmethod
    def _suffix(cls, value: str) -> str:
        return _check_path(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value!r}; use an IANA name such as Europe/Paris"
                ) from None
        return value

    @field_validator("date_format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        if value is not None and "%" not in value:
            raise ValueError(f"must be a strftime format such as '%d/%m/%Y %H:%M' (got {value!r})")
        if value is not None:
            # a date written with the format must read back with it (an unknown directive
            # such as %Q, or a lone %, does not)
            sample = dt.datetime(2026, 1, 5, 13, 45, 30, tzinfo=dt.UTC).strftime(value)
            try:
                dt.datetime.strptime(sample, value)
            except ValueError as exc:
                raise ValueError(
                    f"is not a format dates can be read with ({exc}); e.g. '%d/%m/%Y %H:%M'"
                ) from None
        return value

    @model_validator(mode="after")
    def _mode_options(self) -> HistoryDemand:
        if self.mode == "replay" and self.growth != 0:
            raise ValueError(
                "growth applies to bootstrap and fit; replay plays the orders as they were "
                "(use mode: bootstrap or fit to project a different volume)"
            )
        if self.trend and self.mode != "fit":
            raise ValueError(f"trend applies to mode: fit (mode is {self.mode})")
        return self


class CatalogueFile(Model):
    """The catalogue read from a product file: one row per SKU."""

    from_: DataPath = Field(
        alias="from",
        description="Product file (CSV or Parquet, one row per SKU), relative to the scenario "
        "file.",
    )
    columns: ProductColumns = Field(
        default_factory=ProductColumns, description="Header names, where the defaults miss."
    )
    popularity_exponent: float = Field(
        default=1.0,
        ge=0,
        le=4,
        description="Zipf exponent over the file's row order, used only when the demand is not "
        "a history and the file has no popularity column.",
    )
    categories: list[Category] = Field(
        min_length=1,
        description="Product categories: figures for every SKU of the category, unless the "
        "product file gives the SKU's own price, cost, weight or volume.",
    )

    @field_validator("from_")
    @classmethod
    def _suffix(cls, value: str) -> str:
        return _check_path(value)

    @field_validator("categories")
    @classmethod
    def _unique(cls, cats: list[Category]) -> list[Category]:
        return unique_categories(cats)


class _DemandKind(BaseModel):
    kind: Literal["poisson", "history"]


def _pick_demand(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate against the model named by `kind` (poisson when omitted).

    Errors then carry plain key paths (`demand.orders_per_day`), without the union tag.
    """
    if not isinstance(value, dict):
        return handler(value)
    kind = value.get("kind", "poisson")
    if kind not in ("poisson", "history"):
        _DemandKind.model_validate({"kind": kind})
    return (HistoryDemand if kind == "history" else Demand).model_validate(value)


def _pick_catalogue(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A product file when `from` is given, else the generated catalogue."""
    if not isinstance(value, dict):
        return handler(value)
    return (CatalogueFile if "from" in value else Catalogue).model_validate(value)


AnyDemand = Annotated[
    Demand | HistoryDemand, Field(discriminator="kind"), WrapValidator(_pick_demand)
]
"""`demand:` — parametric (`kind: poisson`, the default) or from history (`kind: history`)."""

AnyCatalogue = Annotated[Catalogue | CatalogueFile, WrapValidator(_pick_catalogue)]
"""`catalogue:` — generated (`skus: N`) or from a product file (`from: products.csv`)."""
