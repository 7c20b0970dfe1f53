"""Schema of a dropshipping supplier (D16): processing, stock, prices, imports and returns.

Place in the flow: a strategy's node of `kind: dropship` (`nodes.py` lists every node kind).
The model (`model/supplier.py`) computes all of the node's parcels arithmetically; the cost
ledger (`model/accounting/dropship.py`) reads the prices, import terms and return terms.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from fcsim.core.distributions import Triangular
from fcsim.scenario.schema.base import (
    LEFT_OUT_AT_DEFAULT,
    MON_FRI,
    DaysDistribution,
    Model,
    NonNegative,
    Probability,
    TimeOfDay,
    Weekday,
)
from fcsim.scenario.schema.carrier_terms import CarrierTerms


class Imports(Model):
    """Customs on dropshipped parcels entering the merchant's customs union from abroad (D8).

    Applies to the parcels bound for zones without `customs` (zones with `customs` are
    outside the union and keep their own customs). Amounts are on the customs value: the
    goods' selling value excluding VAT.
    """

    vat_scheme: Literal["ioss", "dap"] = Field(
        default="ioss",
        description="How import VAT is paid. ioss: collected at checkout inside the price and "
        "remitted by the merchant; parcels above `low_value_max_eur`, which IOSS does not "
        "cover, are cleared by the merchant, who pays the duty and the VAT on it. dap: the "
        "customer pays duty and import VAT on delivery.",
    )
    low_value_max_eur: NonNegative = Field(
        default=150.0,
        description="Customs value up to which a parcel pays no customs duty and may use IOSS, "
        "EUR (EU: 150 EUR since July 2021).",
    )
    duties_rate: float = Field(
        default=0.0,
        ge=0,
        le=2,
        description="Customs duty on parcels above `low_value_max_eur`, a share of the customs "
        "value (e.g. 0.12 for most garments into the EU); paid by the merchant under ioss.",
    )
    brokerage_eur_per_parcel: NonNegative = Field(
        default=0.0,
        description="Customs clearance fee per imported parcel billed to the merchant, EUR "
        "(every scheme).",
    )


class DropshipNode(CarrierTerms):
    """A dropshipping supplier (D16): no stock held by the merchant; ships to the customer."""

    kind: Literal["dropship"]
    processing_days: DaysDistribution = Field(
        default_factory=lambda: Triangular(dist="triangular", low=1, mode=2, high=3),
        description="Supplier business days from order to parcel ready. A draw x is made "
        "whole without bias: floor(x) + 1 day with probability x - floor(x), else floor(x), so "
        "the mean is the distribution's (1-3 business days, mode 2: mean 2).",
    )
    working_days: list[Weekday] = Field(
        default_factory=lambda: list(MON_FRI), min_length=1, description="Supplier working days."
    )
    ready_time: TimeOfDay | None = Field(
        default=None,
        description="Time of day at which a processing day's parcels are ready; orders placed "
        "after it count from the next working day. Default: the earliest cutoff of the "
        "supplier's carriers (the day's parcels are prepared for the collection). A time after "
        "one of its carriers' cutoffs is refused: that carrier's parcels would all wait a day "
        "(add a processing day instead).",
    )
    stock_availability: Probability = Field(
        default=0.95, description="Probability that the supplier has an ordered line in stock."
    )
    backorder_days: Annotated[DaysDistribution | None, LEFT_OUT_AT_DEFAULT] = Field(
        default=None,
        description="Supplier business days to restock what it does not have: a parcel with a "
        "line out of stock waits that long (drawn per parcel, made whole without bias) before "
        "its processing days, and ships complete; with customers who react and their "
        "`customer_base.patience_days`, it is cancelled when its customer's patience runs out "
        "first. Default: none, a line out of stock is a lost sale at once.",
    )
    defect_rate: Probability = Field(
        default=0.03, description="Share of units that arrive defective (refunded, written off)."
    )
    price_markup: float = Field(
        default=0.25, ge=0, le=10, description="Supplier price above the wholesale unit cost."
    )
    handling_eur_per_order: NonNegative = Field(
        default=1.5, description="Supplier handling fee per parcel, EUR."
    )
    promise_business_days: int | None = Field(
        default=None, ge=0, le=60, description="Promise for dropshipped parcels, if different."
    )
    imports: Imports | None = Field(
        default=None,
        description="Customs when the supplier ships from outside the merchant's customs union; "
        "omit for a supplier inside it.",
    )
    return_label_cost_eur: NonNegative | None = Field(
        default=None,
        description="Price of one return label back to this supplier, EUR (cross-border when "
        "it is abroad), paid when `returns.label_paid_by` is merchant. Default: the "
        "scenario's `returns.label_cost_eur`.",
    )
    refund_without_return_share: Probability = Field(
        default=0.0,
        description="Share of parcels with a return that are refunded without the goods "
        "coming back (a return label would cost more than the goods): no label, the goods "
        "are written off at the supplier's price.",
    )
    return_credit_share: Probability | None = Field(
        default=None,
        description="Share of the sound units sent back that the supplier takes back and "
        "credits at its price; the rest is written off. Default: the scenario's "
        "`returns.restock_share`.",
    )
