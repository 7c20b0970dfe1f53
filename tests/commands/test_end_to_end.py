"""End to end through the command line: outputs, determinism, common random numbers, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from conftest import ROOT, SMALL, run_in_process

REQUIRED_METRICS = (
    "orders",
    "total_cost_eur",
    "cost_per_order_eur",
    "order_to_ship_h_mean",
    "order_to_delivery_h_mean",
    "order_to_delivery_h_p95",
    "late_rate",
)


def test_run_writes_the_contracted_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_in_process(
        "run", str(SMALL), "-o", str(out), "-r", "2", "-w", "1", "-q", "--set", "horizon_days=21"
    )
    assert res.returncode == 0, res.stderr
    for name in ("summary.json", "summary.csv", "runs.parquet", "daily.parquet", "index.html"):
        assert (out / name).is_file(), name
    doc = json.loads((out / "summary.json").read_text())
    assert doc["scenario"] == "small" and doc["seed"] == 7 and doc["replications"] == 2
    assert set(doc["strategies"]) == {"own", "out", "drop", "hyb"}
    for metrics in doc["strategies"].values():
        for m in REQUIRED_METRICS:
            entry = metrics[m]
            assert set(entry) >= {"mean", "ci_low", "ci_high", "n"}
            assert entry["n"] == 2
            assert entry["ci_low"] <= entry["mean"] <= entry["ci_high"]
    assert set(doc["paired"]["differences"]) == {"out", "drop", "hyb"}
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 8
    # the terminal shows one row per strategy with the headline metrics
    for name in ("own", "out", "drop", "hyb"):
        assert any(line.startswith(name) for line in res.stdout.splitlines())
    assert "Late deliveries" in res.stdout


def test_same_seed_gives_identical_summary(tmp_path: Path) -> None:
    docs = []
    for i, workers in enumerate(("1", "2")):
        out = tmp_path / f"o{i}"
        res = run_in_process(
            "run", str(SMALL), "-o", str(out), "-r", "2", "-w", workers, "-q", "--no-report",
            "--set", "horizon_days=21",
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        docs.append((out / "summary.json").read_text())
    assert docs[0] == docs[1]


def test_a_different_seed_gives_different_results(tmp_path: Path) -> None:
    args = ("run", str(SMALL), "-r", "2", "-w", "1", "-q", "--no-report")
    a = run_in_process(*args, "-o", str(tmp_path / "a"))
    b = run_in_process(*args, "-o", str(tmp_path / "b"), "--seed", "8")
    assert a.returncode == b.returncode == 0
    ra = pd.read_parquet(tmp_path / "a" / "runs.parquet")
    rb = pd.read_parquet(tmp_path / "b" / "runs.parquet")
    assert not np.array_equal(ra["orders"].to_numpy(), rb["orders"].to_numpy())


def test_all_strategies_see_the_same_orders(small_scenario) -> None:
    from fcsim.model.catalogue import build_catalogue
    from fcsim.model.demand import generate
    from fcsim.model.network import run_strategy
    from fcsim.model.streams import Streams

    sc = small_scenario
    seen = []
    for strategy in sc.strategies:
        streams = Streams(sc.seed, 1)
        cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
        orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
        run = run_strategy(sc, strategy, orders, cat, streams)
        # every order line is in exactly one parcel, and parcels keep their order's time
        p = run.parcels
        assert np.array_equal(np.sort(p.lines), np.arange(len(orders.line_sku)))
        assert np.array_equal(p.created_min, orders.created_min[p.order])
        seen.append((orders.created_min, orders.line_sku, orders.line_units))
    for other in seen[1:]:
        for a, b in zip(seen[0], other, strict=True):
            assert np.array_equal(a, b)


def test_bad_key_exits_2_with_line_and_no_traceback(tmp_path: Path) -> None:
    text = SMALL.read_text().replace("    pickers: 2\n", "    pikers: 2\n", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    line = text.splitlines().index("    pikers: 2") + 1
    out = tmp_path / "out"
    res = run_in_process("run", str(bad), "-o", str(out))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr + res.stdout
    assert f"bad.yaml:{line}:5: strategies.own.pikers: unknown key `pikers`" in res.stderr
    assert "did you mean `pickers`" in res.stderr
    assert not out.exists()


def test_run_sim_py_is_fcsim_run(tmp_path: Path) -> None:
    # A real process: `python run_sim.py ARGS` exactly as the README's quick start writes it
    # (the script, its imports from the repository folder and its exit status).
    out = tmp_path / "out"
    args = [str(SMALL), "-o", str(out), "-r", "2", "-w", "1", "-q", "--no-report"]
    res = subprocess.run(
        [sys.executable, "run_sim.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    assert (out / "summary.json").is_file()
    assert not (out / "index.html").exists()


def test_validate_and_schema_commands() -> None:
    ok = run_in_process("validate", str(SMALL))
    assert ok.returncode == 0 and "ok" in ok.stdout
    schema = run_in_process("schema")
    assert schema.returncode == 0
    doc = json.loads(schema.stdout)
    assert "strategies" in doc["properties"]
