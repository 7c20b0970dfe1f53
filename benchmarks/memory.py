"""Memory per order of fcsim's full model, and the year run in a fresh process.

Place in the flow: `benchmarks/__main__.py` calls these in child processes (spawn), so that
the numbers do not include what the benchmark itself holds.

- `memory_probe` runs the full model at one size under `tracemalloc`: what the run keeps after
  the simulation (orders, parcel columns, node results: everything `kpis.evaluate` reads), the
  peak during simulation and KPIs, the parcel outcome columns the model writes, and how many
  Python objects the run leaves alive (`gc`). Two sizes give the per-order slopes, free of the
  fixed costs (catalogue, calendars, daily series).
- `year_run` times one replication (`fcsim.experiment.runs.simulate`) and reads the peak RSS.
"""

from __future__ import annotations

import gc
import resource
import time
import tracemalloc
from dataclasses import fields

import numpy as np

from fcsim.experiment.runs import RunSpec, simulate
from fcsim.model.accounting.kpis import evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import run_strategy
from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario


def _held(a: np.ndarray) -> int:
    """Bytes an array holds: a read-only broadcast zero (a column no node writes, such as the
    picking errors without an error rate) holds one element, whatever its length."""
    return a.itemsize if a.strides == (0,) else a.nbytes


def _outcome_bytes(parcels: Parcels) -> int:
    """Bytes of the parcel columns the model fills (the records kept for results)."""
    columns = (getattr(parcels, f.name) for f in fields(parcels) if not f.init)
    return sum(_held(a) for a in {id(a): a for a in columns if isinstance(a, np.ndarray)}.values())


def _all_column_bytes(parcels: Parcels) -> int:
    columns = (getattr(parcels, f.name) for f in fields(parcels))
    return sum(_held(a) for a in {id(a): a for a in columns if isinstance(a, np.ndarray)}.values())


def memory_probe(scenario: Scenario, strategy: str) -> dict[str, float]:
    """Traced memory of one run of `strategy` (call in a fresh process)."""
    gc.collect()
    objects0 = len(gc.get_objects())
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    sc = scenario
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data)
    run = run_strategy(sc, strategy, orders, catalogue, streams)
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - base
    objects = len(gc.get_objects()) - objects0
    evaluate(sc, strategy, run, orders, catalogue, streams)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    orders_bytes = sum(
        getattr(orders, f.name).nbytes
        for f in fields(orders)
        if isinstance(getattr(orders, f.name), np.ndarray)
    )
    return {
        "orders": orders.n,
        "parcels": run.parcels.n,
        "kept_bytes": kept,
        "peak_bytes": peak,
        "live_objects": objects,
        "outcome_column_bytes": _outcome_bytes(run.parcels),
        "parcel_column_bytes": _all_column_bytes(run.parcels),
        "order_column_bytes": orders_bytes,
    }


def per_order(small: dict[str, float], large: dict[str, float]) -> dict[str, float]:
    """Per-order slopes between two probes of different sizes."""
    dn = large["orders"] - small["orders"]
    keys = (
        "kept_bytes",
        "peak_bytes",
        "live_objects",
        "outcome_column_bytes",
        "parcel_column_bytes",
        "order_column_bytes",
    )
    return {f"{k}_per_order": (large[k] - small[k]) / dn for k in keys}


def _rss_peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def year_run(scenario: Scenario, strategy: str) -> dict[str, float]:
    """One replication, as `fcsim run` does it, timed; with the peak RSS of this process."""
    spec = RunSpec(scenario, strategy, 0, scenario.seed)
    gc.collect()
    rss0 = _rss_peak_bytes()
    w0, c0 = time.perf_counter(), time.process_time()
    result = simulate(spec)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "events_per_order": float(result.kpis["events_per_order"]),
        "rss_peak_before_bytes": rss0,
        "rss_peak_bytes": _rss_peak_bytes(),
        "kpis": {
            k: float(result.kpis[k])
            for k in (
                "orders",
                "order_to_ship_h_mean",
                "late_rate",
                "picker_utilisation",
                "packer_utilisation",
                "receiver_utilisation",
                "stock_wait_rate",
                "return_rate_units",
            )
        },
    }
