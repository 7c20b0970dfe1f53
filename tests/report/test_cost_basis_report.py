"""The report's "Where every euro comes from" table: every cost line with its inputs, from the
result files alone (`fcsim report OUT` rebuilds it after everything else is gone)."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from fcsim.report import cost_basis

from conftest import SMALL, run_in_process


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("basis") / "small"
    res = run_in_process("run", str(SMALL), "-o", str(folder), "-r", "2", "-w", "1", "-q")
    assert res.returncode == 0, res.stderr
    return folder


def _text(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    start = html.index('id="cost-basis"')
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : start + 60000])))


def test_the_report_shows_each_line_with_its_rate_and_quantity(out: Path) -> None:
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    text = _text(out / "index.html")
    assert "Where every euro comes from" in text
    (labour,) = [
        t for t in doc["cost_basis"]["own"]["labour"]["terms"] if t["key"].endswith("hour")
    ]
    assert labour["key"] == "strategies.own.costs.wage_eur_per_hour"
    hours = f"{labour['quantity']:,.0f}"
    expected = f"{labour['rate']:.2f} EUR/h (costs.wage_eur_per_hour) × {hours} paid staff-hours"
    assert f"Labour {labour['per_order_eur']:.2f} {expected}" in text
    shipping = doc["cost_basis"]["own"]["shipping"]["terms"][0]
    assert f"parcels by colissimo × {shipping['rate']:.2f} EUR/parcel on average" in text
    # largest first, and the cash lines add up to the cost per order of the summary
    rows = cost_basis.rows(doc, "own")
    assert [abs(r["per_order"]) for r in rows] == sorted(
        (abs(r["per_order"]) for r in rows), reverse=True
    )
    total = doc["strategies"]["own"]["cost_per_order_eur"]["mean"]
    assert f"Total cash cost per order {total:.2f}" in text


def test_fcsim_report_rebuilds_the_table_from_the_files_alone(out: Path, capsys) -> None:
    from fcsim.cli import main

    before = _text(out / "index.html")
    for p in out.iterdir():  # keep the result files only: no run store, no page, no workbook
        if p.is_dir():
            shutil.rmtree(p)
        elif p.name not in {"summary.json", "runs.parquet", "daily.parquet", "breakdowns.parquet"}:
            p.unlink()
    assert main(["report", str(out)]) == 0
    capsys.readouterr()
    assert _text(out / "index.html") == before
    assert (out / "results.xlsx").exists()


def test_a_term_reads_as_a_product_or_a_mean() -> None:
    product = {
        "key": "strategies.s.nodes.fc.costs.rent_eur_per_month",
        "node": "fc",
        "rate": 6500.0,
        "rate_unit": "EUR/month",
        "quantity": 12.0,
        "quantity_unit": "months",
        "product": True,
    }
    assert (
        cost_basis.how(product, "s") == "6,500 EUR/month (costs.rent_eur_per_month) × 12.00 months"
    )
    mean = product | {"key": "carriers[0].rate_card", "rate": 7.8716, "rate_unit": "EUR/parcel",
                      "quantity": 8068.0, "quantity_unit": "parcels", "product": False}  # fmt: skip
    assert (
        cost_basis.how(mean, "s")
        == "8,068 parcels × 7.87 EUR/parcel on average (carriers[0].rate_card)"
    )
    assert cost_basis.amount(0.003) == "0.003"
