"""`results.xlsx`: the results of `fcsim run` as a workbook a client can open and filter.

Place in the flow: a report-layer product, built from the result tables alone (the summary
document, the runs and daily tables), like the HTML page: `fcsim run` writes it beside
`summary.json` and `fcsim report OUT` rebuilds it. Five sheets, each with a frozen, filterable
header and fitted column widths:

- Summary: one row per metric x strategy: label, unit, mean and 95 % interval, replications;
- Runs: `runs.parquet` as it is, one row per strategy x replication;
- Monthly: the daily series per strategy by calendar month (flows summed over the month, levels
  such as backlog and stock averaged over its days), mean over replications;
- Costs: cost per order by cost category (rows) and strategy (columns), with the totals;
- Cost basis: every cost line's terms, rate x quantity over the measured days, per strategy
  (`summary.json`'s `cost_basis`, see `report/cost_basis.py`), largest first.

Values keep the units of the result files (lead times in hours, shares as fractions shown in
percent by the cell format), so every number matches `summary.json`. The file is written
atomically (`fcsim.core.files.atomic_write`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fcsim.core import metrics as registry
from fcsim.core.files import atomic_write
from fcsim.experiment.records import SummaryEntry
from fcsim.report import cost_basis

WORKBOOK = "results.xlsx"
NUMBER_FORMATS = {
    "eur": "#,##0.00",
    "hours": "#,##0.0",
    "rate": "0.0%",
    "count": "#,##0",
    "number": "#,##0.00",
}
"""Cell format of a value by the metric's kind (a share shows as a percentage)."""
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")

FLOWS = {
    "orders_created": "Orders placed",
    "parcels_shipped": "Parcels shipped",
    "orders_delivered": "Orders delivered",
    "late_deliveries": "Late deliveries",
    "cost_eur": "Cost (EUR)",
}
"""Daily columns summed over a month (a flow), with their headers."""
LEVELS = {
    "backlog_parcels": "Backlog, mean (parcels)",
    "stock_units": "Stock on hand, mean (units)",
    "waiting_for_stock": "Waiting for stock, mean (parcels)",
    "picker_utilisation": "Picker utilisation, mean",
    "packer_utilisation": "Packer utilisation, mean",
    "receiver_utilisation": "Receiver utilisation, mean",
    "dock_utilisation": "Dock utilisation, mean",
}
"""Daily columns averaged over the days of a month (a level or a share), with their headers."""


def _sheet(
    wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Worksheet:
    """A sheet with a styled, frozen, filterable header, the rows, and fitted column widths."""
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "B2" if title != "Summary" else "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, column in enumerate(ws.iter_cols(max_row=min(ws.max_row, 200)), start=1):
        width = max(len(_shown(c.value)) for c in column)
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 48)
    return ws


def _cell(v: Any) -> Any:
    """A value openpyxl can write: numpy scalars as Python numbers, nan as an empty cell."""
    if hasattr(v, "item"):
        v = v.item()
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v


def _shown(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}"
    return "" if v is None else str(v)


def _format(ws: Worksheet, column: int, formats: Sequence[str], first_row: int = 2) -> None:
    """Number format `formats[i]` on row `first_row + i` of `column`."""
    for i, fmt in enumerate(formats):
        ws.cell(row=first_row + i, column=column).number_format = fmt


def _ordered_metrics(doc: dict[str, Any]) -> list[str]:
    found = {k for m in (doc.get("strategies") or {}).values() for k in m}
    return [n for n in registry.NAMES if n in found]


def summary_sheet(wb: Workbook, doc: dict[str, Any]) -> None:
    """Summary: one row per metric x strategy, mean and 95 % interval in the files' units."""
    strategies = doc.get("strategies") or {}
    rows, formats = [], []
    for name in _ordered_metrics(doc):
        m = registry.metric(name)
        for s, values in strategies.items():
            e = SummaryEntry.read(values.get(name))
            if e.mean is None:
                continue
            rows.append([m.label, m.unit, s, e.mean, e.ci_low, e.ci_high, e.n, name])
            formats.append(NUMBER_FORMATS.get(m.kind, "General"))
    header = ["Metric", "Unit", "Strategy", "Mean", "95 % low", "95 % high", "Replications"]
    ws = _sheet(wb, "Summary", [*header, "Key"], rows)
    for col in (4, 5, 6):
        _format(ws, col, formats)


def runs_sheet(wb: Workbook, runs: pd.DataFrame) -> None:
    """Runs: the runs table as it is, one row per strategy x replication."""
    ws = _sheet(wb, "Runs", [str(c) for c in runs.columns], runs.itertuples(index=False))
    for j, c in enumerate(runs.columns, start=1):
        if registry.is_metric(str(c)):
            fmt = NUMBER_FORMATS.get(registry.metric(str(c)).kind, "General")
            _format(ws, j, [fmt] * len(runs))


def monthly(daily: pd.DataFrame, horizon_days: int | None, warmup_days: int = 0) -> pd.DataFrame:
    """Per strategy and calendar month: flows summed, levels averaged, mean over replications.

    Days after the horizon (the drain, no new orders) are left out; `Days` and `Warm-up days`
    say how many days of the month are in the window and how many of them are warm-up.
    """
    if daily.empty or not {"strategy", "replication", "date"} <= set(daily.columns):
        return pd.DataFrame()
    d = daily
    if horizon_days is not None and "day" in d.columns:
        d = d[d["day"] < horizon_days]
    d = d.assign(month=pd.to_datetime(d["date"]).dt.strftime("%Y-%m"))
    if "day" in d.columns:
        d = d.assign(warmup=(d["day"] < warmup_days).astype(int))
    else:
        d = d.assign(warmup=0)
    flows = [c for c in FLOWS if c in d.columns]
    levels = [c for c in LEVELS if c in d.columns]
    keys = ["strategy", "replication", "month"]
    grouped = d.groupby(keys, sort=False)
    per_rep = pd.concat(
        [
            grouped["date"].count().rename("days"),
            grouped["warmup"].sum().rename("warmup_days"),
            grouped[flows].sum(),
            grouped[levels].mean(),
        ],
        axis=1,
    ).reset_index()
    out = per_rep.groupby(["strategy", "month"], sort=False).mean(numeric_only=True).reset_index()
    out = out.drop(columns="replication")
    names = {"strategy": "Strategy", "month": "Month", "days": "Days"}
    names |= {"warmup_days": "Warm-up days", **FLOWS, **LEVELS}
    return out.rename(columns=names)


def monthly_sheet(wb: Workbook, doc: dict[str, Any], daily: pd.DataFrame) -> None:
    """Monthly: the daily series by month per strategy (see `monthly`)."""
    table = monthly(daily, doc.get("horizon_days"), int(doc.get("warmup_days") or 0))
    if table.empty:
        return
    ws = _sheet(wb, "Monthly", list(table.columns), table.itertuples(index=False))
    for j, c in enumerate(table.columns, start=1):
        share = "utilisation" in c
        fmt = "0.0%" if share else "#,##0.00" if "EUR" in c else "#,##0"
        if j > 2:
            _format(ws, j, [fmt] * len(table))


def costs(doc: dict[str, Any]) -> pd.DataFrame:
    """Cost per order (EUR, mean over replications): one row per category with a cost, then the
    totals; one column per strategy."""
    strategies = doc.get("strategies") or {}
    names = list(strategies)
    rows = []

    def mean(s: str, key: str) -> float | None:
        return SummaryEntry.read(strategies[s].get(key)).mean

    for c in registry.COST_CATEGORIES:
        key = registry.COST_PER_ORDER.name(c.name)
        values = [mean(s, key) for s in names]
        if any(v for v in values):
            kind = "lost margin" if c.opportunity else "cash"
            rows.append([c.label, kind, *values])
    for key, label in (
        ("cost_per_order_eur", "Total cost per order"),
        ("economic_cost_per_order_eur", "Total incl. lost margin"),
    ):
        values = [mean(s, key) for s in names]
        if any(v is not None for v in values):
            rows.append([label, "total", *values])
    return pd.DataFrame(rows, columns=["Category (EUR per order)", "Kind", *names])


def costs_sheet(wb: Workbook, doc: dict[str, Any]) -> None:
    """Costs: cost per order by category and strategy (see `costs`)."""
    table = costs(doc)
    if table.empty:
        return
    ws = _sheet(wb, "Costs", list(table.columns), table.itertuples(index=False))
    for j in range(3, len(table.columns) + 1):
        _format(ws, j, ["#,##0.00"] * len(table))
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "total":
            for cell in row:
                cell.font = Font(bold=True)


BASIS_HEADER = (
    "Strategy", "Cost line", "Node", "Rate key", "Rate", "Rate unit", "Quantity",
    "Quantity unit", "Amount (EUR)", "EUR per order", "Basis", "How",
)  # fmt: skip
BASIS_FORMATS = {5: "#,##0.0000", 7: "#,##0.00", 9: "#,##0.00", 10: "#,##0.00"}
"""Cost basis sheet: number format of a column (1-based)."""


def cost_basis_sheet(wb: Workbook, doc: dict[str, Any]) -> None:
    """Cost basis: one row per term of every strategy's cost lines (see `cost_basis.rows`)."""
    table = [
        [
            strategy, r["label"], r["node"], t["key"], t["rate"], t["rate_unit"], t["quantity"],
            t["quantity_unit"], t["amount_eur"], t["per_order_eur"],
            "rate x quantity" if t.get("product", True) else "mean rate", r["how"],
        ]
        for strategy in doc.get("cost_basis") or {}
        for r in cost_basis.rows(doc, strategy)
        for t in (r["term"],)
    ]  # fmt: skip
    if not table:
        return
    ws = _sheet(wb, "Cost basis", BASIS_HEADER, table)
    for j, fmt in BASIS_FORMATS.items():
        _format(ws, j, [fmt] * len(table))


def workbook(doc: dict[str, Any], runs: pd.DataFrame, daily: pd.DataFrame) -> Workbook:
    """The workbook of one `fcsim run` output folder."""
    wb = Workbook()
    wb.remove(wb.active)
    summary_sheet(wb, doc)
    runs_sheet(wb, runs)
    monthly_sheet(wb, doc, daily)
    costs_sheet(wb, doc)
    cost_basis_sheet(wb, doc)
    wb.properties.title = f"fcsim results — {doc.get('scenario', '')}"
    wb.properties.creator = f"fcsim {doc.get('fcsim_version') or ''}".strip()
    return wb


def write_workbook(out: Path, doc: dict[str, Any], runs: pd.DataFrame, daily: pd.DataFrame) -> Path:
    """Write `results.xlsx` into `out` (atomically) and return its path."""
    path = out / WORKBOOK
    book = workbook(doc, runs, daily)
    atomic_write(path, lambda p: book.save(p))
    return path
