"""The basis of a 3PL's invoice lines: each line as its fees times what they are charged on.

Place in the flow: `costs.third_party_costs` calls `invoice_basis` after adding the lines of
`invoices.third_party_invoice` to the ledger; it records (`Ledger.basis`) the same lines as
terms rate x quantity over the measurement window: one-off costs x the share of their spread,
account management x months, receiving x pallets / cartons / units / hours, storage x location-,
pallet-, m3- or unit-months (peak months at the peak rate apart), pick & pack x parcels and
extra units per volume tier, the returns fee x returned units, packaging, branded packaging
and inserts x parcels or inserts; the top-up to the monthly minimum is no product and is given
as its mean per month topped up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fcsim.model.accounting.invoices import LINE_CATEGORY, one_off_spread_days, pick_pack_tier
from fcsim.model.billing import location_key
from fcsim.scenario.schema.nodes import ThirdPartyNode

if TYPE_CHECKING:
    from fcsim.model.accounting.costs import Ledger, NodeView

RECEIVING = {
    "per_pallet": ("receiving_eur_per_pallet", "pallets_received_whole", "pallet", 1.0),
    "per_carton": ("receiving_eur_per_carton", "cartons_received", "carton", 1.0),
    "per_unit": ("receiving_eur_per_unit", "units_received", "unit", 1.0),
    "per_hour": ("receiving_eur_per_hour", "receiving_min", "hour", 1 / 60),
}
"""Receiving basis -> (fee field, daily series, unit, series to unit factor)."""

STORAGE = {
    "per_pallet": ("pallet", "stock_pallets_whole", 1.0),
    "per_cubic_metre": ("m3", "stock_volume_l", 1 / 1000),
    "per_unit": ("unit", "stock_units", 1.0),
}
"""Storage basis -> (fee field's unit, daily series, series to unit factor)."""


def invoice_basis(
    led: Ledger, v: NodeView, node: ThirdPartyNode, lines: dict[str, np.ndarray]
) -> None:
    """Record the basis of every invoice line of `lines` (`invoices.third_party_invoice`)."""
    f = node.fees
    daily = v.result.daily
    month = v.month_share

    def term(line: str, field: str, rate: float, unit: str, q: np.ndarray | float, what: str):
        led.basis(LINE_CATEGORY[line], v.name, v.key(f"fees.{field}"), rate, unit, q, what)

    spread = np.zeros(v.n)
    days = one_off_spread_days(f)
    spread[: min(v.n, days)] = 1 / days
    for field in ("setup_eur", "integration_eur", "exit_eur"):
        term("setup_exit", field, getattr(f, field), "EUR", spread, f"share of {days} days")
    fee = f.account_management_eur_per_month
    term(
        "account_management", "account_management_eur_per_month", fee, "EUR/month", month, "months"
    )
    field, series, unit, factor = RECEIVING[f.receiving_basis]
    term("receiving", field, getattr(f, field), f"EUR/{unit}", daily[series] * factor, f"{unit}s")
    _storage(term, v, node)
    d = np.clip(v.day[v.shipped], 0, v.n - 1)
    tier = pick_pack_tier(f, d, v.months, order_days=v.window[1])
    extra = np.maximum(v.parcels.units[v.shipped] - 1, 0).astype(float)
    fees = [(-1, "pick_pack_", f.pick_pack_first_item_eur, f.pick_pack_extra_item_eur, "base")]
    fees += [
        (i, f"pick_pack_tiers[{i}].", t.first_item_eur, t.extra_item_eur,
         f"from {t.from_orders_per_month:,} orders/month")
        for i, t in enumerate(f.pick_pack_tiers)
    ]  # fmt: skip
    for i, prefix, first_fee, extra_fee, label in fees:
        sel = tier == i
        parcels = np.bincount(d[sel], minlength=v.n).astype(float)
        extra_units = np.bincount(d[sel], weights=extra[sel], minlength=v.n)
        what = f" ({label})" if f.pick_pack_tiers else ""
        first_key = f"{prefix}first_item_eur"
        term("pick_pack", first_key, first_fee, "EUR/parcel", parcels, f"parcels{what}")
        extra_key = f"{prefix}extra_item_eur"
        term("pick_pack", extra_key, extra_fee, "EUR/unit", extra_units, f"extra units{what}")
    returned = v.returned_on_day(1.0)
    term(
        "returns_fee",
        "returns_eur_each",
        f.returns_eur_each,
        "EUR/unit",
        returned,
        "returned units",
    )
    all_parcels = v.by_parcel_day(1.0)
    pack = f.packaging_eur_per_order or 0.0
    term("packaging", "packaging_eur_per_order", pack, "EUR/parcel", all_parcels, "parcels")
    if node.packing.branded:
        brand = f.branded_packaging_eur
        term(
            "branded_packaging",
            "branded_packaging_eur",
            brand,
            "EUR/parcel",
            all_parcels,
            "parcels",
        )
    inserts = v.by_parcel_day(v.parcels.inserts[v.shipped])
    term("insert_fee", "insert_eur", f.insert_eur, "EUR/insert", inserts, "inserts")
    top_up = lines["minimum_top_up"]
    led.basis_mean(
        LINE_CATEGORY["minimum_top_up"], v.name, v.key("fees.monthly_minimum_eur"),
        "EUR/month topped up", (top_up > 0).astype(float), "months below the minimum", top_up,
    )  # fmt: skip


def _storage(term, v: NodeView, node: ThirdPartyNode) -> None:
    """Storage: the billed quantity x the month's share, base and peak months apart."""
    f = node.fees
    daily = v.result.daily
    peak = v.peak(f.peak_months)
    if f.storage_basis == "per_location":
        parts = [
            (
                f"storage_locations[{i}].eur_per_month",
                f"storage_locations[{i}].peak_eur_per_month",
                t.eur_per_month,
                t.peak_eur_per_month,
                "location",
                daily[location_key(t.name)],
                f"location-months ({t.name})",
            )
            for i, t in enumerate(f.storage_locations)
        ]
    else:
        unit, series, factor = STORAGE[f.storage_basis]
        field = {"m3": "m3", "pallet": "pallet", "unit": "unit"}[unit]
        parts = [
            (
                f"storage_eur_per_{field}_month",
                f"storage_peak_eur_per_{field}_month",
                getattr(f, f"storage_eur_per_{field}_month"),
                getattr(f, f"storage_peak_eur_per_{field}_month"),
                unit,
                daily[series] * factor,
                f"{unit}-months",
            )
        ]
    for base_key, peak_key, base, peak_rate, unit, q, what in parts:
        months = np.asarray(q, dtype=float)[: v.n] * v.month_share
        if peak_rate is None:
            term("storage", base_key, base, f"EUR/{unit}-month", months, what)
            continue
        term("storage", base_key, base, f"EUR/{unit}-month", months * ~peak, what)
        term("storage", peak_key, peak_rate, f"EUR/{unit}-month", months * peak, f"{what}, peak")
