"""The measured cases: (a) the bare SimPy tandem, (b) fcsim's tandem, (c) fcsim's full model.

Place in the flow: `benchmarks/__main__.py` builds the scenarios here, times each case in this
process, and hands the numbers to `benchmarks/report.py`.

- (a) and (b) run on the same orders (fcsim generates the tandem scenario's orders once). The
  reference draws its own pick and pack minutes from the scenario's distributions (set-up +
  minutes per line for a tour of one order; minutes per parcel + minutes per unit), vectorised
  and before the clock starts, so both see the same staff, the same time distributions and the
  same arrivals; their mean order-to-ready times must agree within sampling noise.
- (c) is the shipped default scenario scaled to `orders_per_day`: demand is multiplied and the
  own warehouse's pickers, packers, receivers and dock doors are scaled by the same factor, so
  utilisation stays as in the default scenario. Every stage runs: stock reservations and
  backorders, trucks and receiving, returns and their inspection, carriers, customers, costs
  and KPIs.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from benchmarks.reference import TandemInput
from fcsim.model.catalogue import CatalogueArrays, build_catalogue
from fcsim.model.demand import Orders, generate
from fcsim.model.streams import Streams
from fcsim.scenario.load import load_scenario
from fcsim.scenario.schema.base import minutes_of
from fcsim.scenario.schema.scenario import Scenario

HERE = Path(__file__).absolute().parent
TANDEM_YAML = HERE / "tandem.yaml"
TANDEM_STRATEGY = "tandem"
DEFAULT_YAML = HERE.parent / "scenarios" / "default.yaml"
FULL_STRATEGY = "own_warehouse"
STAFF_ROLES = ("pickers", "packers", "receivers")

T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one call."""

    wall_s: float
    cpu_s: float


def timed(fn: Callable[[], T]) -> tuple[T, Timing]:
    """Call `fn` after a garbage collection; return its result and its wall and CPU time."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, Timing(time.perf_counter() - w0, time.process_time() - c0)


def tandem_scenario(days: int, orders_per_day: float) -> Scenario:
    """The tandem scenario of `benchmarks/tandem.yaml` over `days` days."""
    return load_scenario(
        TANDEM_YAML, [f"horizon_days={days}", f"demand.orders_per_day={orders_per_day}"]
    )


@dataclass(frozen=True)
class Tandem:
    """The tandem's orders as fcsim generated them, and the reference's view of them."""

    scenario: Scenario
    catalogue: CatalogueArrays
    orders: Orders
    data: TandemInput


def prepare_tandem(scenario: Scenario) -> Tandem:
    """Generate the orders once; draw the reference's service times from the same laws."""
    node = scenario.strategies[TANDEM_STRATEGY]
    _check_tandem(scenario)
    sc = scenario
    streams = Streams(sc.seed, 0)
    catalogue = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data)
    n, n_lines = orders.n, len(orders.line_sku)
    rng = np.random.default_rng(sc.seed)  # the reference's own draws
    pick, pack = node.picking, node.packing
    line_min = np.asarray(pick.pick_min_per_line.ppf(rng.random(n_lines)), dtype=float)
    pick_min = (
        np.asarray(pick.tour_setup_min.ppf(rng.random(n)), dtype=float)
        + np.bincount(orders.line_order, weights=line_min, minlength=n)
        + pick.insert_min_per_order
    )
    units = np.bincount(orders.line_order, weights=orders.line_units, minlength=n)
    pack_min = (
        np.asarray(pack.pack_min_per_order.ppf(rng.random(n)), dtype=float)
        + pack.pack_min_per_unit * units
    )
    data = TandemInput(
        created_min=orders.created_min,
        pick_min=pick_min,
        pack_min=pack_min,
        pickers=node.pickers,
        packers=node.packers,
        cutoff_min=float(minutes_of(sc.carriers[0].cutoff)),
    )
    return Tandem(sc, catalogue, orders, data)


def _check_tandem(sc: Scenario) -> None:
    """The mapping to the reference holds only for this shape of scenario: say so if not."""
    node = sc.strategies[TANDEM_STRATEGY]
    every_day = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    problems = []
    if len(sc.carriers) != 1 or set(sc.carriers[0].collection_days) != every_day:
        problems.append("one carrier collecting every day")
    if sc.calendar.holidays:
        problems.append("no holidays")
    if len(node.shifts) != 1 or node.shifts[0].start != node.shifts[0].end:
        problems.append("one 24-hour shift")
    if set(node.shifts[0].days) != every_day:
        problems.append("shifts every day")
    if node.picking.policy != "discrete":
        problems.append("discrete picking")
    if any(not c.soft_goods or c.return_rate for c in sc.catalogue.categories):
        problems.append("soft goods (no extra packing minutes), no returns")
    if problems:
        raise ValueError(f"{TANDEM_YAML.name} must keep: {', '.join(problems)}")


def full_scenario(
    days: int,
    orders_per_day: float,
    path: Path = DEFAULT_YAML,
    strategy: str = FULL_STRATEGY,
) -> Scenario:
    """The default scenario with demand and `strategy`'s staff scaled to `orders_per_day`."""
    base = load_scenario(path)
    scale = orders_per_day / base.demand.orders_per_day
    node = base.strategies[strategy]
    overrides = [f"demand.orders_per_day={orders_per_day}", f"horizon_days={days}"]
    for role in STAFF_ROLES:
        staff = max(1, round(getattr(node, role) * scale))
        overrides.append(f"strategies.{strategy}.{role}={staff}")
    docks = getattr(node.receiving, "docks", None)
    if docks is not None:  # trucks are bigger and as many: as many more dock doors
        overrides.append(f"strategies.{strategy}.receiving.docks={max(1, round(docks * scale))}")
    if days <= base.warmup_days:
        overrides.append(f"warmup_days={max(1, days // 4)}")
    return load_scenario(path, overrides)


def count_orders(scenario: Scenario, replication: int = 0) -> int:
    """Orders generated for `scenario` in `replication` (the same for every strategy)."""
    streams = Streams(scenario.seed, replication)
    catalogue = build_catalogue(scenario.catalogue, scenario.demand, scenario.seed, scenario.data)
    sc = scenario
    return generate(sc.demand, catalogue, sc.start_date, sc.horizon_days, streams, data=sc.data).n
