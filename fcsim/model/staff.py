"""A pool of staff working shifts: the contention point of every warehouse stage.

Place in the flow: a warehouse node (`model/warehouse.py`, `model/inbound.py`) builds one
`StaffPool` per stage (pickers, packers, receivers, dock doors) and starts it when the node
starts: building a pool schedules nothing; `start` sends every worker looking for work (a worker
off the roster waits for its first day on it); tasks put before `start` wait in the queue.
Workers pull tasks from a FIFO queue (or, with `ExpressFirst`, express tasks first); a
task's duration is in *working* minutes and its end is
computed by the pool's `WorkCalendar`, so work pauses at shift end and resumes at the next shift
without any per-task event for shifts. A worker is not a SimPy process but a small state machine
driven by callbacks: a task handed to an idle worker starts at once, and the end of a group of
tasks is one SimPy timeout whose callback hands the worker its next group. Events per group of
tasks: one timeout (none if it takes no working time); a worker off the roster costs one timeout
when it comes back. One process per worker, the SimPy idiom, costs a wake-up event and a
generator resumption more per task; `benchmarks/equivalence.py` checks that this pool serves
tasks exactly as `simpy.Resource` does.

A pool of c workers serving a FIFO queue is the c-server queue of queueing theory (M/M/c when
arrivals are Poisson, durations exponential and the calendar 24/7).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from heapq import heappush
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL, Event

from fcsim.model.calendar import MIN_PER_DAY, WorkCalendar
from fcsim.model.simclock import Due

TakeFn = Callable[[int], int]
"""How many queued tasks a worker takes at once (the batching policy), given the queue length."""
DurationFn = Callable[[Sequence[Any]], float]
"""Working minutes for a group of tasks taken together."""
DoneFn = Callable[[Sequence[Any], float, float], None]
"""Called with (tasks, start, end) when a group of tasks is done."""
_INF = float("inf")


class ExpressFirst:
    """A queue of two classes, each first in, first out: express tasks leave before standard
    ones (a worker starts no task of the second class while one of the first waits; no task
    is interrupted). `express[task]` says a task's class. Same interface as the deque."""

    def __init__(self, express: Sequence[bool]) -> None:
        self.express = express
        self.first: deque[Any] = deque()
        self.rest: deque[Any] = deque()

    def append(self, task: Any) -> None:
        (self.first if self.express[task] else self.rest).append(task)

    def popleft(self) -> Any:
        return self.first.popleft() if self.first else self.rest.popleft()

    def __len__(self) -> int:
        return len(self.first) + len(self.rest)


Queue = deque[Any] | ExpressFirst
"""A pool's queue: FIFO, or express first."""
_CLEAR_MIN = 1e-6
"""How far from a shift's end or from midnight a start must be for the in-shift shortcut."""
_LAST_MIN = MIN_PER_DAY - _CLEAR_MIN


class StaffPool:
    """`workers` identical staff pulling tasks FIFO, working only inside `calendar`.

    `workers` is a headcount, or a headcount per day (staff resized on a schedule): worker k
    works on day d only if k < headcount[d]; off-roster workers take no task. `duration` gives
    a group's working minutes, `done` is told when it is done, `take` is the batching policy
    (default: one task at a time); `n_days` sizes the busy-minutes record; `queue` the
    queue discipline (default FIFO; `ExpressFirst`: two classes, each FIFO).
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        *,
        workers: int | np.ndarray,
        calendar: WorkCalendar,
        duration: DurationFn,
        done: DoneFn,
        n_days: int,
        take: TakeFn | None = None,
        queue: Queue | None = None,
    ) -> None:
        self.env = env
        self.name = name
        if np.ndim(workers):
            self.headcount: np.ndarray | None = np.asarray(workers, dtype=np.int64)
            self.workers = int(self.headcount.max(initial=0))
        else:
            self.headcount = None
            self.workers = int(workers)
        self.calendar = calendar
        self.duration = duration
        self.done = done
        self.take = take or (lambda queued: 1)
        self._one_at_a_time = take is None
        self.queue: Queue = deque() if queue is None else queue
        self._roster = None if self.headcount is None else self.headcount.tolist()
        self._idle: list[int] = []  # idle workers on the roster; the last one is served first
        self._busy = [0.0] * (n_days + 1)  # working minutes started on each day
        self._last_day = n_days
        self._due = [Due(env) for _ in range(self.workers)]  # each worker's end of task
        self._at, self._at_starts = -1, None  # the last start's working interval (`_run`)
        self.tasks_done = 0
        self.groups_done = 0
        self.started = False

    def start(self) -> None:
        """Every worker looks for work now (before the run, as processes would start)."""
        if self.started:
            raise RuntimeError(f"staff pool {self.name!r} is already started")
        self.started = True
        for k in range(self.workers):
            self._ready(k)

    def put(self, task: Any) -> None:
        """Hand a task to an idle worker on the roster, or queue it."""
        idle = self._idle
        while idle:
            k = idle.pop()
            if self._roster is None or self._on_roster(k, self.env.now) is None:
                if self._run(k, [task]):
                    self._ready(k)
                return
            # off the roster now: it leaves once this instant's events are done
            wake = Event(self.env)
            wake.callbacks.append(self._wake)
            wake.succeed(k)
        self.queue.append(task)

    @property
    def queued(self) -> int:
        return len(self.queue)

    @property
    def busy_by_day(self) -> np.ndarray:
        """Working minutes of the tasks started on each day 0..n_days (the last: any later)."""
        return np.array(self._busy)

    def _on_roster(self, k: int, t: float) -> float | None:
        """None if worker k may work at `t`; else when it is next on the roster (inf: never)."""
        roster = self._roster
        if roster is None:
            return None
        day = min(int(t // MIN_PER_DAY), len(roster) - 1)
        if k < roster[day]:
            return None
        if self.headcount is None:
            raise RuntimeError(f"staff pool {self.name!r} has a roster but no headcount")
        later = np.flatnonzero(self.headcount[day + 1 :] > k)
        return float((day + 1 + later[0]) * MIN_PER_DAY) if len(later) else _INF

    def _ready(self, k: int) -> None:
        """Worker k looks for work now: waits for its roster, takes a group, or goes idle."""
        env, queue = self.env, self.queue
        while True:
            back = None if self._roster is None else self._on_roster(k, env.now)
            if back is not None:
                if back != _INF:
                    self._due[k].at(back - env.now, self._wake, k)
                return
            if not queue:
                self._idle.append(k)
                return
            if self._one_at_a_time:
                group = [queue.popleft()]
            else:
                group = [queue.popleft() for _ in range(self.take(len(queue)))]
            if not self._run(k, group):
                return

    def _wake(self, event: Event) -> None:
        self._ready(event._value)

    def _run(self, k: int, group: list[Any]) -> bool:
        """Worker k starts `group` now. True if it is already done (no working time)."""
        env = self.env
        start = env._now  # type: ignore[attr-defined]
        work = self.duration(group)
        # `self.calendar.finish(start, work)`, inline: the same operations (so the same end)
        # keeping `i`, the working interval open at `start` (-1: before the first)
        cal = self.calendar
        starts, ends = cal.starts, cal.ends
        # i = bisect_right(starts, start) - 1, found from the last one (time only goes on)
        i = self._at
        if starts is not self._at_starts:  # first call, or the calendar changed (overtime)
            i = bisect_right(starts, start) - 1
            self._at_starts = starts
        else:
            last = len(starts) - 1
            while i < last and starts[i + 1] <= start:
                i += 1
        self._at = i
        if work <= 0:
            end = start
        else:
            target = (0.0 if i < 0 else cal.cum_start[i] + min(start, ends[i]) - starts[i]) + work
            cum_end = cal.cum_end
            # j = bisect_left(cum_end, target): i itself when the work ends in that interval
            j = (
                i
                if i >= 0 and target <= cum_end[i] and (i == 0 or cum_end[i - 1] < target)
                else bisect_left(cum_end, target)
            )
            if j >= len(starts):
                return False  # the calendar has no more shifts: this worker is done
            end = starts[j] + (target - cal.cum_start[j])
            if end < start:
                end = start
        # Inside a shift, clear of its end and of midnight, work started at `start` is done on
        # `start`'s day and began at `start`: the same numbers as `cal_day(start, cal)` and
        # `cal.next_working(start)` (their rounding errors are below 1e-9 min), without them.
        inside = i >= 0 and start < ends[i] - _CLEAR_MIN and start % MIN_PER_DAY < _LAST_MIN
        day = int(start // MIN_PER_DAY) if inside else int(cal_day(start, cal))
        self._busy[day if day < self._last_day else self._last_day] += work
        if end > start:
            # `self._due[k].at(end - start, self._end, ...)`, inline (worker k is not waiting)
            due = self._due[k]
            due.callbacks = [self._end]
            due._value = (k, group, start, end, inside)
            heappush(env._queue, (start + (end - start), NORMAL, next(env._eid), due))  # type: ignore[attr-defined]
            return False
        self._done(group, start, end, inside)
        return True

    def _end(self, event: Event) -> None:
        """Worker k is done with its group: `_done`, then `_ready(k)`, inline."""
        k, group, start, end, inside = event._value
        self.tasks_done += len(group)
        self.groups_done += 1
        # work began at `start` when it was inside a shift (shifts only ever grow: overtime)
        self.done(group, start if inside else min(self.calendar.next_working(start), end), end)
        queue = self.queue
        if self._roster is not None:
            self._ready(k)
        elif not queue:
            self._idle.append(k)
        elif self._one_at_a_time:
            while True:
                if not queue:
                    self._idle.append(k)
                    return
                if not self._run(k, [queue.popleft()]):
                    return
        else:
            self._ready(k)

    def _done(self, group: list[Any], start: float, end: float, inside: bool) -> None:
        self.tasks_done += len(group)
        self.groups_done += 1
        # work began at `start` when it was inside a shift (shifts only ever grow: overtime)
        began = start if inside else min(self.calendar.next_working(start), end)
        self.done(group, began, end)

    def utilisation_by_day(self, n_days: int) -> np.ndarray:
        """Busy working minutes / available working minutes, per day (nan when closed)."""
        heads = (
            self.workers
            if self.headcount is None
            else self.headcount[np.minimum(np.arange(n_days), len(self.headcount) - 1)]
        )
        avail = self.calendar.minutes_per_day(n_days) * heads
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(avail > 0, self.busy_by_day[:n_days] / avail, np.nan)


def cal_day(t: float, cal: WorkCalendar) -> float:
    """Day index in which work started at `t` is done (the next shift's day when off-shift)."""
    return cal.finish(t, 1e-9) // MIN_PER_DAY
