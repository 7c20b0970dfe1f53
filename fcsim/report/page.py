"""The report's templates (`fcsim/report/templates/`) and the rendering of a part of the page.

Place in the flow: `report/html.py`, `glance.py` and `sweep.py` render the parts of a page with
`part(...)` (escaped HTML) and `html.render` puts them into `page.html.j2`, with the style sheet
and two tiny inline scripts (`error_probe.js.j2` in the head, before plotly.js, so it sees every
error; `figure_check.js.j2` at the end of the body). No external resource of any kind: the page
must open offline, e.g. from an e-mail attachment.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment
from markupsafe import Markup

from fcsim.core.templates import environment, fragment


@cache
def templates() -> Environment:
    """The report's templates, loaded once."""
    return environment("fcsim.report")


def part(name: str, **values: object) -> Markup:
    """Template `name` (in `fcsim/report/templates/`) rendered with `values`."""
    return fragment(templates(), name, **values)
