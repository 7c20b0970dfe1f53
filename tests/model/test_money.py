"""Money without VAT: lost sales, churn, shipping revenue and refunds, computed by hand.

The hand scenario's unit sells at 30 EUR VAT-inclusive and costs 10 EUR. With the French 20 %
VAT the merchant keeps 30 / 1.2 = 25 EUR: a unit's margin is 15 EUR, not 20.
"""

from __future__ import annotations

import numpy as np
import pytest

from fcsim.model.accounting.costs import shipping_revenue
from fcsim.model.money import ex_vat, vat_rates
from fcsim.scenario.schema.business import ShippingFee
from fcsim.scenario.schema.delivery import Customs, Destination
from tests.model.money_cases import evaluated, total, variant
from tests.model.test_delivery import parcels
from tests.model.test_hand_cases import at, det

DOMESTIC = [{"zone": "domestic", "share": 1.0, "vat_rate": 0.2}]


def test_a_zone_states_its_vat_rate_and_defaults_by_customs() -> None:
    zones = [
        Destination(zone="fr", share=1.0),
        Destination(zone="uk", share=1.0, customs=Customs()),
        Destination(zone="be", share=1.0, vat_rate=0.21),
    ]
    assert vat_rates(zones).tolist() == [0.2, 0.0, 0.21]
    assert float(ex_vat(30.0, 0.2)) == pytest.approx(25.0)


@pytest.mark.parametrize(("vat", "margin"), [(0.2, 30 / 1.2 - 10), (0.0, 20.0)])
def test_a_lost_sale_costs_the_margin_without_vat(vat: float, margin: float) -> None:
    # A supplier that never has the item: every order line is a lost sale of one unit.
    # 20 % VAT: 30 / 1.2 - 10 = 15.00 EUR per order; 0 % (an export): 30 - 10 = 20.00 EUR.
    sc = variant(
        {"stock_availability": 0.0},
        dropship=True,
        destinations=[{"zone": "domestic", "share": 1.0, "vat_rate": vat}],
    )
    r, ev = evaluated(sc, [at(0, "10:00"), at(1, "10:00")])
    assert r.parcels.short_margin_eur.tolist() == pytest.approx([margin, margin])
    assert total(ev, "lost_sales") == pytest.approx(2 * margin)


def test_a_warehouse_lost_sale_is_without_vat_too() -> None:
    # One unit in stock, no backorders: the second order of the day finds none and the sale
    # is lost, 30 / 1.2 - 10 = 15 EUR.
    stock = {"initial_cover_days": 0.0, "min_reorder_point_units": 0, "backorders": False}
    sc = variant({"replenishment": stock}, destinations=DOMESTIC)
    r, ev = evaluated(sc, [at(0, "10:00"), at(0, "10:30")])
    assert r.parcels.units_short.tolist() == [0, 1]
    assert r.parcels.short_margin_eur[1] == pytest.approx(15.0)
    assert total(ev, "lost_sales") == pytest.approx(15.0)


def test_a_churned_customer_costs_future_margins_without_vat() -> None:
    # Packed after the cutoff, promised D+1: the order is 2 days late; every dissatisfied
    # customer churns. 2 orders a year for 2 years = 4 future orders of margin 30 / 1.2 - 10:
    # 4 x 15 = 60.00 EUR (it was 4 x 20 = 80 EUR counted with the VAT).
    sc = variant(
        {"picking": {"tour_setup_min": det(0), "pick_min_per_line": det(185)}},
        destinations=DOMESTIC,
        customers={
            "churn_share_of_dissatisfied": 1.0,
            "orders_per_customer_per_year": 2.0,
            "retention_years": 2.0,
        },
    )
    _, ev = evaluated(sc, [at(4, "13:00")])
    assert ev.outcomes.late[0]
    assert ev.outcomes.margin_eur[0] == pytest.approx(15.0)
    assert ev.outcomes.reaction.churn_cost_eur[0] == pytest.approx(60.0)
    assert total(ev, "churn") == pytest.approx(60.0)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("flat", [4.9 / 1.2, 4.9 / 1.05]),  # the fee shown at checkout includes the VAT
        ("free_above", [4.9 / 1.2, 0.0]),
        # the carrier's 6.00 + 10 % passed on, plus VAT: the merchant keeps 6.60
        ("carrier_rate", [6.6, 6.6]),
    ],
)
def test_shipping_revenue_is_counted_without_vat(policy: str, expected: list[float]) -> None:
    p = parcels(2)
    p.shipping_eur[:] = 6.0
    p.zone[:] = [0, 1]
    p.vat_by_zone = np.array([0.2, 0.05])  # parcels keep their zone's rate
    fee = ShippingFee(policy=policy, flat_eur=4.9, free_above_eur=60, carrier_rate_markup=0.1)

    class _S:  # the only part of a Scenario the function reads
        shipping_fee = fee

    out = shipping_revenue(_S(), p, np.array([30.0, 80.0]))  # type: ignore[arg-type]
    assert out == pytest.approx(expected)


def test_a_refunded_lost_parcel_costs_the_price_without_vat() -> None:
    # Every parcel is lost and refunded (no reshipping): the customer gets 30 EUR back, the
    # sale's 5 EUR VAT is cancelled with it: the merchant is out of 25 EUR.
    sc = variant(
        carrier={"loss_probability": 1.0},
        destinations=DOMESTIC,
        incidents={"reship": False},
    )
    _, ev = evaluated(sc, [at(0, "10:00")])
    assert total(ev, "incidents") == pytest.approx(25.0)
