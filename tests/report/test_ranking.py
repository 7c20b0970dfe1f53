"""Statistically honest highlighting: a cell is marked best, and a glance card crowns a strategy,
only when its paired interval against every other strategy excludes zero in the better
direction and the strategy could keep up; otherwise "not separable" or a banner says why."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from fcsim.experiment.stats import paired, summarise
from fcsim.report.files import ReportData
from fcsim.report.glance import cards
from fcsim.report.html import render, summary_table_html
from fcsim.report.metrics import shown
from fcsim.report.ranking import BEST, NOT_SEPARABLE, OVERLOADED, Pairs, rank

COST = shown("cost_per_order_eur")
ORDERS = shown("orders")


def _runs(costs: dict[str, list[float]]) -> pd.DataFrame:
    """One row per strategy and replication: cost per order as given, the rest alike."""
    rows = []
    for s, values in costs.items():
        for rep, v in enumerate(values):
            rows.append(
                {
                    "strategy": s,
                    "replication": rep,
                    "seed": rep,
                    "cost_per_order_eur": v,
                    "orders": 1000.0 + 10 * rep + (50 if s == "b" else 0),
                    "late_rate": 0.05 + 0.001 * rep,
                    "order_to_delivery_h_mean": 50.0 + rep,
                    "overloaded": 0.0,
                }
            )
    return pd.DataFrame(rows)


def _doc(runs: pd.DataFrame, reference: str = "a", overloaded: dict | None = None) -> dict:
    """A summary document as `fcsim run` writes it (the parts the report reads)."""
    return {
        "scenario": "s",
        "description": "",
        "seed": 1,
        "replications": int(runs["replication"].nunique()),
        "horizon_days": 30,
        "warmup_days": 2,
        "reference_strategy": reference,
        "strategies": summarise(runs),
        "paired": {"reference": reference, "differences": paired(runs, reference)},
        "overloaded": overloaded or {},
    }


def _cost_row(doc: dict, runs: pd.DataFrame) -> list[str]:
    """The class of each cell of the cost row of the summary table ('' when unmarked)."""
    table = summary_table_html(doc, runs, (COST,))
    (row,) = re.findall(r"<tr><th scope=row>Cost per order.*?</tr>", table)
    return [c.strip() for c in re.findall(r"<td(?: class=(\w+))?>", row)]


def _card(doc: dict, runs: pd.DataFrame, question: str = "Cheapest"):
    return next(c for c in cards(doc, runs) if c.question == question)


def test_a_best_inside_the_others_intervals_gets_no_mark() -> None:
    # a is cheapest on average, but a − b swings both ways from one replication to the next
    runs = _runs({"a": [10.0, 12.0, 11.0], "b": [11.0, 11.5, 11.2], "c": [20.0, 21.0, 20.5]})
    doc = _doc(runs)
    assert doc["strategies"]["a"]["cost_per_order_eur"]["mean"] < 11.2  # lowest mean
    assert _cost_row(doc, runs) == ["open", "", ""]
    table = summary_table_html(doc, runs, (COST,))
    assert "class=best" not in table and "not separable" in table
    card = _card(doc, runs)
    assert card.winner is None and card.status == NOT_SEPARABLE
    assert (card.leader, card.other) == ("a", "b")
    page = render(ReportData(doc, runs, pd.DataFrame()))
    assert "No clear winner" in page and "not separable from <b>b</b>" in page


def test_an_overloaded_strategy_with_the_lowest_cost_gets_no_crown_and_a_banner() -> None:
    runs = _runs({"a": [15.0, 15.2, 15.1], "b": [9.0, 9.1, 9.05], "c": [20.0, 21.0, 20.5]})
    reasons = ["3.1 % of orders not shipped by the end", "pickers busy 99 % of their time"]
    doc = _doc(runs, overloaded={"b": {"share_of_runs": 1.0, "reasons": reasons}})
    assert _cost_row(doc, runs) == ["", "open", ""]
    card = _card(doc, runs)
    assert card.winner is None and card.status == OVERLOADED and card.leader == "b"
    page = render(ReportData(doc, runs, pd.DataFrame()))
    banner = re.search(r'<div class="warning overloaded".*?</div>', page, re.S)
    assert banner, "no banner naming the overloaded strategy"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", banner.group(0)))
    assert f"b could not keep up (in 100 % of the runs): {'; '.join(reasons)}" in text
    assert "size it before comparing" in text
    assert page.index("warning overloaded") < page.index('id="glance"')  # at the top
    cheapest = page[page.index("Cheapest") :].split('<div class="card', 1)[0]
    assert "No clear winner" in cheapest and '<div class="a">b</div>' not in cheapest
    assert "could not keep up" in table_header(doc, runs)


def table_header(doc: dict, runs: pd.DataFrame) -> str:
    return summary_table_html(doc, runs, (COST,)).split("</thead>")[0]


def test_a_clearly_separated_feasible_best_gets_its_mark_and_its_crown() -> None:
    runs = _runs({"a": [15.0, 15.4, 15.1], "b": [12.0, 12.5, 12.1], "c": [20.0, 21.0, 20.5]})
    doc = _doc(runs)
    assert _cost_row(doc, runs) == ["", "best", ""]
    card = _card(doc, runs)
    assert (card.winner, card.status, card.other) == ("b", BEST, "a")
    page = render(ReportData(doc, runs, pd.DataFrame()))
    assert '<div class="a">b</div>' in page
    assert "A clear difference</span>: paired by replication" in page
    assert "<td class=best>" in page and "best, paired</small>" in page
    assert "warning overloaded" not in page


def test_pairs_without_the_reference_come_from_the_runs_by_replication() -> None:
    # against the reference a, b and c are both clearly cheaper; b − c only the runs can tell
    runs = _runs({"a": [30.0, 31.0, 30.5], "b": [10.0, 14.0, 12.0], "c": [10.5, 14.4, 12.6]})
    doc = _doc(runs)
    pairs = Pairs.of(doc, runs)
    d = pairs.diff("b", "c", "cost_per_order_eur")
    assert d is not None and d.mean == pytest.approx(-0.5)
    assert d.ci_high is not None and d.ci_high < 0  # paired: clearly cheaper
    ref = pairs.diff("a", "b", "cost_per_order_eur")  # the reference's side, from summary.json
    assert ref is not None and ref.mean == pytest.approx(18.5)
    assert _cost_row(doc, runs) == ["", "best", ""]
    unpaired = runs.assign(replication=np.where(runs["strategy"] == "c", 9, runs["replication"]))
    assert Pairs(unpaired).diff("b", "c", "cost_per_order_eur") is None  # nothing to pair


def test_metrics_whose_better_direction_is_neither_are_never_marked() -> None:
    runs = _runs({"a": [15.0, 15.4, 15.1], "b": [12.0, 12.5, 12.1]})
    doc = _doc(runs)
    means = {s: doc["strategies"][s]["orders"]["mean"] for s in ("a", "b")}
    assert rank(means, "orders", ORDERS.lower_is_better, Pairs.of(doc, runs)).status is None
    table = summary_table_html(doc, runs, (ORDERS,))
    assert "class=" not in table.split("<tbody>")[1]


def test_a_sweep_point_marks_only_a_separated_feasible_best() -> None:
    from fcsim.report.sweep import point_table_html

    near = _runs({"a": [10.0, 12.0, 11.0], "b": [11.0, 11.5, 11.2]}).assign(x=1)
    clear = _runs({"a": [15.0, 15.4, 15.1], "b": [12.0, 12.5, 12.1]}).assign(x=2)
    overloaded = clear.assign(x=3, overloaded=np.where(clear["strategy"] == "b", 1.0, 0.0))
    runs = pd.concat([near, clear, overloaded], ignore_index=True)
    table = point_table_html(runs, ["x"], ["a", "b"])
    points = table.split('rowspan="2">')[1:]
    costs = [re.findall(r"<td(?: class=(best|open))?>", p) for p in points]  # not the names
    assert [c[0::3] for c in costs] == [["open", ""], ["", "best"], ["", "open"]]
    assert "could not keep up" in points[2]


def test_a_feasible_strategy_tied_with_an_overloaded_leader_is_tagged_not_separable() -> None:
    runs = _runs({"a": [10.0, 10.0, 10.0], "b": [10.0, 10.0, 10.0], "c": [20.0, 21.0, 20.5]})
    doc = _doc(runs, overloaded={"a": {"share_of_runs": 1.0, "reasons": ["x"]}})
    row = summary_table_html(doc, runs, (COST,)).split("<tbody>")[1]
    assert "10.00 ± 0<small>could not keep up</small>" in row  # a
    assert "10.00 ± 0<small>not separable</small>" in row  # b, tied with it


def test_a_strategy_missing_the_service_target_is_never_crowned() -> None:
    """b is clearly the cheapest, but its late deliveries run above the scenario's target: the
    cost cell is not marked, the card names no winner and says why, the banner names it."""
    from fcsim.experiment.results import missed_target

    runs = _runs({"a": [15.0, 15.4, 15.1], "b": [12.0, 12.5, 12.1], "c": [20.0, 21.0, 20.5]})
    runs.loc[runs["strategy"] == "b", "late_rate"] = [0.09, 0.10, 0.11]
    doc = _doc(runs)
    doc["service_target"] = {"late_rate": 0.08, "unfinished_rate": 0.005}
    doc["missed_target"] = missed_target(doc["strategies"], 0.08, 0.005)
    assert list(doc["missed_target"]) == ["b"]
    assert "late deliveries up to" in doc["missed_target"]["b"][0]
    assert _cost_row(doc, runs) == ["", "open", ""]
    assert "misses the target</small>" in summary_table_html(doc, runs, (COST,))
    card = _card(doc, runs)
    assert card.winner is None and card.why == "misses the target"
    page = render(ReportData(doc, runs, pd.DataFrame()))
    assert "misses the service target" in page
    assert "<td class=best>" not in page.split('id="summary"')[1].split("Cost per order")[1][:300]
