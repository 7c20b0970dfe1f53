"""`fcsim run --trace`: trace.parquet has one row per parcel of every run, and its rows give back
the KPIs of summary.json (lead times, late rate and its causes); without `--trace` there is no
trace, and an earlier one is removed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fcsim.cli import main
from fcsim.model.accounting.lateness import CAUSES
from fcsim.model.accounting.trace import COLUMNS
from tests.conftest import SMALL

QUICK = ["--set", "horizon_days=21", "-r", "2", "-w", "1", "-q", "--no-report"]


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("trace") / "T"
    assert main(["run", str(SMALL), "-o", str(out), "--trace", *QUICK]) == 0
    return out


def per_order(trace: pd.DataFrame) -> pd.DataFrame:
    """The KPIs' order roll-up, from the trace alone (window orders)."""
    t = trace[trace["in_window"]].copy()
    live = ~t["cancelled"]
    t["ship"] = t["collected"].where(live)
    t["dlv"] = t["delivered"].where(live)
    t["not_collected"] = live & t["collected"].isna()
    g = t.groupby(["strategy", "replication", "order"], observed=True)
    o = g.agg(
        created=("order_time", "first"),
        cancelled=("cancelled", "all"),
        in_progress=("not_collected", "any"),
        lost=("lost", "any"),
        late=("late", "any"),
        ship=("ship", "max"),
        dlv=("dlv", "max"),
    )
    o["finished"] = ~o["in_progress"] & ~o["cancelled"]
    o["to_ship_h"] = (o["ship"] - o["created"]).dt.total_seconds() / 3600
    o["to_dlv_h"] = (o["dlv"] - o["created"]).dt.total_seconds() / 3600
    o.loc[~o["finished"], ["to_ship_h", "to_dlv_h"]] = np.nan
    o.loc[o["lost"], "to_dlv_h"] = np.nan
    # the order's cause: that of its latest late parcel (a lost one first)
    late = t[t["late"]].copy()
    late["key"] = np.where(late["lost"], np.inf, late["days_late"].astype(float))
    late = late.sort_values("key", ascending=False, kind="stable")
    cause = late.groupby(["strategy", "replication", "order"], observed=True)["cause"].first()
    o["cause"] = cause.reindex(o.index)
    return o


def test_trace_rows_give_back_the_kpis_of_the_summary(traced: Path) -> None:
    trace = pd.read_parquet(traced / "trace.parquet")
    assert list(trace.columns) == ["strategy", "replication", *COLUMNS]
    doc = json.loads((traced / "summary.json").read_text())
    runs = pd.read_parquet(traced / "runs.parquet")
    o = per_order(trace)
    for (strategy, rep), g in o.groupby(level=[0, 1], observed=True):
        k = runs[(runs["strategy"] == strategy) & (runs["replication"] == rep)].iloc[0]
        assert len(g) == k["orders"]
        f = g["finished"]
        assert f.sum() == k["orders_delivered"] + k["orders_lost"]
        assert g["to_ship_h"].mean() == pytest.approx(k["order_to_ship_h_mean"], rel=1e-6)
        assert g["to_dlv_h"].mean() == pytest.approx(k["order_to_delivery_h_mean"], rel=1e-6)
        assert (f & g["late"]).sum() / f.sum() == pytest.approx(k["late_rate"], abs=1e-12)
        for c in CAUSES:
            share = (f & g["late"] & (g["cause"] == c)).sum() / f.sum()
            assert share == pytest.approx(k[f"late_cause_{c}_rate"], abs=1e-12), c
    for s, metrics in doc["strategies"].items():
        mean = runs[runs["strategy"] == s]["late_rate"].mean()
        assert metrics["late_rate"]["mean"] == pytest.approx(mean)


def test_trace_stage_days_add_up_and_timestamps_are_in_order(traced: Path) -> None:
    t = pd.read_parquet(traced / "trace.parquet")
    done = t[t["delivered"].notna() & ~t["cancelled"]]
    steps = ["order_time", "stock_reserved", "pick_start", "pick_end", "pack_start", "ready"]
    for a, b in zip(steps, [*steps[1:], "collected"], strict=False):
        assert (done[b] >= done[a]).all(), (a, b)
    late = done[done["late"]]
    days = late[[f"days_{c}" for c in CAUSES]].sum(axis=1)
    assert (days == late["days_late"].astype(int)).all()
    assert (late["days_late"] > 0).all()
    assert t.loc[~t["late"], "cause"].isna().all()
    assert t.loc[t["late"], "cause"].notna().all()


def test_a_run_without_trace_writes_none_and_removes_an_earlier_one(traced: Path) -> None:
    before = json.loads((traced / "summary.json").read_text())
    assert main(["run", str(SMALL), "-o", str(traced), *QUICK]) == 0
    assert not (traced / "trace.parquet").exists()
    after = json.loads((traced / "summary.json").read_text())
    assert after["strategies"] == before["strategies"]  # asking for a trace changes nothing
