"""Result records at the boundary: summary entries read the same from JSON and from the
statistics, and the runs table refuses a KPI the registry does not declare."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from fcsim.experiment.records import SummaryEntry
from fcsim.experiment.results import runs_table
from fcsim.experiment.runs import RunResult
from fcsim.experiment.stats import interval, metric_columns


def test_a_summary_entry_reads_json_and_statistics_alike() -> None:
    stats = interval([1.0, 2.0, 3.0])
    from_json = SummaryEntry.read(json.loads(json.dumps(stats)))
    assert from_json == SummaryEntry.read(stats)
    assert from_json.mean == 2.0 and from_json.n == 3 and from_json.known
    assert from_json.half_width == pytest.approx((stats["ci_high"] - stats["ci_low"]) / 2)


def test_missing_parts_of_an_entry_are_unknown() -> None:
    for raw in (None, {}, {"mean": None, "ci_low": None, "ci_high": None, "n": 0}):
        e = SummaryEntry.read(raw)
        assert e.mean is None and not e.known and e.half_width is None
    one = SummaryEntry.read(interval([4.0]))  # a single replication: no interval
    assert one.mean == 4.0 and one.n == 1 and one.half_width is None
    assert all(math.isnan(b) for b in one.bounds())
    nan = SummaryEntry.read(interval([]))
    assert not nan.known and nan.n == 0
    assert SummaryEntry.read({"mean": 0.2}) == SummaryEntry(0.2, None, None, 0)


def _run(kpis: dict[str, float]) -> RunResult:
    return RunResult("own", 0, 1, kpis, {"orders_created": np.zeros(3)}, {"own": 5})


def test_the_runs_table_takes_registered_metrics_only() -> None:
    runs = runs_table([_run({"orders": 10.0, "late_rate": 0.1, "cost_labour_eur": 5.0})])
    assert list(runs.columns) == [
        "strategy",
        "replication",
        "seed",
        "wall_s",
        "orders",
        "late_rate",
        "cost_labour_eur",
        "node_parcels.own",
        "overload_reasons",
    ]
    assert metric_columns(runs) == ["orders", "late_rate", "cost_labour_eur"]
    with pytest.raises(ValueError, match=r"run own #0 reports metrics not declared .*: speed, x_e"):
        runs_table([_run({"orders": 10.0, "speed": 1.0, "x_eur": 2.0})])
