"""Which plotly.js a report page embeds: the small basic bundle when it is enough.

Place in the flow: `report/html.py` asks `plotly_js(trace_types)` for the one script every page
embeds (the page stays self-contained and works offline). The full plotly.js of the Python
`plotly` package is about 4.8 MB; the basic bundle shipped in `report/vendor/`
(`plotly.js-basic-dist-min`, MIT) has only the scatter, bar and pie trace types and is about
1.2 MB. A page gets the basic bundle when every trace of its figures is of those types and the
bundle's major.minor version is that of the full one (the figures' JSON is written for it);
otherwise, the full bundle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from plotly.offline import get_plotlyjs, get_plotlyjs_version

BASIC_TRACES = frozenset({"scatter", "bar", "pie"})
"""The trace types of the basic bundle."""
BASIC = "plotly-basic.min.js"
"""The basic bundle's file in `fcsim/report/vendor/`."""


@cache
def basic_bundle() -> str:
    """The basic bundle's text."""
    return (files("fcsim.report") / "vendor" / BASIC).read_text(encoding="utf-8")


def basic_version() -> str:
    """The basic bundle's version, from its header ("plotly.js (basic - minified) v4.1.1")."""
    found = re.search(r"plotly\.js \(basic[^)]*\) v(\d+\.\d+\.\d+)", basic_bundle()[:500])
    return found.group(1) if found else ""


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def basic_fits(trace_types: Iterable[str]) -> bool:
    """Whether the basic bundle draws figures of `trace_types` as the full one would."""
    same = _major_minor(basic_version()) == _major_minor(get_plotlyjs_version())
    return same and set(trace_types) <= BASIC_TRACES


def plotly_js(trace_types: Iterable[str]) -> str:
    """The plotly.js to embed in a page whose figures use `trace_types`."""
    return basic_bundle() if basic_fits(trace_types) else get_plotlyjs()
