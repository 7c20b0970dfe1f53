"""The report labels metrics and cost categories from the registry (`fcsim.core.metrics`), and the
terminal table keeps its header."""

from __future__ import annotations

from fcsim.core.metrics import COST_CATEGORIES, OPPORTUNITY
from fcsim.report.figures import COMPARED, cost_breakdown, cost_categories
from fcsim.report.metrics import DETAIL, HEADLINE, fmt_interval, shown
from fcsim.report.style import CATEGORY_COLOURS
from fcsim.report.terminal import summary_table


def _entry(mean: float) -> dict[str, float]:
    return {"mean": mean, "ci_low": mean - 0.1, "ci_high": mean + 0.1, "n": 3}


def _doc(metrics: dict[str, dict[str, float]]) -> dict:
    return {
        "scenario": "s",
        "replications": 3,
        "seed": 1,
        "horizon_days": 10,
        "warmup_days": 2,
        "strategies": {"own": metrics, "out": metrics},
    }


def test_the_terminal_header_keeps_its_columns_each_with_its_unit() -> None:
    header = summary_table(_doc({"cost_per_order_eur": _entry(12.0)})).splitlines()[2].split("  ")
    assert [c.strip() for c in header if c.strip()] == [
        "strategy",
        "Cost per order (EUR)",
        "Order → ship, mean (days)",
        "Order → delivery, mean (days)",
        "Order → delivery, p95 (days)",
        "Late deliveries (%)",
    ]


def test_lead_times_are_shown_in_days_with_the_digits_the_interval_carries() -> None:
    doc = _doc({"order_to_delivery_h_mean": {"mean": 87.7, "ci_low": 84.3, "ci_high": 91.1}})
    row = summary_table(doc).splitlines()[4]
    assert "3.65 ± 0.14" in row  # 87.7 h ± 3.4 h
    assert shown("order_to_delivery_h_mean").label == "Order → delivery, mean (days)"
    assert shown("order_to_delivery_h_mean").unit == "days"


def test_intervals_round_the_half_width_to_two_significant_digits() -> None:
    def iv(mean: float, half: float) -> dict[str, float]:
        return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": 2}

    assert fmt_interval(iv(140_346.0, 11_867.2), "eur") == "140,000 ± 12,000"
    assert fmt_interval(iv(17.0812, 0.1812), "eur") == "17.08 ± 0.18"
    assert fmt_interval(iv(8215.0, 609.9), "count") == "8,220 ± 610"
    assert fmt_interval(iv(1234.5678, 0.00001), "eur") == "1,234.5678 ± 0.0000"  # capped
    assert fmt_interval(iv(1.0, 0.0), "number") == "1.0 ± 0"
    assert fmt_interval(iv(-0.0001, 0.01), "eur") == "0.000 ± 0.010"  # no "-0.000"
    assert fmt_interval({"mean": 1234.5}, "eur") == "1,234.50"  # one replication: no interval


def test_shown_metrics_carry_the_registered_kind_and_direction() -> None:
    by_key = {m.key: m for m in HEADLINE + DETAIL}
    assert by_key["late_rate"].kind == "rate" and by_key["late_rate"].lower_is_better is True
    assert by_key["fill_rate"].lower_is_better is False
    assert by_key["orders"].lower_is_better is None and by_key["orders"].kind == "count"
    assert by_key["picker_utilisation"].label == "Picker utilisation (%)"
    assert shown("late_rate", "late deliveries").label == "late deliveries"
    assert [m.label for m in COMPARED][-1] == "Late deliveries (%)"
    assert by_key["late_rate"].label == "Late deliveries (%)"
    assert by_key["fill_rate"].label == "Fill rate (units, %)"
    assert by_key["lost_parcels"].label == "Lost parcels"  # a count names what it counts
    assert by_key["backlog_parcels_max"].label == "Backlog, max (parcels)"
    assert fmt_interval(_entry(0.25), "rate") == "25 ± 10"  # the unit is in the header
    assert fmt_interval({"mean": 0.25}, "rate") == "25.0"
    assert fmt_interval(None, "eur") == "–"


def test_cost_categories_come_in_ledger_order_with_their_labels() -> None:
    names = [c.name for c in COST_CATEGORIES]
    metrics = {f"cost_per_order_{n}_eur": _entry(1.0) for n in reversed(names)}
    metrics |= {"cost_per_order_eur": _entry(21.0), "cost_labour_eur": _entry(9.0)}
    metrics["cost_per_order_unknown_eur"] = _entry(1.0)  # not a category: left out
    doc = _doc(metrics)
    assert cost_categories(doc) == names
    fig = cost_breakdown(doc)
    bars = [t.name for t in fig.data if t.type == "bar"]
    lost = " (lost margin)"
    expected = [c.label + (lost if c.name in OPPORTUNITY else "") for c in COST_CATEGORIES]
    assert bars == expected
    assert "Equipment and IT" in bars


def test_every_cost_category_has_its_own_colour() -> None:
    assert set(CATEGORY_COLOURS) == {c.name for c in COST_CATEGORIES}
