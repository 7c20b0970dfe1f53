"""`fcsim advise`: every strategy sized to the same target, volume by volume.

On the small test scenario (its carriers alone make ~7 % of deliveries late, so the target
here is 10 %): the command writes its three outputs; a sized setting re-run alone with
`fcsim run --set` meets the target, and one fewer picker or packer misses it or costs more; on
a grid small enough for brute force, the search finds the brute-force optimum with the very
runs the command makes; a strategy that cannot keep up is never named the cheapest; a resumed
search simulates nothing again; bad input is refused before anything runs.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from fcsim.experiment.candidates import Schedule

from conftest import SMALL, run_in_process

TARGET = "late_rate<=10%"
FAST = ("--set", "horizon_days=28", "--set", "warmup_days=7")
SIMPLE = ("--strategy", "own", "--strategy", "out", "--strategy", "drop")


@pytest.fixture(scope="module")
def advised(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("advise") / "out"
    res = run_in_process(
        "advise", SMALL, "--volumes", "40,80", "--target", TARGET, "-r", "3", "-w", "1",
        *SIMPLE, *FAST, "-o", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "orders/day" in res.stdout and "40 orders/day:" in res.stdout
    return out, json.loads((out / "advice.json").read_text(encoding="utf-8"))


def test_advise_writes_its_three_outputs(advised) -> None:
    out, doc = advised
    assert {"advice.json", "advice.parquet", "index.html"} <= {p.name for p in out.iterdir()}
    table = pd.read_parquet(out / "advice.parquet")
    assert set(table["volume"]) == {40.0, 80.0}
    assert set(table["strategy"]) == {"own", "out", "drop"}
    assert set(table["stage"]) == {"screen", "confirm"}
    assert len(table) == doc["candidates"] > 2 * 3  # several candidates per strategy
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Cost per order against volume" in page and "The answer" in page
    assert [s["volume"] for s in doc["sizings"]] == [40.0] * 3 + [80.0] * 3


def test_two_workers_screening_strategies_side_by_side_give_the_same_answer(
    advised, tmp_path: Path
) -> None:
    # with 2 workers the strategies of a volume are searched in threads sharing the pool
    out, doc = advised
    res = run_in_process(
        "advise", SMALL, "--volumes", "40,80", "--target", TARGET, "-r", "3", "-w", "2",
        *SIMPLE, *FAST, "-o", tmp_path / "w2",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    two = json.loads((tmp_path / "w2" / "advice.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in two.items() if k != "wall_s"} == {
        k: v for k, v in doc.items() if k != "wall_s"
    }
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "w2" / "advice.parquet"),
        pd.read_parquet(out / "advice.parquet"),
        check_exact=True,
    )


def test_confirm_first_sets_the_runs_every_setting_gets_before_the_ranking(
    tmp_path: Path,
) -> None:
    """With `--confirm-first 2 -r 3`: the best and the runner-up of a volume get all 3 runs
    (the answer's paired interval reads them), the third, surely meeting the target and
    clearly dearer (the own warehouse at 80 orders a day), keeps its 2."""
    out = tmp_path / "out"
    res = run_in_process(
        "advise", SMALL, "--volumes", "80", "--target", TARGET, "-r", "3", "-w", "1",
        "--confirm-first", "2", *SIMPLE, *FAST, "-o", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads((out / "advice.json").read_text(encoding="utf-8"))
    assert doc["confirm_first"] == 2
    confirmed = {z["strategy"]: z["metrics"]["cost_per_order_eur"]["n"] for z in doc["sizings"]}
    feasible = sorted(
        (z for z in doc["sizings"] if z["feasible"]),
        key=lambda z: z["metrics"]["cost_per_order_eur"]["mean"],
    )
    assert [confirmed[z["strategy"]] for z in feasible[:2]] == [3, 3]
    assert [z["strategy"] for z in feasible[2:]] == ["own"] and confirmed["own"] == 2


def test_every_feasible_sizing_meets_the_target_at_95_percent(advised) -> None:
    _, doc = advised
    for z in doc["sizings"]:
        if z["feasible"]:
            assert z["metrics"]["late_rate"]["ci_high"] <= 0.10
            assert z["metrics"]["overloaded"]["mean"] == 0
    for p in doc["answers"]["per_volume"]:
        assert p["cheapest"] in p["feasible"]


def _run(tmp: Path, name: str, sets: list[str]) -> dict:
    """`fcsim run --set ...` of the own warehouse alone (the other strategies removed)."""
    out = tmp / name
    args = ["run", SMALL, "-r", "3", "-w", "1", "--no-report", "-q", *FAST, "-o", out]
    for s in [*sets, "strategies.out=null", "strategies.drop=null", "strategies.hyb=null"]:
        args += ["--set", s]
    res = run_in_process(*args)
    assert res.returncode == 0, res.stderr
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["strategies"]["own"]


def test_a_sized_setting_rerun_alone_meets_the_target_and_one_fewer_does_not_pay(
    advised, tmp_path: Path
) -> None:
    _, doc = advised
    (z,) = [z for z in doc["sizings"] if z["strategy"] == "own" and z["volume"] == 80.0]
    assert z["feasible"], z
    volume = "demand.orders_per_day=80"
    alone = _run(tmp_path, "alone", [volume, *z["set"]])
    assert alone["late_rate"]["ci_high"] <= 0.10
    assert alone["cost_per_order_eur"]["mean"] == pytest.approx(
        z["metrics"]["cost_per_order_eur"]["mean"]
    )
    for pool in ("pickers", "packers"):
        n = z["setting"][f"strategies.own.{pool}"]
        if n == 1:
            continue
        fewer = [s for s in z["set"] if not s.startswith(f"strategies.own.{pool}=")]
        less = _run(tmp_path, pool, [volume, *fewer, f"strategies.own.{pool}={n - 1}"])
        misses = less["late_rate"]["ci_high"] > 0.10 or less["overloaded"]["mean"] > 0
        dearer = less["cost_per_order_eur"]["mean"] > alone["cost_per_order_eur"]["mean"]
        assert misses or dearer, (pool, less["late_rate"], less["cost_per_order_eur"])


def test_dated_staffing_changes_scale_with_the_sized_headcounts() -> None:
    """Each dated change times the sized headcount over the written one, to the nearest (a
    half up), at least one person where it had one; pools the setting leaves keep theirs."""
    schedule = Schedule(
        "strategies.own",
        (("pickers", 2), ("packers", 4), ("receivers", 1)),
        (("2026-11-02", (("pickers", 3), ("packers", 1))), ("2027-01-04", (("pickers", 0),))),
    )
    assert schedule.staffing({"pickers": 2, "packers": 4}) == [
        {"from_date": "2026-11-02", "pickers": 3, "packers": 1},
        {"from_date": "2027-01-04", "pickers": 0},
    ]
    assert schedule.staffing({"pickers": 3, "packers": 1}) == [  # 4.5 -> 5, 0.25 -> 1
        {"from_date": "2026-11-02", "pickers": 5, "packers": 1},
        {"from_date": "2027-01-04", "pickers": 0},
    ]
    assert schedule.staffing({"pickers": 1}) == [  # 1.5 -> 2; packers as written
        {"from_date": "2026-11-02", "pickers": 2, "packers": 1},
        {"from_date": "2027-01-04", "pickers": 0},
    ]
    sets = schedule.sets({"strategies.own.pickers": "4", "strategies.other.pickers": "9"})
    assert sets == {
        "strategies.own.staffing": "[{from_date: 2026-11-02, pickers: 6, packers: 1}, "
        "{from_date: 2027-01-04, pickers: 0}]"
    }


def test_a_scaled_change_exactly_half_way_rounds_up() -> None:
    """Halves are rounded up exactly: 11 x 15/22 is 7.5, and a float ratio (15/22 = 0.6818...)
    made it 7.4999... and 7; 27 x 13/6 = 58.5 made 58."""
    schedule = Schedule(
        "strategies.own",
        (("pickers", 22), ("packers", 6), ("receivers", 1)),
        (("2026-11-02", (("pickers", 11), ("packers", 27))),),
    )
    assert schedule.staffing({"pickers": 15, "packers": 13}) == [
        {"from_date": "2026-11-02", "pickers": 8, "packers": 59}
    ]


def test_a_node_with_dated_staffing_is_sized_with_its_changes_scaled(tmp_path: Path) -> None:
    """The own warehouse adds staff for its last week: sized at 160 orders a day (above the
    written 2 pickers and 2 packers), its setting carries the change scaled with it, and
    `fcsim run --set` of that setting gives the very costs confirmed."""
    out = tmp_path / "out"
    change = "strategies.own.staffing=[{from_date: 2026-01-26, pickers: 3, packers: 3}]"
    res = run_in_process(
        "advise", SMALL, "--volumes", "160", "--target", TARGET, "-r", "3", "-w", "1",
        "--strategy", "own", "--set", change, *FAST, "-o", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    (z,) = json.loads((out / "advice.json").read_text(encoding="utf-8"))["sizings"]
    sets = dict(s.split("=", 1) for s in z["set"])
    pickers, packers = (z["setting"][f"strategies.own.{p}"] for p in ("pickers", "packers"))
    assert z["feasible"] and pickers > 2 and packers > 2, z
    (change,) = yaml.safe_load(sets["strategies.own.staffing"])
    assert z["staffing"] == {"strategies.own": [{**change, "from_date": "2026-01-26"}]}
    assert change == {
        "from_date": dt.date(2026, 1, 26),
        "pickers": (3 * pickers + 1) // 2,  # 3 x sized / written 2, a half up
        "packers": (3 * packers + 1) // 2,
    }
    assert "1 dated change scaled with it (advice.json: staffing)" in res.stdout  # the terminal
    shown = f"from 2026-01-26: pickers {change['pickers']}, packers {change['packers']}"
    assert shown in (out / "index.html").read_text(encoding="utf-8")  # the page: each change
    alone = _run(tmp_path, "alone", ["demand.orders_per_day=160", *z["set"]])
    assert alone["cost_per_order_eur"]["mean"] == pytest.approx(
        z["metrics"]["cost_per_order_eur"]["mean"]
    )


def test_the_search_finds_the_brute_force_optimum_on_the_simulator(tmp_path: Path) -> None:
    """Pickers 1-4 x packers 1-3 (receivers fixed): 12 candidates, each simulated."""
    from fcsim.experiment.advise import Advisor, Settings
    from fcsim.experiment.candidates import Target
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.pipeline import Execution, Pipeline
    from fcsim.experiment.staffing import search
    from fcsim.experiment.walks import brute_force

    sets = [
        "horizon_days=28",
        "warmup_days=7",
        "strategies.own.sizing.pickers.max=4",
        "strategies.own.sizing.packers.max=3",
        "strategies.own.sizing.receivers.max=1",
    ]
    base = load_scenario(SMALL, sets)
    target = Target(0.10, 0.005)
    settings = Settings((90.0,), target, 2, base.seed, ("own",), screen_replications=2)
    with Pipeline(Execution(workers=1, out=tmp_path / "store")) as pipe:
        advisor = Advisor(base, settings, pipe, lambda o: load_scenario(SMALL, [*sets, *o]))
        sizing = advisor.sizing("own", 90.0)
        assert [v.label for v in sizing.variables] == ["pickers", "packers", "receivers"]
        ev = advisor.evaluator(sizing)
        best = brute_force(sizing.variables, ev, target, settings.margin)
        for start in ((0, 0, 0), (3, 2, 0), (1, 2, 0)):
            assert search(sizing.variables, ev, target, start, settings.margin).best == best
    assert best is not None


def test_a_strategy_that_cannot_keep_up_is_never_the_cheapest(tmp_path: Path) -> None:
    """At 400 orders a day the small scenario's warehouses cannot keep up with at most one
    picker and packer: the dropship supplier is the only feasible answer, however cheap the
    overloaded warehouses look. (One receiver at most too: one candidate per warehouse, as
    overloaded with more receivers.)"""
    out = tmp_path / "out"
    res = run_in_process(
        "advise", SMALL, "--volumes", "400", "--target", TARGET, "-r", "2", "-w", "1",
        *SIMPLE, *FAST, "--set", "strategies.own.sizing.pickers.max=1",
        "--set", "strategies.own.sizing.packers.max=1",
        "--set", "strategies.out.sizing.pickers.max=1",
        "--set", "strategies.out.sizing.packers.max=1",
        "--set", "strategies.own.sizing.receivers.max=1",
        "--set", "strategies.out.sizing.receivers.max=1", "-o", out, "-q",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads((out / "advice.json").read_text(encoding="utf-8"))
    (answer,) = doc["answers"]["per_volume"]
    assert answer["cheapest"] == "drop"
    assert set(answer["infeasible"]) == {"own", "out"}
    assert "misses the target: own, out" in res.stdout or "misses the target: out, own" in (
        res.stdout
    )


def test_a_resumed_search_simulates_nothing_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["advise", SMALL, "--volumes", "60", "--target", "late_rate<=30%", "-r", "3", "-w", "1",
            "--strategy", "own", *FAST, "-o", out]  # fmt: skip
    first = run_in_process(*args)
    assert first.returncode == 0, first.stderr
    again = run_in_process(*args, "--resume")
    assert again.returncode == 0, again.stderr
    a = json.loads((out / "advice.json").read_text(encoding="utf-8"))
    assert a["runs"] == 0
    assert "0 runs simulated" in again.stdout


def test_break_evens_come_from_the_curves_and_never_cross_an_infeasible_volume() -> None:
    from fcsim.experiment.advice import Sizing, break_evens
    from fcsim.experiment.candidates import Sized

    def sized(strategy: str, volume: float, costs: list[float], feasible: bool = True) -> Sizing:
        runs = pd.DataFrame({"replication": range(len(costs)), "cost_per_order_eur": costs})
        return Sizing(strategy, volume, [], Sized(()), (), runs, feasible)

    # a costs 10 throughout; b falls from 12 to 8: the means cross at 200 orders a day
    vols = [100.0, 200.0, 300.0]
    noise = [-0.1, 0.0, 0.1]
    a = [sized("a", v, [10 + e for e in noise]) for v in vols]
    b = [sized("b", v, [14 - 0.02 * v + 2 * e for e in noise]) for v in vols]
    (be,) = break_evens(a + b, vols)
    assert (be.below, be.above) == ("a", "b")
    assert be.volume == pytest.approx(200.0)
    assert be.low is not None and be.high is not None
    assert be.low < 200 < be.high
    assert "≈ 200 orders/day" in be.text()
    # b cannot meet the target at 200: the leader changes, but no break-even is claimed
    b[1] = sized("b", 200.0, [10.0, 10.0, 10.0], feasible=False)
    assert break_evens(a + b, vols) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--volumes", "0:100:10"), "volumes must be positive"),
        (("--volumes", "ten"), "expected LO:HI:STEP"),
        (("--target", "late_rate>=5%"), "a target is late_rate<=SHARE"),
        (("--target", "cost_per_order_eur<=5"), "a target is late_rate<=SHARE"),
        (("--strategy", "nope"), "no such strategy"),
        (("--set", "demand.orders_per_day=50", "--volumes", "50"), "is also set by --volumes"),
        (("--margin", "1.5"), "--margin"),
        (("-r", "1"), "at least 2 runs"),
        (("--confirm-first", "1"), "--confirm-first 1: at least 2"),
        (("--volumes", "1:inf:1"), "finite numbers"),
        (("--volumes", "1:1e7:0.0001"), "at most 50"),
        (("--set", "strategies.own.pickers=5"), "is also set by sizing of own"),
        (("--screen-days", "2"), "horizon_days"),
        (
            ("--set", "strategies.own.staffing=[{from_date: 2026-01-26, pickers: 9000}]"),
            "strategies.own: its dated staffing changes, scaled with every headcount at the upper",
        ),
    ],
)
def test_bad_input_is_refused_before_anything_runs(tmp_path: Path, args, message) -> None:
    res = run_in_process("advise", SMALL, *args, "-o", tmp_path / "out")
    assert res.returncode == 2, res.stderr
    assert message in res.stderr
    assert not (tmp_path / "out").exists()


def test_break_even_intervals_take_each_end_from_its_own_side() -> None:
    """a − b: −0.3 (sure), −0.3 (wide), +0.05 (sure), −0.2, −2 over 100..500 orders a day: two
    break-evens, a → b near 286 and b → a near 320; the first one's interval runs from where the
    upper bound rises through zero (just above 100) to where the lower bound does (just below
    300), never into the second's."""
    from fcsim.experiment.advice import Sizing, break_evens
    from fcsim.experiment.candidates import Sized

    vols = [100.0, 200.0, 300.0, 400.0, 500.0]
    means, spreads = [-0.3, -0.3, 0.05, -0.2, -2.0], [0.1, 1.0, 0.01, 0.01, 0.1]

    def sized(s: str, v: float, costs: list[float]) -> Sizing:
        runs = pd.DataFrame({"replication": range(3), "cost_per_order_eur": costs})
        return Sizing(s, v, [], Sized(()), (), runs, True)

    a = [sized("a", v, [10.0] * 3) for v in vols]
    b = [
        sized("b", v, [10.0 - m + s * e for e in (-1, 0, 1)])
        for v, m, s in zip(vols, means, spreads, strict=True)
    ]
    first, second = break_evens(a + b, vols)
    assert (first.below, first.above, second.below, second.above) == ("a", "b", "b", "a")
    assert first.volume == pytest.approx(200 + 100 * 0.3 / 0.35)
    assert first.low == pytest.approx(102.3, abs=0.1) and first.high == pytest.approx(
        299.1, abs=0.1
    )
    assert 300 < second.low < second.volume < second.high < 400
    assert first.text() == "a → b at ≈ 286 orders/day (95 %: 102 to 299)"


def test_fcsim_report_rebuilds_the_advice_page(advised) -> None:
    out, _ = advised
    page = out / "index.html"
    before = page.read_text(encoding="utf-8")
    page.unlink()
    res = run_in_process("report", out)
    assert res.returncode == 0, res.stderr
    assert "40 orders/day:" in res.stdout
    assert page.read_text(encoding="utf-8") == before


def test_a_confirmation_that_could_not_keep_up_steps_up_its_busiest_pool() -> None:
    """Runs overloaded at the peak though the screening's single run was not: one more person
    goes to the pool those runs kept busiest, whatever the screening said."""
    from fcsim.experiment.advice import Sizing
    from fcsim.experiment.advise import Advisor, Settings
    from fcsim.experiment.candidates import Sized, Target, Trial, staff_range

    variables = [
        staff_range(f"strategies.own.{p}", 1, 10, True) for p in ("pickers", "packers", "receivers")
    ]
    settings = Settings((100.0,), Target(0.05, 0.005), 3, 1, ("own",))
    advisor = Advisor(None, settings, None, lambda o: None)  # type: ignore[arg-type]
    sizing = Sizing("own", 100.0, variables, Sized((2, 2, 1)), config=(2, 2, 1))
    runs = pd.DataFrame(
        {"picker_utilisation": [0.80, 0.82], "packer_utilisation": [0.99, 0.98],
         "receiver_utilisation": [0.4, 0.5]}
    )  # fmt: skip
    missed = Trial((2, 2, 1), 12.0, 0.03, 0.0, overloaded=0.5)
    assert advisor._step_up(sizing, missed, runs) == (2, 3, 1)


def test_a_confirmation_overloaded_steps_up_the_pool_its_overload_names() -> None:
    """The pool busy 97 %+ at the end of the window (the peak) is not always the busiest over
    the year: the step goes to the pool the overload names (the hybrid's own packers at 900
    orders a day on the default scenario, where the pickers, busier over the year, were
    stepped up three times and changed nothing)."""
    from fcsim.experiment.advice import Sizing
    from fcsim.experiment.advise import Advisor, Settings
    from fcsim.experiment.candidates import Sized, Target, Trial, staff_range

    variables = [
        staff_range(f"strategies.hybrid.nodes.{node}.{p}", 1, 10, node == "own")
        for node in ("own", "provider")
        for p in ("pickers", "packers", "receivers")
    ]
    settings = Settings((900.0,), Target(0.05, 0.005), 3, 1, ("hybrid",))
    advisor = Advisor(None, settings, None, lambda o: None)  # type: ignore[arg-type]
    start = (5, 7, 4, 0, 0, 0)
    sizing = Sizing("hybrid", 900.0, variables, Sized(start), config=start)
    runs = pd.DataFrame(
        {"picker_utilisation": [0.73, 0.74], "packer_utilisation": [0.62, 0.61],
         "receiver_utilisation": [0.42, 0.42],
         "overload_reasons": ["packers of own busy 97%+ of the time", ""]}
    )  # fmt: skip
    missed = Trial(start, 13.5, 0.039, 0.0, overloaded=0.5)
    assert advisor._step_up(sizing, missed, runs) == (5, 8, 4, 0, 0, 0)
    runs["overload_reasons"] = "receivers of provider busy 97%+ of the time"
    assert advisor._step_up(sizing, missed, runs) == (5, 7, 4, 0, 0, 1)
    runs["overload_reasons"] = "backlog ran away to 9 days of demand by the end of the window"
    assert advisor._step_up(sizing, missed, runs) == (6, 7, 4, 0, 0, 0)  # the busiest: pickers


def test_a_scenario_edited_during_the_search_stops_it(tmp_path: Path) -> None:
    """Every candidate reloads the scenario: an edit in between would mix two scenarios."""
    import os

    from fcsim.commands.advise import _Frozen
    from fcsim.core.errors import UsageError
    from fcsim.experiment.loading import load_scenario

    path = tmp_path / "s.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    frozen = _Frozen(path, load_scenario(path))
    frozen.check()
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different stamp even within the clock's resolution
    with pytest.raises(UsageError, match="changed while fcsim advise was running"):
        frozen.check()


def test_a_hybrids_warm_start_scales_each_node_by_its_order_lines() -> None:
    """Default scenario: class A in-house, B at the provider, C dropshipped. The in-house share
    of order lines grows with the share of SKUs in class A, the provider's falls; the warm start
    from one share to another scales each node's staff by that ratio (to the nearest)."""
    from fcsim.experiment.advise import Advisor, Settings
    from fcsim.experiment.candidates import Target
    from fcsim.experiment.loading import load_scenario

    from conftest import ROOT

    base = load_scenario(ROOT / "scenarios" / "default.yaml")
    settings = Settings((300.0,), Target(0.05, 0.005), 3, 1, ("hybrid",))
    advisor = Advisor(base, settings, None, lambda o: None)  # type: ignore[arg-type]
    lines = advisor.lines_of("hybrid")
    sizing = advisor.sizing("hybrid", 300.0)
    shares = sizing.variables[-1].values
    low, high = lines(shares[0]), lines(shares[-1])
    assert sum(low.values()) == pytest.approx(1.0) == sum(high.values())
    assert high["own"] > low["own"] and high["provider"] < low["provider"]
    labels = [v.key.removeprefix("strategies.hybrid.") for v in sizing.variables]
    assert labels[-1] == "routing.a_share" and labels[0] == "nodes.own.pickers"
    warm = advisor._warm(sizing)
    assert warm is not None
    staff = (9, 9, 9, 9, 9, 9)  # 10 people in every pool
    (first, last) = (0, len(sizing.variables[-1].values) - 1)
    up = warm((first,), staff, (last,))
    own, provider = high["own"] / low["own"], high["provider"] / low["provider"]
    assert up[:3] == (round(10 * own) - 1,) * 3 and up[3:] == (round(10 * provider) - 1,) * 3
    assert warm((first,), staff, (first,)) == staff


def test_a_setting_at_an_end_of_the_values_searched_is_flagged() -> None:
    """A headcount at its upper bound, a lower bound above one person, or a share at either end
    of the shares searched: the best may lie beyond, and advice.json and the answer say so."""
    from fcsim.experiment.advice import Sizing, answers, sizing_doc
    from fcsim.experiment.candidates import Sized, Variable, staff_range
    from fcsim.report.advice import answer_lines

    variables = [
        staff_range("strategies.h.nodes.own.pickers", 1, 6, True),
        staff_range("strategies.h.nodes.own.packers", 2, 6, True),
        staff_range("strategies.h.nodes.provider.pickers", 1, 6, False),
        Variable("strategies.h.routing.a_share", (0.1, 0.25, 0.4), True, headcount=False),
    ]

    def sized(config: tuple[int, ...]) -> Sizing:
        z = Sizing("h", 300.0, variables, Sized(config), config=config, feasible=True)
        z.confirmed = pd.DataFrame({"cost_per_order_eur": [14.0, 14.1], "late_rate": [0.04] * 2})
        return z

    inside = sized((2, 1, 0, 1))  # one provider picker: the fewest there can be
    assert inside.at_bounds() == []
    edges = sized((5, 0, 3, 2))
    assert edges.at_bounds() == [v.key for v in variables if "provider" not in v.key]
    assert sizing_doc(edges)["at_bounds"] == edges.at_bounds()
    doc = {"answers": answers([edges], [300.0])}
    assert doc["answers"]["hybrid_a_share_at_bounds"] == {"h": ["300"]}
    assert any("at an end of the shares searched" in line for line in answer_lines(doc))


def test_a_share_at_the_routings_limit_is_not_flagged() -> None:
    """The largest share the routing allows (class B takes the rest) has nothing beyond it to
    search: it is no end of the search's bounds; the smallest still is."""
    from fcsim.experiment.advice import Sizing
    from fcsim.experiment.candidates import Sized, Variable

    share = Variable("strategies.h.routing.a_share", (0.4, 0.55, 0.65), headcount=False, limit=0.65)
    for config, flagged in (((2,), []), ((0,), [share.key]), ((1,), [])):
        z = Sizing("h", 300.0, [share], Sized(config), config=config, feasible=True)
        assert z.at_bounds() == flagged
    below = Variable(share.key, (0.4, 0.55), headcount=False, limit=0.65)
    z = Sizing("h", 300.0, [below], Sized((1,)), config=(1,), feasible=True)
    assert z.at_bounds() == [share.key]  # 55 %: a larger share was allowed, not searched


def _two_stage(monkeypatch, outcomes):
    """An advisor whose confirmation runs come from `outcomes`: strategy -> config -> one
    (cost, late, overloaded) per replication; returns it, its sizings and the runs asked."""
    from fcsim.experiment.advice import Sizing
    from fcsim.experiment.advise import Advisor, Settings
    from fcsim.experiment.candidates import Sized, Target, staff_range

    names = tuple(outcomes)
    settings = Settings((100.0,), Target(0.05, 0.005), 5, 1, names)
    advisor = Advisor(None, settings, None, lambda o: None)  # type: ignore[arg-type]
    asked: list[tuple[str, tuple[int, ...], int]] = []

    def run(jobs, verdict=False, replications=None):
        out = []
        for k, (z, config, screen) in enumerate(jobs):
            n = 1 if screen else replications[k]
            if not screen:
                asked.append((z.strategy, config, n))
            rows = outcomes[z.strategy].get(config, [(20.0, 0.09, 0)])[:n]  # a screening run
            out.append(
                pd.DataFrame(
                    {"replication": range(n), "cost_per_order_eur": [r[0] for r in rows],
                     "late_rate": [r[1] for r in rows], "unfinished_rate": [0.0] * n,
                     "overloaded": [r[2] for r in rows],
                     "picker_utilisation": [0.9] * n, "packer_utilisation": [0.5] * n}
                )
            )  # fmt: skip
        return out

    monkeypatch.setattr(advisor, "_run", run)
    sizings = []
    for name in names:
        variables = [
            staff_range(f"strategies.{name}.{p}", 1, 9, True) for p in ("pickers", "packers")
        ]
        start = next(iter(outcomes[name]))
        sizings.append(Sizing(name, 100.0, variables, Sized(start), config=start))
    return advisor, sizings, asked


def test_the_confirmation_gives_all_its_runs_only_where_they_decide_the_answer(monkeypatch) -> None:
    """Three runs each first; a setting surely missing the target steps one person up at
    once (three runs again); then the best and the runner-up get all five (the answer's
    paired interval reads them), strategies clearly dearer than the runner-up stop at three.
    Here "late", stepped up, is the best: "second" is third and gets no more."""

    def runs(cost, late, spread=0.0, overloaded=(0, 0, 0, 0, 0)):
        return [(cost + spread * k, late + 0.0001 * k, o) for k, o in enumerate(overloaded)]

    outcomes = {
        "best": {(2, 2): runs(10.0, 0.03)},
        "second": {(2, 2): runs(10.5, 0.03)},
        "dear": {(2, 2): runs(12.0, 0.03)},
        "late": {(2, 2): runs(9.0, 0.08), (3, 2): runs(9.5, 0.04)},
        "busy": {(1, 1): runs(11.0, 0.03, overloaded=(0, 1, 0, 0, 0)), (2, 1): runs(11.2, 0.03)},
    }
    advisor, sizings, asked = _two_stage(monkeypatch, outcomes)
    advisor._confirm(sizings)
    total = {}
    for name, config, n in asked:
        total[(name, config)] = max(n, total.get((name, config), 0))
    assert total == {
        ("best", (2, 2)): 5, ("second", (2, 2)): 3, ("dear", (2, 2)): 3,
        ("late", (2, 2)): 3, ("late", (3, 2)): 5,  # stepped up: 9.5 EUR, now the best
        ("busy", (1, 1)): 3, ("busy", (2, 1)): 3,  # its overload named the busiest pool
    }  # fmt: skip
    by = {z.strategy: z for z in sizings}
    assert all(z.feasible for z in sizings)
    assert [len(by[s].confirmed) for s in outcomes] == [5, 3, 3, 5, 3]
    rows = [
        (c["strategy"], c["runs"], c["meets_target"])
        for z in sizings
        for c in z.candidates
        if c["stage"] == "confirm"
    ]
    assert sorted(rows) == sorted(
        [("best", 5, True), ("second", 3, True), ("dear", 3, True), ("late", 3, False),
         ("late", 5, True), ("busy", 3, False), ("busy", 3, True)]
    )  # fmt: skip


def test_a_confirmation_left_open_by_its_first_runs_gets_them_all(monkeypatch) -> None:
    """Late deliveries whose interval straddles the target after three runs: two more runs
    decide (here they settle it under the target); one surely above it after five steps up."""
    outcomes = {
        "near": {(2, 2): [(10.0, x, 0) for x in (0.049, 0.046, 0.051, 0.046, 0.047)]},
        "over": {
            (2, 2): [(9.0, x, 0) for x in (0.048, 0.054, 0.049, 0.055, 0.056)],
            (3, 2): [(9.4, 0.03, 0)] * 5,
        },
    }
    advisor, sizings, asked = _two_stage(monkeypatch, outcomes)
    advisor._confirm(sizings)
    assert ("near", (2, 2), 5) in asked and ("over", (2, 2), 5) in asked
    near, over = sizings
    assert not near.feasible and "late" in near.reason  # 95 % bound of five runs above 5 %
    assert over.feasible and over.config == (3, 2) and over.steps_up == 1


def _chained(monkeypatch, workers: int, fail_at: tuple[str, float] | None = None):
    """Two strategies over two volumes, screening faked (a search ends where it starts:
    the setting it is handed, or the one before scaled) and confirmation runs from tables:
    "a" at 100 straddles the target after three runs, misses it after five and steps up
    in the second stage; returns the sizings and each search's (strategy, volume, start)."""
    from types import SimpleNamespace

    from fcsim.experiment.advice import Sizing
    from fcsim.experiment.advise import Advisor, Settings
    from fcsim.experiment.candidates import Sized, Target, staff_range

    settings = Settings((100.0, 200.0), Target(0.05, 0.005), 5, 1, ("a", "b"))
    pipe = SimpleNamespace(workers=workers, interrupted=lambda: None)
    advisor = Advisor(None, settings, pipe, lambda o: None)  # type: ignore[arg-type]
    over = [(9.0, x, 0) for x in (0.048, 0.054, 0.049, 0.055, 0.056)]
    good = [(10.0, 0.03 + 0.0001 * k, 0) for k in range(5)]
    searched: list[tuple[str, float, tuple[int, ...]]] = []

    def size(strategy, volume, prev, kept=None):
        if (strategy, volume) == fail_at:
            raise ValueError(f"{strategy} broke at {volume}")
        start = (2, 2) if prev is None else (kept if kept is not None else prev.config)
        searched.append((strategy, volume, start))
        variables = [staff_range(f"strategies.{strategy}.{p}", 1, 9, True) for p in "xy"]
        return Sizing(strategy, volume, variables, Sized(start), config=start)

    def run(jobs, verdict=False, replications=None):
        out = []
        for k, (z, config, screen) in enumerate(jobs):
            n = 1 if screen else replications[k]
            if screen:  # the step up's screening: a packer more does not help
                rows = [(10.0, 0.03 if config[0] == 3 else 0.06, 0)]
            else:
                rows = over if (z.strategy, z.volume, config) == ("a", 100.0, (2, 2)) else good
            rows = rows[:n]
            out.append(
                pd.DataFrame(
                    {"replication": range(n), "cost_per_order_eur": [r[0] for r in rows],
                     "late_rate": [r[1] for r in rows], "unfinished_rate": [0.0] * n,
                     "overloaded": [r[2] for r in rows]}
                )
            )  # fmt: skip
        return out

    monkeypatch.setattr(advisor, "_size", size)
    monkeypatch.setattr(advisor, "_run", run)
    monkeypatch.setattr(advisor, "sizing", lambda s, v: SimpleNamespace(variables=[]))
    advisor.__dict__.update(axis=None, cut_short=None)  # no scenario behind this advisor
    return advisor.run(), searched


def test_a_chain_searches_a_volume_again_when_the_second_stage_steps_the_last_one_up(
    monkeypatch,
) -> None:
    """Side by side, a strategy's next search starts from the setting its first stage kept;
    the second stage then stepped it up, so the next volume is searched again from the step:
    every setting is the one a run one volume after the other finds."""
    one, searched_one = _chained(monkeypatch, workers=1)
    two, searched_two = _chained(monkeypatch, workers=2)
    assert [(z.strategy, z.volume, z.config, z.feasible) for z in two] == [
        (z.strategy, z.volume, z.config, z.feasible) for z in one
    ]
    a100, a200 = one[0], one[2]
    assert (a100.config, a100.steps_up, a200.config) == ((3, 2), 1, (3, 2))
    assert ("a", 200.0, (2, 2)) not in searched_one
    assert ("a", 200.0, (2, 2)) in searched_two and ("a", 200.0, (3, 2)) in searched_two
    assert sorted(set(searched_two)) == sorted(set(searched_one) | {("a", 200.0, (2, 2))})


def test_the_next_volume_starts_from_the_last_setting_scaled_to_the_nearest() -> None:
    """The fewest people meeting the target, scaled by the volumes' ratio to the nearest
    headcount (the larger on a tie), within the bounds: a pool of one for a few order lines
    stays at one when the volume grows by a third (rounding up took it to two, and the
    search three or four runs to take it back)."""
    from fcsim.experiment.candidates import staff_range
    from fcsim.experiment.variables import scaled

    pools = [staff_range(f"strategies.s.{p}", 1, 9, True) for p in ("a", "b", "c", "d")]
    at = tuple(v.index_of(n) for v, n in zip(pools, (1, 4, 3, 9), strict=True))
    shown = [v.values[i] for v, i in zip(pools, scaled(pools, at, 4 / 3), strict=True)]
    assert shown == [1, 5, 4, 9]  # 1.33, 5.33, 4 and 12 (above the bound)
    shown = [v.values[i] for v, i in zip(pools, scaled(pools, at, 1.5), strict=True)]
    assert shown == [2, 6, 5, 9]  # 1.5 and 4.5: the larger


def test_an_error_in_one_chain_stops_them_all_and_is_the_one_raised(monkeypatch) -> None:
    """Side by side, a strategy whose search raises stops the others (waiting for a volume
    or about to run) and its own error, not the others' stop, reaches the caller."""
    import time

    t0 = time.monotonic()
    with pytest.raises(ValueError, match="b broke at 200"):
        _chained(monkeypatch, workers=2, fail_at=("b", 200.0))
    assert time.monotonic() - t0 < 5
