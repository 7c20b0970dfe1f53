"""`results.xlsx`: written by `fcsim run` beside summary.json, rebuilt by `fcsim report OUT`,
and holding the same numbers as the result files when read back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from fcsim.core.metrics import metric

from conftest import SMALL, run_in_process


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workbook") / "small"
    res = run_in_process(
        "run", str(SMALL), "-o", str(folder), "-r", "2", "-w", "1", "-q", "--no-report"
    )
    assert res.returncode == 0, res.stderr
    return folder


def test_the_summary_sheet_matches_summary_json(out: Path) -> None:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    sheets = pd.read_excel(out / "results.xlsx", sheet_name=None)
    assert list(sheets) == ["Summary", "Runs", "Monthly", "Costs", "Cost basis"]
    summary = sheets["Summary"]
    expected = sum(
        1 for m in doc["strategies"].values() for e in m.values() if e["mean"] is not None
    )
    assert len(summary) == expected
    for _, row in summary.iterrows():
        e = doc["strategies"][row["Strategy"]][row["Key"]]
        assert row["Mean"] == pytest.approx(e["mean"], rel=1e-12, abs=1e-12)
        for col, key in (("95 % low", "ci_low"), ("95 % high", "ci_high")):
            if e[key] is None:
                assert pd.isna(row[col])
            else:
                assert row[col] == pytest.approx(e[key], rel=1e-12, abs=1e-12)
        assert row["Unit"] == metric(row["Key"]).unit or pd.isna(row["Unit"])
    cost = summary[(summary["Key"] == "cost_per_order_eur") & (summary["Strategy"] == "own")]
    assert cost["Metric"].item() == "Cost per order (EUR)"


def test_runs_monthly_and_costs_sheets_match_the_tables(out: Path) -> None:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    runs = pd.read_parquet(out / "runs.parquet")
    daily = pd.read_parquet(out / "daily.parquet")
    sheets = pd.read_excel(out / "results.xlsx", sheet_name=None)
    back = sheets["Runs"]
    assert list(back.columns) == list(runs.columns)
    for c in ("cost_per_order_eur", "late_rate", "order_to_delivery_h_mean", "orders"):
        assert back[c].to_numpy() == pytest.approx(runs[c].to_numpy(), rel=1e-12)
    monthly = sheets["Monthly"]
    window = daily[daily["day"] < doc["horizon_days"]]
    for s, g in monthly.groupby("Strategy"):
        placed = window[window["strategy"] == s].groupby("replication")["orders_created"].sum()
        assert g["Orders placed"].sum() == pytest.approx(placed.mean())
        assert g["Days"].sum() == doc["horizon_days"]
    assert monthly["Month"].str.fullmatch(r"\d{4}-\d{2}").all()
    costs = sheets["Costs"].set_index("Category (EUR per order)")
    for s, m in doc["strategies"].items():
        assert costs.loc["Total cost per order", s] == pytest.approx(
            m["cost_per_order_eur"]["mean"]
        )
        assert costs.loc["Labour", s] == pytest.approx(m["cost_per_order_labour_eur"]["mean"])


def test_the_workbook_is_formatted_and_rebuilt_by_fcsim_report(out: Path) -> None:
    book = load_workbook(out / "results.xlsx")
    ws = book["Summary"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert ws.column_dimensions["A"].width > 10
    late = next(r for r in ws.iter_rows(min_row=2) if r[7].value == "late_rate")
    assert late[3].number_format == "0.0%"
    (out / "results.xlsx").unlink()
    res = run_in_process("report", str(out), "-q")
    assert res.returncode == 0, res.stderr
    assert (out / "results.xlsx").is_file()
    assert not list(out.glob(".results.xlsx*"))  # no temporary file left


def test_the_cost_basis_sheet_holds_every_term_of_summary_json(out: Path) -> None:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    sheet = pd.read_excel(out / "results.xlsx", sheet_name="Cost basis")
    terms = [
        (s, t) for s, cats in doc["cost_basis"].items() for c in cats.values() for t in c["terms"]
    ]
    assert len(sheet) == len(terms) > 0
    for s, cats in doc["cost_basis"].items():
        rows = sheet[sheet["Strategy"] == s]
        amount = sum(c["amount_eur"] for c in cats.values())
        assert rows["Amount (EUR)"].sum() == pytest.approx(amount, rel=1e-9)
        labour = rows[rows["Rate key"].str.endswith("costs.wage_eur_per_hour")]
        for _, row in labour.iterrows():  # rate x quantity is the amount
            assert row["Rate"] * row["Quantity"] == pytest.approx(row["Amount (EUR)"])
