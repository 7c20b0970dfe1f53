"""Delivery arithmetic: zones, chargeable weight, customs, incidents, checkout fees."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fcsim.core.errors import ScenarioError
from fcsim.model.accounting.costs import shipping_revenue
from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.carriers import (
    CarrierChoice,
    Collections,
    Delivery,
    chargeable_kg,
    dispatch,
    rate,
)
from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.business import Incidents, ShippingFee
from fcsim.scenario.schema.delivery import Carrier, Customs, Destination

MONDAY = dt.date(2026, 1, 5)


def parcels(n: int, value: float = 50.0, weight: float = 0.4, volume: float = 2.0) -> Parcels:
    z = np.zeros(n)
    return Parcels(
        order=np.arange(n),
        node=np.zeros(n, dtype=np.int16),
        slot=np.zeros(n, dtype=np.int16),
        created_min=z.copy(),
        line_ptr=np.arange(n + 1),
        lines=np.arange(n),
        units=np.ones(n, dtype=np.int32),
        weight_kg=np.full(n, weight),
        volume_l=np.full(n, volume),
        value_eur=np.full(n, value),
        goods_cost_eur=np.full(n, value / 2),
        all_soft=np.ones(n, dtype=bool),
        any_fragile=np.zeros(n, dtype=bool),
    )


def carrier(**kw) -> Carrier:
    base = {
        "name": "post",
        "cutoff": "16:00",
        "rate_card": [{"max_kg": 1, "price_eur": 6.0}, {"max_kg": 5, "price_eur": 9.0}],
        "on_time_probability": 1.0,
        "loss_probability": 0.0,
        "damage_probability": 0.0,
    }
    base.update(kw)
    return Carrier.model_validate(base)


def test_chargeable_weight_uses_volume_when_larger() -> None:
    c = carrier(dim_factor_kg_per_l=0.2)
    kg = chargeable_kg(c, np.array([0.3, 3.0]), np.array([10.0, 1.0]))
    assert kg.tolist() == [2.0, 3.0]
    assert rate(c.rate_card, 1.0, kg).tolist() == [9.0, 9.0]
    assert rate(c.rate_card, 1.5, np.array([7.0])).tolist() == [9.0 + 2 * 1.5]


def _dispatch(
    p: Parcels,
    carriers: list[Carrier],
    dests: list[Destination],
    ready_min: float,
    incidents: Incidents | None = None,
) -> None:
    bd = BusinessDays(MONDAY, [])
    p.ready_min[:] = ready_min
    dl = Delivery(carriers, dests, incidents or Incidents(), bd)
    choice = CarrierChoice(tuple(range(len(carriers))), "cheapest", 0.0)
    dispatch(p, np.arange(p.n), choice, dl, Streams(1, 0))


def test_zone_rate_card_transit_and_serves() -> None:
    dests = [Destination(zone="domestic", share=1), Destination(zone="uk", share=1)]
    cheap_domestic = carrier(
        name="cheap", serves=["domestic"], rate_card=[{"max_kg": 5, "price_eur": 3.0}]
    )
    post = carrier(
        zones={"uk": {"transit_days": 5, "rate_card": [{"max_kg": 5, "price_eur": 20}]}},
        delivery_days=["mon", "tue", "wed", "thu", "fri"],
    )
    p = parcels(2)
    p.zone[:] = [0, 1]
    _dispatch(p, [cheap_domestic, post], dests, ready_min=10 * 60)  # Monday 10:00
    assert p.carrier.tolist() == [0, 1]  # the cheap carrier does not serve the UK
    assert p.shipping_eur.tolist() == [3.0, 20.0]
    # UK: collected Monday, 5 delivery days Mon-Fri -> next Monday (day 7)
    assert np.floor(p.delivery_min[1] / MIN_PER_DAY) == 7


def test_customs_delay_and_ddp_duties() -> None:
    customs = Customs(
        clearance_business_days={"dist": "deterministic", "value": 2},
        hold_probability=0.0,
        duties_rate=0.2,
        paid_by="merchant",
        brokerage_eur_per_parcel=3.0,
    )
    dests = [Destination(zone="uk", share=1, customs=customs)]
    c = carrier(transit_days=2, delivery_days=["mon", "tue", "wed", "thu", "fri"])
    p = parcels(1, value=50.0)
    _dispatch(p, [c], dests, ready_min=10 * 60)
    # Monday + 2 transit + 2 clearance business days = Friday (day 4)
    assert np.floor(p.delivery_min[0] / MIN_PER_DAY) == 4
    assert p.customs_days[0] == 2
    assert p.duties_eur[0] == pytest.approx(0.2 * 50 + 3.0)


def test_lost_parcel_is_replaced_after_detection() -> None:
    c = carrier(
        transit_days=2,
        loss_probability=1.0,
        collection_days=["mon", "tue", "wed", "thu", "fri"],
        delivery_days=["mon", "tue", "wed", "thu", "fri"],
    )
    p = parcels(1)
    inc = Incidents(reship=True, lost_detected_after_business_days=3)
    _dispatch(p, [c], [Destination(zone="domestic", share=1)], ready_min=10 * 60, incidents=inc)
    # expected Wednesday (day 2); noticed 3 business days later: Monday (day 7);
    # the replacement is collected that day and arrives 2 delivery days later: Wednesday (day 9)
    assert p.lost[0] and p.reshipped[0]
    assert np.floor(p.delivery_min[0] / MIN_PER_DAY) == 9


def test_lost_parcel_without_reship_is_not_delivered() -> None:
    c = carrier(loss_probability=1.0)
    p = parcels(1)
    _dispatch(p, [c], [Destination(zone="domestic", share=1)], 600, Incidents(reship=False))
    assert p.lost[0] and not p.reshipped[0] and np.isnan(p.delivery_min[0])


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("free", [0, 0]),
        ("flat", [4.9, 4.9]),
        ("free_above", [4.9, 0]),
        ("carrier_rate", [6.6, 6.6]),
    ],
)
def test_checkout_shipping_fee(policy: str, expected: list[float]) -> None:
    p = parcels(2)
    p.shipping_eur[:] = 6.0
    fee = ShippingFee(policy=policy, flat_eur=4.9, free_above_eur=60, carrier_rate_markup=0.1)

    class _S:  # the only part of a Scenario the function reads
        shipping_fee = fee

    out = shipping_revenue(_S(), p, np.array([30.0, 80.0]))  # type: ignore[arg-type]
    assert out == pytest.approx(expected)


def test_zone_problems_are_reported(tmp_path, small_path) -> None:
    text = small_path.read_text()
    text = text.replace(
        "carriers:\n  - name: colissimo\n",
        "destinations:\n  - {zone: domestic, share: 9}\n  - {zone: uk, share: 1}\n"
        "carriers:\n  - name: colissimo\n    serves: [domestic, mars]\n",
    )
    bad = tmp_path / "zones.yaml"
    bad.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    msg = str(err.value)
    assert "no destination zone 'mars'" in msg and "serves" in msg
    assert "strategies.own.carriers: none of these carriers serves destination zone 'uk'" in msg


def test_a_full_collection_leaves_parcels_for_the_next_collection_days() -> None:
    # capacity 2 a day, Monday to Friday: five parcels ready on Thursday 10:00 go two on
    # Thursday, two on Friday and the last on Monday (no Saturday collection); three more ready
    # on Friday 09:00, in a second batch, queue behind them: Monday, then Tuesday (two)
    c = carrier(collection_capacity_parcels=2, transit_days=1)
    dl = Delivery(
        [c], [Destination(zone="domestic", share=1)], Incidents(), BusinessDays(MONDAY, [])
    )
    choice = CarrierChoice((0,), "cheapest", 0.0)
    p = parcels(8)
    p.ready_min[:5] = 3 * MIN_PER_DAY + 600
    p.ready_min[5:] = 4 * MIN_PER_DAY + 540
    p.promised_day[:] = 10
    load = Collections()
    dispatch(p, np.arange(5), choice, dl, Streams(1, 0), collected=load)
    dispatch(p, np.arange(5, 8), choice, dl, Streams(1, 0), collected=load)
    ship_day = np.floor(p.ship_min / MIN_PER_DAY).astype(int).tolist()
    assert ship_day == [3, 3, 4, 4, 7, 7, 8, 8]
    assert p.deferred.tolist() == [False, False, True, True, True, True, True, True]
    # delivery follows the collection actually made: 1 transit day (Tuesday after Monday)
    assert np.floor(p.delivery_min[4] / MIN_PER_DAY) == 8
    # without a limit every parcel leaves on its own collection day
    q = parcels(8)
    q.ready_min[:] = p.ready_min
    dispatch(q, np.arange(8), choice, dl, Streams(1, 0))
    assert np.floor(q.ship_min / MIN_PER_DAY).astype(int).tolist() == [3] * 5 + [4] * 3
    assert not q.deferred.any()
