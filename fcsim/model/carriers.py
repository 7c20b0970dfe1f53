"""Carriers: cutoffs, collection, transit, customs, lateness, compensation, losses (D7-D11, D20).

Place in the flow: nothing here competes for a resource, so nothing here is a SimPy event.
A node calls `dispatch` with a batch of parcels that are ready at its dock
(once per day for warehouses, once per run for a dropship supplier). For each parcel, vectorised:
price every allowed carrier for the parcel's destination zone and chargeable weight, find its
collection day (the first collection day whose cutoff the parcel makes) and nominal delivery day,
let the carrier policy choose, then draw lateness, customs delays, loss and damage from
counter-based noise keyed by the order (common random numbers across strategies). A parcel's
damage probability is its carrier's, times the scenario's damage factor for the most fragile
class of its goods and the protection of its packaging (`damage_factors`; 1 when none is
declared). Lost and damaged parcels are replaced (or refunded) per the scenario's incident policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fcsim.core.timeofday import minutes_of
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.disruptions import Blocked
from fcsim.model.money import ex_vat
from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.policies import get_policy
from fcsim.scenario.schema.business import FRAGILITY, Incidents, PackagingOption, Promise
from fcsim.scenario.schema.delivery import Carrier, Destination, RateBand
from fcsim.scenario.schema.quality import Damage

# fields of the "transit" noise, per (order, slot)
_ON_TIME, _DELAY, _LOSS, _TIME, _CLAIM, _DAMAGE, _CLEAR, _HOLD, _HOLD_DAYS = range(9)


def rate(card: list[RateBand], extra_per_kg: float, weight_kg: np.ndarray) -> np.ndarray:
    """Rate-card price of parcels of the given chargeable weights (EUR, before discount)."""
    kg = np.array([b.max_kg for b in card])
    price = np.array([b.price_eur for b in card])
    band = np.searchsorted(kg, weight_kg, side="left")
    over = band >= len(kg)
    out = price[np.minimum(band, len(kg) - 1)].copy()
    out[over] += (weight_kg[over] - kg[-1]) * extra_per_kg
    return out


def chargeable_kg(carrier: Carrier, weight_kg: np.ndarray, volume_l: np.ndarray) -> np.ndarray:
    """The larger of actual and volumetric weight."""
    return np.maximum(weight_kg, volume_l * carrier.dim_factor_kg_per_l)


def compensation_share(carrier: Carrier, days_late: np.ndarray) -> np.ndarray:
    """Share of the shipping price owed for parcels `days_late` business days late."""
    if carrier.compensation is None:
        return np.zeros(len(days_late))
    steps = carrier.compensation.schedule
    days = np.array([s.days_late for s in steps])
    pct = np.array([0.0] + [s.percent_of_price for s in steps])
    return pct[np.searchsorted(days, days_late, side="right")] / 100.0


def promised_days(
    created_min: np.ndarray, promise: Promise, business_days: int | np.ndarray, bd: BusinessDays
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


@dataclass(frozen=True)
class Delivery:
    """Scenario-wide figures that dispatch needs besides the carriers."""

    carriers: list[Carrier]
    destinations: list[Destination]
    incidents: Incidents
    bd: BusinessDays
    damage: np.ndarray | None = None  # factor by (fragility class, packaging option); None: 1


def damage_factors(damage: Damage, packaging: list[PackagingOption]) -> np.ndarray | None:
    """The damage factor of every (fragility class, packaging option), from the declared cells
    (1 where none is given); None when none is declared (damage is the carrier's alone)."""
    if not damage.factors:
        return None
    cell = {(f.fragility, f.protection): f.factor for f in damage.factors}
    return np.array(
        [[cell.get((fr, o.protection_level), 1.0) for o in packaging] for fr in FRAGILITY]
    )


def damage_probability(
    c: Carrier, parcels: Parcels, sub: np.ndarray, factors: np.ndarray | None
) -> float | np.ndarray:
    """Probability that each of parcels `sub`, carried by `c`, arrives damaged.

    A parcel not packed by the merchant's node (a dropship supplier's) keeps the carrier's rate.
    """
    if factors is None:
        return c.damage_probability
    pk = parcels.packaging[sub]
    f = np.where(pk >= 0, factors[parcels.fragility[sub], np.maximum(pk, 0)], 1.0)
    return c.damage_probability * f


def delivery_day(
    c: Carrier, bd: BusinessDays, ship_day: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """Day of delivery of parcels collected by `c` on `ship_day` after `days` delivery days.

    Same-day delivery (no days) comes after the collection, when the carrier still delivers
    then; else on its next delivery day.
    """
    dday = bd.offset(ship_day, days, c.delivery_days)
    if minutes_of(c.cutoff) >= minutes_of(c.delivery_until):
        dday = np.where(dday == ship_day, bd.offset(dday + 1, 0, c.delivery_days), dday)
    return dday


def _days(dist, u: np.ndarray) -> np.ndarray:
    return np.maximum(0, np.ceil(dist.ppf(u))).astype(np.int64)


def _options(
    parcels: Parcels,
    idx: np.ndarray,
    choice: CarrierChoice,
    dl: Delivery,
    ready: np.ndarray,
    volume_l: np.ndarray,
    blocked: Blocked | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per parcel `idx` ready at `ready` and carrier of `choice`: price (inf: not offered),
    collection day, nominal delivery day and transit days, as the carrier policy sees them."""
    bd = dl.bd
    zone = parcels.zone[idx]
    k = len(choice.carriers)
    price = np.full((len(idx), k), np.inf)
    ship_day = np.empty((len(idx), k), dtype=np.int64)
    nominal = np.empty((len(idx), k), dtype=np.int64)
    transit = np.zeros((len(idx), k), dtype=np.int64)
    reroute = np.zeros((len(idx), k), dtype=bool)
    for j, ci in enumerate(choice.carriers):
        c = dl.carriers[ci]
        kg = chargeable_kg(c, parcels.weight_kg[idx], volume_l)
        for zi, dest in enumerate(dl.destinations):
            m = zone == zi
            if not m.any() or not c.serves_zone(dest.zone):
                continue
            card = c.card_for(dest.zone)
            price[m, j] = rate(card, c.price_per_extra_kg_eur, kg[m]) * (1.0 - choice.discount)
            transit[m, j] = c.transit_for(dest.zone)
        ship_day[:, j] = bd.next_at(ready, c.cutoff, c.collection_days)
        if blocked is not None:
            first = ship_day[:, j].copy()
            ship_day[:, j] = blocked.roll(ci, first, c.collection_days, bd)
            struck = blocked.reroute.get(ci)
            if struck is not None:
                reroute[:, j] = np.isin(first, struck)
        nominal[:, j] = bd.offset(ship_day[:, j], transit[:, j], c.delivery_days)
    if reroute.any():
        others = np.isfinite(np.where(reroute, np.inf, price)).any(axis=1)
        price[reroute & others[:, None]] = np.inf
    return price, ship_day, nominal, transit


def planned_express(
    parcels: Parcels,
    idx: np.ndarray,
    choice: CarrierChoice,
    dl: Delivery,
    ready: np.ndarray,
    volume_l: np.ndarray,
) -> np.ndarray:
    """Whether the carrier the node's policy would choose for each of parcels `idx`, were it
    ready at `ready` (packed to `volume_l`), has the `express` service: the parcels that need
    an express carrier to keep their promise (`picking.express_first`). Outages and strikes
    are not foreseen."""
    if len(idx) == 0:
        return np.zeros(0, dtype=bool)
    price, _, nominal, _ = _options(parcels, idx, choice, dl, ready, volume_l, None)
    col = get_policy("carrier", choice.policy)(price, nominal, parcels.promised_day[idx])
    express = np.array([dl.carriers[ci].service == "express" for ci in choice.carriers])
    return express[col]


def dispatch(
    parcels: Parcels,
    idx: np.ndarray,
    choice: CarrierChoice,
    dl: Delivery,
    streams: Streams,
    *,
    collected: Collections | None = None,
    blocked: Blocked | None = None,
) -> None:
    """Choose a carrier for parcels `idx` (ready at the dock) and fill their delivery columns.

    `blocked` (disruptions) holds the days each carrier collects nothing from this node (its
    outages, the carrier's strikes): a parcel's collection day moves to the carrier's next
    collection day after them, and the carrier policy sees the later delivery; on the strike
    days of a rerouting strike, the struck carrier is not offered at all when another carrier of
    the node serves the parcel.

    `collected` counts the parcels each carrier has already taken from this node per day, for
    carriers with a `collection_capacity_parcels`; the node keeps it between batches, which
    come in the order their parcels were ready; a parcel that waits for a later collection
    because of a full one is marked `deferred`.
    """
    if len(idx) == 0:
        return
    bd = dl.bd
    ready = parcels.ready_min[idx]
    zone = parcels.zone[idx]
    price, ship_day, nominal, transit = _options(
        parcels, idx, choice, dl, ready, parcels.parcel_volume_l[idx], blocked
    )
    promised = parcels.promised_day[idx]
    col = get_policy("carrier", choice.policy)(price, nominal, promised)
    rows = np.arange(len(idx))
    chosen = np.asarray(choice.carriers)[col]
    parcels.carrier[idx] = chosen
    parcels.shipping_eur[idx] = price[rows, col]
    sday = ship_day[rows, col]
    if collected is not None:
        parcels.deferred[idx] = _collection_capacity(sday, chosen, ready, dl, collected, blocked)
    ztransit = transit[rows, col]
    customs_days = _customs(parcels, idx, zone, dl, streams)

    order, slot = parcels.order[idx], parcels.slot[idx]
    for ci in np.unique(chosen):
        c = dl.carriers[ci]
        m = chosen == ci
        sub = idx[m]

        def noise(field: int, o=order[m], s=slot[m]) -> np.ndarray:
            return streams.keyed("transit", o, s, field)

        parcels.ship_min[sub] = sday[m] * MIN_PER_DAY + minutes_of(c.cutoff)
        month = bd.date_of(sday[m]).astype("datetime64[M]").astype(np.int64) % 12
        by_month = c.on_time_probability_by_month
        p_on = np.asarray(by_month)[month] if by_month is not None else c.on_time_probability
        late = noise(_ON_TIME) >= p_on
        delay = np.where(late, np.maximum(1, _days(c.delay_days, noise(_DELAY))), 0)
        guaranteed = ztransit[m]
        parcels.transit_days[sub] = guaranteed
        dday = delivery_day(c, bd, sday[m], guaranteed + delay + customs_days[m])
        lo, hi = minutes_of(c.delivery_from), minutes_of(c.delivery_until)
        cut = minutes_of(c.cutoff)
        lo = np.where(dday == sday[m], max(lo, cut), lo)
        tod = lo + (hi - lo) * noise(_TIME)
        lost = noise(_LOSS) < c.loss_probability
        damaged = ~lost & (noise(_DAMAGE) < damage_probability(c, parcels, sub, dl.damage))
        parcels.lost[sub] = lost
        parcels.damaged[sub] = damaged
        parcels.carrier_days_late[sub] = np.where(lost, 0, delay)
        delivered = dday * MIN_PER_DAY + tod
        inc = dl.incidents
        if inc.reship:
            # lost: noticed some days after the expected (nominal) delivery, then replaced;
            # damaged: reported after delivery, then replaced. Replacements travel nominally.
            expected = bd.offset(sday[m], guaranteed + customs_days[m], c.delivery_days)
            resend_lost = bd.offset(
                expected, inc.lost_detected_after_business_days, c.collection_days
            )
            resend_dmg = bd.offset(dday, inc.damage_reported_after_business_days, c.collection_days)
            resend = np.where(lost, resend_lost, resend_dmg)
            again = bd.offset(resend, guaranteed + customs_days[m], c.delivery_days)
            replaced = lost | damaged
            parcels.reshipped[sub] = replaced
            delivered = np.where(replaced, again * MIN_PER_DAY + tod, delivered)
            parcels.delivery_min[sub] = delivered
        else:
            parcels.delivery_min[sub] = np.where(lost, np.nan, delivered)
        if c.compensation is not None:
            share = compensation_share(c, delay)
            claimed = (share > 0) & ~lost & (noise(_CLAIM) < c.compensation.claim_rate)
            parcels.claims[sub] = claimed
            parcels.compensation_eur[sub] = np.where(
                claimed, np.round(share * parcels.shipping_eur[sub], 2), 0.0
            )
        if c.insurance is not None:
            parcels.insurance_eur[sub] = np.round(
                c.insurance.premium_share_of_value * parcels.value_eur[sub], 2
            )
            parcels.insurance_paid_eur[sub] = np.where(
                lost | damaged, c.insurance.covered_share * parcels.goods_cost_eur[sub], 0.0
            )


def _collection_capacity(
    sday: np.ndarray,
    chosen: np.ndarray,
    ready: np.ndarray,
    dl: Delivery,
    collected: Collections,
    blocked: Blocked | None = None,
) -> np.ndarray:
    """Move parcels beyond a carrier's daily collection capacity to its next collection days.

    First ready, first collected: each parcel takes the first collection day, from its own,
    that is not full (nor `blocked`). `sday` is changed in place; returns which parcels were
    moved.
    """
    moved = np.zeros(len(sday), dtype=bool)
    for ci in np.unique(chosen).tolist():
        c = dl.carriers[ci]
        cap = c.collection_capacity_parcels
        if cap is None:
            continue
        rows = np.flatnonzero(chosen == ci)
        rows = rows[np.lexsort((ready[rows], sday[rows]))]
        skip = (
            frozenset()
            if blocked is None
            else frozenset(blocked.days.get(ci, np.zeros(0, int)).tolist())
        )
        for r in rows.tolist():
            d = collected.assign(ci, int(sday[r]), cap, c.collection_days, dl.bd, skip)
            if d != sday[r]:
                sday[r] = d
                moved[r] = True
    return moved


@dataclass
class Collections:
    """Parcels each capped carrier has collected from one node, per day.

    Parcels come first ready, first served, so a carrier's collection days fill in order: the
    days before the last one given out are full (or before every later parcel's own day).
    """

    counts: dict[tuple[int, int], int] = field(default_factory=dict)
    last_day: dict[int, int] = field(default_factory=dict)

    def assign(
        self,
        carrier: int,
        day: int,
        capacity: int,
        days: list[str],
        bd: BusinessDays,
        skip: frozenset[int] = frozenset(),
    ) -> int:
        """The collection day of a parcel whose own collection day is `day` (never one of the
        `skip` days: a strike, an outage)."""
        d = max(day, self.last_day.get(carrier, day))
        while self.counts.get((carrier, d), 0) >= capacity or d in skip:
            d = int(bd.offset(np.array([d]), 1, days)[0])
        self.counts[(carrier, d)] = self.counts.get((carrier, d), 0) + 1
        self.last_day[carrier] = d
        return d


def _customs(
    parcels: Parcels, idx: np.ndarray, zone: np.ndarray, dl: Delivery, streams: Streams
) -> np.ndarray:
    """Business days of customs clearance and holds; fills the merchant-paid duties (DDP)."""
    days = np.zeros(len(idx), dtype=np.int64)
    for zi, dest in enumerate(dl.destinations):
        cu = dest.customs
        m = zone == zi
        if cu is None or not m.any():
            continue
        o, s = parcels.order[idx[m]], parcels.slot[idx[m]]
        clear = _days(cu.clearance_business_days, streams.keyed("transit", o, s, _CLEAR))
        held = streams.keyed("transit", o, s, _HOLD) < cu.hold_probability
        hold = np.where(
            held, _days(cu.hold_business_days, streams.keyed("transit", o, s, _HOLD_DAYS)), 0
        )
        days[m] = clear + hold
        parcels.customs_days[idx[m]] = clear + hold
        sub = idx[m]  # the customs value: without VAT (of these parcels only, not all)
        value = ex_vat(parcels.value_eur[sub], parcels.vat_by_zone[parcels.zone[sub]])
        duties = cu.duties_rate * value if cu.paid_by == "merchant" else 0.0
        parcels.duties_eur[idx[m]] = np.round(duties + cu.brokerage_eur_per_parcel, 2)
    return days
