"""The parcel columns a run keeps, and the daily dispatch that reads only its own parcels.

Every run keeps its parcel outcome columns until its KPIs are computed: they are as narrow as
their values allow (exactly: the same numbers), and a day's dispatch touches the rows of that
day's parcels only, so its cost does not grow with the parcels the run has already made.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from fcsim.model.calendar import BusinessDays
from fcsim.model.carriers import CarrierChoice, Delivery, dispatch
from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.scenario.schema.business import Incidents
from fcsim.scenario.schema.delivery import Customs, Destination
from tests.model.test_delivery import MONDAY, carrier, parcels

OUTCOME_BYTES_PER_PARCEL = 150
"""The benchmark's goal for the memory a run keeps per order (one parcel per order)."""


def _outcome_bytes(p: Parcels) -> int:
    """Memory the outcome columns hold: a read-only broadcast zero (a column no node writes,
    e.g. picking errors without an error rate) holds one element, whatever its length."""
    columns = (getattr(p, f.name) for f in fields(p) if not f.init)
    arrays = {id(a): a for a in columns if isinstance(a, np.ndarray)}.values()
    return sum(a.itemsize if a.strides == (0,) else a.nbytes for a in arrays)


def test_the_outcome_columns_of_a_parcel_fit_the_memory_goal() -> None:
    small, large = parcels(1_000), parcels(2_000)
    per_parcel = (_outcome_bytes(large) - _outcome_bytes(small)) / 1_000
    assert per_parcel <= OUTCOME_BYTES_PER_PARCEL
    # 162 before: the VAT rate by zone, unit counts in 2 bytes (148); + the packaging option
    # chosen (int16, for damage by packaging); picking-error columns only when written
    assert per_parcel == 150


def test_unit_counts_are_two_bytes_unless_a_parcel_holds_more_than_int16() -> None:
    p = parcels(3)
    assert {p.units_short.dtype, p.units_defective.dtype, p.units_returned.dtype} == {
        np.dtype(np.int16)
    }
    p.units[:] = [1, 32_767, 2]
    assert (
        Parcels(**{f.name: getattr(p, f.name) for f in fields(p) if f.init}).units_returned.dtype
        == np.int16
    )
    p.units[1] = 32_768
    wide = Parcels(**{f.name: getattr(p, f.name) for f in fields(p) if f.init})
    assert wide.units_returned.dtype == np.int32
    wide.units_returned[1] = 32_768  # the count fits: nothing wraps
    assert int(wide.units_returned[1]) == 32_768


def test_a_parcels_vat_rate_is_its_zones_and_cannot_be_written() -> None:
    p = parcels(4)
    p.zone[:] = [0, 2, 1, 2]
    p.vat_by_zone = np.array([0.2, 0.0, 0.21])
    assert p.vat_rate.tolist() == [0.2, 0.21, 0.0, 0.21]
    with pytest.raises(ValueError, match="read-only"):
        p.vat_rate[0] = 0.1  # a write would be lost: it must fail instead
    assert p.value_ex_vat_eur.tolist() == pytest.approx([50 / 1.2, 50 / 1.21, 50.0, 50 / 1.21])


def test_a_days_dispatch_with_customs_reads_only_its_own_parcels(monkeypatch) -> None:
    # 10,000 parcels made so far, 3 at the dock today: the duties' customs value (without VAT)
    # is taken from those 3 rows, never from a whole-run column computed for the day
    customs = Customs(
        clearance_business_days={"dist": "deterministic", "value": 1},
        hold_probability=0.0,
        duties_rate=0.1,
        paid_by="merchant",
        brokerage_eur_per_parcel=2.0,
    )
    dests = [
        Destination(zone="domestic", share=1),
        Destination(zone="uk", share=1, customs=customs),
    ]
    p = parcels(10_000, value=60.0)
    p.zone[:] = 1
    p.vat_by_zone = np.array([0.2, 0.2])
    p.ready_min[:] = 10 * 60

    def whole_run(self):
        raise AssertionError("a whole-run column was computed for one day's dispatch")

    monkeypatch.setattr(Parcels, "vat_rate", property(whole_run))
    monkeypatch.setattr(Parcels, "value_ex_vat_eur", property(whole_run))
    today = np.array([17, 4_000, 9_999])
    dl = Delivery([carrier()], dests, Incidents(), BusinessDays(MONDAY, []))
    dispatch(p, today, CarrierChoice((0,), "cheapest", 0.0), dl, Streams(1, 0))
    assert p.duties_eur[today] == pytest.approx([0.1 * 60 / 1.2 + 2.0] * 3)
    assert (p.duties_eur[np.setdiff1d(np.arange(p.n), today)] == 0).all()


def test_picking_error_columns_take_memory_only_when_a_node_writes_them() -> None:
    p = parcels(1_000)
    assert (p.mispicked == 0).all() and not p.mispicked.flags.writeable
    p.track_picking_errors()
    p.mispicked[3], p.wrong_lines[4] = 2, 1
    assert p.mispicked.nbytes == 2_000 and int(p.mispicked.sum()) == 2
    assert int(p.wrong_lines.sum()) == 1  # two columns of their own, not one
