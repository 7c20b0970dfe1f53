"""The inspect report as one small, self-contained HTML page (no scripts, opens offline).

Place in the flow: `fcsim inspect-data` renders a `DataSummary` here and writes the page
atomically. Tables carry their figures; a bar drawn with CSS beside each row shows its size.
"""

from __future__ import annotations

import html

from fcsim.history.summary import DataSummary, Section

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.4em 0}td,th{padding:.15em .8em;text-align:left}
th{border-bottom:1px solid #bbb}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#4a7fb5;height:.8em;display:inline-block}.note{color:#555;font-size:.93em}
.problems li{font-family:ui-monospace,monospace;font-size:.9em}.bad{color:#a31515}
"""


def _cell(text: str) -> str:
    num = text.replace(",", "").replace(" %", "").replace("+", "").replace("-", "", 1)
    cls = ' class="num"' if num.replace(".", "", 1).isdigit() else ""
    return f"<td{cls}>{html.escape(text)}</td>"


def _section(sec: Section) -> str:
    top = max(sec.bars) if sec.bars else 0.0
    head = "".join(f"<th>{html.escape(h)}</th>" for h in sec.header)
    head += "<th></th>" if sec.bars else ""
    body = []
    for i, row in enumerate(sec.rows):
        cells = "".join(_cell(c) for c in row)
        if sec.bars:
            width = 0.0 if top <= 0 else 12.0 * sec.bars[i] / top
            cells += f'<td><span class="bar" style="width:{width:.2f}em"></span></td>'
        body.append(f"<tr>{cells}</tr>")
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in sec.notes)
    return (
        f"<h2>{html.escape(sec.title)}</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{notes}"
    )


def render_html(summary: DataSummary) -> str:
    """The whole page."""
    title = f"fcsim — data: {summary.source}"
    head = "".join(f"<tr><th>{html.escape(k)}</th>{_cell(v)}</tr>" for k, v in summary.headline)
    parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><table>{head}</table>",
    ]
    if summary.problem_count:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in summary.problems)
        parts.append(
            f'<h2 class="bad">Data problems: {summary.problem_count:,}</h2>'
            f'<ul class="problems">{items}</ul>'
            '<p class="note">Rows with problems are left out of the figures below; a scenario '
            "using this file is refused until they are fixed.</p>"
        )
    parts += [_section(s) for s in summary.sections]
    parts.append("</body></html>\n")
    return "".join(parts)
