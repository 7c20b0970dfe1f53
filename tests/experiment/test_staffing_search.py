"""The sizing search against brute force, on made-up staffing problems.

Each problem has a demand, pickers and packers with their rates, and a late rate that grows
as the busiest pool nears saturation (an M/M/c-like knee), so that fewer staff are cheaper but
late; the search must find the cheapest setting that meets the target, as brute force over
every setting does, from starts that meet the target and starts that do not.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import pytest

from fcsim.experiment.candidates import Target, Trial, Variable, staff_range
from fcsim.experiment.coordinate import CoordinateSearch
from fcsim.experiment.staffing import search
from fcsim.experiment.walks import brute_force, share_walk

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


SHARES = Variable("routing.a_share", (0.05, 0.1, 0.15, 0.2, 0.3, 0.4), headcount=False)


def _share_problem(shares: Variable, fees: Callable[[float], float], wage: float = 0.5):
    """An evaluator over (share, pickers): lines in-house grow with the share, `fees(share)`
    is the rest of the cost per order, each picker costs `wage` per order; the late rate rises
    as the pickers saturate."""
    calls: list[tuple[int, ...]] = []

    def ev(configs):
        out = []
        for c in configs:
            calls.append(c)
            share, pickers = shares.values[c[0]], c[1] + 1
            demand = 300 * (0.3 + 2.0 * share)  # lines in-house grow with the share
            rho = demand / (pickers * 80)
            late = 1.0 if rho >= 1 else 0.02 + 0.5 * rho**8
            cost = fees(share) + pickers * wage + 3.0 * late
            out.append(Trial(c, cost, late, 0.0))
        return out

    ev.calls = calls  # type: ignore[attr-defined]
    ev.fees = fees  # type: ignore[attr-defined]
    ev.wage = wage  # type: ignore[attr-defined]
    return ev


def _best_by_share(variables, ev) -> list[float]:
    """The cost of each share's cheapest staffing meeting the target (by brute force)."""
    out = []
    for o in range(len(variables[0].values)):
        ts = ev([(o, p) for p in range(len(variables[1].values))])
        out.append(min((t.cost for t in ts if TARGET.met(t)), default=math.inf))
    return out


def test_the_share_walk_finds_the_best_share_of_a_unimodal_cost_trying_fewer_shares() -> None:
    """A share's cost falls with fees saved and rises with the in-house staff: one valley. From
    every start the walk ends at the brute-force optimum, searching fewer shares than all."""
    shares = Variable("routing.a_share", tuple(s / 100 for s in range(5, 50, 5)), headcount=False)
    staff = staff_range("own.pickers", 1, 12, True)
    variables = [shares, staff]

    def fees(share: float) -> float:
        return 12.0 - 20.0 * share + 30.0 * share**2

    by_share = _best_by_share(variables, _share_problem(shares, fees, 0.2))
    low = by_share.index(min(by_share))
    assert 0 < low < len(by_share) - 1  # the optimum is inside: the walk must find it
    assert all(a > b for a, b in itertools.pairwise(by_share[: low + 1]))  # one valley
    assert all(a < b for a, b in itertools.pairwise(by_share[low:]))
    best = brute_force(variables, _share_problem(shares, fees, 0.2), TARGET)
    assert best is not None and best[0] == low
    for start in itertools.product(range(len(shares.values)), (0, 5, 11)):
        ev = _share_problem(shares, fees, 0.2)
        sized = search(variables, ev, TARGET, start)
        assert sized.best == best, start
        tried = {c[0] for c in ev.calls}
        assert len(tried) < len(shares.values), (start, sorted(tried))
        assert tried == {c[0] for c in sized.trials}  # every trial recorded, none run twice
        assert len(ev.calls) == len(set(ev.calls))


def test_with_two_valleys_the_share_walk_ends_in_the_one_it_starts_in() -> None:
    """Whole pickers make the cost of a share jump: here shares 10 % and 20 % are two valleys
    (the staffing's cost, not the fees, has two minima). The walk from the left of 15 % finds
    the cheaper valley at 10 %; from 20 % or beyond it stops at the valley of 20 %, dearer:
    the limit of the unimodal assumption, documented in docs/advise.md."""
    variables = [SHARES, staff_range("own.pickers", 1, 8, True)]

    def fees(share: float) -> float:
        return 12.0 - 6.0 * share + 8.0 * share**2

    by_share = _best_by_share(variables, _share_problem(SHARES, fees))
    assert by_share[1] < by_share[0] and by_share[1] < by_share[2]  # a valley at 10 %
    assert by_share[3] < by_share[2] and by_share[3] < by_share[4]  # another at 20 %
    assert by_share[1] < by_share[3]
    best = brute_force(variables, _share_problem(SHARES, fees), TARGET)
    assert best is not None and best[0] == 1
    for start in itertools.product((0, 1, 3, 4, 5), (0, 4, 7)):
        found = search(variables, _share_problem(SHARES, fees), TARGET, start).best
        assert found is not None
        assert found == best if start[0] <= 1 else found[0] == 3, (start, found)


def test_share_walk_moves_while_cheaper_and_steps_over_infeasible_starts() -> None:
    def walk(costs: list[float], start: int) -> tuple[int | None, list[int]]:
        asked: list[int] = []

        def cost(i: int) -> float:
            asked.append(i)
            return costs[i]

        return share_walk(len(costs), start, cost), sorted(set(asked))

    valley = [9.0, 7.0, 5.0, 4.0, 4.5, 6.0, 8.0, 9.5]
    for start in range(len(valley)):
        at, asked = walk(valley, start)
        assert at == 3
        assert 3 <= len(asked) < len(valley) or start in (0, len(valley) - 1)
    assert walk(valley, 6)[1] == [2, 3, 4, 5, 6, 7]  # from 6 down to 3, and 2 to see it rise
    inf = math.inf
    at, asked = walk([inf, inf, inf, 6.0, 5.0, 7.0], 1)  # the start cannot meet the target
    assert at == 4 and asked == [0, 1, 2, 3, 4, 5]
    assert walk([inf, inf, inf], 1) == (None, [0, 1, 2])
    assert walk([5.0, 5.0, 5.0], 1) == (1, [0, 1, 2])  # flat: no move is cheaper


def test_each_share_starts_from_the_nearest_share_searched_warmed() -> None:
    """A share's staff search starts from the best staff of the nearest share already searched,
    passed through the warm start (here: one picker more per share step)."""
    shares = Variable("routing.a_share", tuple(s / 100 for s in range(5, 50, 5)), headcount=False)
    variables = [shares, staff_range("own.pickers", 1, 12, True)]
    ev = _share_problem(shares, lambda s: 12.0 - 20.0 * s + 30.0 * s**2, 0.2)
    warmed: list[tuple] = []

    def warm(old, staff, new):
        warmed.append((old, staff, new))
        return (min(11, max(0, staff[0] + new[0] - old[0])),)

    sized = search(variables, ev, TARGET, (4, 0), warm=warm)
    assert sized.best == brute_force(variables, _share_problem(shares, ev.fees, ev.wage), TARGET)
    firsts = {}
    for c in ev.calls:
        firsts.setdefault(c[0], c)
    for old, staff, new in warmed:
        assert abs(old[0] - new[0]) == 1  # the nearest share searched is a neighbour
        assert firsts[new[0]] == (new[0], min(11, staff[0] + new[0] - old[0]))
    assert len(warmed) == len(firsts) - 1


def _random_pools(rng):
    """Two or three pools (in one or two warehouses) drawn at random: the demand, each pool's
    rate a person and wage, its upper bound, its warehouse."""
    k = rng.choice([2, 3])
    demand = rng.uniform(100, 1000)
    rates = [rng.uniform(30, 150) for _ in range(k)]
    wage = [rng.uniform(100, 250) for _ in range(k)]
    his = [max(6, math.ceil(2.2 * demand / r)) for r in rates]
    groups = [rng.choice(["w.a", "w.b"]) for _ in range(k)]
    return demand, rates, wage, his, groups


def test_random_staffing_problems_from_low_and_high_starts_reach_the_brute_force_optimum() -> None:
    """200 made-up problems of two or three pools (in one or two warehouses) with a late rate
    that rises with every pool's load, and a price of lateness from nothing to high: from the
    lowest and the highest start, the search ends where brute force does."""
    import random

    rng = random.Random(1)
    misses = []
    for _ in range(100):
        demand, rates, wage, his, groups = _random_pools(rng)
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


def _cutting(evaluate, target: Target):
    """A verdicts evaluator: a candidate missing `target` (no margin) comes back cut short."""
    cut: list[tuple[int, ...]] = []

    def verdicts(configs):
        out = []
        for t in evaluate(configs):
            if target.met(t):
                out.append(t)
            else:
                cut.append(t.config)
                out.append(Trial(t.config, math.nan, math.nan, math.nan, math.nan, cut_short=True))
        return out

    verdicts.cut = cut  # type: ignore[attr-defined]
    return verdicts


@pytest.mark.parametrize(("demand", "rates", "wage"), CASES)
@pytest.mark.parametrize("margin", [0.0, 0.1])
def test_candidates_cut_short_change_nothing_the_search_decides(demand, rates, wage, margin):
    """Verdict-only evaluations may stop the candidates that certainly miss the target: the
    search evaluates the same candidates in the same order and ends at the same best."""
    his = tuple(max(8, math.ceil(2.5 * demand / r)) for r in rates)
    variables = _vars(*his)
    for start in (tuple(0 for _ in his), tuple(h - 1 for h in his), tuple(h // 2 for h in his)):
        plain = search(variables, _problem(demand, rates, wage), TARGET, start, margin)
        ev = _problem(demand, rates, wage)
        verdicts = _cutting(ev, TARGET)
        cut = search(variables, ev, TARGET, start, margin, verdicts=verdicts)
        assert cut.best == plain.best
        assert cut.order == plain.order
        if margin == 0.0:  # with a margin, the moves dropped may all meet the bare target
            assert verdicts.cut, "nothing was cut short: the test shows nothing"
        for c, t in cut.trials.items():
            if t.cut_short:
                assert c in verdicts.cut
                assert not TARGET.met(t) and not TARGET.met(t, margin)


def test_a_cut_short_trial_never_meets_the_target_nor_is_sure() -> None:
    t = Trial((0,), math.nan, math.nan, math.nan, math.nan, cut_short=True)
    assert TARGET.violation(t) == math.inf
    assert not TARGET.met(t) and not TARGET.sure(t)


def _monotone_problems(n: int, seed: int):
    """Made-up problems of two or three pools whose late and unfinished shares never fall when
    a pool loses a person (as `test_random_staffing_problems_...`): (variables, evaluator)."""
    import random

    rng = random.Random(seed)
    for _ in range(n):
        demand, rates, wage, his, groups = _random_pools(rng)
        pays = [rng.random() < 0.7 for _ in rates]
        pools = enumerate(zip(groups, his, pays, strict=True))
        variables = [staff_range(f"{g}.pool{i}", 1, h, p) for i, (g, h, p) in pools]
        yield variables, _problem(demand, tuple(rates), tuple(wage), floor=rng.uniform(0, 0.04))


def test_moves_inferred_to_miss_change_nothing_the_search_decides() -> None:
    """With late deliveries that never fall when a pool loses a person, skipping the moves that
    have no more people in any pool than a candidate that missed the target ends at the same
    best, runs the same candidates less those skipped, in the same order, and each skipped one
    does miss the target."""
    saved = 0
    for variables, ev in _monotone_problems(60, seed=7):
        for margin in (0.0, 0.1):
            for start in (
                tuple(0 for _ in variables),
                tuple(len(v.values) - 1 for v in variables),
            ):
                plain = search(variables, ev, TARGET, start, margin, infer=False)
                lean = search(variables, ev, TARGET, start, margin)
                assert lean.best == plain.best
                inferred = {c for c, t in lean.trials.items() if t.inferred}
                assert lean.order == [c for c in plain.order if c not in inferred]
                assert lean.evaluated == len(plain.order) - len(inferred)
                for c in inferred:
                    assert not TARGET.met(plain.trials[c], margin), "inferred, yet it meets it"
                    assert not TARGET.met(lean.trials[c]) and not TARGET.sure(lean.trials[c])
                saved += len(inferred)
    assert saved > 0, "nothing was inferred: the test shows nothing"


def test_an_inferred_move_is_run_when_its_value_is_needed() -> None:
    """A candidate inferred to miss has no means: for a verdict it is not run; asked for its
    value, the search runs it (and it does miss)."""
    ev = _problem(300, (80.0, 60.0), (200.0, 200.0))
    s = CoordinateSearch(_vars(8, 8), ev, TARGET, 0.0)
    (two_each,) = s.trials([(1, 1)])  # two people in each pool: swamped
    assert not TARGET.met(two_each)
    (verdict,) = s.trials([(0, 1)], verdict=True)
    assert verdict.inferred and (0, 1) not in ev.calls
    (value,) = s.trials([(0, 1)])
    assert not value.inferred and (0, 1) in ev.calls and not TARGET.met(value)


def _swap_problem(fees: tuple[float, ...], need: tuple[int, ...], packer_wage: tuple[float, ...]):
    """Shares (index) x pickers x packers: a share meets the target with `need[share]` people
    or more in all, at least one in each pool; a picker costs 1, a packer `packer_wage[share]`,
    so the moves down (which shed the dearer pickers first) stop short of the cheapest staffing
    and only the polish's swaps (a picker for a packer) reach it."""
    calls: list[tuple[int, ...]] = []

    def ev(configs):
        out = []
        for c in configs:
            calls.append(c)
            o, pickers, packers = c[0], c[1] + 1, c[2] + 1
            short = max(need[o] - pickers - packers, 0)
            late = 0.01 if short == 0 else 0.2 + 0.05 * short
            cost = fees[o] + pickers + packer_wage[o] * packers
            out.append(Trial(c, cost, late, 0.0))
        return out

    ev.calls = calls  # type: ignore[attr-defined]
    return ev


def test_a_share_that_loses_before_the_polish_by_less_than_it_saves_the_winner_is_refined() -> None:
    """The walk compares shares after the moves down; the polish cuts the share it ends at
    (index 1) by 1.5, and share 0, which lost to it by 0.5 there, is refined too and wins
    (its packers are cheaper: the polish cuts it by 2.25): the brute-force optimum."""
    shares = Variable("routing.a_share", (0.1, 0.2, 0.3), headcount=False)
    variables = [
        shares,
        staff_range("own.pickers", 1, 8, True),
        staff_range("own.packers", 1, 8, True),
    ]
    fees, need, packer_wage = (10.5, 10.0, 20.0), (6, 5, 7), (0.25, 0.5, 0.5)
    best = brute_force(variables, _swap_problem(fees, need, packer_wage), TARGET)
    assert best is not None and best[0] == 0
    ev = _swap_problem(fees, need, packer_wage)
    sized = search(variables, ev, TARGET, (1, 4, 0))
    assert sized.best == best
    # the share that loses by more than the cut (index 2) is never polished: the swap of a
    # picker for a packer from where its moves down stopped is not tried there
    at_2 = {c[1:] for c in ev.calls if c[0] == 2}
    met_2 = [c for c in at_2 if TARGET.met(ev([(2, *c)])[0])]
    light_2 = min(met_2, key=lambda c: ev([(2, *c)])[0].cost)
    assert (light_2[0] - 1, light_2[1] + 1) not in at_2, (light_2, sorted(at_2))
    # while share 0's was (it is how share 0 reached its optimum)
    assert best[1:] in {c[1:] for c in ev.calls if c[0] == 0}


def test_pools_above_the_target_together_step_down_together(monkeypatch) -> None:
    """A start far above the target in every pool (a setting scaled up from a smaller volume)
    descends all pools at once while that still meets the target: fewer candidates than a
    person at a time in one pool at a time, and the same optimum as brute force."""
    demand, rates, wage = 950, (55.0, 70.0, 400.0), (180.0, 150.0, 160.0)
    variables = _vars(30, 30, 12)
    best = brute_force(variables, _problem(demand, rates, wage), TARGET)
    assert best is not None
    start = (best[0] + 8, best[1] + 8, best[2] + 6)
    together = _problem(demand, rates, wage)
    assert search(variables, together, TARGET, start).best == best
    monkeypatch.setattr(CoordinateSearch, "_together", lambda self, c, better: None)
    one_at_a_time = _problem(demand, rates, wage)
    assert search(variables, one_at_a_time, TARGET, start).best == best
    assert len(set(together.calls)) <= len(set(one_at_a_time.calls)) - 10
