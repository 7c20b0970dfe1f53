"""The validation cases: queueing theory against the simulator, with confidence intervals.

Place in the flow: `python -m fcsim.validation` and `tests/validation/` call `run_suite` (or
`run_case`). Each case is a queue built by `fcsim.validation.mmc`, run through the ordinary model
for several independent replications (each with its own warm-up, measured over a window after it).
Each quantity is averaged per replication; the table compares the theoretical value with the mean
and the t-interval over replications (`fcsim.experiment.stats.interval`). A row passes when the
theoretical value lies inside the interval: the tolerance comes from the simulation's own spread,
not from a guess. Each row's confidence is set so that all the rows of the table hold together with
`FAMILY_CONFIDENCE` (Bonferroni), so a correct simulator rarely fails a row.

Every run is also checked for Little's law twice:
- exactly, from its timestamps, up to the edge effects of the window (`little.littles_law`);
- against the model's own work-in-progress counter (the daily `backlog_parcels` snapshot, kept
  independently of the timestamps): L (counter) - lam * W (timestamps) must have an interval
  containing 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace

import numpy as np

from fcsim.experiment.stats import interval
from fcsim.model.catalogue import build_catalogue
from fcsim.model.demand import generate
from fcsim.model.network import StrategyRun, run_strategy
from fcsim.model.streams import Streams
from fcsim.validation import theory
from fcsim.validation.little import little_exact
from fcsim.validation.mmc import STRATEGY, QueueSpec, queue_scenario

ORDERS_PER_DAY = 2000.0
FAMILY_CONFIDENCE = 0.95
"""Confidence that every row's interval holds at once (Bonferroni over the rows of the table)."""
SEED = 20260511


@dataclass(frozen=True)
class Budget:
    """How much simulation a case gets: replications and orders per replication."""

    replications: int
    warmup_orders: int
    measured_orders: int

    def days(self) -> tuple[int, int]:
        """(warm-up days, measured days) at `ORDERS_PER_DAY`."""
        return (
            max(1, math.ceil(self.warmup_orders / ORDERS_PER_DAY)),
            max(1, math.ceil(self.measured_orders / ORDERS_PER_DAY)),
        )


QUICK = Budget(replications=10, warmup_orders=4_000, measured_orders=10_000)
"""The default test run (`python -m pytest tests/validation`): seconds per case."""
FULL = Budget(replications=20, warmup_orders=10_000, measured_orders=50_000)
"""The published table (`python -m fcsim.validation`) and the slow tests."""


RARE_WAIT = 0.01
RARE_FACTOR = 4
"""Cases where fewer than `RARE_WAIT` of the orders wait are measured `RARE_FACTOR` times longer:
their mean wait is a rare-event average whose replication means are skewed."""


@dataclass(frozen=True)
class Quantity:
    """A measured quantity: its label, its theoretical value, and how to read it from a run."""

    key: str
    label: str
    theory: Callable[[QueueSpec], float]
    measure: Callable[[StrategyRun, QueueSpec], float]


@dataclass(frozen=True)
class Case:
    """A queue and the quantities compared on it."""

    key: str
    title: str
    spec: QueueSpec
    quantities: tuple[str, ...]
    seed_offset: int = 0  # cases draw independent streams (no common random numbers across rows)


@dataclass(frozen=True)
class Row:
    """One line of the validation table."""

    case: str
    title: str
    quantity: str
    label: str
    theory: float
    mean: float
    ci_low: float
    ci_high: float
    n: int
    passed: bool


# ---------------------------------------------------------------------------- measurements
def _window(run: StrategyRun, spec: QueueSpec) -> np.ndarray:
    """Parcels that reached the pickers inside the measurement window."""
    a, b = spec.window_min
    t = run.parcels.stock_ok_min
    return (t >= a) & (t < b)


def _wait(run: StrategyRun, spec: QueueSpec) -> np.ndarray:
    p, m = run.parcels, _window(run, spec)
    return p.pick_start_min[m] - p.stock_ok_min[m]


def _mean_of(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _little_gap(run: StrategyRun, spec: QueueSpec) -> float:
    """Mean of the model's daily WIP counter minus lam * W from the timestamps."""
    p = run.parcels
    a, b = spec.window_min
    counter = run.nodes[0].daily["backlog_parcels"][spec.warmup_days : spec.horizon_days]
    inside = (p.created_min >= a) & (p.created_min < b)
    lam = inside.sum() / (b - a)
    w = _mean_of(p.ready_min[inside] - p.created_min[inside])
    return float(np.mean(counter)) - lam * w


def _lam(spec: QueueSpec) -> float:
    return spec.lam_per_min


QUANTITIES: dict[str, Quantity] = {
    q.key: q
    for q in (
        Quantity(
            "wait_mean_min",
            "mean wait for a picker (min)",
            lambda s: theory.mmc_mean_wait_min(_lam(s), s.pick_min, s.pickers),
            lambda r, s: _mean_of(_wait(r, s)),
        ),
        Quantity(
            "wait_probability",
            "probability of waiting (Erlang C)",
            lambda s: theory.mmc_wait_probability(_lam(s), s.pick_min, s.pickers),
            lambda r, s: _mean_of(_wait(r, s) > 0),
        ),
        Quantity(
            "pick_sojourn_min",
            "mean time at the picking station (min)",
            lambda s: theory.mmc_mean_sojourn_min(_lam(s), s.pick_min, s.pickers),
            lambda r, s: _mean_of((r.parcels.picked_min - r.parcels.stock_ok_min)[_window(r, s)]),
        ),
        Quantity(
            "pack_sojourn_min",
            "mean time at the packing station (min)",
            lambda s: theory.mmc_mean_sojourn_min(_lam(s), s.pack_min, s.packers or 1),
            lambda r, s: _mean_of((r.parcels.ready_min - r.parcels.picked_min)[_window(r, s)]),
        ),
        Quantity(
            "tandem_sojourn_min",
            "mean time through picking and packing (min)",
            lambda s: theory.tandem_mean_sojourn_min(
                _lam(s), [(s.pick_min, s.pickers), (s.pack_min, s.packers or 1)]
            ),
            lambda r, s: _mean_of((r.parcels.ready_min - r.parcels.stock_ok_min)[_window(r, s)]),
        ),
        Quantity(
            "little_gap",
            "Little's law: L (WIP counter) - lambda x W (parcels)",
            lambda s: 0.0,
            _little_gap,
        ),
    )
}


# ---------------------------------------------------------------------------- the cases
def cases(budget: Budget = QUICK) -> list[Case]:
    """Every validation case, sized by `budget`."""
    warm, measure = budget.days()
    base = QueueSpec(
        pickers=1,
        rho=0.5,
        orders_per_day=ORDERS_PER_DAY,
        warmup_days=warm,
        measure_days=measure,
    )
    out = []
    for rho in (0.5, 0.8, 0.95):
        for c in (1, 5, 20):
            quantities = ("wait_mean_min", "wait_probability")
            if c == 1:
                quantities += ("pick_sojourn_min",)
            spec = replace(base, pickers=c, rho=rho)
            if theory.erlang_c(c, rho * c) < RARE_WAIT:  # few orders wait: measure longer
                spec = replace(spec, measure_days=spec.measure_days * RARE_FACTOR)
            out.append(
                Case(
                    f"mmc_c{c}_rho{rho:g}",
                    f"M/M/{c}, rho = {rho:g}",
                    spec,
                    (*quantities, "little_gap"),
                )
            )
    tandem = ("pick_sojourn_min", "pack_sojourn_min", "tandem_sojourn_min", "little_gap")
    out.append(
        Case(
            "tandem_1_1",
            "tandem M/M/1 (rho = 0.7) -> M/M/1 (rho = 0.6)",
            replace(base, pickers=1, rho=0.7, packers=1, pack_rho=0.6),
            tandem,
        )
    )
    out.append(
        Case(
            "tandem_5_3",
            "tandem M/M/5 (rho = 0.8) -> M/M/3 (rho = 0.75)",
            replace(base, pickers=5, rho=0.8, packers=3, pack_rho=0.75),
            tandem,
        )
    )
    return [replace(case, seed_offset=i) for i, case in enumerate(out)]


def row_confidence(family: float = FAMILY_CONFIDENCE) -> float:
    """Confidence of each row's interval so that all rows hold together with `family`."""
    rows = sum(len(c.quantities) for c in cases())
    return 1.0 - (1.0 - family) / rows


CONFIDENCE = row_confidence()
"""Per-row confidence (about 99.87 % for a 95 % family over the table's rows)."""


# ---------------------------------------------------------------------------- running
@dataclass(frozen=True)
class Task:
    """One replication of one case (picklable, for process pools)."""

    case: Case
    replication: int
    seed: int


def simulate_queue(spec: QueueSpec, replication: int, seed: int = SEED) -> StrategyRun:
    """Run the queue scenario of `spec` through the model for one replication."""
    sc = queue_scenario(spec, seed)
    streams = Streams(seed, replication)
    catalogue = build_catalogue(sc.catalogue, sc.demand, seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data)
    return run_strategy(sc, STRATEGY, orders, catalogue, streams)


def run_task(task: Task) -> dict[str, float]:
    """The case's quantities measured on one replication, and the exact Little check."""
    spec = task.case.spec
    run = simulate_queue(spec, task.replication, task.seed)
    out = {key: QUANTITIES[key].measure(run, spec) for key in task.case.quantities}
    out["little_exact_ok"] = float(little_exact(run, 0, *spec.window_min))
    return out


def summarise(
    case: Case, samples: Sequence[dict[str, float]], confidence: float = CONFIDENCE
) -> list[Row]:
    """Rows of `case` from its per-replication samples."""
    rows = []
    exact_ok = all(s["little_exact_ok"] == 1.0 for s in samples)
    for key in case.quantities:
        q = QUANTITIES[key]
        ci = interval([s[key] for s in samples], confidence)
        expected = q.theory(case.spec)
        passed = bool(ci["ci_low"] <= expected <= ci["ci_high"])
        if key == "little_gap":
            passed = passed and exact_ok
        rows.append(
            Row(
                case.key,
                case.title,
                key,
                q.label,
                expected,
                ci["mean"],
                ci["ci_low"],
                ci["ci_high"],
                int(ci["n"]),
                passed,
            )
        )
    return rows


def run_case(
    case: Case,
    replications: int,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
    executor: Executor | None = None,
) -> list[Row]:
    """Simulate `replications` of `case` and compare with theory."""
    tasks = [Task(case, r, seed + case.seed_offset) for r in range(replications)]
    samples = list(executor.map(run_task, tasks) if executor else map(run_task, tasks))
    return summarise(case, samples, confidence)


def run_suite(
    budget: Budget = QUICK,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
    executor: Executor | None = None,
    only: Iterable[str] | None = None,
) -> list[Row]:
    """Every case (or those whose key is in `only`), sized by `budget`."""
    keep = None if only is None else set(only)
    tasks = [
        Task(case, r, seed + case.seed_offset)
        for case in cases(budget)
        if keep is None or case.key in keep
        for r in range(budget.replications)
    ]
    samples = list(executor.map(run_task, tasks) if executor else map(run_task, tasks))
    rows: list[Row] = []
    for i in range(0, len(tasks), budget.replications):
        rows += summarise(tasks[i].case, samples[i : i + budget.replications], confidence)
    return rows
