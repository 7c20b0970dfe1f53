"""Carrier terms per node: volume tiers billed on the previous month's parcels, by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from pydantic import ValidationError

from fcsim.model.accounting.carrier_terms import billed_shipping, tier_discount
from fcsim.model.accounting.costs import days_in_month, month_index
from fcsim.model.calendar import BusinessDays
from fcsim.scenario.schema.nodes import DropshipNode
from tests.model.money_cases import evaluated, total, variant
from tests.model.test_delivery import parcels
from tests.model.test_hand_cases import at, det

TIERS = [
    {"min_parcels_per_month": 10, "discount": 0.10},
    {"min_parcels_per_month": 40, "discount": 0.20},
]


def terms(**kw) -> DropshipNode:
    return DropshipNode.model_validate({"kind": "dropship", "carriers": ["post"], **kw})


def ship_on(days: list[int]):
    """Parcels of node 0 priced 10 EUR at dispatch, collected on these day indices at noon."""
    p = parcels(len(days))
    p.shipping_eur[:] = 10.0
    p.ship_min[:] = np.asarray(days) * 1440 + 720
    return p


def billed(node: DropshipNode, p, start: dt.date, n_days: int) -> np.ndarray:
    months = month_index(BusinessDays(start, []), n_days)
    return billed_shipping(
        [node], p, n_days=n_days, months=months, month_days=days_in_month(months)
    )


def test_the_tier_reached_is_the_deepest_at_or_below_the_volume() -> None:
    node = terms(carrier_discount=0.05, carrier_volume_tiers=TIERS)
    assert tier_discount(node, np.array([0, 9, 10, 39, 40, 1e6])).tolist() == [
        0.05,
        0.05,
        0.10,
        0.10,
        0.20,
        0.20,
    ]


def test_a_month_with_more_parcels_earns_the_next_month_a_deeper_discount() -> None:
    # January 2026 (days 0-30): 20 parcels; February (31-58): 50; March (59-89): 5.
    # January is billed on its own 20 parcels: tier 10 %, 10.00 -> 9.00.
    # February on January's 20: 10 %, 9.00. March on February's 50: 20 %, 8.00.
    days = [3] * 20 + [40] * 50 + [70] * 5
    out = billed(terms(carrier_volume_tiers=TIERS), ship_on(days), dt.date(2026, 1, 1), 90)
    assert out[:20] == pytest.approx([9.0] * 20)
    assert out[20:70] == pytest.approx([9.0] * 50)
    assert out[70:] == pytest.approx([8.0] * 5)


def test_a_month_cut_by_the_simulated_days_counts_at_a_full_month_rate() -> None:
    # Start on 16 January: 16 of January's 31 days simulated, 8 parcels -> 8 x 31 / 16 = 15.5
    # parcels a month: the 10 % tier (8 alone would be below it). 10.00 -> 9.00.
    out = billed(terms(carrier_volume_tiers=TIERS), ship_on([2] * 8), dt.date(2026, 1, 16), 16)
    assert out == pytest.approx([9.0] * 8)


def test_a_tier_replaces_the_base_discount_rather_than_adding_to_it() -> None:
    # Priced at dispatch with the base 5 % (10.00 = 10.526... x 0.95); the 20 % tier bills
    # the rate card x 0.80: 10.00 x 0.80 / 0.95 = 8.42.
    node = terms(carrier_discount=0.05, carrier_volume_tiers=TIERS)
    out = billed(node, ship_on([3] * 45), dt.date(2026, 1, 1), 31)
    assert out == pytest.approx([10.0 * 0.80 / 0.95] * 45)


def test_no_tiers_bills_the_price_of_dispatch() -> None:
    out = billed(terms(carrier_discount=0.15), ship_on([3] * 45), dt.date(2026, 1, 1), 31)
    assert out == pytest.approx([10.0] * 45)


def test_the_ledger_bills_shipping_and_compensation_at_the_tier() -> None:
    # Every parcel one day late: 25 % of the price is owed. One parcel a day for five days
    # reaches the "from 1 parcel" tier at 50 %: shipping 8.40 -> 4.20 a parcel, compensation
    # 25 % of 4.20 = 1.05 a parcel (it is a share of the price billed).
    node = {
        "carrier_volume_tiers": [{"min_parcels_per_month": 1, "discount": 0.5}],
        "picking": {"tour_setup_min": det(0), "pick_min_per_line": det(5)},
    }
    sc = variant(node, carrier={"on_time_probability": 0.0, "delay_days": det(1)})
    r, ev = evaluated(sc, [at(d, "09:00") for d in range(5)])
    assert r.parcels.shipping_eur.tolist() == pytest.approx([8.40] * 5)  # at dispatch: base
    assert total(ev, "shipping") == pytest.approx(5 * 4.20)
    assert total(ev, "compensation_recovered") == pytest.approx(-5 * 1.05)


def test_tiers_must_ascend_and_deepen() -> None:
    with pytest.raises(ValidationError, match="strictly ascending volume"):
        terms(carrier_volume_tiers=[TIERS[1], TIERS[0]])
    with pytest.raises(ValidationError, match="more volume cannot earn a smaller discount"):
        terms(carrier_discount=0.15, carrier_volume_tiers=TIERS)
