"""The selection of the best, precision and warm-up in words: the glance cards say what the
selection finds, and why when it differs from the card's verdict; the lines after the table."""

from __future__ import annotations

import pandas as pd

from fcsim.experiment.results import overloaded
from fcsim.experiment.selection import excluded_strategies, selection_block
from fcsim.experiment.stats import paired, summarise
from fcsim.report.glance import cards, glance_html
from fcsim.report.selection import DIFFERENT, result_notes, statement


def _runs(costs: dict[str, list[float]], overloaded_one: str | None = None) -> pd.DataFrame:
    rows = []
    for s, values in costs.items():
        for rep, v in enumerate(values):
            rows.append(
                {
                    "strategy": s,
                    "replication": rep,
                    "cost_per_order_eur": v,
                    "late_rate": 0.02,
                    "order_to_delivery_h_mean": 50.0,
                    "overloaded": float(s == overloaded_one),
                }
            )
    return pd.DataFrame(rows)


def _doc(runs: pd.DataFrame) -> dict:
    over = overloaded(runs)
    return {
        "replications": int(runs["replication"].nunique()),
        "strategies": summarise(runs),
        "paired": {"reference": "a", "differences": paired(runs, "a")},
        "overloaded": over,
        "selection": selection_block(runs, excluded_strategies(over, {})),
    }


def test_the_card_and_the_selection_agree() -> None:
    runs = _runs({"a": [10.0, 10.2, 10.1, 10.3], "b": [11.0, 11.3, 11.1, 11.2]})
    (cost,) = [c for c in cards(_doc(runs), runs) if c.question == "Cheapest"]
    assert cost.winner == "a" and not cost.differs
    assert cost.selection == (
        "a is the cheapest with probability ≥ 95 % for an indifference zone of 0.10 EUR/order "
        "(4 replications)"
    )


def test_an_overloaded_leader_is_left_out_and_the_page_says_why_they_differ() -> None:
    runs = _runs(
        {"a": [9.0, 9.1, 9.2, 9.0], "b": [10.0, 10.2, 10.1, 10.3], "c": [11.0, 11.3, 11.1, 11.2]},
        overloaded_one="a",
    )
    doc = _doc(runs)
    (cost,) = [c for c in cards(doc, runs) if c.question == "Cheapest"]
    assert cost.winner is None  # the ranking crowns no one: the best mean could not keep up
    assert cost.differs
    assert cost.selection is not None and cost.selection.startswith("b is the cheapest")
    assert cost.selection.endswith("left out: a (could not keep up)")
    page = str(glance_html(cards(doc, runs), 4))
    assert "Selection of the best: b is the cheapest" in page
    assert "measure different things" in page and DIFFERENT[-40:] in page


def test_statements() -> None:
    entry = {
        "confidence": 0.9,
        "unit": "share",
        "indifference": 0.005,
        "replications": 7,
        "candidates": ["x", "y", "z"],
        "subset": ["x", "y"],
        "selected": None,
        "excluded": {},
    }
    assert statement("late_rate", entry) == (
        "x and y cannot be separated as the most reliable (fewest late deliveries) at 90 % for "
        "an indifference zone of 0.5 points (7 replications)"
    )
    assert statement("cost_per_order_eur", entry | {"candidates": [], "excluded": {"x": "m"}}) == (
        "no strategy can be selected as the cheapest: every one is left out; left out: x (m)"
    )


def test_result_notes() -> None:
    doc = {
        "precision": {
            "targets": {"cost_per_order_eur": {"text": "cost_per_order_eur=1%"}},
            "replications": 9,
            "met": False,
            "stopped": "maximum replications reached",
            "missed": [
                {"strategy": "a", "metric": "cost_per_order_eur", "half_width": 0.2, "bound": 0.1}
            ],
        },
        "warmup": {"warnings": ["warmup_days is 7 but ..."]},
    }
    assert result_notes(doc) == [
        "warning: replications stopped at the maximum, 9, before the precision asked "
        "(cost_per_order_eur=1%) was met: a cost_per_order_eur ± 0.2 > 0.1",
        "warning: warmup_days is 7 but ...",
    ]


def test_the_only_strategy_left_is_said_once() -> None:
    only = {"candidates": ["a"], "subset": ["a"], "selected": "a", "excluded": {"b": "misses"}}
    two = {"candidates": ["a", "c"], "subset": ["a"], "selected": "a", "replications": 5}
    doc = {"selection": {"metrics": {"cost_per_order_eur": only, "late_rate": only, "x": two}}}
    notes = result_notes(doc)
    assert notes[0] == "selection: a is the only strategy left to select from; left out: b (misses)"
    assert len(notes) == 2 and notes[1].startswith("selection: a is the best on x")
