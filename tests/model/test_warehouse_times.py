"""The warehouse part of the lead time: order → packed and the wait for a picker, per node.

Checked against the parcel columns they come from and against the lead times that contain
them: packing comes before shipping, the wait for a picker before packing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fcsim.experiment.runs import RunSpec, simulate
from fcsim.scenario.load import load_scenario

from conftest import SMALL


@pytest.fixture(scope="module")
def results():
    sc = load_scenario(SMALL, ["horizon_days=21"])
    return {s: simulate(RunSpec(sc, s, 0, sc.seed)) for s in sc.strategies}


def test_packing_comes_before_shipping_and_the_picker_wait_before_packing(results) -> None:
    for name, r in results.items():
        k = r.kpis
        assert 0 < k["order_to_packed_h_mean"] <= k["order_to_ship_h_mean"], name
        assert k["order_to_packed_h_mean"] <= k["order_to_packed_h_p95"], name
        if name != "drop":
            assert 0 <= k["picker_wait_h_mean"] < k["order_to_packed_h_mean"], name
            assert k["picker_wait_h_mean"] <= k["picker_wait_h_p95"], name


def test_a_dropship_supplier_has_no_picker_to_wait_for(results) -> None:
    assert math.isnan(results["drop"].kpis["picker_wait_h_mean"])
    assert math.isnan(results["drop"].node_kpis["drop"]["picker_wait_h_mean"])
    assert results["drop"].node_kpis["drop"]["order_to_packed_h_mean"] > 0


def test_a_one_node_strategy_reports_the_same_figures_for_its_node(results) -> None:
    own = results["own"]
    assert set(own.node_kpis) == {"own"}
    node = own.node_kpis["own"]
    assert node["picker_wait_h_mean"] == pytest.approx(own.kpis["picker_wait_h_mean"])
    # one parcel per order: an order is packed when its parcel is
    assert node["order_to_packed_h_mean"] == pytest.approx(own.kpis["order_to_packed_h_mean"])


def test_a_hybrid_reports_each_node_and_the_strategy_lies_between_them(results) -> None:
    hyb = results["hyb"]
    assert set(hyb.node_kpis) == {"a", "b", "c"}
    waits = [hyb.node_kpis[n]["picker_wait_h_mean"] for n in ("a", "b")]
    assert math.isnan(hyb.node_kpis["c"]["picker_wait_h_mean"])  # the dropship node
    assert min(waits) - 1e-9 <= hyb.kpis["picker_wait_h_mean"] <= max(waits) + 1e-9
    packed = [hyb.node_kpis[n]["order_to_packed_h_mean"] for n in ("a", "b", "c")]
    assert np.all(np.isfinite(packed))


def test_warehouse_metrics_are_unknown_without_a_warehouse_and_never_a_zero(results) -> None:
    """A dropship strategy has no warehouse backlog or stock wait: "n/a", not a best score of 0."""
    from fcsim.core.metrics import WAREHOUSE_METRICS

    for key in WAREHOUSE_METRICS:
        assert math.isnan(results["drop"].kpis[key]), key
    own = results["own"].kpis
    assert own["backlog_parcels_max"] > 0 and np.isfinite(own["stock_wait_rate"])
    # a hybrid with a dropship node still has warehouses: its figures are numbers
    assert all(np.isfinite(results["hyb"].kpis[k]) for k in ("backlog_parcels_max",))
