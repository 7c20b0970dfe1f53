"""The KPIs a run reports are exactly the registered metrics (`fcsim.core.metrics`): a KPI cannot
be added to `kpis.evaluate` without declaring it, nor declared without being computed."""

from __future__ import annotations

import pytest

from fcsim.core.metrics import CUT_SHORT_METRICS, NAMES, undeclared
from fcsim.experiment.loading import load_scenario
from fcsim.experiment.runs import RunSpec, simulate

from conftest import ROOT, SMALL


def _kpis(scenario, strategy: str) -> dict[str, float]:
    return simulate(RunSpec(scenario, strategy, 0, scenario.seed)).kpis


def _assert_registered(kpis: dict[str, float]) -> None:
    assert undeclared(kpis) == [], "computed but not declared in fcsim.core.metrics"
    missing = [n for n in NAMES if n not in kpis and n not in CUT_SHORT_METRICS]
    assert missing == [], "declared in fcsim.core.metrics but not computed"


@pytest.mark.parametrize("strategy", ["own", "out", "drop", "hyb"])
def test_small_scenario_reports_the_registered_metrics(strategy: str) -> None:
    sc = load_scenario(SMALL, ["horizon_days=14", "warmup_days=3"])
    assert strategy in sc.strategies
    _assert_registered(_kpis(sc, strategy))


def test_hybrid_of_the_default_scenario_reports_the_registered_metrics() -> None:
    sc = load_scenario(ROOT / "scenarios" / "default.yaml", ["horizon_days=20", "warmup_days=5"])
    assert "hybrid" in sc.strategies
    _assert_registered(_kpis(sc, "hybrid"))
