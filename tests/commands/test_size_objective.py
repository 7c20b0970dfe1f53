"""`fcsim size --objective` with `--break-even`: the break-even on the objective's metric, the
usage errors of options that do not go together (exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SMALL, run_in_process

SEARCH = ("size", str(SMALL), "--key", "demand.orders_per_day", "--range", "10:210")
# a dearer 3PL pick & pack fee: the own warehouse's fixed costs pay from ~170 orders a day
QUICK = ("--step", "40", "--set", "horizon_days=21", "--set",
         "strategies.out.fees.pick_pack_first_item_eur=6", "-r", "2", "-w", "1", "-q")  # fmt: skip


def test_break_even_on_the_objective_metric(tmp_path: Path) -> None:
    docs = {}
    for objective, extra in (("cost", ()), ("profit", ("--metric", "profit_per_order_eur"))):
        out = tmp_path / objective
        res = run_in_process(
            *SEARCH, "--break-even", "own,out", "--objective", objective, *extra, *QUICK,
            "-o", out,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        docs[objective] = json.loads((out / "size.json").read_text(encoding="utf-8"))
        assert f"objective: {objective} per order compared" in res.stdout
    cost, profit = docs["cost"], docs["profit"]
    assert (cost["objective"], profit["objective"]) == ("cost", "profit")
    assert "cost the same (cost_per_order_eur)" in cost["question"]
    assert "make the same profit (profit_per_order_eur)" in profit["question"]
    # the points compare the objective's metric, own minus out
    for doc, metric in ((cost, "cost_per_order_eur"), (profit, "profit_per_order_eur")):
        for p in doc["points"]:
            assert set(p["strategies"]["own"]) == {metric}
            own, out = (
                p["strategies"]["own"][metric]["mean"],
                p["strategies"]["out"][metric]["mean"],
            )
            assert p["difference"]["mean"] == pytest.approx(own - out)
    assert "own becomes cheaper than out" in cost["answer"]["text"]
    assert "own becomes more profitable than out" in profit["answer"]["text"]
    # the same orders and (nearly) the same units kept at both strategies: the profit per
    # order is the margin per order less the cost per order, so both break even together
    assert cost["answer"]["found"] and profit["answer"]["found"]
    assert cost["answer"]["bracket"] == profit["answer"]["bracket"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--objective", "profit", "--minimise", "cost_per_order_eur"),
         ("--objective profit and --minimise cost_per_order_eur: give one",)),
        (("--objective", "profit", "--smallest", "late_rate<=0.1"),
         ("--smallest answers a condition", '--subject-to "late_rate<=0.1"')),
        (("--objective", "cost", "--largest", "late_rate<=0.1"),
         ("--largest answers a condition",)),
        (("--objective", "profit", "--break-even", "own,out", "--metric", "cost_per_order_eur"),
         ("--metric cost_per_order_eur: conflicts with --objective profit",
          "compares profit_per_order_eur")),
        (("--objective", "cost", "--metric", "cost_per_order_eur"),
         ("goes with --break-even only",)),
        ((), ("one of --smallest, --largest, --break-even, --minimise or --objective",)),
    ],
)  # fmt: skip
def test_options_that_do_not_go_together_are_refused(
    tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    res = run_in_process(*SEARCH, *args, *QUICK, "-o", tmp_path / "sz", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    for fragment in fragments:
        assert fragment in res.stderr, res.stderr
    assert not any(tmp_path.iterdir())  # nothing written
