"""The Dask check: a local Dask cluster of 2 workers against the local process pool on the
large scenario (`scenarios/national_dc.yaml`) at a short horizon, result for result.

Place in the flow: a step of the benchmark run on its own (`python -m benchmarks.dask_check
[--days N]`) and by `tests/experiment/test_dask_national_dc.py`. Both executors run the same
specs through `fcsim.experiment.pipeline.execute`; every KPI and every daily series must be
equal bit for bit (NaN equal to NaN). Prints the verdict and the wall time of each; exit 1
when they differ.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fcsim.experiment.pipeline import execute
from fcsim.experiment.runs import RunResult, RunSpec
from fcsim.scenario.load import load_scenario

NATIONAL_DC = Path(__file__).absolute().parent.parent / "scenarios" / "national_dc.yaml"


@dataclass(frozen=True)
class DaskCheck:
    """What the check found: the differences (empty when identical) and the wall times."""

    runs: int
    orders: float
    differences: list[str]
    local_wall_s: float
    dask_wall_s: float

    @property
    def identical(self) -> bool:
        return not self.differences


def specs(days: int, replications: int = 1, path: Path = NATIONAL_DC) -> list[RunSpec]:
    """Every strategy x replication of the large scenario over `days` days of orders."""
    sc = load_scenario(
        path,
        [f"horizon_days={days}", f"warmup_days={days // 3}", f"drain_days={days}"],
    )
    return [RunSpec(sc, name, r, sc.seed) for name in sc.strategies for r in range(replications)]


def _same(a: float, b: float) -> bool:
    return a == b or (
        isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    )


def differences(one: list[RunResult], other: list[RunResult]) -> list[str]:
    """Every KPI and daily series of `other` that is not bit-identical to `one`'s."""
    out: list[str] = []
    if len(one) != len(other):
        return [f"{len(one)} results against {len(other)}"]
    for a, b in zip(one, other, strict=True):
        label = f"{a.strategy}#{a.replication}"
        if (a.strategy, a.replication) != (b.strategy, b.replication):
            out.append(f"{label}: paired with {b.strategy}#{b.replication}")
            continue
        if set(a.kpis) != set(b.kpis):
            out.append(f"{label}: KPI names differ")
        out += [
            f"{label}: {k} {a.kpis[k]!r} != {b.kpis.get(k)!r}"
            for k in a.kpis
            if not _same(a.kpis[k], b.kpis.get(k, float("nan")))
        ]
        if set(a.daily) != set(b.daily):
            out.append(f"{label}: daily series differ in names")
        out += [
            f"{label}: daily {k} differs"
            for k in a.daily
            if k in b.daily and not np.array_equal(a.daily[k], b.daily[k], equal_nan=True)
        ]
        if a.node_parcels != b.node_parcels:
            out.append(f"{label}: parcels per node differ")
    return out


def check(days: int = 3, workers: int = 2, replications: int = 1) -> DaskCheck:
    """Run the specs on `workers` local processes, then on a local Dask cluster of `workers`."""
    todo = specs(days, replications)
    t0 = time.perf_counter()
    local = execute(todo, workers=workers)
    t1 = time.perf_counter()
    dask = execute(todo, workers=workers, dask="local")
    t2 = time.perf_counter()
    orders = sum(r.kpis.get("orders", 0.0) for r in local)
    return DaskCheck(len(todo), orders, differences(local, dask), t1 - t0, t2 - t1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.dask_check", description=__doc__)
    p.add_argument("--days", type=int, default=3, help="days of orders (default 3)")
    p.add_argument("-r", "--replications", type=int, default=1)
    args = p.parse_args(argv)
    res = check(args.days, replications=args.replications)
    verdict = "PASS identical" if res.identical else "FAIL differ"
    print(
        f"{verdict}: {res.runs} runs of national_dc over {args.days} days "
        f"({res.orders:,.0f} orders measured), local pool of 2 {res.local_wall_s:.1f} s, "
        f"Dask LocalCluster of 2 {res.dask_wall_s:.1f} s (wall)"
    )
    for line in res.differences[:20]:
        print(f"  {line}")
    return 0 if res.identical else 1


if __name__ == "__main__":
    sys.exit(main())
