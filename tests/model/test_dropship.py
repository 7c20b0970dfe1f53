"""A dropship supplier made realistic: processing days without rounding bias, a ready time that
makes the cutoff, import charges, cross-border return labels and refunds without return."""

from __future__ import annotations

import numpy as np
import pytest

from fcsim.core.distributions import Lognormal, Triangular
from fcsim.model.accounting.kpis import evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.imports import import_charges
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams
from fcsim.model.supplier import whole_days
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.dropship import Imports
from fcsim.scenario.schema.scenario import Scenario
from tests.conftest import ROOT
from tests.model.money_cases import evaluated, total, variant
from tests.model.test_hand_cases import at

DOMESTIC = [{"zone": "domestic", "share": 1.0, "vat_rate": 0.2}]


@pytest.mark.parametrize(
    "dist",
    [
        Triangular(dist="triangular", low=1, mode=2, high=3),  # "1-3 business days": mean 2
        Lognormal(dist="lognormal", mean=2.7, cv=0.5),
    ],
)
def test_processing_days_keep_the_distributions_mean(dist) -> None:
    rng = np.random.default_rng(7)
    u, v = rng.random(400_000), rng.random(400_000)
    days = whole_days(dist, u, v)
    assert days.dtype.kind == "i" and days.min() >= 0
    assert days.mean() == pytest.approx(dist.mean(), abs=0.01)  # rounding up gave 2.5 for 1-3


def test_one_to_three_days_are_one_two_or_three() -> None:
    rng = np.random.default_rng(8)
    days = whole_days(Triangular(dist="triangular", low=1, mode=2, high=3), *rng.random((2, 1000)))
    assert set(days.tolist()) == {1, 2, 3}


def generated(sc: Scenario, strategy: str):
    """The scenario's own orders through `strategy`: (the run, its evaluation)."""
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    run = run_strategy(sc, strategy, orders, cat, streams)
    return run, evaluate(sc, strategy, run, orders, cat, streams)


def test_no_dropship_parcel_misses_its_cutoff_in_the_default_scenario() -> None:
    # The supplier's parcels are ready at its carrier's 12:00 cutoff on a working day, which
    # is a collection day: every one leaves the day it is ready, at the cutoff. (The hybrid at
    # 40 % of SKUs in-house: at its sized 65 % it dropships nothing.)
    sets = ["horizon_days=35", "warmup_days=7", "strategies.hybrid.routing.a_share=0.4"]
    sc = load_scenario(ROOT / "scenarios" / "default.yaml", sets)
    for strategy in ("dropship", "hybrid"):
        run, ev = generated(sc, strategy)
        p = run.parcels
        supplier = [i for i, kind in enumerate(run.node_kinds) if kind == "dropship"]
        m = np.isin(p.node, supplier) & ~p.cancelled
        assert m.sum() > 100
        ready_day = np.floor(p.ready_min[m] / 1440)
        assert (p.ship_min[m] == ready_day * 1440 + 12 * 60).all()
        if strategy == "dropship":  # the KPI counts a supplier's parcels from their ready time
            assert ev.kpis["cutoff_miss_rate"] == 0.0


def test_a_supplier_ready_after_a_carrier_cutoff_is_refused() -> None:
    with pytest.raises(AssertionError, match="miss the cutoff of post at 16:00"):
        variant({"ready_time": "16:30"}, dropship=True)
    assert variant({"ready_time": "16:00"}, dropship=True).strategies["own"].ready_time == "16:00"


def test_the_default_ready_time_is_the_earliest_cutoff() -> None:
    # Ordered Monday 10:00, before the 16:00 ready time: day 0 of processing is Monday; the
    # parcel is ready at 16:00 on a later working day and leaves with that day's collection.
    sc = variant({"processing_days": {"dist": "deterministic", "value": 2}}, dropship=True)
    r, _ = evaluated(sc, [at(0, "10:00")])
    assert r.parcels.ready_min[0] == at(2, "16:00")
    assert r.parcels.ship_min[0] == at(2, "16:00")


def test_import_charges_by_hand() -> None:
    imp = Imports(vat_scheme="ioss", duties_rate=0.12, brokerage_eur_per_parcel=1.0)
    value = np.array([100.0, 150.0, 200.0])
    vat = np.array([0.2, 0.2, 0.2])
    # up to 150 EUR: IOSS, the VAT is inside the price: only the clearance fee, 1.00.
    # 200 EUR: duty 12 % = 24.00, VAT on the duty 20 % = 4.80, fee 1.00: 29.80.
    assert import_charges(imp, value, vat).tolist() == pytest.approx([1.0, 1.0, 29.8])
    dap = Imports(vat_scheme="dap", duties_rate=0.12, brokerage_eur_per_parcel=1.0)
    assert import_charges(dap, value, vat).tolist() == pytest.approx([1.0, 1.0, 1.0])
    low = Imports(vat_scheme="ioss", duties_rate=0.12, low_value_max_eur=50.0)
    assert import_charges(low, value, vat).tolist() == pytest.approx([14.4, 21.6, 28.8])


def test_the_duties_line_holds_the_import_charges_of_imported_parcels() -> None:
    # A unit at 240 EUR incl. VAT: 200 EUR customs value. Duty 24.00 + VAT on it 4.80 + fee
    # 1.00 = 29.80 a parcel, two parcels; none without `imports` (a supplier inside the union).
    imports = {"duties_rate": 0.12, "brokerage_eur_per_parcel": 1.0}
    cat = {"unit_price_eur": 240.0}
    times = [at(0, "10:00"), at(1, "10:00")]
    sc = variant({"imports": imports}, dropship=True, category=cat, destinations=DOMESTIC)
    r, ev = evaluated(sc, times)
    assert r.parcels.duties_eur.tolist() == pytest.approx([29.8, 29.8])
    assert total(ev, "duties") == pytest.approx(59.6)
    _, ev = evaluated(variant(dropship=True, category=cat, destinations=DOMESTIC), times)
    assert total(ev, "duties") == 0.0


def returned_everything(**node) -> tuple[np.ndarray, dict]:
    """Every unit returned, none defective; (parcels with a return, ledger totals)."""
    sc = variant(
        {"price_markup": 0.25, "stock_availability": 1.0, **node},
        dropship=True,
        category={"return_rate": 1.0},
    )
    r, ev = evaluated(sc, [at(d, "10:00") for d in range(20)])
    cats = ("returns", "write_offs")
    return r.parcels, {c: total(ev, c) for c in cats}


def test_a_return_to_the_supplier_pays_the_supplier_s_label() -> None:
    # 20 parcels all returned, the supplier credits every sound unit: labels only.
    # Its own label, 18.00 EUR: 360.00; without one, the scenario's 5.50: 110.00.
    p, cost = returned_everything(return_label_cost_eur=18.0, return_credit_share=1.0)
    assert p.units_returned.tolist() == [1] * 20
    assert cost == pytest.approx({"returns": 20 * 18.0, "write_offs": 0.0})
    _, cost = returned_everything(return_credit_share=1.0)
    assert cost["returns"] == pytest.approx(20 * 5.50)


def test_a_refund_without_return_writes_the_goods_off_and_pays_no_label() -> None:
    # Every return refunded without the goods: no label; each unit written off at the
    # supplier's price 10 x 1.25 = 12.50: 20 x 12.50 = 250.00.
    p, cost = returned_everything(
        return_label_cost_eur=18.0, return_credit_share=1.0, refund_without_return_share=1.0
    )
    assert p.refunded_without_return.all()
    assert cost == pytest.approx({"returns": 0.0, "write_offs": 250.0})
    # the supplier credits half the sound units sent back: the other half written off
    _, cost = returned_everything(return_label_cost_eur=18.0, return_credit_share=0.5)
    assert cost == pytest.approx({"returns": 360.0, "write_offs": 125.0})


def test_the_refund_without_return_share_is_the_share_of_returns() -> None:
    sc = variant(
        {"refund_without_return_share": 0.3},
        dropship=True,
        category={"return_rate": 0.5},
        demand={"orders_per_day": 300.0, "lines_per_order": {"dist": "deterministic", "value": 1}},
    )
    run, _ = generated(sc, "own")
    p = run.parcels
    back = p.units_returned > 0
    assert back.sum() > 1000
    assert p.refunded_without_return[back].mean() == pytest.approx(0.3, abs=0.04)
    assert not p.refunded_without_return[~back].any()
