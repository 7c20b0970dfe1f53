"""`fcsim advise --objective profit`: the answers by profit per order (the best, the paired
difference to the runner-up and the break-evens read profit), the same choice as the cost
objective when revenue does not depend on the setting, and the objective recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fcsim.experiment.advice import OBJECTIVES, Sizing, answers, break_evens, cheapest
from fcsim.experiment.advise import trial_of
from fcsim.experiment.candidates import Sized

from conftest import SMALL, run_in_process


def _sized(s: str, v: float, cost: list[float], profit: list[float]) -> Sizing:
    runs = pd.DataFrame(
        {
            "replication": range(3),
            "cost_per_order_eur": cost,
            "profit_per_order_eur": profit,
            "late_rate": 0.01,
            "unfinished_rate": 0.0,
            "overloaded": 0.0,
        }
    )
    return Sizing(s, v, [], Sized(()), (), runs, True)


def test_profit_picks_the_most_profitable_not_the_cheapest() -> None:
    # a is cheaper (10 against 12 EUR/order) but b earns more per order (its faster service
    # sells dearer baskets): the objectives disagree, and each says so with its own difference
    a = _sized("a", 100.0, [10.0, 10.1, 9.9], [3.0, 3.1, 2.9])
    b = _sized("b", 100.0, [12.0, 12.1, 11.9], [5.0, 5.3, 4.7])
    by_cost = cheapest([a, b], 100.0)
    by_profit = cheapest([a, b], 100.0, OBJECTIVES["profit"])
    assert (by_cost["cheapest"], by_cost["runner_up"]) == ("a", "b")
    assert by_cost["difference_eur"]["mean"] == pytest.approx(2.0)  # b costs 2 more
    assert (by_profit["cheapest"], by_profit["runner_up"]) == ("b", "a")
    assert by_profit["difference_eur"]["mean"] == pytest.approx(2.0)  # b earns 2 more
    assert by_profit["objective"] == "profit" and by_profit["separable"]
    assert by_profit["profit_per_order_eur"]["mean"] == pytest.approx(5.0)
    assert answers([a, b], [100.0], OBJECTIVES["profit"])["objective"] == "profit"
    # the search minimises the trial's `cost`: minus the profit with the profit objective
    assert trial_of((), b.confirmed, OBJECTIVES["profit"]).cost == pytest.approx(-5.0)
    assert trial_of((), b.confirmed).cost == pytest.approx(12.0)


def test_profit_break_even_from_the_profit_curves() -> None:
    # profit: a earns 5 throughout, b rises from 3 to 7: b overtakes a at 200 orders a day,
    # while b stays the dearer per order (no cost break-even)
    vols = [100.0, 200.0, 300.0]
    noise = [-0.1, 0.0, 0.1]
    a = [_sized("a", v, [10 + e for e in noise], [5 + e for e in noise]) for v in vols]
    b = [
        _sized("b", v, [12 + e for e in noise], [1 + 0.02 * v + 2 * e for e in noise]) for v in vols
    ]
    (be,) = break_evens(a + b, vols, OBJECTIVES["profit"])
    assert (be.below, be.above) == ("a", "b")
    assert be.volume == pytest.approx(200.0)
    assert break_evens(a + b, vols) == []  # a is the cheapest at every volume


@pytest.mark.slow
def test_profit_and_cost_agree_when_revenue_does_not_depend_on_the_setting(
    tmp_path: Path,
) -> None:
    # no customer base and no lost sales at own or out: the same orders and revenue whatever
    # the headcounts, so profit per order = revenue per order - cost per order, and the two
    # objectives choose the same settings and the same strategy
    docs = {}
    for objective in ("cost", "profit"):
        out = tmp_path / objective
        res = run_in_process(
            "advise", SMALL, "--volumes", "60", "--target", "late_rate<=30%",
            "--strategy", "own", "--strategy", "out", "-r", "2", "-w", "1",
            "--set", "horizon_days=21", "--objective", objective, "-o", out,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        assert f"Objective: the {'highest profit' if objective == 'profit' else 'lowest cost'}" in (
            res.stdout
        )
        docs[objective] = json.loads((out / "advice.json").read_text(encoding="utf-8"))
    cost, profit = docs["cost"], docs["profit"]
    assert (cost["objective"], profit["objective"]) == ("cost", "profit")
    assert profit["answers"]["objective"] == "profit"
    assert [z["setting"] for z in cost["sizings"]] == [z["setting"] for z in profit["sizings"]]
    (c,), (p,) = cost["answers"]["per_volume"], profit["answers"]["per_volume"]
    assert c["cheapest"] == p["cheapest"] and c["runner_up"] == p["runner_up"]
    assert p["difference_eur"]["mean"] == pytest.approx(c["difference_eur"]["mean"])
    page = (tmp_path / "profit" / "index.html").read_text("utf-8")
    assert "profit per order (EUR)" in page and "Profit per order against volume" in page


def test_size_objective_profit_agrees_with_cost_and_is_recorded(tmp_path: Path) -> None:
    # own warehouse pickers 1..4 under a late-rate condition: the same orders and revenue at
    # every headcount, so the highest profit per order is at the lowest cost per order
    answers = {}
    for objective in ("cost", "profit"):
        out = tmp_path / objective
        res = run_in_process(
            "size", SMALL, "--key", "strategies.own.pickers", "--range", "1:4",
            "--objective", objective, "--subject-to", "late_rate<=0.3", "--strategy", "own",
            "--set", "horizon_days=21", "-r", "2", "-w", "1", "-o", out,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        word = "highest profit" if objective == "profit" else "lowest cost"
        assert f"objective: {word} per order" in res.stdout
        doc = json.loads((out / "size.json").read_text(encoding="utf-8"))
        assert doc["objective"] == objective
        answers[objective] = doc
    cost, profit = answers["cost"], answers["profit"]
    assert "maximising profit_per_order_eur" in profit["question"]
    assert cost["answer"]["value"] == profit["answer"]["value"] == 2
    # the profit at each point is the margin per order less the cost per order
    for c, p in zip(cost["points"], profit["points"], strict=True):
        m = p["strategies"]["own"]["profit_per_order_eur"]["mean"]
        k = c["strategies"]["own"]["cost_per_order_eur"]["mean"]
        assert m + k == pytest.approx(
            profit["points"][0]["strategies"]["own"]["profit_per_order_eur"]["mean"]
            + cost["points"][0]["strategies"]["own"]["cost_per_order_eur"]["mean"]
        )


@pytest.mark.slow
def test_lost_sales_make_the_cheapest_not_the_most_profitable(tmp_path: Path) -> None:
    # a dropship supplier out of stock for 40 % of lines ships less per order (lower cost per
    # order: the cheapest) but loses those sales' margin: the 3PL is the most profitable
    best = {}
    for objective in ("cost", "profit"):
        out = tmp_path / objective
        res = run_in_process(
            "advise", SMALL, "--volumes", "60", "--target", "late_rate<=30%",
            "--strategy", "out", "--strategy", "drop", "-r", "2", "-w", "1",
            "--set", "horizon_days=21", "--set", "strategies.drop.stock_availability=0.6",
            "--objective", objective, "-o", out,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        doc = json.loads((out / "advice.json").read_text(encoding="utf-8"))
        (best[objective],) = doc["answers"]["per_volume"]
    assert best["cost"]["cheapest"] == "drop"
    assert best["profit"]["cheapest"] == "out" and best["profit"]["separable"]
    drop_cost = best["cost"]["cost_per_order_eur"]["mean"]
    assert drop_cost < best["profit"]["cost_per_order_eur"]["mean"]  # out costs more per order
