"""A pool of staff working shifts: the contention point of every warehouse stage.

Place in the flow: `model/warehouse.py` builds one `StaffPool` per stage (pickers, packers,
receivers). Each worker is a SimPy process that pulls tasks from a FIFO queue; a task's
duration is in *working* minutes and its end is computed by the pool's `WorkCalendar`, so work
pauses at shift end and resumes at the next shift without any per-task event for shifts.
Events per task: one timeout, plus one wake-up when an idle worker is handed the task.

A pool of c workers serving a FIFO queue is the c-server queue of queueing theory (M/M/c when
arrivals are Poisson, durations exponential and the calendar 24/7).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import simpy

from fcsim.calendar import MIN_PER_DAY, WorkCalendar

TakeFn = Callable[[int], int]
"""How many queued tasks a worker takes at once (the batching policy), given the queue length."""
DurationFn = Callable[[Sequence[Any]], float]
"""Working minutes for a group of tasks taken together."""
DoneFn = Callable[[Sequence[Any], float, float], None]
"""Called with (tasks, start, end) when a group of tasks is done."""


class StaffPool:
    """`workers` identical staff pulling tasks FIFO, working only inside `calendar`."""

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        workers: int,
        calendar: WorkCalendar,
        duration: DurationFn,
        done: DoneFn,
        n_days: int,
        take: TakeFn | None = None,
    ) -> None:
        self.env = env
        self.name = name
        self.workers = workers
        self.calendar = calendar
        self.duration = duration
        self.done = done
        self.take = take or (lambda queued: 1)
        self.queue: deque[Any] = deque()
        self._idle: list[simpy.Event] = []
        self.busy_by_day = np.zeros(n_days + 1)
        self.tasks_done = 0
        self.groups_done = 0
        for _ in range(workers):
            env.process(self._work())

    def put(self, task: Any) -> None:
        """Hand a task to an idle worker, or queue it."""
        if self._idle:
            self._idle.pop().succeed(task)
        else:
            self.queue.append(task)

    @property
    def queued(self) -> int:
        return len(self.queue)

    def _work(self):
        env, queue, cal = self.env, self.queue, self.calendar
        busy = self.busy_by_day
        last_day = len(busy) - 1
        while True:
            if queue:
                k = self.take(len(queue))
                group = [queue.popleft() for _ in range(k)]
            else:
                ev = env.event()
                self._idle.append(ev)
                group = [(yield ev)]
            start = env.now
            work = self.duration(group)
            end = cal.finish(start, work)
            if end == float("inf"):
                return  # the calendar has no more shifts: this worker is done
            busy[min(int(cal_day(start, cal)), last_day)] += work
            if end > start:
                yield env.timeout(end - start)
            self.tasks_done += len(group)
            self.groups_done += 1
            self.done(group, start, end)

    def utilisation_by_day(self, n_days: int) -> np.ndarray:
        """Busy working minutes / available working minutes, per day (nan when closed)."""
        avail = self.calendar.minutes_per_day(n_days) * self.workers
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(avail > 0, self.busy_by_day[:n_days] / avail, np.nan)


def cal_day(t: float, cal: WorkCalendar) -> float:
    """Day index in which work started at `t` is done (the next shift's day when off-shift)."""
    return cal.finish(t, 1e-9) // MIN_PER_DAY
