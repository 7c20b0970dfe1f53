"""Result files: runs and daily tables as Parquet, the summary as JSON and CSV.

Place in the flow: the summarise and write steps of the pipeline (`fcsim.experiment.pipeline`,
`fcsim.experiment.outputs`) build these tables and write them; the report reads these files
back, so a report can be rebuilt without re-running. Every file is written to a temporary name
in the output folder and renamed into place (`os.replace`), so an interrupted command never
leaves a half-written file behind. Each run's own result is kept as soon as it finishes in the
output folder's run store (`fcsim.experiment.store`, keyed by a hash of the resolved run spec),
from which `--resume` continues an interrupted command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fcsim import __version__
from fcsim.core.files import atomic_write, json_safe, write_text
from fcsim.experiment.records import kpi_columns
from fcsim.experiment.selection import Settings, excluded_strategies, selection_block
from fcsim.experiment.stats import interval
from fcsim.experiment.warmup import warmup_block
from fcsim.scenario.schema.scenario import Scenario

if TYPE_CHECKING:
    from fcsim.experiment.runs import RunResult


def runs_table(results: list[RunResult]) -> pd.DataFrame:
    """One row per (strategy, replication): KPIs and per-node parcel counts.

    Every KPI column must be a registered metric (`fcsim.core.metrics`): ValueError otherwise.
    """
    rows = []
    for r in results:
        kpi_columns(r.kpis, f"run {r.strategy} #{r.replication}")
        row: dict[str, Any] = {
            "strategy": r.strategy,
            "replication": r.replication,
            "seed": r.seed,
            "wall_s": r.wall_s,
        }
        row.update(r.kpis)
        row.update({f"node_parcels.{k}": v for k, v in r.node_parcels.items()})
        row["overload_reasons"] = "; ".join(r.overload)
        row.update(
            {
                f"{NODE_PREFIX}{n}.{m}": v
                for n, values in r.node_kpis.items()
                for m, v in values.items()
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


NODE_PREFIX = "node."
"""Runs-table columns `node.NAME.METRIC`: a metric of `fcsim.core.metrics.NODE_METRICS` per node."""


def node_summary(runs: pd.DataFrame) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """strategy -> node -> metric -> interval over replications, for the per-node metrics."""
    cols = [c for c in runs.columns if c.startswith(NODE_PREFIX)]
    out: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for strategy, g in runs.groupby("strategy", sort=False):
        nodes: dict[str, dict[str, dict[str, float]]] = {}
        for c in cols:
            if g[c].notna().any():
                node, metric = c[len(NODE_PREFIX) :].rsplit(".", 1)
                nodes.setdefault(node, {})[metric] = interval(g[c])
        out[str(strategy)] = nodes
    return out


def overloaded(runs: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """strategy -> {share_of_runs, reasons} for the strategies some run of which could not keep up.

    A strategy listed here is flagged everywhere: the terminal warns, the report never names it
    the best (`fcsim.model.accounting.operations.overload_reasons` says what counts).
    """
    if "overloaded" not in runs.columns:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for strategy, g in runs.groupby("strategy", sort=False):
        share = float(g["overloaded"].mean())
        if share > 0:
            texts = g.get("overload_reasons", pd.Series(dtype=object)).dropna()
            reasons = sorted({r for text in texts for r in str(text).split("; ") if r})
            out[str(strategy)] = {"share_of_runs": share, "reasons": reasons}
    return out


def missed_target(
    summary: dict[str, dict[str, dict[str, float]]], late: float, unfinished: float
) -> dict[str, list[str]]:
    """strategy -> why it misses the scenario's service target, judged on the 95 % upper bound
    (the mean with a single replication): such a strategy is never named the best."""
    out: dict[str, list[str]] = {}
    for strategy, metrics in summary.items():
        why = []
        for key, bound, what in (
            ("late_rate", late, "late deliveries"),
            ("unfinished_rate", unfinished, "orders unfinished"),
        ):
            e = metrics.get(key) or {}
            hi = e.get("ci_high")
            hi = e.get("mean") if hi is None or hi != hi else hi
            if hi is not None and hi == hi and hi > bound:
                why.append(f"{what} up to {100 * hi:.1f} % (95 % bound) above {100 * bound:g} %")
        if why:
            out[str(strategy)] = why
    return out


def daily_table(results: list[RunResult], scenario: Scenario) -> pd.DataFrame:
    """Long table: one row per (strategy, replication, day) with the daily series as columns."""
    frames = []
    start = np.datetime64(scenario.start_date, "D")
    for r in results:
        n = len(next(iter(r.daily.values())))
        df = pd.DataFrame({k: np.asarray(v, dtype=float)[:n] for k, v in r.daily.items()})
        df.insert(0, "date", start + np.arange(n).astype("timedelta64[D]"))
        df.insert(0, "day", np.arange(n))
        df.insert(0, "replication", r.replication)
        df.insert(0, "strategy", r.strategy)
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def summary_document(
    scenario: Scenario,
    seed: int,
    replications: int,
    summary: dict[str, Any],
    paired: dict[str, Any],
    runs: pd.DataFrame,
    cost_basis: dict[str, Any] | None = None,
    selection: Settings | None = None,
    daily: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The `summary.json` document (its keys: docs/experiments.md, docs/metrics.md and
    docs/results.md); `cost_basis`: strategy -> category -> terms
    (`fcsim.model.accounting.basis.summary_of`); `selection`: the options of the `selection`
    block (`fcsim.experiment.selection`); `daily`: the daily table, for the `warmup` block
    (`fcsim.experiment.warmup`; without it, only the measured window is judged)."""
    node_cols = [c for c in runs.columns if c.startswith("node_parcels.")]
    volumes = {
        str(s): {c.split(".", 1)[1]: float(g[c].mean()) for c in node_cols if g[c].notna().any()}
        for s, g in runs.groupby("strategy", sort=False)
    }
    over = overloaded(runs)
    missed = missed_target(
        summary, scenario.service_target.late_rate, scenario.service_target.unfinished_rate
    )
    warm = warmup_block(
        pd.DataFrame() if daily is None else daily, scenario.horizon_days, scenario.warmup_days
    )
    return json_safe(
        {
            "scenario": scenario.name,
            "description": scenario.description,
            "scenario_hash": scenario.content_hash(),
            "fcsim_version": __version__,
            "seed": seed,
            "replications": replications,
            "horizon_days": scenario.horizon_days,
            "warmup_days": scenario.warmup_days,
            "start_date": scenario.start_date.isoformat(),
            "confidence": 0.95,
            "reference_strategy": scenario.reference,
            "strategies": summary,
            "paired": {"reference": scenario.reference, "differences": paired},
            "node_parcels_mean": volumes,
            "nodes": node_summary(runs),
            "overloaded": over,
            "service_target": {
                "late_rate": scenario.service_target.late_rate,
                "unfinished_rate": scenario.service_target.unfinished_rate,
            },
            "missed_target": missed,
            "cost_basis": cost_basis or {},
            "selection": selection_block(runs, excluded_strategies(over, missed), selection),
            "warmup": warm,
        }
    )


def summary_csv(summary: dict[str, dict[str, dict[str, float]]]) -> pd.DataFrame:
    """One row per strategy x metric, for spreadsheets."""
    rows = [
        {"strategy": s, "metric": m, **vals}
        for s, metrics in summary.items()
        for m, vals in metrics.items()
    ]
    return pd.DataFrame(rows, columns=["strategy", "metric", "mean", "ci_low", "ci_high", "n"])


def write_all(
    out: Path,
    doc: dict[str, Any],
    runs: pd.DataFrame,
    daily: pd.DataFrame,
    breakdowns: pd.DataFrame | None = None,
) -> None:
    """Write summary.json, summary.csv, runs.parquet, daily.parquet into `out`.

    And breakdowns.parquet when given (`fcsim.model.accounting.breakdowns`: the report's detail
    tables).
    """
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "summary.json", json.dumps(doc, indent=2) + "\n")
    atomic_write(
        out / "summary.csv", lambda p: summary_csv(doc["strategies"]).to_csv(p, index=False)
    )
    atomic_write(out / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    atomic_write(out / "daily.parquet", lambda p: daily.to_parquet(p, index=False))
    if breakdowns is not None:
        atomic_write(out / "breakdowns.parquet", lambda p: breakdowns.to_parquet(p, index=False))
