"""The terminal summary warns when a strategy cannot keep up with its orders."""

from __future__ import annotations

from fcsim.report.terminal import capacity_warnings, summary_table


def _doc(rate: float) -> dict:
    m = {"mean": 1.0, "ci_low": 0.9, "ci_high": 1.1, "n": 2}
    return {
        "scenario": "s",
        "replications": 2,
        "seed": 1,
        "horizon_days": 10,
        "warmup_days": 2,
        "strategies": {"own": {"cost_per_order_eur": m, "unfinished_rate": {"mean": rate}}},
    }


def test_warning_only_above_one_percent() -> None:
    assert capacity_warnings(_doc(0.005)) == []
    (line,) = capacity_warnings(_doc(0.154))
    assert "own had not shipped 15.4 %" in line
    assert summary_table(_doc(0.154)).endswith(line)


def test_alike_reasons_of_several_runs_are_told_once_with_their_ranges() -> None:
    doc = _doc(0.0)
    reasons = [
        f"backlog grew from {a:,} to {b:,} parcels over the window"
        for a, b in ((303, 942), (315, 900), (1_310, 990))
    ]
    reasons.append("pickers of own busy 97%+ of the time")
    doc["overloaded"] = {"own": {"share_of_runs": 0.6, "reasons": reasons}}
    (line,) = capacity_warnings(doc)
    assert "own could not keep up in 60 % of the runs" in line
    assert "(backlog grew from 303–1,310 to 900–990 parcels over the window; pickers of own" in line


def test_an_overload_late_mostly_for_a_cause_staff_do_not_fix_says_so() -> None:
    """Late mostly for the carrier's collection capacity: more staff would not help (they may
    make it worse: more parcels ready for the capped van), so the warning does not say 'size
    it (more staff)'; late mostly for the backlog: it does."""
    doc = _doc(0.0)
    doc["overloaded"] = {"own": {"share_of_runs": 1.0, "reasons": ["pickers of own busy 97%+"]}}
    causes = doc["strategies"]["own"]
    causes["late_cause_backlog_rate"] = {"mean": 0.08}
    causes["late_cause_collection_rate"] = {"mean": 0.148}
    (line,) = capacity_warnings(doc)
    assert "its late deliveries come mostly from collection (14.8 points)" in line
    assert "more staff, shifts" not in line
    causes["late_cause_backlog_rate"] = {"mean": 0.2}
    (line,) = capacity_warnings(doc)
    assert line.endswith("size it (more staff, shifts) before comparing its cost")
