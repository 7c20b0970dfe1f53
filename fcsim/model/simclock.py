"""The simulation clock: the SimPy environment of a run and the model's allocation-free events.

Place in the flow: `model/network.py` builds one `RunEnvironment` per strategy run and every
node is built in it; `run(until)` then processes the run's events, counting them (the KPI
`events_per_order`). The staff pools (`model/staff.py`) end their tasks with one `Due` per
worker, and a warehouse's order arrivals (`model/intake.py`) are a plain generator driven by a
`Drive`, both in place of a new `Timeout` (or `simpy.Process`) per event.

Everything here keeps SimPy's semantics exactly, so that a run is the same event for event as
on `simpy.Environment`: events are processed in (time, priority, event id) order, a `Due` takes
its event id when it is scheduled, as a `Timeout` does when it is built, a `Drive` costs the
same events as the process it replaces (its start, one per wait, its end), and a failed event
that nobody defused stops the run with the same exception (`tests/model/test_simclock.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import EmptySchedule, SimTime, StopSimulation
from simpy.events import NORMAL, PENDING, URGENT, Event, EventPriority

Callback = Callable[[Event], None]


class RunEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes (`processed`).

    `run` processes the events in a loop of its own rather than through one `step` call per
    event; `step` still works, and counts too.
    """

    def __init__(self, initial_time: SimTime = 0) -> None:
        super().__init__(initial_time)
        self.processed = 0

    def step(self) -> None:
        self.processed += 1
        simpy.Environment.step(self)  # not super(): this runs once per event

    def run(self, until: SimTime | Event | None = None) -> Any | None:
        """As `simpy.Environment.run`: until no events are left (None), until an event is
        processed (its value), or until a time (events at that time are not processed)."""
        if until is not None:
            if not isinstance(until, Event):
                at: SimTime = until if isinstance(until, int) else float(until)
                if at <= self._now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time"
                    )
                until = Event(self)
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self._now)
            elif until.callbacks is None:
                return until.value  # already processed
            until.callbacks.append(StopSimulation.callback)
        try:
            self._loop()
        except StopSimulation as exc:
            return exc.args[0]  # == until.value
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(
                    f'No scheduled events left but "until" event was not triggered: {until}'
                ) from None
        return None

    def _loop(self) -> None:
        """`simpy.Environment.step` until it raises, inline; `processed` counts the steps
        (the last one included: the one that finds no event, or that stops the run)."""
        queue = self._queue
        n = 0
        try:
            while queue:
                n += 1
                self._now, _, _, event = heappop(queue)
                callbacks, event.callbacks = event.callbacks, None
                try:
                    for callback in callbacks:
                        callback(event)
                except StopSimulation:
                    # as SimPy: the remaining callbacks run when the simulation resumes
                    event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                    self.schedule(event, EventPriority(-1))
                    raise
                if not event._ok and not hasattr(event, "_defused"):
                    # a failed event nobody defused: SimPy's copy of its exception
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    raise exc
            n += 1
            raise EmptySchedule
        finally:
            self.processed += n


class Due(Event):
    """A timeout that is scheduled again after each time it is processed, instead of a new
    `Timeout` per wait. `at(delay, callback, value)` schedules it `delay` minutes from now;
    it must have been processed (or never scheduled) before. Works in any SimPy environment.
    """

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.callbacks = None  # processed: free to schedule
        self._value = None
        self._ok = True

    def at(self, delay: float, callback: Callback, value: Any = None) -> None:
        """Process this event `delay` after now (priority NORMAL, as a timeout), calling
        `callback(self)` with `value` as its value."""
        if self.callbacks is not None:
            raise RuntimeError(f"{self!r} is already scheduled")
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        env = self.env
        self.callbacks = [callback]
        self._value = value
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), self))  # type: ignore[attr-defined]


Waits = Generator[float, None, None]
"""A driven generator: it yields how long to wait (minutes, > 0) before it is resumed."""


class Drive:
    """Runs the generator `gen` as a SimPy process would, driven by callbacks: started by an
    urgent event at the current time, resumed after each delay it yields (`Due`), and ended
    with one more event when it returns. Without the process machinery (no `Process`,
    `Initialize`, interrupts, yielded events): `gen` only waits, and cannot be interrupted.
    """

    def __init__(self, env: simpy.Environment, gen: Waits) -> None:
        self.env = env
        self.gen = gen
        self.due = Due(env)
        self.done = Event(env)  # processed when `gen` returns
        start = Event(env)
        start._ok = True
        start._value = None
        start.callbacks = [self._resume]
        env.schedule(start, URGENT)

    def _resume(self, _: Event) -> None:
        try:
            delay = next(self.gen)
        except StopIteration:
            self.done.succeed()
            return
        # `self.due.at(delay, self._resume)`, inline: `due` was just processed
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        due, env = self.due, self.env
        due.callbacks = [self._resume]
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), due))  # type: ignore[attr-defined]

    @property
    def running(self) -> bool:
        return self.done._value is PENDING
