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
    """`workers` identical staff pulling tasks FIFO, working only inside `calendar`.

    `workers` is a headcount, or a headcount per day (staff resized on a schedule): worker k
    works on day d only if k < headcount[d]; off-roster workers take no task.
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        workers: int | np.ndarray,
        calendar: WorkCalendar,
        duration: DurationFn,
        done: DoneFn,
        n_days: int,
        take: TakeFn | None = None,
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
        self.queue: deque[Any] = deque()
        self._idle: list[tuple[int, simpy.Event]] = []
        self.busy_by_day = np.zeros(n_days + 1)
        self.tasks_done = 0
        self.groups_done = 0
        for k in range(self.workers):
            env.process(self._work(k))

    def put(self, task: Any) -> None:
        """Hand a task to an idle worker on the roster, or queue it."""
        idle = self._idle
        while idle:
            k, ev = idle.pop()
            if self.headcount is None or self._on_roster(k, self.env.now) is None:
                ev.succeed(task)
                return
            ev.succeed(None)  # off the roster now: wake it so that it leaves
        self.queue.append(task)

    @property
    def queued(self) -> int:
        return len(self.queue)

    def _on_roster(self, k: int, t: float) -> float | None:
        """None if worker k may work at `t`; else when it is next on the roster (inf: never)."""
        hc = self.headcount
        if hc is None:
            return None
        day = min(int(t // MIN_PER_DAY), len(hc) - 1)
        if k < hc[day]:
            return None
        later = np.flatnonzero(hc[day + 1 :] > k)
        return float((day + 1 + later[0]) * MIN_PER_DAY) if len(later) else float("inf")

    def _work(self, k: int):
        env, queue, cal = self.env, self.queue, self.calendar
        busy = self.busy_by_day
        last_day = len(busy) - 1
        while True:
            back = self._on_roster(k, env.now)
            if back is not None:
                if back == float("inf"):
                    return
                yield env.timeout(back - env.now)
                continue
            if queue:
                n = self.take(len(queue))
                group = [queue.popleft() for _ in range(n)]
            else:
                ev = env.event()
                self._idle.append((k, ev))
                task = yield ev
                if task is None:
                    continue  # off the roster: go and wait for the next shift on it
                group = [task]
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
            self.done(group, min(cal.next_working(start), end), end)  # work began then

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
