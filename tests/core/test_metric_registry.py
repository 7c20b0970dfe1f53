"""The metric registry: every name resolves, families expand and parse, unknown names are refused,
better directions and kinds of known metrics, and docs/metrics.md lists what is registered."""

from __future__ import annotations

import re

import pytest

from fcsim.core import metrics as registry
from fcsim.core.metrics import (
    COST,
    COST_CATEGORIES,
    COST_PER_ORDER,
    FAMILIES,
    LATE_CAUSES,
    METRICS,
    NAMES,
    STAFF_POOLS,
    UTILISATION,
    cost_category,
    is_metric,
    is_rate,
    metric,
    staff_pool,
    undeclared,
)

from conftest import ROOT


def test_every_name_resolves_to_its_own_declaration() -> None:
    assert len(NAMES) == len(set(NAMES))
    for name in NAMES:
        m = metric(name)
        assert m.name == name
        assert m.label and m.group
        assert m.better in ("lower", "higher", "neither"), name
        assert m.kind in ("eur", "hours", "rate", "count", "number"), name
    labels = [metric(n).label for n in NAMES]
    assert len(labels) == len(set(labels)), "two metrics share a label"


def test_families_have_one_metric_per_member() -> None:
    n_cat, n_pool, n_cause = len(COST_CATEGORIES), len(STAFF_POOLS), len(LATE_CAUSES)
    assert len(NAMES) == len(METRICS) + 2 * n_cat + n_pool + 2 * n_cause
    for c in COST_CATEGORIES:
        total, per_order = metric(f"cost_{c.name}_eur"), metric(f"cost_per_order_{c.name}_eur")
        for m in (total, per_order):
            assert (m.unit, m.kind, m.better, m.group) == ("EUR", "eur", "lower", "cost")
        assert total.label == f"{c.label} (EUR)"
        assert per_order.label == f"{c.label} per order (EUR)"
    assert metric("picker_utilisation").label == "Picker utilisation"
    assert metric("dock_utilisation").is_rate
    assert metric("dock_utilisation").lower_is_better is None
    assert metric("late_cause_stock_rate").label == "Late: Waiting for stock"
    assert metric("late_cause_stock_rate").is_rate
    assert metric("late_days_carrier_mean").unit == "days"


def test_family_names_parse_back_to_their_member() -> None:
    assert COST.member("cost_equipment_it_eur") == "equipment_it"
    assert COST_PER_ORDER.member("cost_per_order_equipment_it_eur") == "equipment_it"
    # the totals' pattern also fits `cost_per_order_*`, but `per_order_labour` is no category
    assert COST.member("cost_per_order_labour_eur") is None
    assert COST_PER_ORDER.member("cost_per_order_eur") is None  # the total, not a category
    assert COST.member("cost_eur") is None
    assert COST.member("cost_teleportation_eur") is None
    assert UTILISATION.member("packer_utilisation") == "packer"
    assert UTILISATION.member("_utilisation") is None
    for family in FAMILIES:
        for name, _ in family.members:
            assert family.member(family.name(name)) == name


def test_unknown_names_are_refused_with_a_suggestion() -> None:
    with pytest.raises(KeyError, match=r"unknown metric `late_rat` \(did you mean `late_rate`\?\)"):
        metric("late_rat")
    for name in ("cost_x_eur", "forklift_utilisation", "wall_s", "node_parcels.own", ""):
        assert not is_metric(name)
        with pytest.raises(KeyError, match="unknown metric"):
            metric(name)
    with pytest.raises(KeyError, match="unknown cost category"):
        cost_category("lost_parcels")
    with pytest.raises(KeyError, match="unknown staff pool"):
        staff_pool("forklift")
    assert undeclared(["orders", "wall_s", "late_rate", "cost_x_eur"]) == ["wall_s", "cost_x_eur"]


def test_better_direction_of_known_metrics() -> None:
    lower = ("cost_per_order_eur", "late_rate", "order_to_delivery_h_p95", "cost_labour_eur")
    for name in (*lower, "cost_per_order_lost_sales_eur", "backlog_parcels_max"):
        assert metric(name).lower_is_better is True, name
    for name in ("fill_rate", "on_time_in_full_rate"):
        assert metric(name).better == "higher", name
    for name in ("orders", "picker_utilisation", "return_rate_units", "events_per_order"):
        assert metric(name).better == "neither", name


def test_rates_are_shares_and_units_match_kinds() -> None:
    for name in NAMES:
        m = metric(name)
        assert is_rate(name) == (m.unit == "share"), name
        if name.endswith("_rate"):
            assert is_rate(name), name
        if name.endswith("_eur"):
            assert (m.unit, m.kind) == ("EUR", "eur"), name
        if m.kind == "hours":
            assert m.unit == "h" and "_h_" in name, name
    assert is_rate("return_rate_units")
    assert not is_rate("wismo_contacts_per_100_orders")


def test_headline_and_detail_are_registered_and_distinct() -> None:
    shown = registry.HEADLINE + registry.DETAIL
    assert undeclared(shown) == []
    assert len(shown) == len(set(shown))
    assert registry.HEADLINE[0] == "cost_per_order_eur"


def test_cash_and_opportunity_split_the_categories() -> None:
    assert set(registry.CASH) | set(registry.OPPORTUNITY) == {c.name for c in COST_CATEGORIES}
    assert not set(registry.CASH) & set(registry.OPPORTUNITY)
    assert registry.OPPORTUNITY == ("lost_sales", "churn")
    assert cost_category("equipment_it").label == "Equipment and IT"
    assert staff_pool("dock").plural == "Docks"


_ROW = re.compile(r"^\| `([a-z0-9_{}]+)` \| (.+?) \| (.*?) \| (\w+) \| (\w+) \| (\w+) \|$")


def test_docs_list_every_metric_as_registered() -> None:
    """docs/metrics.md has a row per declared metric and per family, equal to the registry."""
    rows = {}
    for line in (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8").splitlines():
        if m := _ROW.match(line):
            name, label, unit, kind, better, group = m.groups()
            rows[name] = (label, unit.strip("`") if unit != "–" else "", kind, better, group)
    expected = {m.name: (m.label, m.unit, m.kind, m.better, m.group) for m in METRICS}
    for f in FAMILIES:
        expected[f.pattern] = (f.label, f.unit, f.kind, f.better, f.group)
    assert rows == expected
