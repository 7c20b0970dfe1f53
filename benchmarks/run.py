"""The benchmark's measurements, in order: pool check, tandem (a)/(b), full model (c), memory,
parallel replications, the national centre (100,000 orders/day) and its Dask check, profile.

Place in the flow: `benchmarks/__main__.py` parses the command line into a `Config` and calls
`measure`; the result goes to `benchmarks/report.py`. (a) and (b) are timed in this process,
interleaved, on the same orders; the year run (c) and the memory probes each run in a fresh
child process (spawn) so their peak memory is their own.
"""

from __future__ import annotations

import cProfile
import io
import multiprocessing
import os
import pstats
import resource
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from benchmarks import cases, memory
from benchmarks.equivalence import check_shift_shortcuts, compare_with_resource
from benchmarks.reference import run_minimal_pool, run_resource
from fcsim.experiment.pipeline import execute
from fcsim.experiment.runs import RunSpec, simulate
from fcsim.model.network import run_strategy
from fcsim.model.streams import Streams


@dataclass(frozen=True)
class Config:
    """Sizes of every measurement (the defaults are the targets' sizes; `smoke` shrinks them)."""

    tandem_days: int = 30
    tandem_orders_per_day: float = 10_000
    repeat: int = 3
    year_days: int = 365
    orders_per_day: float = 10_000
    year_repeat: int = 2
    memory_days: tuple[int, int] = (14, 28)
    scaling_replications: int = 8
    scaling_days: int = 56
    profile_days: int = 21
    pool_tasks: int = 50_000
    national_days: int = 14  # days of orders of the national centre's timed run
    dask_days: int = 3  # days of orders of the Dask check on the national centre
    smoke: bool = False

    @classmethod
    def smoke_size(cls) -> Config:
        return cls(
            tandem_days=2,
            tandem_orders_per_day=1_000,
            repeat=1,
            year_days=4,
            orders_per_day=2_000,
            year_repeat=1,
            memory_days=(3, 4),
            scaling_replications=2,
            scaling_days=3,
            profile_days=3,
            pool_tasks=3_000,
            national_days=1,
            dask_days=1,
            smoke=True,
        )


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not Unix
        return []


def _say(msg: str) -> None:
    print(f"benchmark: {msg}", file=sys.stderr, flush=True)


def _child(fn, *args):
    """Run `fn(*args)` in a fresh spawned process and return its result."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(fn, *args).result()


def _tandem(cfg: Config) -> dict[str, Any]:
    sc = cases.tandem_scenario(cfg.tandem_days, cfg.tandem_orders_per_day)
    tandem = cases.prepare_tandem(sc)
    n = tandem.data.n
    a_t, a2_t, b_t = [], [], []
    out_a = out_b = None
    for i in range(cfg.repeat):
        _say(f"tandem repeat {i + 1}/{cfg.repeat}: (a), (a'), (b) on {n:,} orders")
        out_a, ta = cases.timed(lambda: run_resource(tandem.data))
        _, ta2 = cases.timed(lambda: run_minimal_pool(tandem.data))
        out_b, tb = cases.timed(
            lambda: run_strategy(
                sc, cases.TANDEM_STRATEGY, tandem.orders, tandem.catalogue, Streams(sc.seed, 0)
            )
        )
        a_t.append(ta)
        a2_t.append(ta2)
        b_t.append(tb)
    counted, tc = cases.timed(lambda: run_resource(tandem.data, count_events=True))
    counted2 = run_minimal_pool(tandem.data, count_events=True)
    assert out_a is not None and out_b is not None
    created = tandem.data.created_min
    a_med = statistics.median(t.cpu_s for t in a_t)
    overhead = tc.cpu_s / a_med - 1.0
    per_event = max(0.0, tc.cpu_s - a_med) / counted.events
    ratios = [a.cpu_s / b.cpu_s for a, b in zip(a_t, b_t, strict=True)]

    return {
        "days": cfg.tandem_days,
        "orders_per_day": cfg.tandem_orders_per_day,
        "orders": n,
        "reference": {**_rates(n, a_t), "events_per_order": counted.events / n},
        "reference_minimal_pool": {**_rates(n, a2_t), "events_per_order": counted2.events / n},
        "fcsim": {**_rates(n, b_t), "events_per_order": out_b.events / n},
        "ratio_b_a": {"median": statistics.median(ratios), "all": ratios},
        "counting_overhead": overhead,
        "counting_s_per_event": per_event,
        "counting_share_b": per_event * out_b.events / statistics.median(t.cpu_s for t in b_t),
        "agreement": _agreement(created, out_a.ready_min, out_a.ship_min, out_b.parcels),
    }


def _rates(n: int, times: list[cases.Timing]) -> dict[str, Any]:
    """Orders per second of repeated runs: on CPU time (what counts) and on wall time."""
    cpu = [t.cpu_s for t in times]
    wall = [t.wall_s for t in times]
    return {
        "cpu_s_all": cpu,
        "wall_s_all": wall,
        "orders_per_s_all": [n / c for c in cpu],
        "orders_per_s": n / statistics.median(cpu),
        "orders_per_wall_s": n / statistics.median(wall),
    }


def _agreement(created, ready_a, ship_a, parcels) -> dict[str, float]:
    """Order-to-ready and order-to-collection hours of (a) and (b), and their relative gap."""

    def hours(t: np.ndarray) -> np.ndarray:
        v = (t - created) / 60
        return v[~np.isnan(v)]

    out: dict[str, float] = {}
    for name, a, b in (
        ("ready", ready_a, parcels.ready_min),
        ("ship", ship_a, parcels.ship_min),
    ):
        ha, hb = hours(a), hours(b)
        ma, mb = float(ha.mean()), float(hb.mean())
        out[f"{name}_h_mean_a"], out[f"{name}_h_mean_b"] = ma, mb
        out[f"{name}_h_p95_a"] = float(np.percentile(ha, 95))
        out[f"{name}_h_p95_b"] = float(np.percentile(hb, 95))
        out[f"{name}_rel_gap"] = abs(mb - ma) / ma
        out[f"{name}_done_a"], out[f"{name}_done_b"] = len(ha), len(hb)
    return out


def _full(cfg: Config, a_orders_per_s: float) -> dict[str, Any]:
    sc = cases.full_scenario(cfg.year_days, cfg.orders_per_day)
    n = cases.count_orders(sc)
    runs = []
    for i in range(cfg.year_repeat):
        _say(
            f"full model {i + 1}/{cfg.year_repeat}: {n:,} orders over {cfg.year_days} days "
            "in a fresh process"
        )
        runs.append(_child(memory.year_run, sc, cases.FULL_STRATEGY))
    times = [cases.Timing(r["wall_s"], r["cpu_s"]) for r in runs]
    rates = _rates(n, times)
    return {
        "scenario": str(cases.DEFAULT_YAML.name),
        "strategy": cases.FULL_STRATEGY,
        "days": cfg.year_days,
        "orders_per_day": cfg.orders_per_day,
        "staff": {r: getattr(sc.strategies[cases.FULL_STRATEGY], r) for r in cases.STAFF_ROLES},
        "orders": n,
        **rates,
        "cpu_s_median": statistics.median(rates["cpu_s_all"]),
        "wall_s_median": statistics.median(rates["wall_s_all"]),
        "ratio_c_a": rates["orders_per_s"] / a_orders_per_s,
        "events_per_order": runs[0]["events_per_order"],
        "rss_peak_bytes": max(r["rss_peak_bytes"] for r in runs),
        "kpis": runs[0]["kpis"],
    }


def _memory(cfg: Config) -> dict[str, Any]:
    probes = []
    for days in cfg.memory_days:
        _say(f"memory probe: {days} days in a fresh process (tracemalloc)")
        sc = cases.full_scenario(days, cfg.orders_per_day)
        probes.append(_child(memory.memory_probe, sc, cases.FULL_STRATEGY))
    small, large = probes
    return {"small": small, "large": large, "per_order": memory.per_order(small, large)}


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _scaling(cfg: Config) -> dict[str, Any]:
    """Wall time of the replications on 1 and 2 workers, and the CPU time each took.

    On a shared machine the wall-time speed-up mostly measures the other users; the CPU
    times say what two free cores would give: the same work split in two, plus the workers'
    start-up (CPU of the finished worker processes, from `RUSAGE_CHILDREN`)."""
    sc = cases.full_scenario(cfg.scaling_days, cfg.orders_per_day)
    specs = [RunSpec(sc, cases.FULL_STRATEGY, r, sc.seed) for r in range(cfg.scaling_replications)]
    walls, cpus = {}, {}
    load_before = _load()
    for workers in (1, 2):
        _say(f"{len(specs)} replications with {workers} worker(s)")
        children0 = _children_cpu_s()
        _, t = cases.timed(lambda w=workers: execute(specs, workers=w))
        walls[workers] = t.wall_s
        cpus[workers] = t.cpu_s + _children_cpu_s() - children0
    per_worker_2 = cpus[2] / 2  # 8 equal replications: 4 per worker
    return {
        "replications": cfg.scaling_replications,
        "days": cfg.scaling_days,
        "orders_per_day": cfg.orders_per_day,
        "wall_1_s": walls[1],
        "wall_2_s": walls[2],
        "speedup": walls[1] / walls[2],
        "cpu_1_s": cpus[1],
        "cpu_2_s": cpus[2],
        "speedup_on_free_cores_est": cpus[1] / per_worker_2,
        "load_before": load_before,
        "load_after": _load(),
    }


def _national(cfg: Config) -> dict[str, Any]:
    """The national centre (`scenarios/national_dc.yaml`, 100,000 orders/day).

    One replication of `national_days` days timed in a fresh process; the year's CPU time
    extrapolated from it by orders (the year's expected orders over those generated; the short
    run's set-up, its 50,000 SKUs, counts in full); the year's peak memory estimated by the
    run footprint (`fcsim.experiment.footprint`, what `fcsim run` checks before it starts);
    then the Dask check: a local Dask cluster of 2 workers against the local pool of 2, result
    for result (`dask_check`)."""
    from benchmarks import dask_check
    from fcsim.experiment.footprint import BYTES_PER_PROCESS, run_footprint
    from fcsim.scenario.load import load_scenario

    days = cfg.national_days
    short = [f"horizon_days={days}", f"warmup_days={days // 3}", f"drain_days={days}"]
    sc = load_scenario(dask_check.NATIONAL_DC, short)
    year = load_scenario(dask_check.NATIONAL_DC)
    strategy = next(iter(sc.strategies))
    n, n_year = cases.count_orders(sc), run_footprint(year).orders  # the year: its expectation
    _say(f"national centre: {n:,} orders over {days} days in a fresh process ({strategy})")
    run = _child(memory.year_run, sc, strategy)
    out: dict[str, Any] = {
        "strategy": strategy,
        "days": days,
        "orders": n,
        "cpu_s": run["cpu_s"],
        "wall_s": run["wall_s"],
        "rss_peak_bytes": run["rss_peak_bytes"],
        "year_orders": n_year,
        "year_cpu_s_est": run["cpu_s"] * n_year / max(n, 1),
        "year_rss_bytes_est": run_footprint(year).run_bytes + BYTES_PER_PROCESS,
        "load": _load(),
    }
    try:
        import distributed  # noqa: F401
    except ImportError:
        out["dask"] = None  # the optional extra is missing: said in the report
        return out
    _say(f"Dask check: national centre over {cfg.dask_days} days, local pool and Dask")
    check = dask_check.check(cfg.dask_days)
    out["dask"] = {
        "days": cfg.dask_days,
        "runs": check.runs,
        "orders": check.orders,
        "identical": check.identical,
        "differences": check.differences[:20],
        "local_wall_s": check.local_wall_s,
        "dask_wall_s": check.dask_wall_s,
    }
    return out


def _profile(cfg: Config, lines: int = 22) -> dict[str, Any]:
    sc = cases.full_scenario(cfg.profile_days, cfg.orders_per_day)
    _say(f"profile of the full model over {cfg.profile_days} days (cProfile)")
    prof = cProfile.Profile()
    prof.enable()
    simulate(RunSpec(sc, cases.FULL_STRATEGY, 0, sc.seed))
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats("tottime").print_stats(lines)
    text = buf.getvalue()
    start = text.find("   ncalls")
    head = [ln for ln in text[:start].splitlines() if "function calls" in ln]
    return {"days": cfg.profile_days, "text": "\n".join([*head, "", text[start:]])}


def measure(cfg: Config, command: str) -> dict[str, Any]:
    """Every measurement of the benchmark, as one JSON-ready dictionary."""
    from benchmarks.report import machine

    load_before = _load()
    measured = machine()  # before measuring: the revision is the one that runs
    _say("StaffPool against simpy.Resource")
    pool = compare_with_resource(cfg.pool_tasks, workers=5, seed=1)
    shortcut = check_shift_shortcuts(max(500, cfg.pool_tasks // 10), seed=2)
    tandem = _tandem(cfg)
    full = _full(cfg, tandem["reference"]["orders_per_s"])
    mem = _memory(cfg)
    scaling = _scaling(cfg)
    national = _national(cfg)
    profile = _profile(cfg)
    return {
        "command": command,
        "smoke": cfg.smoke,
        "config": asdict(cfg),
        "machine": measured,
        "load": {"before": load_before, "after": _load()},
        "pool_check": {**asdict(pool), "identical": pool.identical},
        "shortcut_check": {**asdict(shortcut), "identical": shortcut.identical},
        "tandem": tandem,
        "full": full,
        "memory": mem,
        "scaling": scaling,
        "national": national,
        "profile": profile,
    }
