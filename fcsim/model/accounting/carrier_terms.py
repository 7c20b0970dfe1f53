"""Carrier volume tiers: what each parcel's shipping is billed at, by its node's monthly volume.

Place in the flow: `costs.ledger` calls `billed_shipping` once per run, before the node lines.
At dispatch (`model/carriers.py`) a parcel is priced at the rate card less its node's
`carrier_discount`; here, for a node with `carrier_volume_tiers`, each parcel's price is scaled
to the discount of the tier its node reached, like a carrier's invoice. The tier of a calendar
month is set by the parcels the node shipped in the previous month (what carriers do: the
volume is known when the month starts, so the rate is known at checkout); the first simulated
month, having no simulated previous month, is set by its own volume. A month the simulated days
cut (the first, the last) counts its parcels scaled to a full month. The same tier applies to
every carrier of the node, so it never changes which carrier was cheapest.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.parcels import Parcels
from fcsim.scenario.schema.carrier_terms import CarrierTerms


def tier_discount(terms: CarrierTerms, parcels_per_month: np.ndarray) -> np.ndarray:
    """The discount reached at each monthly volume: the deepest tier at or below it, else the
    base `carrier_discount`."""
    vol = np.asarray(parcels_per_month, dtype=float)
    out = np.full(len(vol), terms.carrier_discount)
    for t in terms.carrier_volume_tiers:  # ascending, each at least as deep as the last
        out = np.where(vol >= t.min_parcels_per_month, t.discount, out)
    return out


def monthly_volume(
    ship_day: np.ndarray, months: np.ndarray, month_days: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(calendar month numbers of the simulated days, ascending; parcels shipped in each).

    `months` and `month_days` give the month number of each simulated day and that month's
    length; a month the simulated days cover only in part has its count scaled to a full month.
    """
    ms, first, simulated = np.unique(months, return_index=True, return_counts=True)
    pos = np.searchsorted(ms, months[np.clip(ship_day, 0, len(months) - 1)])
    counts = np.bincount(pos, minlength=len(ms))
    return ms, counts * month_days[first] / simulated


def billed_shipping(
    nodes: list[CarrierTerms],
    parcels: Parcels,
    *,
    n_days: int,
    months: np.ndarray,
    month_days: np.ndarray,
) -> np.ndarray:
    """Shipping billed for every parcel, EUR: `shipping_eur` at the tier its node reached.

    `nodes` in node order; `months` and `month_days` give the month number of each simulated
    day and that month's length in days.
    """
    p = parcels
    out = p.shipping_eur.copy()
    shipped = p.ship_min <= n_days * MIN_PER_DAY
    for i, node in enumerate(nodes):
        mine = np.flatnonzero((p.node == i) & shipped)
        if not node.carrier_volume_tiers or len(mine) == 0:
            continue
        day = np.clip(np.floor(p.ship_min[mine] / MIN_PER_DAY).astype(np.int64), 0, n_days - 1)
        ms, volume = monthly_volume(day, months, month_days)
        # the simulated months are consecutive: each is billed on the one before (the first
        # on itself)
        basis = np.concatenate([volume[:1], volume[:-1]])
        parcel_disc = tier_discount(node, basis)[np.searchsorted(ms, months[day])]
        base = node.carrier_discount
        # tiers are never below the base discount; a base of 100 % leaves nothing to bill
        scale = (1.0 - parcel_disc) / (1.0 - base) if base < 1 else np.zeros(len(mine))
        out[mine] = p.shipping_eur[mine] * scale
    return out
