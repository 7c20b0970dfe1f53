"""Staff rosters: breaks, headcount changes by date, overtime and its cost."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from fcsim.model.calendar import MIN_PER_DAY, WorkCalendar
from fcsim.model.simclock import RunEnvironment
from fcsim.model.staff import StaffPool

MONDAY = dt.date(2026, 1, 5)


def test_breaks_pause_work() -> None:
    cal = WorkCalendar.from_shifts([(["mon"], "08:00", "17:00", [("12:00", "12:30")])], MONDAY, 7)
    assert cal.total == 8.5 * 60
    assert cal.finish(11 * 60, 90) == 13 * 60  # 60 min before the break, 30 after it
    # a break in a night shift, after midnight
    night = WorkCalendar.from_shifts([(["mon"], "22:00", "06:00", [("02:00", "02:30")])], MONDAY, 2)
    assert night.starts == [22 * 60, 26.5 * 60] and night.ends == [26 * 60, 30 * 60]


def test_headcount_schedule_changes_parallelism() -> None:
    env = simpy.Environment()
    cal = WorkCalendar.always(10)
    done: list[tuple[int, float, float]] = []
    heads = np.array([1, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    pool = StaffPool(
        env,
        "p",
        workers=heads,
        calendar=cal,
        duration=lambda g: 600.0,
        done=lambda g, s, e: done.append((g[0], s, e)),
        n_days=10,
    )
    pool.start()
    for i in range(4):
        pool.put(i)
    env.run(until=5 * MIN_PER_DAY)
    # day 0: one worker does task 0 (0-600) and task 1 (600-1200);
    # task 2 starts at 1200 on day 0 and ends 1800 (day 1); the second worker joins at 1440
    assert done[0] == (0, 0.0, 600.0)
    assert done[1] == (1, 600.0, 1200.0)
    starts = sorted(s for _, s, _ in done[2:])
    assert starts == [1200.0, 1440.0]
    assert pool.workers == 2


def test_off_roster_worker_hands_tasks_on() -> None:
    env = simpy.Environment()
    cal = WorkCalendar.always(10)
    heads = np.array([2, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    done: list[tuple[int, float]] = []
    pool = StaffPool(
        env,
        "p",
        workers=heads,
        calendar=cal,
        duration=lambda g: 60.0,
        done=lambda g, s, e: done.append((g[0], s)),
        n_days=10,
    )
    pool.start()

    def later():
        yield env.timeout(MIN_PER_DAY + 10)  # day 1: only one worker on the roster
        pool.put("a")
        pool.put("b")

    env.process(later())
    env.run(until=3 * MIN_PER_DAY)
    assert done == [("a", MIN_PER_DAY + 10), ("b", MIN_PER_DAY + 70)]


def test_overtime_extends_shifts_and_is_paid_at_a_premium(small_scenario) -> None:
    from fcsim.model.accounting.costs import ledger
    from fcsim.model.accounting.outcomes import order_outcomes
    from fcsim.model.catalogue import build_catalogue
    from fcsim.model.demand import generate
    from fcsim.model.network import run_strategy
    from fcsim.model.streams import Streams

    raw = small_scenario.model_dump(by_alias=True)
    own = raw["strategies"]["own"]
    own["overtime"] = {"backlog_threshold_parcels": 0, "max_hours_per_day": 2, "premium": 0.5}
    own["staffing"] = [{"from_date": dt.date(2026, 1, 19), "pickers": 5}]
    sc = type(small_scenario).model_validate(raw, strict=False)
    streams = Streams(sc.seed, 0)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
    run = run_strategy(sc, "own", orders, cat, streams)
    res = run.nodes[0]
    ot = res.overtime_minutes_by_day
    minutes = res.staff_minutes_by_day
    # the default shift is 08:00-16:00 on weekdays: with overtime, 10 h on days that had any
    assert set(np.unique(minutes[ot > 0])) == {600.0}
    assert ot[ot > 0].min() == 120
    assert res.headcount_by_day["pickers"][13] == 2 and res.headcount_by_day["pickers"][14] == 5
    oc = order_outcomes(sc, run, orders, cat, streams)
    led = ledger(
        sc,
        "own",
        run,
        orders=orders,
        catalogue=cat,
        reaction=oc.reaction,
        order_value=oc.value_eur,
        order_day=np.floor(orders.created_min / MIN_PER_DAY).astype(int),
        window=(0, run.n_days),
    )
    costs = sc.strategies["own"].costs
    people = sum(res.headcount_by_day.values())
    expected = ((minutes + 0.5 * ot) * people * costs.wage_eur_per_hour / 60).sum()
    assert led.by_category["labour"].sum() == pytest.approx(expected)
    # the supervisors are paid for the overtime hours too, at their own wage
    boss_wage = costs.supervisors * costs.supervisor_wage_eur_per_hour / 60
    boss = ((minutes + 0.5 * ot) * boss_wage).sum()
    assert led.by_category["supervision"].sum() == pytest.approx(boss)


@settings(max_examples=40, deadline=None)
@given(
    durations=st.lists(
        st.sampled_from([0.0, 1e-9, 0.5, 3.0, 17.25, 60.0, 200.0, 480.0]), min_size=1, max_size=60
    ),
    gaps=st.lists(st.sampled_from([0.0, 0.0, 1.0, 45.5, 300.0, 1000.0]), min_size=1),
    workers=st.integers(1, 3),
    overtime_at=st.sampled_from([None, 1, 3]),
)
def test_a_task_ends_where_the_calendar_says(durations, gaps, workers, overtime_at) -> None:
    """The pool's own end of a task (it keeps its place in the calendar from task to task)
    is `WorkCalendar.finish` at the task's start, across breaks, nights, weekends and
    overtime added during the run."""
    cal = WorkCalendar.from_shifts(
        [(["mon", "tue", "wed", "fri"], "08:00", "17:00", [("12:00", "12:30")])], MONDAY, 30
    )
    cal.add(2 * MIN_PER_DAY + 22 * 60, 3 * MIN_PER_DAY + 2 * 60)  # a night shift
    env = RunEnvironment()
    expected: dict[int, float] = {}
    ended: dict[int, float] = {}

    def duration(group: list[int]) -> float:
        work = durations[group[0]]
        expected[group[0]] = cal.finish(env.now, work)
        return work

    pool = StaffPool(
        env,
        "p",
        workers=workers,
        calendar=cal,
        duration=duration,
        done=lambda g, s, e: ended.update({g[0]: e}),
        n_days=30,
    )
    pool.start()

    def arrivals():
        for task in range(len(durations)):
            yield env.timeout(gaps[task % len(gaps)])
            pool.put(task)
            if overtime_at is not None and task == overtime_at:
                day = int(env.now // MIN_PER_DAY)
                cal.add(day * MIN_PER_DAY + 17 * 60, day * MIN_PER_DAY + 19 * 60)

    env.process(arrivals())
    env.run()
    assert ended == expected
