"""`fcsim advise` with operating plans: every plan of a node tried, each with its staff sized.

On the small test scenario (its carriers alone make ~7 % of deliveries late, so the target
here is 10 %): at 120 orders a day one 8-hour shift cannot meet the target with at most two
pickers and two packers, two shifts can, and the search picks them; where both plans meet it
the cheaper wins, as brute force over plans x staff says; the plan's keys move the outputs
(supervisors paid per shift hour, the carrier bill); the advised `set` list re-run alone
with `fcsim run` gives the confirmed figures; a bad plan is refused at its line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import SMALL, run_in_process

TARGET = "late_rate<=10%"
FAST = ("--set", "horizon_days=28", "--set", "warmup_days=7")
OWN_ALONE = ["strategies.out=null", "strategies.drop=null", "strategies.hyb=null"]
"""`--set`s of a `fcsim run` of the own warehouse alone (the other strategies removed)."""
TWO_SHIFTS = '[{start: "06:00", end: "14:00"}, {start: "14:00", end: "22:00"}]'
PLANS = (
    f"strategies.own.sizing.plans=[{{name: one shift}}, {{name: two shifts, shifts: {TWO_SHIFTS}}}]"
)
BOUNDS = (
    "--set", "strategies.own.sizing.pickers.max=2",
    "--set", "strategies.own.sizing.packers.max=2",
    "--set", "strategies.own.sizing.receivers.max=1",
)  # fmt: skip


@pytest.fixture(scope="module")
def advised(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("plans") / "out"
    res = run_in_process(
        "advise", SMALL, "--volumes", "120", "--target", TARGET, "-r", "3", "-w", "1",
        "--strategy", "own", *FAST, *BOUNDS, "--set", PLANS, "-o", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "plan two shifts" in res.stdout  # the terminal shows the plan in the sized setting
    return out, json.loads((out / "advice.json").read_text(encoding="utf-8"))


def test_a_plan_that_meets_the_target_wins_over_one_that_cannot(advised) -> None:
    out, doc = advised
    (z,) = doc["sizings"]
    assert z["feasible"], z
    assert z["setting"]["strategies.own.plan"] == "two shifts"
    plan = z["plans"]["strategies.own"]
    assert plan["name"] == "two shifts" and set(plan["sets"]) == {"strategies.own.shifts"}
    table = pd.read_parquet(out / "advice.parquet")
    screened = table[table["stage"] == "screen"]
    assert set(screened["strategies.own.plan"]) == {"one shift", "two shifts"}
    one = screened[screened["strategies.own.plan"] == "one shift"]
    assert not one["meets_target"].any()  # at no headcount within the bounds
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "plan two shifts" in page


def test_the_advised_set_list_rerun_alone_gives_the_confirmed_figures(
    advised, tmp_path: Path
) -> None:
    _, doc = advised
    (z,) = doc["sizings"]
    assert any(s.startswith("strategies.own.shifts=[") for s in z["set"])
    args = ["run", SMALL, "-r", "3", "-w", "1", "--no-report", "-q", *FAST, "-o", tmp_path / "r"]
    for s in ["demand.orders_per_day=120", *z["set"], *OWN_ALONE]:
        args += ["--set", s]
    res = run_in_process(*args)
    assert res.returncode == 0, res.stderr
    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    alone = summary["strategies"]["own"]
    for m in ("cost_per_order_eur", "late_rate"):
        assert alone[m]["mean"] == pytest.approx(z["metrics"][m]["mean"])


def test_where_both_plans_meet_the_target_the_cheaper_wins_as_brute_force_says(
    tmp_path: Path,
) -> None:
    """60 orders a day: one shift and a Saturday shift both meet the target; plans x pickers
    1-3 x packers 1-2 (receivers fixed): 12 candidates, each simulated."""
    from fcsim.experiment.advise import Advisor, Settings, decision_variables
    from fcsim.experiment.candidates import Target
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.pipeline import Execution, Pipeline
    from fcsim.experiment.plan_search import search_plans
    from fcsim.experiment.walks import brute_force

    sat = '[{start: "08:00", end: "16:00", days: [mon, tue, wed, thu, fri, sat]}]'
    sets = [
        "horizon_days=28",
        "warmup_days=7",
        "strategies.own.sizing.pickers.max=3",
        "strategies.own.sizing.packers.max=2",
        "strategies.own.sizing.receivers.max=1",
        f"strategies.own.sizing.plans=[{{name: weekdays}}, {{name: saturday, shifts: {sat}}}]",
    ]
    base = load_scenario(SMALL, sets)
    target = Target(0.10, 0.005)
    settings = Settings((60.0,), target, 2, base.seed, ("own",))
    variables = decision_variables(base, "own")
    assert [v.label for v in variables] == ["plan", "pickers", "packers", "receivers"]
    with Pipeline(Execution(workers=1, out=tmp_path / "store")) as pipe:
        advisor = Advisor(base, settings, pipe, lambda o: load_scenario(SMALL, [*sets, *o]))
        sizing = advisor.sizing("own", 60.0)
        ev = advisor.evaluator(sizing)
        best = brute_force(sizing.variables, ev, target, settings.margin)
        assert best is not None
        for start in ((0, 0, 0, 0), (1, 2, 1, 0)):
            found = search_plans(sizing.variables, ev, target, start, settings.margin)
            assert found.best == best
    rows = pd.DataFrame(sizing.candidates)
    feasible = rows[rows["meets_target"]]
    assert set(feasible["strategies.own.plan"]) == {"weekdays", "saturday"}  # both can
    cheapest = feasible.sort_values("cost_per_order_eur").iloc[0]
    assert cheapest["strategies.own.plan"] == sizing.variables[0].plans[best[0]].name


def _run_own(tmp: Path, name: str, sets: list[str]) -> dict:
    out = tmp / name
    args = ["run", SMALL, "-r", "2", "-w", "1", "--no-report", "-q", *FAST, "-o", out]
    for s in [*sets, *OWN_ALONE]:
        args += ["--set", s]
    res = run_in_process(*args)
    assert res.returncode == 0, res.stderr
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["strategies"]["own"]


def test_a_plans_keys_move_the_carrier_bill_and_the_supervisors(tmp_path: Path) -> None:
    """The own warehouse ships with both carriers as written; a plan with colissimo alone
    changes the carrier bill, a plan with two shifts pays supervisors twice the hours."""
    from fcsim.experiment.advise import decision_variables
    from fcsim.experiment.loading import load_scenario

    both = "strategies.own.carriers=[colissimo, intl]"
    plans = (
        "strategies.own.sizing.plans=[{name: both carriers}, "
        f"{{name: one carrier, carriers: [colissimo]}}, {{name: two shifts, shifts: {TWO_SHIFTS}}}]"
    )
    (plan,) = [v for v in decision_variables(load_scenario(SMALL, [both, plans]), "own") if v.plan]
    runs = {
        p.name: _run_own(tmp_path, f"p{i}", [both, *(f"{k}={x}" for k, x in plan.sets(i).items())])
        for i, p in enumerate(plan.plans)
    }
    ship = {k: r["cost_per_order_shipping_eur"]["mean"] for k, r in runs.items()}
    assert ship["one carrier"] != pytest.approx(ship["both carriers"], rel=1e-3)
    sup = {k: r["cost_supervision_eur"]["mean"] for k, r in runs.items()}
    assert sup["two shifts"] == pytest.approx(2 * sup["both carriers"], rel=0.02)


BAD = """\
extends: {small}
strategies:
  own:
    sizing:
      plans:
        - {{name: one shift}}
        - name: late
          shifts: [{{start: "25:00", end: "16:00"}}]
        - {{name: elsewhere, carriers: [colisimo]}}
        - {{name: late, colour: red}}
"""


def test_a_bad_plan_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD.format(small=SMALL), encoding="utf-8")
    res = run_in_process("advise", path, "--volumes", "60", "-o", tmp_path / "out")
    assert res.returncode == 2
    assert f"{path}:8:28: strategies.own.sizing.plans[1].shifts[0].start:" in res.stderr
    assert f"{path}:10:24: strategies.own.sizing.plans[3].colour: unknown key" in res.stderr
    assert not (tmp_path / "out").exists()
    path.write_text(
        BAD.format(small=SMALL)
        .rsplit("        - {name: late, colour", 1)[0]
        .replace("25:00", "08:00"),
        encoding="utf-8",
    )
    res = run_in_process("advise", path, "--volumes", "60", "-o", tmp_path / "out")
    assert res.returncode == 2
    assert (
        f"{path}:9:40: strategies.own.sizing.plans[2].carriers[0]: no carrier named 'colisimo'"
        in res.stderr
    )


def test_a_set_of_a_key_a_plan_sets_is_refused(tmp_path: Path) -> None:
    res = run_in_process(
        "advise", SMALL, "--volumes", "60", "--set", PLANS,
        "--set", 'strategies.own.shifts=[{start: "07:00", end: "15:00"}]', "-o", tmp_path / "o",
    )  # fmt: skip
    assert res.returncode == 2
    assert "strategies.own.shifts is also set by sizing of own" in res.stderr
    assert not (tmp_path / "o").exists()
