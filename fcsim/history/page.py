"""The inspect report as one small, self-contained HTML page (no scripts, opens offline).

Place in the flow: `fcsim inspect-data` renders a `DataSummary` here and writes the page
atomically. Tables carry their figures; a bar drawn with CSS beside each row shows its size.
The page is the template `fcsim/history/templates/data.html.j2`: every text of the summary
(the file's path, its SKU codes, countries, column names in the problems) goes into it as data
and is escaped there.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment

from fcsim.core.templates import environment
from fcsim.history.summary import DataSummary, Section

BAR_EM = 12.0
"""Width of the longest bar of a table, in em."""


@cache
def _templates() -> Environment:
    return environment("fcsim.history")


def _section(sec: Section) -> dict[str, Any]:
    """A section as the template reads it: each row's cells and the width of its bar."""
    top = max(sec.bars) if sec.bars else 0.0
    rows = []
    for i, row in enumerate(sec.rows):
        width = None
        if sec.bars:
            width = 0.0 if top <= 0 else BAR_EM * sec.bars[i] / top
        rows.append({"cells": row, "bar": None if width is None else f"{width:.2f}"})
    return {
        "title": sec.title,
        "header": sec.header,
        "bars": bool(sec.bars),
        "rows": rows,
        "notes": sec.notes,
    }


def render_html(summary: DataSummary) -> str:
    """The whole page."""
    return (
        _templates()
        .get_template("data.html.j2")
        .render(
            title=f"fcsim — data: {summary.source}",
            headline=summary.headline,
            problem_count=f"{summary.problem_count:,}" if summary.problem_count else "",
            problems=summary.problems,
            sections=[_section(s) for s in summary.sections],
        )
    )
