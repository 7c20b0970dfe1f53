"""The sizing search against brute force, on made-up staffing problems.

Each problem has a demand, pickers and packers with their rates, and a late rate that grows
as the busiest pool nears saturation (an M/M/c-like knee), so that fewer staff are cheaper but
late; the search must find the cheapest setting that meets the target, as brute force over
every setting does, from starts that meet the target and starts that do not.
"""

from __future__ import annotations

import itertools
import math

import pytest

from fcsim.experiment.candidates import Target, Trial, Variable, staff_range
from fcsim.experiment.staffing import brute_force, search

TARGET = Target(late_rate=0.05, unfinished_rate=0.005)


def _problem(demand: float, rates: tuple[float, ...], wage: tuple[float, ...], floor: float = 0.02):
    """An evaluator: each pool i of n_i people serves rates[i] per person; cost per order is
    the wages over the demand plus a penalty per late order; late rises with the busiest pool."""
    calls: list[tuple[int, ...]] = []

    def evaluate(configs):
        out = []
        for c in configs:
            calls.append(c)
            n = [i + 1 for i in c]  # index 0 = one person
            rho = max(demand / (k * r) for k, r in zip(n, rates, strict=True))
            late = 1.0 if rho >= 1 else min(1.0, floor + 0.5 * rho**8)
            unfinished = max(0.0, rho - 1.0)
            cost = sum(k * w for k, w in zip(n, wage, strict=True)) / demand + 3.0 * late
            out.append(Trial(c, cost, late, unfinished, overloaded=float(rho >= 1)))
        return out

    evaluate.calls = calls  # type: ignore[attr-defined]
    return evaluate


def _vars(*his: int, merchant: bool = True) -> list[Variable]:
    return [staff_range(f"v{i}", 1, hi, merchant) for i, hi in enumerate(his)]


CASES = [
    (300, (80.0, 60.0), (200.0, 200.0)),
    (300, (80.0, 60.0), (200.0, 120.0)),
    (950, (55.0, 70.0, 400.0), (180.0, 150.0, 160.0)),
    (120, (30.0, 45.0), (160.0, 160.0)),
    (2000, (120.0, 90.0), (170.0, 210.0)),
]


@pytest.mark.parametrize(("demand", "rates", "wage"), CASES)
@pytest.mark.parametrize("start_at", ["low", "high", "middle"])
def test_the_search_finds_the_brute_force_optimum(demand, rates, wage, start_at) -> None:
    his = tuple(max(8, math.ceil(2.5 * demand / r)) for r in rates)
    variables = _vars(*his)
    ev = _problem(demand, rates, wage)
    best = brute_force(variables, ev, TARGET)
    assert best is not None
    start = {
        "low": tuple(0 for _ in his),
        "high": tuple(h - 1 for h in his),
        "middle": tuple(h // 2 for h in his),
    }[start_at]
    ev2 = _problem(demand, rates, wage)
    sized = search(variables, ev2, TARGET, start)
    assert sized.best == best
    grid = math.prod(his)
    assert sized.evaluated < grid  # it did not try everything
    assert TARGET.met(sized.trials[sized.best])


def test_one_fewer_in_any_pool_misses_the_target_or_costs_more() -> None:
    demand, rates, wage = CASES[0]
    variables = _vars(10, 10)
    sized = search(variables, _problem(demand, rates, wage), TARGET, (5, 5))
    best = sized.best
    assert best is not None
    ev = _problem(demand, rates, wage)
    (t_best,) = ev([best])
    for i in range(len(best)):
        if best[i] == 0:
            continue
        fewer = (*best[:i], best[i] - 1, *best[i + 1 :])
        (t,) = ev([fewer])
        assert not TARGET.met(t) or t.cost > t_best.cost


def test_a_target_below_the_floor_cannot_be_met_and_says_why() -> None:
    ev = _problem(300, (80.0, 60.0), (200.0, 200.0), floor=0.08)  # 8 % late whatever the staff
    sized = search(_vars(10, 10), ev, TARGET, (2, 2))
    assert sized.best is None
    assert sized.reason
    assert (
        brute_force(_vars(10, 10), _problem(300, (80.0, 60.0), (200.0, 200.0), 0.08), TARGET)
        is None
    )


def test_every_candidate_is_evaluated_once() -> None:
    ev = _problem(300, (80.0, 60.0), (200.0, 200.0))
    search(_vars(10, 10), ev, TARGET, (0, 0))
    assert len(ev.calls) == len(set(ev.calls))


def test_a_provider_staffs_to_the_target_not_to_the_merchants_cost() -> None:
    """A 3PL's staff change the merchant's cost only through lateness (here: late orders cost
    the merchant 3 EUR): the provider still puts the fewest people that meet the target."""
    demand, rates = 300, (80.0, 60.0)
    variables = _vars(10, 10, merchant=False)

    def ev(configs):
        out = []
        for c in configs:
            n = [i + 1 for i in c]
            rho = max(demand / (k * r) for k, r in zip(n, rates, strict=True))
            late = 1.0 if rho >= 1 else min(1.0, 0.02 + 0.5 * rho**8)
            out.append(Trial(c, 10.0 + 3.0 * late, late, 0.0))
        return out

    sized = search(variables, ev, TARGET, (9, 9))
    best = sized.best
    assert best is not None and TARGET.met(ev([best])[0])
    # the fewest: no single pool can lose one person and still meet the target
    for i in range(2):
        if best[i] > 0:
            fewer = (*best[:i], best[i] - 1, *best[i + 1 :])
            assert not TARGET.met(ev([fewer])[0])


def test_the_margin_keeps_room_below_the_target() -> None:
    demand, rates, wage = CASES[1]
    variables = _vars(10, 10)
    plain = search(variables, _problem(demand, rates, wage), TARGET, (5, 5)).best
    room = search(variables, _problem(demand, rates, wage), TARGET, (5, 5), margin=0.3).best
    assert plain is not None and room is not None
    assert sum(room) >= sum(plain)
    (t,) = _problem(demand, rates, wage)([room])
    assert t.late_rate <= 0.7 * TARGET.late_rate


def test_nothing_to_size_is_judged_as_it_is() -> None:
    def ev(configs):
        return [Trial(c, 12.0, 0.03, 0.0) for c in configs]

    assert search([], ev, TARGET, ()).best == ()

    def late(configs):
        return [Trial(c, 12.0, 0.09, 0.0) for c in configs]

    s = search([], late, TARGET, ())
    assert s.best is None and "nothing to size" in s.reason


def test_a_share_variable_is_searched_both_ways() -> None:
    """A routing share is no headcount: more in-house can be cheaper or dearer; the search
    finds the best share as brute force does."""
    shares = Variable("routing.a_share", (0.05, 0.1, 0.15, 0.2, 0.3, 0.4), headcount=False)
    staff = staff_range("own.pickers", 1, 8, True)

    def ev(configs):
        out = []
        for c in configs:
            share, pickers = shares.values[c[0]], c[1] + 1
            demand = 300 * (0.3 + 2.0 * share)  # lines in-house grow with the share
            rho = demand / (pickers * 80)
            late = 1.0 if rho >= 1 else 0.02 + 0.5 * rho**8
            cost = 12.0 - 6.0 * share + 8.0 * share**2 + pickers * 0.5 + 3.0 * late
            out.append(Trial(c, cost, late, 0.0))
        return out

    best = brute_force([shares, staff], ev, TARGET)
    for start in itertools.product((0, 3, 5), (0, 4, 7)):
        assert search([shares, staff], ev, TARGET, start).best == best


def test_random_staffing_problems_from_low_and_high_starts_reach_the_brute_force_optimum() -> None:
    """200 made-up problems of two or three pools (in one or two warehouses) with a late rate
    that rises with every pool's load, and a price of lateness from nothing to high: from the
    lowest and the highest start, the search ends where brute force does."""
    import random

    rng = random.Random(1)
    misses = []
    for _ in range(100):
        k = rng.choice([2, 3])
        demand = rng.uniform(100, 1000)
        rates = [rng.uniform(30, 150) for _ in range(k)]
        wage = [rng.uniform(100, 250) for _ in range(k)]
        his = [max(6, math.ceil(2.2 * demand / r)) for r in rates]
        groups = [rng.choice(["w.a", "w.b"]) for _ in range(k)]
        penalty = rng.choice([0.0, 3.0, 30.0])
        pools = enumerate(zip(groups, his, strict=True))
        variables = [staff_range(f"{g}.pool{i}", 1, h, True) for i, (g, h) in pools]

        def ev(configs, demand=demand, rates=rates, wage=wage, penalty=penalty):
            out = []
            for c in configs:
                n = [i + 1 for i in c]
                rhos = [demand / (m * r) for m, r in zip(n, rates, strict=True)]
                rho = max(rhos)
                late = (
                    1.0
                    if rho >= 1
                    else min(1.0, 0.02 + 0.5 * rho**8 + 0.2 * sum(x**12 for x in rhos))
                )
                cost = sum(m * w for m, w in zip(n, wage, strict=True)) / demand + penalty * late
                out.append(Trial(c, cost, late, max(0.0, rho - 1), overloaded=float(rho >= 1)))
            return out

        best = brute_force(variables, ev, TARGET)
        for start in (tuple(0 for _ in his), tuple(h - 1 for h in his)):
            found = search(variables, ev, TARGET, start).best
            if found != best:
                misses.append((start, best, found))
    assert misses == []
