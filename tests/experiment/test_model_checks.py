"""Scenario checks that need the model: a provider must not be sent goods it refuses (D15).

They run after the scenario layer's own checks (`fcsim.experiment.loading`), over every SKU,
zone and day of the year, and point at the `refuses` key like any other problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.cli import main
from fcsim.core.errors import ScenarioError
from fcsim.experiment.loading import load_scenario
from fcsim.scenario.load import load_scenario as load_without_model_checks

from conftest import SMALL

REFUSING = ["catalogue.categories.1.restrictions=[alcohol]"]  # shoes; a 3PL refuses alcohol


def test_a_3pl_sent_goods_it_refuses_is_reported_at_its_refuses_key() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(SMALL, REFUSING)
    problems = {p.path: p for p in caught.value.problems}
    assert set(problems) == {"strategies.out.refuses", "strategies.hyb.nodes.b.refuses"}
    assert "shoes (alcohol)" in problems["strategies.out.refuses"].message
    mark = problems["strategies.hyb.nodes.b.refuses"].mark  # the node's line in the file
    assert mark is not None and mark.source.endswith("small.yaml") and mark.line == 46
    # the scenario layer alone does not know the catalogue's routing: the model checks it
    load_without_model_checks(SMALL, REFUSING)


def test_a_hybrid_that_routes_the_refused_goods_elsewhere_passes() -> None:
    hybrid_ok = [
        *REFUSING,
        "strategies.hyb.routing={policy: category, assign: {tops: b, shoes: a}, default: a}",
        "strategies.out.refuses=[]",
    ]
    load_scenario(SMALL, hybrid_ok)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(SMALL, [*REFUSING, "strategies.out.refuses=[]"])  # ABC sends shoes to b
    assert [p.path for p in caught.value.problems] == ["strategies.hyb.nodes.b.refuses"]


def test_whole_orders_may_send_any_category_where_their_line_rule_reaches() -> None:
    # by line, shoes never reach b; with whole orders, a pair of shoes in an order of tops can
    line_rule = "{policy: category, assign: {tops: b, shoes: a}, default: a}"
    base = [*REFUSING, "strategies.out.refuses=[]"]
    load_scenario(SMALL, [*base, f"strategies.hyb.routing={line_rule}"])
    with pytest.raises(ScenarioError) as caught:
        load_scenario(
            SMALL, [*base, f"strategies.hyb.routing={{policy: order, lines: {line_rule}}}"]
        )
    assert [p.path for p in caught.value.problems] == ["strategies.hyb.nodes.b.refuses"]


def test_a_fallback_may_send_any_stocked_category_to_another_warehouse() -> None:
    # by category, shoes go to a only; with fallback a parcel of shoes may go on to b
    rule = "policy: category, assign: {tops: b, shoes: a}, default: a"
    base = [*REFUSING, "strategies.out.refuses=[]"]
    with pytest.raises(ScenarioError) as caught:
        load_scenario(SMALL, [*base, f"strategies.hyb.routing={{{rule}, fallback: true}}"])
    assert [p.path for p in caught.value.problems] == ["strategies.hyb.nodes.b.refuses"]


def test_validate_reports_it_with_exit_2(capsys, tmp_path: Path) -> None:
    args = ["validate", str(SMALL)] + [a for s in REFUSING for a in ("--set", s)]
    assert main(args) == 2
    assert "strategies.out.refuses" in capsys.readouterr().err


def test_a_large_catalogue_is_checked_in_bounded_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import tracemalloc

    from fcsim.experiment import loading

    sc = load_without_model_checks(SMALL, [*REFUSING, "catalogue.skus=20000"])
    tracemalloc.start()
    try:
        sliced = loading.reachable_categories(sc, "hyb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100e6, peak  # all 7.3 million lines at once took 480 MB
    assert sliced == {"a": {"tops", "shoes"}, "b": {"tops", "shoes"}, "c": {"tops", "shoes"}}
    for lines in (1, 10**12):  # one SKU a slice, or all at once: the same answer
        monkeypatch.setattr(loading, "CHECK_LINES", lines)
        assert loading.reachable_categories(sc, "hyb") == sliced
