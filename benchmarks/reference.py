"""The bare SimPy reference of the benchmark: order -> picker pool -> pack-station pool -> cutoff.

Place in the flow: `benchmarks/run.py` runs this tandem on the orders that fcsim generates for
the tandem scenario (`benchmarks/tandem.yaml`), with service times drawn from the same
distributions, in the same process, and divides fcsim's orders per second by this one's. It
is written the way a SimPy user writes it: one process per order, `simpy.Resource` pools,
`with pool.request()`, and the carrier cutoff computed arithmetically when the parcel is
packed (no per-order cutoff event). `run_minimal_pool` is the same tandem with a minimal
counter-and-queue pool in place of `simpy.Resource`, for reference only.

Both record the parcel-ready and collection times as numpy columns, as fcsim does, so the
benchmark can compare fcsim's order-to-ready and order-to-collection times with the reference's.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import simpy

MIN_PER_DAY = 1440


class CountingEnvironment(simpy.Environment):
    """A SimPy environment counting processed events, one `step` call each."""

    def __init__(self) -> None:
        super().__init__()
        self.processed = 0

    def step(self) -> None:
        self.processed += 1
        super().step()


@dataclass(frozen=True)
class TandemInput:
    """One order per row: creation time and the minutes it takes at each stage."""

    created_min: np.ndarray
    pick_min: np.ndarray
    pack_min: np.ndarray
    pickers: int
    packers: int
    cutoff_min: float  # carrier cutoff, minutes after midnight; collected every day

    @property
    def n(self) -> int:
        return len(self.created_min)


@dataclass(frozen=True)
class TandemOutput:
    """Per-order results of a reference run, and the SimPy events it processed (if counted)."""

    ready_min: np.ndarray
    ship_min: np.ndarray
    events: int | None


def _ship_min(t: float, cutoff_min: float) -> float:
    """Collection time of a parcel ready at `t`: today's cutoff if made, else tomorrow's."""
    day = t // MIN_PER_DAY
    if t - day * MIN_PER_DAY > cutoff_min:
        day += 1
    return day * MIN_PER_DAY + cutoff_min


def run_resource(data: TandemInput, count_events: bool = False) -> TandemOutput:
    """The tandem with `simpy.Resource` pools: the textbook SimPy model."""
    env = CountingEnvironment() if count_events else simpy.Environment()
    pickers = simpy.Resource(env, capacity=data.pickers)
    packers = simpy.Resource(env, capacity=data.packers)
    ready = np.full(data.n, np.nan)
    ship = np.full(data.n, np.nan)
    pick, pack, cutoff = data.pick_min.tolist(), data.pack_min.tolist(), data.cutoff_min

    def order(i: int):
        with pickers.request() as req:
            yield req
            yield env.timeout(pick[i])
        with packers.request() as req:
            yield req
            yield env.timeout(pack[i])
        t = env.now
        ready[i] = t
        ship[i] = _ship_min(t, cutoff)

    def source():
        for i, t in enumerate(data.created_min.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(order(i))

    env.process(source())
    env.run()
    return TandemOutput(ready, ship, env.processed if count_events else None)


class MinimalPool:
    """A counter of free servers and a FIFO queue of waiting requests."""

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.free = capacity
        self.waiting: deque[simpy.Event] = deque()

    def acquire(self) -> simpy.Event:
        ev = self.env.event()
        if self.free:
            self.free -= 1
            ev.succeed()
        else:
            self.waiting.append(ev)
        return ev

    def release(self) -> None:
        if self.waiting:
            self.waiting.popleft().succeed()
        else:
            self.free += 1


def run_minimal_pool(data: TandemInput, count_events: bool = False) -> TandemOutput:
    """The same tandem with `MinimalPool` in place of `simpy.Resource`."""
    env = CountingEnvironment() if count_events else simpy.Environment()
    pickers = MinimalPool(env, data.pickers)
    packers = MinimalPool(env, data.packers)
    ready = np.full(data.n, np.nan)
    ship = np.full(data.n, np.nan)
    pick, pack, cutoff = data.pick_min.tolist(), data.pack_min.tolist(), data.cutoff_min

    def order(i: int):
        yield pickers.acquire()
        yield env.timeout(pick[i])
        pickers.release()
        yield packers.acquire()
        yield env.timeout(pack[i])
        packers.release()
        t = env.now
        ready[i] = t
        ship[i] = _ship_min(t, cutoff)

    def source():
        for i, t in enumerate(data.created_min.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(order(i))

    env.process(source())
    env.run()
    return TandemOutput(ready, ship, env.processed if count_events else None)
