"""Checks that fcsim's `StaffPool` serves tasks exactly as a `simpy.Resource` pool does.

Place in the flow: `fcsim.model.staff.StaffPool` is a counter-and-queue pool driven by one
timeout per task, not one SimPy process per worker. It is acceptable only if it gives the same
results as the textbook `simpy.Resource`: this module runs both on the same random tasks (a
24/7 calendar, FIFO, c identical servers) and returns the largest difference in start and end
times. The benchmark reports it and `tests/project/test_benchmark_smoke.py` requires it to be zero.
`check_shift_shortcuts` checks the pool's in-shift shortcut (the day a task's work is booked
on, and when its work began) against the calendar's own `cal_day` and `next_working`, on
calendars with night shifts, breaks and overtime, with tasks arriving on shift edges and at
midnight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from benchmarks.reference import CountingEnvironment
from fcsim.model.calendar import MIN_PER_DAY, WorkCalendar
from fcsim.model.staff import StaffPool, cal_day


@dataclass(frozen=True)
class PoolComparison:
    """Largest |difference| of start and end times between the two pools, in minutes."""

    tasks: int
    workers: int
    max_start_diff_min: float
    max_end_diff_min: float
    resource_events: int
    pool_events: int

    @property
    def identical(self) -> bool:
        return self.max_start_diff_min == 0.0 and self.max_end_diff_min == 0.0


def _tasks(n: int, workers: int, seed: int) -> tuple[list[float], list[float]]:
    """Arrival times and durations: Poisson arrivals at ~90 % load, exponential durations,
    with some simultaneous arrivals and zero-length tasks to exercise ties."""
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0, n)
    gaps[rng.random(n) < 0.05] = 0.0
    durations = rng.exponential(0.9 * workers, n)
    durations[rng.random(n) < 0.02] = 0.0
    return np.cumsum(gaps).tolist(), durations.tolist()


def _with_resource(arrivals: list[float], durations: list[float], workers: int):
    env = CountingEnvironment()
    pool = simpy.Resource(env, capacity=workers)
    start = [0.0] * len(arrivals)
    end = [0.0] * len(arrivals)

    def task(i: int):
        with pool.request() as req:
            yield req
            start[i] = env.now
            yield env.timeout(durations[i])
            end[i] = env.now

    def source():
        for i, t in enumerate(arrivals):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(task(i))

    env.process(source())
    env.run()
    return start, end, env.processed


def _with_staff_pool(arrivals: list[float], durations: list[float], workers: int):
    env = CountingEnvironment()
    start = [0.0] * len(arrivals)
    end = [0.0] * len(arrivals)
    horizon_days = int(arrivals[-1] + sum(durations)) // 1440 + 2

    def done(group, s: float, e: float) -> None:
        for i in group:
            start[i], end[i] = s, e

    pool = StaffPool(
        env,
        "check",
        workers=workers,
        calendar=WorkCalendar.always(horizon_days),
        duration=lambda group: durations[group[0]],
        done=done,
        n_days=horizon_days,
    )
    pool.start()

    def source():
        for i, t in enumerate(arrivals):
            if t > env.now:
                yield env.timeout(t - env.now)
            pool.put(i)

    env.process(source())
    env.run()
    return start, end, env.processed


def compare_with_resource(tasks: int = 20_000, workers: int = 5, seed: int = 1) -> PoolComparison:
    """Serve the same tasks with `simpy.Resource` and with `StaffPool`; compare the times."""
    arrivals, durations = _tasks(tasks, workers, seed)
    s1, e1, ev1 = _with_resource(arrivals, durations, workers)
    s2, e2, ev2 = _with_staff_pool(arrivals, durations, workers)
    return PoolComparison(
        tasks=tasks,
        workers=workers,
        max_start_diff_min=float(np.max(np.abs(np.subtract(s1, s2)))),
        max_end_diff_min=float(np.max(np.abs(np.subtract(e1, e2)))),
        resource_events=ev1,
        pool_events=ev2,
    )


@dataclass(frozen=True)
class ShortcutCheck:
    """Tasks checked and how many disagreed with the calendar's own answers."""

    tasks: int
    day_mismatches: int
    began_mismatches: int

    @property
    def identical(self) -> bool:
        return self.day_mismatches == 0 and self.began_mismatches == 0


_SHIFT_SETS = (
    [(("mon", "tue", "wed", "thu", "fri"), "07:30", "16:00", [("12:00", "12:30")])],
    [
        (("mon", "tue", "wed", "thu", "fri", "sat"), "22:00", "06:00", [("02:00", "02:20")]),
        (("mon", "tue", "wed", "thu", "fri"), "06:00", "14:00", []),
    ],
    [(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "00:00", "00:00", [])],
)


def check_shift_shortcuts(tasks: int = 4_000, seed: int = 2) -> ShortcutCheck:
    """Run `StaffPool` on awkward calendars; compare its bookings with the calendar's."""
    import datetime as dt

    rng = np.random.default_rng(seed)
    days = 40
    checked = day_bad = began_bad = 0
    for shifts in _SHIFT_SETS:
        cal = WorkCalendar.from_shifts(shifts, dt.date(2026, 1, 5), days + 30)
        env = simpy.Environment()
        edges = np.concatenate([cal.starts, cal.ends, np.arange(days) * MIN_PER_DAY])
        t = np.sort(
            np.concatenate(
                [
                    rng.uniform(0, days * MIN_PER_DAY, tasks),
                    rng.choice(edges[edges < days * MIN_PER_DAY], tasks // 10),
                ]
            )
        )
        work = rng.exponential(20.0, len(t))
        work[rng.random(len(t)) < 0.02] = 0.0
        expect_busy = np.zeros(days + 31)
        raw_start: dict[int, float] = {}

        def duration(group, env=env, cal=cal, work=work, busy=expect_busy, raw=raw_start):
            i = group[0]
            raw[i] = env.now
            if cal.finish(env.now, work[i]) != float("inf"):  # else the pool drops the worker
                busy[min(int(cal_day(env.now, cal)), len(busy) - 1)] += work[i]
            return float(work[i])

        def done(group, began, end, cal=cal, raw=raw_start):
            nonlocal began_bad
            began_bad += began != min(cal.next_working(raw[group[0]]), end)

        pool = StaffPool(
            env,
            "check",
            workers=3,
            calendar=cal,
            duration=duration,
            done=done,
            n_days=days + 30,
        )
        pool.start()

        def source(env=env, t=t, pool=pool, cal=cal):
            for i, ti in enumerate(t.tolist()):
                if ti > env.now:
                    yield env.timeout(ti - env.now)
                if i % 500 == 0:  # overtime: shifts grow while work is under way
                    cal.add(ti, ti + 90.0)
                pool.put(i)

        env.process(source())
        env.run()
        checked += len(t)
        day_bad += int((pool.busy_by_day != expect_busy).sum())
    return ShortcutCheck(checked, day_bad, began_bad)
