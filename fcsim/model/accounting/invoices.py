"""A 3PL's invoice, line by line, as daily amounts (D15).

Place in the flow: `costs.third_party_costs` calls `third_party_invoice` with the node's view
(its parcels and daily series, from `model/warehouse.py`, `model/inbound.py` and
`model/billing.py`) and adds each line to the ledger category of `LINE_CATEGORY`, so that the
runs table shows the invoice itemised (`cost_receiving_fees_eur`, ...). The lines:
- one-off set-up, integration and exit costs, spread evenly over the longer of the contract's
  minimum term and `setup_amortisation_months`, from the first day (the exit is a certain cost
  of the contract, so it is spread like the set-up rather than charged on a horizon's last day);
- account management, a monthly fee spread over the days of each month;
- receiving on the fee schedule's basis: whole pallets of each received line (a part pallet
  counts as one), cartons, units, or hours of unloading, checking and put-away at the node;
- storage on its basis, from the daily stock snapshot: locations rented by type, whole pallets
  per SKU, cubic metres or units in stock, times the month's rate (the peak rate in peak months),
  spread over the days of each month;
- pick & pack per parcel: first-item and extra-item fees of the tier the month's volume reaches
  (orders shipped by the node in the month, scaled to the whole month when the horizon cuts
  it), the returns fee per returned unit;
- packaging fee, branded-packaging surcharge (when the node's packing is branded), insert fee;
- the top-up to the monthly minimum of the activity fees (everything above but the one-off
  costs and account management).
Per-parcel lines are dated on the parcel's creation day, like every per-parcel cost.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.billing import location_key
from fcsim.scenario.schema.fees import ThreePLFees
from fcsim.scenario.schema.nodes import ThirdPartyNode

DAYS_PER_MONTH = 365.25 / 12

LINE_CATEGORY: dict[str, str] = {
    "setup_exit": "setup_exit",
    "account_management": "account_management",
    "receiving": "receiving_fees",
    "storage": "storage",
    "pick_pack": "fulfilment_fees",
    "returns_fee": "fulfilment_fees",
    "packaging": "packaging",
    "branded_packaging": "packaging",
    "insert_fee": "inserts",
    "minimum_top_up": "minimum_top_up",
}
"""Each invoice line and the ledger category it is reported in."""

OUTSIDE_MINIMUM = ("setup_exit", "account_management", "minimum_top_up")
"""Lines that do not count towards the monthly minimum."""


def one_off_spread_days(fees: ThreePLFees) -> int:
    """Days over which set-up, integration and exit are spread: the longer of the contract's
    minimum term and the amortisation period."""
    months = max(fees.contract_min_term_months, fees.setup_amortisation_months)
    return max(1, round(months * DAYS_PER_MONTH))


def one_off_eur(fees: ThreePLFees, n_days: int) -> np.ndarray:
    """Set-up, integration and exit costs per day."""
    out = np.zeros(n_days)
    spread = one_off_spread_days(fees)
    out[: min(n_days, spread)] = (fees.setup_eur + fees.integration_eur + fees.exit_eur) / spread
    return out


def receiving_eur(fees: ThreePLFees, daily: dict[str, np.ndarray]) -> np.ndarray:
    """Receiving fees per day on the schedule's basis."""
    basis = fees.receiving_basis
    if basis == "per_pallet":
        return daily["pallets_received_whole"] * fees.receiving_eur_per_pallet
    if basis == "per_carton":
        return daily["cartons_received"] * fees.receiving_eur_per_carton
    if basis == "per_unit":
        return daily["units_received"] * fees.receiving_eur_per_unit
    return daily["receiving_min"] / 60 * fees.receiving_eur_per_hour


def _rate(peak_days: np.ndarray, base: float, peak: float | None) -> np.ndarray:
    return np.where(peak_days, base if peak is None else peak, base)


def storage_eur(
    fees: ThreePLFees, daily: dict[str, np.ndarray], peak_days: np.ndarray, month_share: np.ndarray
) -> np.ndarray:
    """Storage per day: the day's billed quantity x the monthly rate x the day's share of its
    month. `peak_days` marks the days of peak months."""
    f = fees
    basis = f.storage_basis
    if basis == "per_location":
        monthly = sum(
            daily[location_key(t.name)] * _rate(peak_days, t.eur_per_month, t.peak_eur_per_month)
            for t in f.storage_locations
        )
    elif basis == "per_pallet":
        monthly = daily["stock_pallets_whole"] * _rate(
            peak_days, f.storage_eur_per_pallet_month, f.storage_peak_eur_per_pallet_month
        )
    elif basis == "per_cubic_metre":
        monthly = (
            daily["stock_volume_l"]
            / 1000
            * _rate(peak_days, f.storage_eur_per_m3_month, f.storage_peak_eur_per_m3_month)
        )
    else:
        monthly = daily["stock_units"] * _rate(
            peak_days, f.storage_eur_per_unit_month, f.storage_peak_eur_per_unit_month
        )
    return np.asarray(monthly, dtype=float) * month_share


def pick_pack_rates(
    fees: ThreePLFees, parcel_day: np.ndarray, months: np.ndarray, order_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """(first-item fee, extra-item fee) of each parcel created on `parcel_day`: the tier that
    its month's volume reaches (`pick_pack_tier`)."""
    first = np.full(len(parcel_day), fees.pick_pack_first_item_eur)
    extra = np.full(len(parcel_day), fees.pick_pack_extra_item_eur)
    tier = pick_pack_tier(fees, parcel_day, months, order_days)
    for i, t in enumerate(fees.pick_pack_tiers):
        first[tier == i] = t.first_item_eur
        extra[tier == i] = t.extra_item_eur
    return first, extra


def pick_pack_tier(
    fees: ThreePLFees, parcel_day: np.ndarray, months: np.ndarray, order_days: int
) -> np.ndarray:
    """Pick & pack tier (index; -1: the base fees) of each parcel created on `parcel_day`: the
    tier that its month's volume reaches, the month's parcels scaled to the whole month when
    the days with orders (the first `order_days` of `months`, one per simulated day) cover only
    part of it."""
    out = np.full(len(parcel_day), -1)
    if not fees.pick_pack_tiers or len(parcel_day) == 0:
        return out
    parcel_month = months[parcel_day]
    lows = np.array([t.from_orders_per_month for t in fees.pick_pack_tiers], dtype=float)
    with_orders = months[:order_days]
    for m in np.unique(parcel_month):
        simulated = max(1, int((with_orders == m).sum()))
        month_days = int(_days_in(int(m)))
        volume = np.count_nonzero(parcel_month == m) * month_days / simulated
        tier = int(np.searchsorted(lows, volume + 1e-9, side="right")) - 1
        if tier >= 0:
            out[parcel_month == m] = tier
    return out


def _days_in(month: int) -> int:
    first = np.datetime64(month, "M")
    return int(((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int))


def third_party_invoice(
    node: ThirdPartyNode,
    *,
    daily: dict[str, np.ndarray],
    months: np.ndarray,
    peak_days: np.ndarray,
    month_share: np.ndarray,
    parcel_day: np.ndarray,
    parcel_units: np.ndarray,
    parcel_inserts: np.ndarray,
    returned_units_by_day: np.ndarray,
    window: tuple[int, int],
) -> dict[str, np.ndarray]:
    """The invoice's lines (EUR per simulated day) for the node's shipped parcels (created on
    `parcel_day`, with `parcel_units` units and `parcel_inserts` inserts), its daily series and
    the units returned to it each day; the minimum is topped up over the `window`."""
    f = node.fees
    n = len(months)
    d = np.clip(parcel_day, 0, n - 1)

    def by_day(amounts: np.ndarray | float) -> np.ndarray:
        w = np.broadcast_to(np.asarray(amounts, dtype=float), d.shape)
        return np.bincount(d, weights=w, minlength=n)

    first, extra = pick_pack_rates(f, d, months, order_days=window[1])
    lines = {
        "setup_exit": one_off_eur(f, n),
        "account_management": f.account_management_eur_per_month * month_share,
        "receiving": receiving_eur(f, daily)[:n],
        "storage": storage_eur(f, daily, peak_days, month_share)[:n],
        "pick_pack": by_day(first + extra * np.maximum(parcel_units - 1, 0)),
        "returns_fee": returned_units_by_day * f.returns_eur_each,
        "packaging": by_day(f.packaging_eur_per_order or 0.0),
        "branded_packaging": by_day(f.branded_packaging_eur if node.packing.branded else 0.0),
        "insert_fee": by_day(parcel_inserts * f.insert_eur),
    }
    activity = sum(v for k, v in lines.items() if k not in OUTSIDE_MINIMUM)
    lines["minimum_top_up"] = minimum_top_up(activity, months, f.monthly_minimum_eur, window)
    return lines


def minimum_top_up(
    fees: np.ndarray, months: np.ndarray, minimum: float, window: tuple[int, int]
) -> np.ndarray:
    """Top-up to a monthly minimum, pro rata for months cut by the window; on month ends."""
    out = np.zeros(len(fees))
    if minimum <= 0:
        return out
    start, stop = window
    for m in np.unique(months[start:stop]):
        days = np.flatnonzero(months == m)
        inside = days[(days >= start) & (days < stop)]
        due = minimum * len(inside) / _days_in(int(m)) - fees[inside].sum()
        if due > 0:
            out[inside[-1]] += due
    return out
