"""Runs cut short once they certainly miss a target (`fcsim.model.cut_short`).

A run stopped early must be one that, run to its end, misses the target; a run that does not
stop must be the very run without the watch (it only reads the parcel columns)."""

from __future__ import annotations

import math

import pytest

from fcsim.core.metrics import CUT_SHORT_METRICS, undeclared
from fcsim.experiment.runs import RunSpec, simulate
from fcsim.model.cut_short import CutShort
from fcsim.scenario.load import load_scenario

from conftest import SMALL

RULE = CutShort(late_rate=0.05, unfinished_rate=0.005, every_days=2)


def _spec(overrides: list[str], cut: CutShort | None) -> RunSpec:
    sc = load_scenario(SMALL, overrides)
    return RunSpec(sc, "own", 0, sc.seed, tuple(overrides), cut_short=cut)


def _misses(kpis: dict[str, float], rule: CutShort) -> bool:
    return kpis["late_rate"] > rule.late_rate or kpis["unfinished_rate"] > rule.unfinished_rate


@pytest.mark.parametrize(
    "staff",
    [
        ["strategies.own.pickers=1", "strategies.own.packers=1"],
        ["strategies.own.pickers=1", "demand.orders_per_day=90"],
        ["strategies.own.packers=1", "demand.orders_per_day=120"],
    ],
)
def test_a_run_cut_short_misses_the_target_when_run_to_its_end(staff) -> None:
    cut = simulate(_spec(staff, RULE))
    full = simulate(_spec(staff, None))
    assert cut.kpis["cut_short_day"] > 0, "the watch did not stop this understaffed run"
    assert cut.kpis["cut_short_day"] < load_scenario(SMALL, staff).horizon_days
    assert math.isnan(cut.kpis["late_rate"]) and math.isnan(cut.kpis["cost_per_order_eur"])
    assert _misses(full.kpis, RULE)
    # the certain late orders are a floor of the full run's late orders
    late_orders = full.kpis["late_rate"] * (full.kpis["orders"] - full.kpis["orders_in_progress"])
    assert cut.kpis["late_orders_certain"] <= late_orders + 1e-9
    # it stopped before the horizon (above) and skipped the accounting: no daily series (a
    # deterministic check of the work saved; its seconds are a benchmark's, not a test's)
    assert cut.daily == {} and full.daily
    assert undeclared(cut.kpis) == [] and set(CUT_SHORT_METRICS) <= set(cut.kpis)


def test_a_run_that_can_meet_the_target_is_not_stopped_nor_changed() -> None:
    sc = load_scenario(SMALL)
    plain = simulate(RunSpec(sc, "own", 0, sc.seed))
    watched = simulate(RunSpec(sc, "own", 0, sc.seed, cut_short=CutShort(0.5, 0.5, 1)))
    assert "cut_short_day" not in watched.kpis

    def same(a: float, b: float) -> bool:
        return a == b or (math.isnan(a) and math.isnan(b))

    # the watch's own timeouts are events too: every other KPI is the run's without it
    differ = {
        k: (v, watched.kpis[k])
        for k, v in plain.kpis.items()
        if k != "events_per_order" and not same(v, watched.kpis[k])
    }
    assert not differ


def test_the_threshold_is_strictly_above_the_certain_bound() -> None:
    rule = CutShort(0.05, 0.005)
    n = 10_000
    bound = n * (0.005 + 0.05 * 0.995)
    assert rule.late_orders(n) > bound
    assert rule.late_orders(n) <= bound + 2
