"""Jinja2 templates of the HTML pages, escaped by default, and text made safe for plot labels.

Place in the flow: the lowest layer, used by the page builders (`fcsim.report.html` and its
parts, `fcsim.history.page`). Each of those packages ships its templates as package data in its
own `templates/` folder; `environment(package)` loads them. Every value a template prints is
escaped unless it is marked safe, so a user's string (a scenario name, a file path, a column
name) shows as text and is never read as markup; only plotly's own output is marked `|safe`.
The one other place markup is read is plotly text (labels, hover text), and `plain_text` is for
that.
"""

from __future__ import annotations

import html

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def plain_text(value: object) -> str:
    """`value` as text shown literally where plotly reads markup (`<b>`, `<br>`, `<a>`)."""
    return html.escape(str(value), quote=False)


def numeric(text: object) -> bool:
    """True when `text` reads as a number: `1,234`, `-2.5`, `+3`, `12.5 %` (set right-aligned)."""
    num = str(text).replace(",", "").replace(" %", "").replace("+", "").replace("-", "", 1)
    return num.replace(".", "", 1).isdigit()


def environment(package: str) -> Environment:
    """The templates of `package` (its `templates/` folder), autoescaped.

    Undefined names are errors (`StrictUndefined`), a template's last newline is kept, and a
    block tag alone on its line leaves no blank line. Filter `numeric`: see `numeric`.
    """
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["numeric"] = numeric
    return env


def fragment(env: Environment, name: str, **values: object) -> Markup:
    """Template `name` rendered with `values`: escaped HTML, safe to put into another page."""
    return Markup(env.get_template(name).render(**values))
