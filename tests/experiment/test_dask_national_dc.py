"""The large scenario on a local Dask cluster of 2 workers gives the local pool's results.

`benchmarks/dask_check.py` runs both executors on `scenarios/national_dc.yaml` (100,000
orders/day) over a few days and compares every KPI and daily series bit for bit; the small
scenario's identity through the command line is `test_executors.py`'s.
"""

from __future__ import annotations

import dataclasses

import pytest

from benchmarks import dask_check


@pytest.mark.slow
def test_national_dc_on_dask_is_identical_to_the_local_pool() -> None:
    pytest.importorskip("distributed")
    res = dask_check.check(days=2, workers=2)
    assert res.runs == 2 and res.orders > 100_000
    assert res.differences == []


def test_the_comparison_sees_a_changed_kpi_and_a_changed_series() -> None:
    import numpy as np

    from fcsim.experiment.runs import RunResult

    nan = float("nan")
    one = RunResult("own", 0, 1, {"cost": 10.0, "p95": nan}, {"orders": np.arange(3.0)})
    assert dask_check.differences([one], [dataclasses.replace(one)]) == []  # NaN equals NaN
    kpi = dataclasses.replace(one, kpis={"cost": 10.0 + 1e-12, "p95": nan})
    series = dataclasses.replace(one, daily={"orders": np.array([0.0, 1.0, 2.5])})
    assert dask_check.differences([one], [kpi]) == ["own#0: cost 10.0 != 10.000000000001"]
    assert dask_check.differences([one], [series]) == ["own#0: daily orders differs"]
    assert dask_check.differences([one], [one, one]) == ["1 results against 2"]
