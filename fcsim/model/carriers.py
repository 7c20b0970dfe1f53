"""Carriers: cutoffs, collection, transit, lateness, compensation and losses (D7, D10, D11, D20).

Place in the flow: nothing here competes for a resource, so nothing here is a SimPy event
(DESIGN principle 2). A node calls `dispatch` with a batch of parcels that are ready at its dock
(once per day for warehouses, once per run for a dropship supplier). For each parcel, vectorised:
price every allowed carrier, find its collection day (the first collection day whose cutoff the
parcel makes) and nominal delivery day, let the carrier policy choose, then draw lateness and
loss from counter-based noise keyed by the order (common random numbers across strategies).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.parcels import Parcels
from fcsim.policies import get_policy
from fcsim.schema.base import minutes_of
from fcsim.schema.business import Promise
from fcsim.schema.delivery import Carrier
from fcsim.streams import Streams

# fields of the "transit" noise, per (order, slot)
_ON_TIME, _DELAY, _LOSS, _TIME, _CLAIM = range(5)


def rate(carrier: Carrier, weight_kg: np.ndarray) -> np.ndarray:
    """Rate-card price of parcels of the given weights (EUR, before discount)."""
    kg = np.array([b.max_kg for b in carrier.rate_card])
    price = np.array([b.price_eur for b in carrier.rate_card])
    band = np.searchsorted(kg, weight_kg, side="left")
    over = band >= len(kg)
    out = price[np.minimum(band, len(kg) - 1)].copy()
    out[over] += (weight_kg[over] - kg[-1]) * carrier.price_per_extra_kg_eur
    return out


def compensation_share(carrier: Carrier, days_late: np.ndarray) -> np.ndarray:
    """Share of the shipping price owed for parcels `days_late` business days late."""
    if carrier.compensation is None:
        return np.zeros(len(days_late))
    steps = carrier.compensation.schedule
    days = np.array([s.days_late for s in steps])
    pct = np.array([0.0] + [s.percent_of_price for s in steps])
    return pct[np.searchsorted(days, days_late, side="right")] / 100.0


def promised_days(
    created_min: np.ndarray, promise: Promise, business_days: int, bd: BusinessDays
) -> np.ndarray:
    """Promised delivery day of orders created at `created_min` (D+N business days).

    Day 0 of the count is the order day when it is a business day and the order is placed by
    the cutoff, else the next business day.
    """
    d0 = bd.next_at(created_min, promise.order_cutoff, promise.business_weekdays)
    return bd.offset(d0, business_days, promise.business_weekdays)


@dataclass(frozen=True)
class CarrierChoice:
    """What a node may ship with: carrier indices into the scenario's list, policy, discount."""

    carriers: tuple[int, ...]
    policy: str
    discount: float


def dispatch(
    parcels: Parcels,
    idx: np.ndarray,
    choice: CarrierChoice,
    carriers: list[Carrier],
    bd: BusinessDays,
    streams: Streams,
) -> None:
    """Choose a carrier for parcels `idx` (ready at the dock) and fill their delivery columns."""
    if len(idx) == 0:
        return
    ready = parcels.ready_min[idx]
    weight = parcels.weight_kg[idx]
    k = len(choice.carriers)
    price = np.empty((len(idx), k))
    ship_day = np.empty((len(idx), k), dtype=np.int64)
    nominal = np.empty((len(idx), k), dtype=np.int64)
    for j, ci in enumerate(choice.carriers):
        c = carriers[ci]
        price[:, j] = rate(c, weight) * (1.0 - choice.discount)
        ship_day[:, j] = bd.next_at(ready, c.cutoff, c.collection_days)
        nominal[:, j] = bd.offset(ship_day[:, j], c.transit_days, c.delivery_days)
    promised = parcels.promised_day[idx]
    col = get_policy("carrier", choice.policy)(price, nominal, promised)
    rows = np.arange(len(idx))
    chosen = np.asarray(choice.carriers)[col]
    parcels.carrier[idx] = chosen
    parcels.shipping_eur[idx] = price[rows, col]
    sday = ship_day[rows, col]

    order, slot = parcels.order[idx], parcels.slot[idx]
    for ci in np.unique(chosen):
        c = carriers[ci]
        m = chosen == ci
        sub = idx[m]
        o, s = order[m], slot[m]
        cut = minutes_of(c.cutoff)
        parcels.ship_min[sub] = sday[m] * MIN_PER_DAY + cut
        month = bd.date_of(sday[m]).astype("datetime64[M]").astype(np.int64) % 12
        by_month = c.on_time_probability_by_month
        p_on = (
            np.asarray(by_month)[month]
            if by_month is not None
            else np.full(len(sub), c.on_time_probability)
        )
        late = streams.keyed("transit", o, s, _ON_TIME) >= p_on
        delay = np.where(
            late,
            np.maximum(1, np.ceil(c.delay_days.ppf(streams.keyed("transit", o, s, _DELAY)))),
            0,
        ).astype(np.int64)
        dday = bd.offset(sday[m], c.transit_days + delay, c.delivery_days)
        lo, hi = minutes_of(c.delivery_from), minutes_of(c.delivery_until)
        tod = lo + (hi - lo) * streams.keyed("transit", o, s, _TIME)
        lost = streams.keyed("transit", o, s, _LOSS) < c.loss_probability
        parcels.lost[sub] = lost
        parcels.delivery_min[sub] = np.where(lost, np.nan, dday * MIN_PER_DAY + tod)
        parcels.carrier_days_late[sub] = np.where(lost, 0, delay)
        if c.compensation is not None:
            share = compensation_share(c, delay)
            claimed = (
                (share > 0)
                & ~lost
                & (streams.keyed("transit", o, s, _CLAIM) < c.compensation.claim_rate)
            )
            parcels.claims[sub] = claimed
            parcels.compensation_eur[sub] = np.where(
                claimed, np.round(share * parcels.shipping_eur[sub], 2), 0.0
            )
