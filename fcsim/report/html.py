"""The HTML report: one self-contained page (plotly.js embedded once, works offline).

Place in the flow: `fcsim run` calls `write_report(out, doc, runs, daily)` after the result
files are written. Every user-supplied string (scenario, strategy, category names) is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from fcsim.report import figures
from fcsim.report.metrics import DETAIL, HEADLINE, Shown, fmt_interval
from fcsim.results import write_text

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;
 background:#fafafa}
header{background:#1f4e79;color:#fff;padding:18px 32px}
header h1{margin:0 0 4px 0;font-size:1.6em}
main{max-width:1200px;margin:0 auto;padding:8px 32px 40px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:12px 20px;margin:18px 0}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{padding:6px 10px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.best{background:#e2efda;font-weight:600}
.meta{color:#dde;font-size:.9em}
.note{color:#666;font-size:.85em}
"""


def _best(values: list[float | None], lower_is_better: bool | None) -> int | None:
    finite = [(v, i) for i, v in enumerate(values) if v is not None and v == v]
    if lower_is_better is None or len(finite) < 2:
        return None
    return (min(finite) if lower_is_better else max(finite))[1]


def summary_table_html(doc: dict[str, Any], shown: tuple[Shown, ...]) -> str:
    """Metrics as rows, strategies as columns, best value per row highlighted."""
    names = list(doc["strategies"])
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    rows = []
    for m in shown:
        entries = [doc["strategies"][n].get(m.key) for n in names]
        best = _best([(e or {}).get("mean") for e in entries], m.lower_is_better)
        cells = "".join(
            f"<td{' class=best' if i == best else ''}>{html.escape(fmt_interval(e, m.kind))}</td>"
            for i, e in enumerate(entries)
        )
        rows.append(f"<tr><td>{html.escape(m.label)}</td>{cells}</tr>")
    return f"<table><tr><th>metric</th>{head}</tr>{''.join(rows)}</table>"


def render(doc: dict[str, Any], runs: pd.DataFrame, daily: pd.DataFrame) -> str:
    """The whole page as a string."""
    figs: list[tuple[str, go.Figure | None]] = [
        ("Key figures with 95 % intervals", figures.kpi_comparison(doc)),
        ("Cost per order by category", figures.cost_breakdown(doc)),
        (
            "Daily flow",
            figures.daily_series(
                daily, ("orders_created", "parcels_shipped", "backlog_parcels"), "Mean per day"
            ),
        ),
    ]
    parts = []
    first = True
    for title, fig in figs:
        if fig is None:
            continue
        div = fig.to_html(full_html=False, include_plotlyjs=first, config={"displaylogo": False})
        first = False
        parts.append(f"<section><h2>{html.escape(title)}</h2>{div}</section>")
    name = html.escape(str(doc["scenario"]))
    meta = html.escape(
        f"{doc['replications']} replications · seed {doc['seed']} · from {doc['start_date']}, "
        f"{doc['horizon_days']} days ({doc['warmup_days']} warm-up) · fcsim "
        f"{doc['fcsim_version']} · {dt.date.today().isoformat()}"
    )
    ref = html.escape(str(doc.get("reference_strategy", "")))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fcsim report — {name}</title><style>{CSS}</style></head>
<body><header><h1>{name}</h1><div class="meta">{meta}</div></header><main>
<section><h2>Summary</h2>{summary_table_html(doc, HEADLINE + DETAIL)}
<p class="note">Mean ± half-width of the 95 % t-interval over replications; best value per row
highlighted. Reference strategy: {ref}.</p></section>
{"".join(parts)}
</main></body></html>
"""


def write_report(out: Path, doc: dict[str, Any], runs: pd.DataFrame, daily: pd.DataFrame) -> Path:
    """Write `index.html` into `out` (atomically) and return its path."""
    path = out / "index.html"
    write_text(path, render(doc, runs, daily))
    return path
