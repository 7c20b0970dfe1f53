"""Storage zones and dock doors of a warehouse, and eco-friendly packaging (D1, D2, D6)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from fcsim.core.errors import ScenarioError
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams
from fcsim.policies.packaging import PackagingTable, eco_first, smallest_fitting
from fcsim.scenario.load import load_scenario


def _scenario(tmp_path, small_path, own_extra: dict):
    raw = yaml.safe_load(small_path.read_text())
    own = raw["strategies"]["own"] | own_extra
    raw["strategies"] = {"own": own}
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(raw))
    return load_scenario(f)


def _run(sc):
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    return run_strategy(sc, "own", orders, cat, streams)


def test_zones_record_occupancy_overflow_and_cost(tmp_path, small_path) -> None:
    zones = [
        {
            "name": "racks",
            "storage_class": "ambient",
            "capacity_pallets": 5,
            "cost_eur_per_position_day": 0.5,
            "overflow_eur_per_pallet_day": 2.0,
        },
    ]
    run = _run(_scenario(tmp_path, small_path, {"zones": zones}))
    node = run.nodes[0]
    d = node.daily
    used, over = d["zone_positions"], d["zone_overflow_pallets"]
    assert (used <= 5 + 1e-9).all() and over.max() > 0
    assert d["zone_running_eur"] == pytest.approx(used * 0.5)
    assert d["zone_overflow_eur"] == pytest.approx(over * 2.0)
    assert d["zone_pallets.racks"] == pytest.approx(used + over)
    assert used + over == pytest.approx(d["stock_pallets"])
    assert node.totals["zone_overflow_days"] > 0
    assert node.totals["zone_peak_share.racks"] > 1


def test_a_storage_class_without_zone_is_an_error(tmp_path, small_path) -> None:
    zones = [{"name": "cold", "storage_class": "cold", "capacity_pallets": 5}]
    with pytest.raises(ScenarioError, match="no zone for ambient goods"):
        _scenario(tmp_path, small_path, {"zones": zones})


def test_one_dock_door_serialises_trucks(tmp_path, small_path) -> None:
    run = _run(_scenario(tmp_path, small_path, {"receiving": {"docks": 1}}))
    util = run.nodes[0].daily["dock_utilisation"]
    assert np.nanmax(util) > 0
    assert run.nodes[0].totals["dock_to_stock_h_mean"] > 0


def _table(eco: list[bool]) -> PackagingTable:
    return PackagingTable(
        max_volume_l=np.array([4.0, 6.0, 6.0]),
        cost_eur=np.array([0.15, 0.45, 0.60]),
        extra_pack_min=np.zeros(3),
        soft_goods_only=np.array([True, False, False]),
        protective=np.zeros(3, dtype=bool),
        eco=np.array(eco),
    )


def test_eco_first_prefers_eco_materials() -> None:
    vol = np.array([3.0, 5.0])
    soft = np.array([True, False])
    fragile = np.zeros(2, dtype=bool)
    table = _table([False, False, True])
    assert smallest_fitting(vol, soft, fragile, table)[0].tolist() == [0, 1]
    # the kraft box (index 2) fits both: eco_first takes it although it costs more
    assert eco_first(vol, soft, fragile, table)[0].tolist() == [2, 2]
    # without eco options it is the same as smallest_fitting
    plain = _table([False, False, False])
    assert eco_first(vol, soft, fragile, plain)[0].tolist() == [0, 1]


def _evaluate(sc):
    from fcsim.model.accounting.kpis import evaluate

    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    run = run_strategy(sc, "own", orders, cat, streams)
    return run, evaluate(sc, "own", run, orders, cat, streams)


def test_zone_running_and_overflow_costs_are_ledger_lines(tmp_path, small_path) -> None:
    zone = {"name": "racks", "storage_class": "ambient", "capacity_pallets": 5}
    free = zone | {"cost_eur_per_position_day": 0.0, "overflow_eur_per_pallet_day": 0.0}
    costed = zone | {"cost_eur_per_position_day": 0.5, "overflow_eur_per_pallet_day": 2.0}
    _, ev0 = _evaluate(_scenario(tmp_path, small_path, {"zones": [free]}))
    run1, ev1 = _evaluate(_scenario(tmp_path, small_path, {"zones": [costed]}))
    sc = _scenario(tmp_path, small_path, {})
    w = slice(sc.warmup_days, sc.horizon_days)
    d = run1.nodes[0].daily
    used, over = d["zone_positions"][w].sum(), d["zone_overflow_pallets"][w].sum()
    assert used > 0 and over > 0
    k0, k1 = ev0.kpis, ev1.kpis
    assert k1["cost_storage_eur"] - k0["cost_storage_eur"] == pytest.approx(0.5 * used)
    assert k1["cost_overflow_storage_eur"] - k0["cost_overflow_storage_eur"] == pytest.approx(
        2.0 * over
    )
    # the building's capacity is the zones' total: their overflow is not charged twice
    assert k0["cost_overflow_storage_eur"] == 0
    assert k1["total_cost_eur"] - k0["total_cost_eur"] == pytest.approx(0.5 * used + 2.0 * over)
    # each zone's pallets by day reach the run's daily table, and the peak is against 5 pallets
    assert ev1.daily["zone_pallets.own.racks"] == pytest.approx(
        d["zone_positions"] + d["zone_overflow_pallets"]
    )
    assert k1["peak_occupancy_share"] == pytest.approx(k1["peak_stock_pallets"] / 5)


def test_a_providers_zones_carry_no_running_cost(tmp_path, small_path) -> None:
    raw = yaml.safe_load(small_path.read_text())
    zone = {"name": "racks", "storage_class": "ambient", "capacity_pallets": 5}
    raw["strategies"]["out"]["zones"] = [zone | {"cost_eur_per_position_day": 0.4}]
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError, match="bills its storage in its fees") as err:
        load_scenario(f)
    assert "strategies.out.zones[0].cost_eur_per_position_day" in str(err.value)
    raw["strategies"]["out"]["zones"] = [zone, zone]
    f.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError, match="zone 'racks' is listed twice"):
        load_scenario(f)
