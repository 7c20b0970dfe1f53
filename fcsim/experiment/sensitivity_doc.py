"""What each sensitivity input does: effects against the base run and the decision, as data.

Place in the flow: after the pipeline (`fcsim.experiment.pipeline`) has run the base scenario
and the low and high variant of every input (`fcsim.experiment.sensitivity`) on the same seed,
`sensitivity_document` builds `sensitivity.json` and `runs_table` the runs of every variant;
`fcsim.experiment.outputs.write_sensitivity` writes them. For each input, side and strategy:
the mean and 95 % interval of the metrics in `EFFECT_METRICS`, and their paired difference
against the base run, replication by replication (the same orders and customers: common random
numbers). The decision at each point — the cheapest strategy that keeps up and meets the
service target — comes from the `decide` function the command passes in (the ranking rules of
`fcsim.report.ranking`). Inputs are ranked by their swing: how far the paired gap between the
base's two cheapest feasible strategies (runner-up minus cheapest) moves from the low to the
high value, which is what brings a flip nearer; ties (an input that moves both alike, or a
single feasible strategy) by the swing of the cheapest's cost per order, then of any
strategy's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from fcsim import __version__
from fcsim.core.files import json_safe
from fcsim.experiment.pipeline import PointResults, RunOutcome
from fcsim.experiment.sensitivity import Input, Resolved, Side
from fcsim.experiment.stats import paired_difference
from fcsim.experiment.sweep import _plain

COST = "cost_per_order_eur"
EFFECT_METRICS = ("cost_per_order_eur", "late_rate", "economic_cost_per_order_eur")
"""The metrics whose change each input's low and high values make is reported."""

Decide = Callable[[Mapping[str, Any], pd.DataFrame], dict[str, Any]]
"""summary document and runs table of a point -> its decision (`cheapest`, `status`, ...)."""


def _point(res: PointResults, base: PointResults | None, decide: Decide) -> dict[str, Any]:
    """One point: per strategy its metrics and their paired change against the base."""
    doc = res.doc
    if doc is None:
        return {"decision": None, "strategies": {}, "complete": False}
    runs = res.runs
    per: dict[str, Any] = {}
    for name, metrics in doc["strategies"].items():
        entry: dict[str, Any] = {m: metrics.get(m) for m in EFFECT_METRICS if m in metrics}
        if base is not None and base.doc is not None:
            mine = runs[runs["strategy"] == name]
            ref = base.runs[base.runs["strategy"] == name]
            entry["change"] = {
                m: paired_difference(mine, ref, m)
                for m in EFFECT_METRICS
                if m in mine.columns and m in ref.columns and len(ref)
            }
            entry["moved"] = _moved(mine, ref)
        per[name] = entry
    return {
        "decision": decide(doc, runs),
        "strategies": per,
        "overloaded": sorted(doc.get("overloaded") or {}),
        "missed_target": sorted(doc.get("missed_target") or {}),
        "complete": not res.failures,
    }


def _moved(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether any KPI of any replication differs between two runs tables of a strategy."""
    cols = [
        c
        for c in a.columns
        if c in b.columns and c != "replication" and pd.api.types.is_numeric_dtype(a[c])
    ]
    x = a.set_index("replication")[cols].sort_index()
    y = b.set_index("replication")[cols].sort_index()
    if not x.index.equals(y.index):
        return True
    return not x.equals(y)


def _mean(point: Mapping[str, Any], strategy: str | None, key: str = "change") -> float:
    if strategy is None:
        return math.nan
    entry = (point.get("strategies") or {}).get(strategy) or {}
    raw = (entry.get(key) or {}).get(COST) if key == "change" else entry.get(COST)
    value = (raw or {}).get("mean")
    return math.nan if value is None else float(value)


def _gap(res: PointResults, a: str | None, b: str | None) -> dict[str, float] | None:
    """Paired interval of b − a on the cost per order at a point (a: the base's cheapest)."""
    if a is None or b is None or res.doc is None:
        return None
    runs = res.runs
    x, y = runs[runs["strategy"] == b], runs[runs["strategy"] == a]
    if x.empty or y.empty:
        return None
    return paired_difference(x, y, COST)


def _side_doc(
    side: Side, res: PointResults, base: PointResults, decide: Decide, pair: tuple
) -> dict[str, Any]:
    out = {"label": side.label, "values": side.values, "overrides": list(side.overrides)}
    out |= _point(res, base, decide)
    out["gap"] = _gap(res, *pair)
    return out


def sensitivity_document(
    resolved: Resolved, outcome: RunOutcome, decide: Decide, seed: int, replications: int
) -> dict[str, Any] | None:
    """The `sensitivity.json` document; None when the base run has no finished run."""
    base_res, rest = outcome.points[0], outcome.points[1:]
    if base_res.doc is None:
        return None
    base = _point(base_res, None, decide)
    decision = base["decision"] or {}
    cheapest, runner_up = decision.get("cheapest"), decision.get("runner_up")
    base["gap"] = _gap(base_res, cheapest, runner_up)
    inputs = []
    for i, item in enumerate(resolved.inputs):
        low_res, high_res = rest[2 * i], rest[2 * i + 1]
        pair = (cheapest, runner_up)
        low = _side_doc(item.low, low_res, base_res, decide, pair)
        high = _side_doc(item.high, high_res, base_res, decide, pair)
        inputs.append(_input_doc(item, low, high, cheapest))
    order = sorted(range(len(inputs)), key=lambda j: _rank_key(inputs[j]))
    ranked = [inputs[j] | {"rank": r + 1} for r, j in enumerate(order)]
    sc = resolved.base
    return json_safe(
        {
            "scenario": sc.name,
            "description": sc.description,
            "fcsim_version": __version__,
            "seed": seed,
            "replications": replications,
            "horizon_days": sc.horizon_days,
            "warmup_days": sc.warmup_days,
            "metrics": list(EFFECT_METRICS),
            "strategies_order": list(base["strategies"]),
            "base": base,
            "swing_strategy": cheapest,
            "inputs": ranked,
            "flipping": [x["input"] for x in ranked if x["flips"]],
            "moving_nothing": [x["input"] for x in ranked if x["moves_nothing"]],
            "skipped": resolved.skipped,
            "failed_runs": [f.spec.label for f in outcome.failures],
        }
    )


def _rank_key(x: Mapping[str, Any]) -> tuple[float, float, float]:
    """Widest swing of the gap between the two cheapest first (what flips the decision), then
    of the cheapest's cost, then of any strategy's."""

    def f(v: Any) -> float:
        return -float(v) if isinstance(v, int | float) and math.isfinite(v) else 0.0

    return f(x["gap_swing_eur"]), f(x["swing_eur"]), f(x["max_swing_eur"])


def _input_doc(item: Input, low: dict, high: dict, cheapest: str | None) -> dict[str, Any]:
    swing = abs(_mean(high, cheapest) - _mean(low, cheapest))
    gaps = [((side.get("gap") or {}).get("mean")) for side in (low, high)]
    gap_swing = abs(gaps[1] - gaps[0]) if None not in gaps else math.nan
    swings = [abs(_mean(high, s) - _mean(low, s)) for s in (low.get("strategies") or {})]
    swings = [v for v in swings if math.isfinite(v)]
    flips = {}
    for name, side in (("low", low), ("high", high)):
        d = side.get("decision") or {}
        side["flips"] = d.get("cheapest") != cheapest
        flips[name] = side["flips"]
    moved = any(
        e.get("moved", True)
        for side in (low, high)
        for e in (side.get("strategies") or {}).values()
    )
    return {
        "input": item.name,
        "given": item.spec.text,
        "keys": list(item.keys),
        "base_values": {k: _value(v) for k, v in item.base.items()},
        "swing_eur": swing,
        "gap_swing_eur": gap_swing,
        "max_swing_eur": max(swings) if swings else math.nan,
        "flips": any(flips.values()),
        "moves_nothing": not moved,
        "low": low,
        "high": high,
    }


def _value(v: Any) -> Any:
    return v if isinstance(v, list | dict) else _plain(v)


def runs_table(resolved: Resolved, outcome: RunOutcome) -> pd.DataFrame:
    """Every run of every point: `input` (empty for the base) and `side` columns first."""
    labels: list[tuple[str, str, str]] = [("", "base", "")]
    for item in resolved.inputs:
        labels += [(item.name, "low", item.low.label), (item.name, "high", item.high.label)]
    frames = []
    for (name, side, label), res in zip(labels, outcome.points, strict=True):
        runs = res.runs
        if runs.empty:
            continue
        front = pd.DataFrame({"input": name, "side": side, "value": label}, index=runs.index)
        frames.append(pd.concat([front, runs], axis=1))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def point_labels(resolved: Resolved) -> Sequence[str]:
    """The label of every point of the plan, in order (base first)."""
    out = ["base"]
    for item in resolved.inputs:
        out += [f"{item.name} {item.low.label}", f"{item.name} {item.high.label}"]
    return out
