"""A plan that cannot fit in memory is refused before it runs (exit 2, naming the figure), and a
large run's memory is given back before the next run starts."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from fcsim.cli import main
from fcsim.experiment import executors, footprint
from fcsim.experiment.runs import RunSpec
from fcsim.scenario.load import load_scenario
from tests.conftest import SMALL

HUGE = ["--set", "demand.orders_per_day=1e7"]  # the schema's own maximum


def test_the_footprint_of_a_run_follows_its_demand(small_scenario) -> None:
    f = footprint.run_footprint(small_scenario)
    assert f.orders == pytest.approx(60 * 35) and f.lines_per_order == pytest.approx(1.5)
    assert f.skus == 200 and f.source == "demand.orders_per_day × horizon_days"
    assert f.run_bytes == pytest.approx(2100 * (400 + 150 * 1.5) + 200 * 170)
    grown = load_scenario(SMALL, ["demand.growth_per_month=2", "horizon_days=3660"])
    assert (
        footprint.run_footprint(grown)
        .describe()
        .startswith("demand.orders_per_day × horizon_days (with growth_per_month) = ")
    )


@pytest.fixture
def twenty_gb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(footprint, "available_memory", lambda: 20e9)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["run", str(SMALL), *HUGE, "-w", "2"],
         "demand.orders_per_day × horizon_days = 3.5e+08 orders (1.5 lines each) per run, about "
         "438 GB for 2 runs at once (-w 2): more than the 20 GB of memory available"),
        (["run", str(SMALL), *HUGE, "-w", "1"], "per run, about 219 GB: more than the 20 GB"),
        (["baseline", str(SMALL), *HUGE, "-w", "1", "-o", "b.json"], "about 219 GB"),
        (["sweep", str(SMALL), "--vary", "demand.orders_per_day=10,1e7", "-w", "1"],
         "about 219 GB"),
        (["size", str(SMALL), "--key", "demand.orders_per_day", "--range", "10:10000000",
          "--step", "100000", "--smallest", "late_rate<=0.1", "-w", "1"],
         "3.47e+08 orders (1.5 lines each) per run, about 217 GB"),  # the grid's last point
        (["run", str(SMALL), "--set", "demand.growth_per_month=2", "--set", "horizon_days=3660"],
         "(with growth_per_month) = 2.6e+61 orders"),
    ],
)  # fmt: skip
def test_a_plan_that_cannot_fit_in_memory_is_refused_before_it_runs(
    twenty_gb: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main([*argv, "-q"]) == 2
    err = capsys.readouterr().err
    assert fragment in err, err
    assert "shorten horizon_days or lower the demand" in err
    assert not list(twenty_gb.iterdir())  # nothing run, nothing written


def test_a_plan_that_fits_runs(twenty_gb: Path) -> None:
    assert main(["run", str(SMALL), "--set", "horizon_days=14", "-r", "1", "-w", "1", "-q"]) == 0


@pytest.mark.slow  # a run of 60,000 orders under tracemalloc
def test_a_large_run_gives_its_memory_back_before_the_next_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extra = ["demand.orders_per_day=20000", "horizon_days=3", "warmup_days=0"]
    spec = RunSpec(load_scenario(SMALL, extra), "hyb", 0, 7)
    monkeypatch.setattr(executors, "LARGE_RUN_BYTES", 1.0)  # this run counts as large
    gc.collect()
    tracemalloc.start()
    try:
        executors.run_batch([spec])
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 0.05 * peak, (kept, peak)  # held by reference cycles until a full collection
