"""Operating plans as a categorical decision variable, against brute force on made-up problems.

Each plan of a made-up node gives its people more or fewer working hours (capacity per
person) at a fixed cost per order (supervisors per shift hour, a dearer carrier): the search
must try every plan, size each plan's staff, and find the cheapest setting meeting the
target, as brute force over plans x staff does; a plan that cannot meet the target at any
headcount within the bounds must lose to one that can.
"""

from __future__ import annotations

import pytest

from fcsim.experiment.candidates import Choice, Target, Trial, Variable, staff_range
from fcsim.experiment.plan_search import hours_per_week, search_plans
from fcsim.experiment.walks import brute_force
from fcsim.scenario.schema.shifts import Break, Shift

TARGET = Target(late_rate=0.05, unfinished_rate=0.005)


def _plans(n: int) -> Variable:
    choices = tuple(Choice(f"p{i}", ((f"node.k{i}", "1"),)) for i in range(n))
    values = tuple(float(i) for i in range(n))
    return Variable("node.plan", values, True, "plan", headcount=False, plans=choices)


def _problem(demand: float, hours: tuple[float, ...], fixed: tuple[float, ...], wage: float):
    """Plan index first, then two pools; a person serves 10 orders a day per working hour."""
    calls: list[tuple[int, ...]] = []

    def evaluate(configs):
        out = []
        for c in configs:
            calls.append(c)
            p, n = c[0], [i + 1 for i in c[1:]]
            rho = max(demand / (k * 10.0 * hours[p]) for k in n)
            late = 1.0 if rho >= 1 else min(1.0, 0.02 + 0.5 * rho**8)
            cost = fixed[p] + sum(k * wage * hours[p] for k in n) / demand + 3.0 * late
            out.append(Trial(c, cost, late, max(0.0, rho - 1), overloaded=float(rho >= 1)))
        return out

    evaluate.calls = calls  # type: ignore[attr-defined]
    return evaluate


CASES = [
    (400, (8.0, 16.0), (0.0, 0.4), 20.0),  # two shifts dearer in supervisors
    (400, (8.0, 16.0, 9.6), (0.0, 0.1, 0.05), 20.0),  # a Saturday shift in between
    (900, (8.0, 16.0), (0.0, 2.0), 25.0),
    (150, (8.0, 16.0, 10.0), (1.0, 0.0, 0.5), 15.0),
]


@pytest.mark.parametrize(("demand", "hours", "fixed", "wage"), CASES)
@pytest.mark.parametrize("start", [(0, 0, 0), (1, 5, 5)])
def test_every_plan_is_tried_and_the_best_is_the_brute_force_one(
    demand, hours, fixed, wage, start
) -> None:
    variables = [
        _plans(len(hours)),
        staff_range("node.a", 1, 8, True),
        staff_range("node.b", 1, 8, True),
    ]
    start = (min(start[0], len(hours) - 1), *start[1:])
    ev = _problem(demand, hours, fixed, wage)
    best = brute_force(variables, ev, TARGET)
    found = search_plans(variables, ev, TARGET, start)
    assert found.best == best
    assert {c[0] for c in found.trials} == set(range(len(hours)))  # every plan searched


def test_a_plan_that_cannot_meet_the_target_loses_to_one_that_can() -> None:
    """At most 4 people a pool: one 8-hour shift serves 320 orders a day at most, short of 400;
    two shifts serve 640, though dearer."""
    variables = [_plans(2), staff_range("node.a", 1, 4, True), staff_range("node.b", 1, 4, True)]
    ev = _problem(400, (8.0, 16.0), (0.0, 1.0), 20.0)
    found = search_plans(variables, ev, TARGET, (0, 2, 2))
    assert found.best is not None and found.best[0] == 1
    assert not any(TARGET.met(t) for c, t in found.trials.items() if c[0] == 0)
    assert found.best == brute_force(variables, ev, TARGET)


def test_a_warm_start_passes_every_outer_value_and_moves_the_next_plans_start() -> None:
    variables = [staff_range("node.a", 1, 8, True), _plans(2), staff_range("node.b", 1, 8, True)]
    seen = []

    def warm(old, staff, new):
        seen.append((old, staff, new))
        return tuple(max(0, i - 1) for i in staff)  # more hours: one person fewer each

    inner = _problem(200, (8.0, 16.0), (0.0, 0.0), 20.0)

    def ev(configs):  # the plan in the middle: reorder for the made-up problem
        trials = inner([(c[1], c[0], c[2]) for c in configs])
        return [
            Trial(c, t.cost, t.late_rate, t.unfinished_rate, t.overloaded)
            for c, t in zip(configs, trials, strict=True)
        ]

    found = search_plans(variables, ev, TARGET, (3, 0, 3), warm=warm)
    assert seen and seen[0][0] == (0,) and seen[0][2] == (1,)
    first_of_plan_1 = next(c for c in found.order if c[1] == 1)
    staff = seen[0][1]
    assert (first_of_plan_1[0], first_of_plan_1[2]) == tuple(max(0, i - 1) for i in staff)
    assert found.best == brute_force(variables, ev, TARGET)


def test_without_plans_it_is_the_staff_search() -> None:
    from fcsim.experiment.staffing import search

    variables = [staff_range("a", 1, 6, True), staff_range("b", 1, 6, True)]
    ev = _problem(100, (8.0,), (0.0,), 20.0)
    plain = search(variables, lambda cs: ev([(0, *c) for c in cs]), TARGET, (2, 2))
    via = search_plans(variables, lambda cs: ev([(0, *c) for c in cs]), TARGET, (2, 2))
    assert via.best == plain.best and list(via.trials) == list(plain.trials)


def test_hours_per_week_leave_breaks_out_and_count_every_day() -> None:
    day = Shift(start="08:00", end="16:00", breaks=[Break(start="12:00", end="12:30")])
    assert hours_per_week([day]) == 5 * 7.5
    sat = Shift(start="08:00", end="16:00", days=["mon", "tue", "wed", "thu", "fri", "sat"])
    night = Shift(start="22:00", end="06:00")
    assert hours_per_week([sat, night]) == 6 * 8 + 5 * 8


def test_plans_combine_with_the_share_walk_as_brute_force_says() -> None:
    """A plan and a hybrid's share: each plan walks the shares with its staff sized; the
    share moves work from pool a to a provider (cost per order falls with it, then rises)."""
    shares = Variable("h.routing.a_share", (0.1, 0.2, 0.3, 0.4), True, "share", headcount=False)
    variables = [_plans(2), shares, staff_range("h.a", 1, 6, True), staff_range("h.b", 1, 6, True)]
    hours, fixed = (8.0, 16.0), (0.0, 0.6)
    fees = (2.0, 1.2, 0.9, 1.1)
    seen = []

    def ev(configs):
        out = []
        for c in configs:
            p, s, n = c[0], c[1], (c[2] + 1, c[3] + 1)
            load = (300 * shares.values[s] * 2.5, 300 * 0.5)
            rho = max(d / (k * 10.0 * hours[p]) for d, k in zip(load, n, strict=True))
            late = 1.0 if rho >= 1 else min(1.0, 0.02 + 0.5 * rho**8)
            cost = fixed[p] + fees[s] + sum(n) * 20.0 * hours[p] / 300 + 3.0 * late
            out.append(Trial(c, cost, late, max(0.0, rho - 1), overloaded=float(rho >= 1)))
        return out

    def warm(old, staff, new):
        seen.append((old, new))
        return staff

    found = search_plans(variables, ev, TARGET, (0, 1, 2, 2), warm=warm)
    assert found.best == brute_force(variables, ev, TARGET)
    assert {c[0] for c in found.trials} == {0, 1}
    assert all(len(o) == 2 and len(n) == 2 for o, n in seen)  # plan and share, both passed
    assert any(o[0] == n[0] == 1 for o, n in seen)  # the share walk under the second plan
