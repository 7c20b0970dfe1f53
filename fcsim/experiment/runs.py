"""Run plans and their execution: `simulate(spec)` is a pure function of its `RunSpec`.

Place in the flow: the command line loads a `Scenario`, `plan` turns it into one `RunSpec` per
(replication, strategy) — a sweep (`fcsim.experiment.sweep`) or a sizing search
(`fcsim.experiment.sizing`) makes one plan per point, each spec carrying the point's `--set`
overrides and the scenario resolved with them. The pipeline (`fcsim.experiment.pipeline`) maps
`simulate` over the specs (in this process, a local process pool or a Dask cluster), keeping each
finished run in the output folder's run store (`fcsim.experiment.store`) so an interrupted
command can `--resume`; results come back in plan order. `stats.py`, `results.py` and the report
take them from there. Within a replication every strategy regenerates the same orders from the
same seed (common random numbers), so results do not depend on which worker ran what, nor in
which order.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fcsim.core.metrics import CUT_SHORT_METRICS
from fcsim.model.accounting.breakdowns import run_breakdowns
from fcsim.model.accounting.kpis import evaluate
from fcsim.model.accounting.trace import trace_table
from fcsim.model.catalogue import build_catalogue
from fcsim.model.customer_base import potential_orders
from fcsim.model.cut_short import CutShort
from fcsim.model.demand import generate
from fcsim.model.lifecycle import life_cycles, thin_orders
from fcsim.model.network import StrategyRun, run_strategy
from fcsim.model.reactive import compact, run_reactive
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario


@dataclass(frozen=True)
class RunSpec:
    """Everything one run depends on."""

    scenario: Scenario  # resolved: the file with every --set override applied, validated
    strategy: str
    replication: int
    seed: int
    overrides: tuple[str, ...] = ()  # the `key.path=VALUE` overrides of a sweep or search point
    trace: bool = False  # also return the per-parcel trace (`fcsim run --trace`)
    # stop the run once it certainly misses this target (`fcsim advise`'s screening); its
    # result then holds `cut_short_day` and little else (`cut_short_result`)
    cut_short: CutShort | None = None

    @property
    def label(self) -> str:
        """`strategy #replication [overrides]`, for messages."""
        point = f" [{', '.join(self.overrides)}]" if self.overrides else ""
        return f"{self.strategy} #{self.replication}{point}"


@dataclass
class RunResult:
    """What one run returns: KPIs, daily series, and per-node volumes."""

    strategy: str
    replication: int
    seed: int
    kpis: dict[str, float]
    daily: dict[str, np.ndarray]
    node_parcels: dict[str, int] = field(default_factory=dict)
    node_kpis: dict[str, dict[str, float]] = field(default_factory=dict)  # node -> metric
    overload: list[str] = field(default_factory=list)  # why the strategy could not keep up
    wall_s: float = 0.0
    breakdowns: pd.DataFrame | None = None  # report tables (fcsim.model.accounting.breakdowns)
    trace: pd.DataFrame | None = None  # one row per parcel, when asked (accounting.trace)


@dataclass(frozen=True)
class RunFailure:
    """A run that raised: its spec, the message and the traceback (never swallowed)."""

    spec: RunSpec
    message: str
    traceback: str

    @classmethod
    def of(cls, spec: RunSpec, exc: BaseException) -> RunFailure:
        text = "".join(traceback.format_exception(exc))
        return cls(spec, f"{type(exc).__name__}: {exc}", text)


class RunsFailed(Exception):
    """Some runs of a plan raised; the others finished (exit status 3)."""

    def __init__(self, failures: Sequence[RunFailure]) -> None:
        self.failures = list(failures)
        names = ", ".join(f.spec.label for f in self.failures[:5])
        more = f" and {len(self.failures) - 5} more" if len(self.failures) > 5 else ""
        first = self.failures[0].message if self.failures else ""
        super().__init__(f"{len(self.failures)} run(s) failed: {names}{more} ({first})")


def plan(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    strategies: Iterable[str] | None = None,
    overrides: Sequence[str] = (),
    trace: bool = False,
    cut_short: CutShort | None = None,
) -> list[RunSpec]:
    """One spec per (replication, strategy); replications are the outer loop.

    `strategies` keeps only those (in the scenario's order); `overrides` labels the specs of a
    sweep or search point (`scenario` must already be resolved with them); `trace` asks each
    run for its per-parcel trace; `cut_short` lets each run stop once it certainly misses
    that target.
    """
    reps = scenario.replications if replications is None else replications
    s = scenario.seed if seed is None else seed
    keep = None if strategies is None else set(strategies)
    names = [n for n in scenario.strategies if keep is None or n in keep]
    ov = tuple(overrides)
    return [
        RunSpec(scenario, name, r, s, ov, trace, cut_short) for r in range(reps) for name in names
    ]


def kpi_names(scenario: Scenario, strategy: str) -> list[str]:
    """The metric names a run of `strategy` reports, from a two-day run (to check options)."""
    short = scenario.model_copy(update={"horizon_days": 2, "warmup_days": 0, "drain_days": 0})
    return list(simulate(RunSpec(short, strategy, 0, scenario.seed)).kpis)


def simulate(spec: RunSpec) -> RunResult:
    """Simulate one strategy for one replication (pure: same spec, same result)."""
    t0 = time.perf_counter()
    sc = spec.scenario
    streams = Streams(spec.seed, spec.replication)
    # the business's structure (categories over sales ranks, slotting) comes from the scenario's
    # own seed: `--seed` changes the random noise, not the merchant's catalogue
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    facts = None
    if sc.customer_base is None:
        orders = generate(
            sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data
        )
        orders = thin_orders(orders, life_cycles(sc, catalogue), streams)  # product life cycles
        run = run_strategy(sc, spec.strategy, orders, catalogue, streams, cut_short=spec.cut_short)
        if run.cut_short_day is not None:
            return cut_short_result(spec, run, time.perf_counter() - t0)
    else:  # customers who react: the orders depend on the strategy's service
        potential = potential_orders(sc, catalogue, streams)
        reactive = run_reactive(sc, spec.strategy, potential, catalogue, streams)
        run, orders, facts = reactive.run, reactive.orders, reactive.facts
    calm = None
    if sc.disruptions:
        # the counterfactual: the same run without its disruptions (docs/model.md, Disruptions)
        undisrupted = sc.model_copy(update={"disruptions": []})
        if facts is None:
            base = run_strategy(undisrupted, spec.strategy, orders, catalogue, streams)
        else:  # customers who react: the same visits placed, keyed as in the run (CRN)
            visits = potential.orders
            whole = run_strategy(
                undisrupted, spec.strategy, visits, catalogue, streams, placed=facts.placed
            )
            base, _ = compact(whole, visits, facts.placed)
        calm = evaluate(undisrupted, spec.strategy, base, orders, catalogue, streams, facts)
    ev = evaluate(sc, spec.strategy, run, orders, catalogue, streams, facts, counterfactual=calm)
    w = ev.outcomes.in_window[run.parcels.order]
    trace = None
    if spec.trace:
        trace = trace_table(sc, run, ev)
        trace.insert(0, "replication", np.int16(spec.replication))
        trace.insert(0, "strategy", pd.Categorical([spec.strategy] * len(trace)))
    node_parcels = {
        name: int((w & (run.parcels.node == i)).sum()) for i, name in enumerate(run.node_names)
    }
    return RunResult(
        strategy=spec.strategy,
        replication=spec.replication,
        seed=spec.seed,
        kpis=ev.kpis,
        daily=ev.daily,
        node_parcels=node_parcels,
        node_kpis=ev.node_kpis,
        overload=ev.overload,
        breakdowns=run_breakdowns(sc, run, ev, orders),
        trace=trace,
        wall_s=time.perf_counter() - t0,
    )


def cut_short_result(spec: RunSpec, run: StrategyRun, wall_s: float) -> RunResult:
    """The result of a run stopped because it certainly missed its `cut_short` target: the
    day it stopped and the window's orders then certainly late; the KPIs of a run not run to
    its end are unknown (NaN), so it never stands for a measured one."""
    nan = float("nan")
    known = (float(run.cut_short_day or 0), float(run.late_orders_certain))
    kpis = dict.fromkeys(CUT_SHORT_UNKNOWN, nan) | dict(zip(CUT_SHORT_METRICS, known, strict=True))
    return RunResult(spec.strategy, spec.replication, spec.seed, kpis, {}, wall_s=wall_s)


CUT_SHORT_UNKNOWN = (
    "cost_per_order_eur",
    "profit_per_order_eur",
    "late_rate",
    "unfinished_rate",
    "order_to_ship_h_mean",
    "order_to_delivery_h_mean",
    "overloaded",
)
"""The KPIs a run cut short reports as unknown (NaN): those the sizing reads."""


def default_workers() -> int:
    """Worker processes by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
