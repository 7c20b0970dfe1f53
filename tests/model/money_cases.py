"""Tiny scenarios for the money, carrier-terms and dropship tests (helpers, no tests here).

Built on the hand-case scenario of `test_hand_cases.py` (one SKU at 30 EUR incl. VAT, cost
10 EUR, one carrier at 8.40 EUR, Monday 2026-01-05 is day 0), with the node, the category,
the destinations and other sections replaced where a test needs it.
"""

from __future__ import annotations

from typing import Any

from fcsim.model.accounting.kpis import Evaluation, evaluate
from fcsim.model.catalogue import build_catalogue
from fcsim.scenario.schema.scenario import Scenario
from tests.model.test_hand_cases import run, scenario


def variant(
    node: dict[str, Any] | None = None,
    *,
    dropship: bool = False,
    category: dict[str, Any] | None = None,
    carrier: dict[str, Any] | None = None,
    **sections: Any,
) -> Scenario:
    """The hand scenario with its node (a dropship supplier with `dropship`), its category,
    its carrier and top-level sections (`destinations=...`, `customers=...`) changed."""
    data = scenario(carrier=carrier).model_dump(exclude_none=True)
    if dropship:
        data["strategies"] = {
            "own": {"kind": "dropship", "carriers": ["post"], "defect_rate": 0.0, **(node or {})}
        }
    else:
        data["strategies"]["own"].update(node or {})
    data["catalogue"]["categories"][0].update(category or {})
    data.update(sections)
    sc = Scenario.model_validate(data)
    assert not sc.problems(), sc.problems()
    return sc


def evaluated(sc: Scenario, times: list[float]) -> tuple[Any, Evaluation]:
    """Run `sc`'s strategy on one-unit orders at `times`; (the run, its evaluation)."""
    r, orders, streams = run(sc, times)
    cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
    return r, evaluate(sc, "own", r, orders, cat, streams)


def total(ev: Evaluation, category: str) -> float:
    """A ledger category summed over every simulated day."""
    return float(ev.ledger.by_category[category].sum())
