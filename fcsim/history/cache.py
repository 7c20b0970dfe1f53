"""Imported data read once per process: the history, its fit and the product list.

Place in the flow: `fcsim.history.checks` reads the files when a scenario is loaded (and
reports their problems); every run (`fcsim.catalogue`, `fcsim.demand`) asks here again, so a
worker process reads each file once, not once per run. Entries are keyed by the file's path,
size and modification time and by the reading options, so an edited file is read again.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fcsim.errors import ScenarioError
from fcsim.history.fit import FittedDemand, fit_history
from fcsim.history.orders import History, read_history
from fcsim.history.products import Products, read_products
from fcsim.history.table import Problems
from fcsim.schema.history import CatalogueFile, HistoryDemand


def _stamp(path: str) -> tuple[int, int]:
    try:
        st = Path(path).stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def history_with_problems(demand: HistoryDemand) -> tuple[History | None, Problems]:
    """The history of `demand` and the problems found in its file (cached)."""
    return _history(demand.orders, *history_key(demand))


@lru_cache(maxsize=8)
def _history(
    path: str, stamp: tuple[int, int], cols: str, date_format: str | None, tz: str | None
) -> tuple[History | None, Problems]:
    problems = Problems()
    history = read_history(
        Path(path), problems, columns=json.loads(cols), date_format=date_format, timezone=tz
    )
    return history, problems


def products_with_problems(cat: CatalogueFile) -> tuple[Products | None, Problems]:
    """The product list of `cat` and the problems found in its file (cached)."""
    cols = json.dumps(cat.columns.model_dump(), sort_keys=True)
    names = tuple(c.name for c in cat.categories)
    return _products(cat.from_, _stamp(cat.from_), cols, names)


@lru_cache(maxsize=8)
def _products(
    path: str, stamp: tuple[int, int], cols: str, categories: tuple[str, ...]
) -> tuple[Products | None, Problems]:
    problems = Problems()
    products = read_products(Path(path), problems, categories, columns=json.loads(cols))
    return products, problems


def load_history(demand: HistoryDemand) -> History:
    """The history of `demand`; raises `ScenarioError` if its file has problems."""
    history, problems = history_with_problems(demand)
    problems.raise_if_any()
    assert history is not None
    return history


def load_products(cat: CatalogueFile) -> Products:
    """The product list of `cat`; raises `ScenarioError` if its file has problems."""
    products, problems = products_with_problems(cat)
    problems.raise_if_any()
    assert products is not None
    return products


def load_fit(demand: HistoryDemand) -> FittedDemand:
    """The model fitted to the history of `demand` (cached with it)."""
    return _fit(demand.orders, *history_key(demand))


def history_key(demand: HistoryDemand) -> tuple[tuple[int, int], str, str | None, str | None]:
    """What the imported history depends on besides its path: file stamp and read options."""
    cols = json.dumps(demand.columns.model_dump(), sort_keys=True)
    return (_stamp(demand.orders), cols, demand.date_format, demand.timezone)


@lru_cache(maxsize=8)
def _fit(
    path: str, stamp: tuple[int, int], cols: str, fmt: str | None, tz: str | None
) -> FittedDemand:
    history, problems = _history(path, stamp, cols, fmt, tz)
    if problems or history is None:
        raise ScenarioError(problems.as_problems())
    return fit_history(history)
