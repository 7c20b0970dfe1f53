"""Data files named by a scenario, read once when it is loaded and carried with it as content.

Place in the flow: `fcsim.scenario.load.load_scenario` calls `resolve_data_paths` on the composed
YAML data (a relative path is relative to the folder of the scenario file that wrote it, so a
scenario and its data move together, `extends` included; a path given with `--set` is relative
to the working folder), then `attach_data` on the valid `Scenario`: the order history and the
product file are read and checked here — every problem with its file and row, and their fit with
the scenario, raised together as `ScenarioError` (exit status 2, nothing simulated) — and the
result travels with the scenario as a frozen `ScenarioData` (`Scenario.data`). The model gets
these arrays and never opens a file; the files' bytes are hashed into the scenario's identity
(`Scenario.content_hash`), so a run store or a baseline sees an edited file.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fcsim.core.errors import Problem, ScenarioError, not_a_file
from fcsim.history.checks import missing_from_products
from fcsim.history.fit import FittedDemand, fit_history, weekday_offset
from fcsim.history.orders import History, read_history
from fcsim.history.products import Products, read_products
from fcsim.history.table import Problems
from fcsim.scenario.schema.content import ScenarioData, history_key, products_key
from fcsim.scenario.schema.history import CatalogueFile, HistoryDemand

DATA_KEYS = (("demand", "orders"), ("catalogue", "from"))
MIN_DAYS_TO_RESAMPLE = 7


def _file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _history(key: str, content: str) -> tuple[History | None, Problems]:
    path, cols, date_format, tz = json.loads(key)
    problems = Problems()
    history = read_history(Path(path), problems, columns=cols, date_format=date_format, timezone=tz)
    return history, problems


@lru_cache(maxsize=8)
def _fit(key: str, content: str) -> FittedDemand:
    history, _ = _history(key, content)
    assert history is not None
    return fit_history(history)


@lru_cache(maxsize=8)
def _products(key: str, content: str) -> tuple[Products | None, Problems]:
    path, cols, names = json.loads(key)
    problems = Problems()
    return read_products(Path(path), problems, tuple(names), columns=cols), problems


def resolve_data_paths(parsed: Any) -> None:
    """Make the data paths of composed scenario data absolute, in place.

    `parsed` is a `fcsim.scenario.yamlfile.Parsed`: its `marks` say which file wrote each value.
    """
    for loc in DATA_KEYS:
        parent = parsed.data.get(loc[0]) if isinstance(parsed.data, dict) else None
        if not isinstance(parent, dict) or not isinstance(parent.get(loc[1]), str):
            continue
        value = parent[loc[1]]
        if Path(value).is_absolute():
            continue
        mark = parsed.marks.get(loc)
        from_file = mark is not None and mark.line is not None and Path(mark.source).is_file()
        base = Path(mark.source).parent if from_file else Path.cwd()
        parent[loc[1]] = str((base / value).resolve())


def attach_data(scenario: Any, parsed: Any) -> Any:
    """Read the scenario's data files into `scenario.data`; raise every problem found."""
    demand, cat = scenario.demand, scenario.catalogue
    if not isinstance(demand, HistoryDemand) and not isinstance(cat, CatalogueFile):
        return scenario
    problems = Problems()
    out: list[Problem] = []

    def yaml_problem(loc: tuple[str, ...], message: str) -> None:
        mark = parsed.marks.get(loc) or parsed.key_marks.get(loc) or parsed.marks.get(loc[:1])
        out.append(Problem(mark, ".".join(loc), message))

    for loc, path in (
        (("demand", "orders"), getattr(demand, "orders", None)),
        (("catalogue", "from"), getattr(cat, "from_", None)),
    ):
        if path is not None and not Path(path).is_file():
            yaml_problem(loc, f"{path}: {not_a_file(path)}")
    if out:
        raise ScenarioError(out)
    history = products = fitted = None
    h_key = p_key = None
    digests: list[str] = []
    files: dict[str, str] = {}
    if isinstance(demand, HistoryDemand):
        h_key = history_key(demand)
        content = files["demand.orders"] = _file_digest(demand.orders)
        digests += [h_key, content]
        history, found = _history(h_key, content)
        _merge(problems, found)
        needs_fit = demand.mode == "fit" or demand.trend or not isinstance(cat, CatalogueFile)
        if history is not None and history.n and not found and needs_fit:
            fitted = _fit(h_key, content)
    if isinstance(cat, CatalogueFile):
        p_key = products_key(cat)
        content = files["catalogue.from"] = _file_digest(cat.from_)
        digests += [p_key, content]
        products, found = _products(p_key, content)
        _merge(problems, found)
    if history is not None and history.n == 0 and not problems:
        problems.add(history.source, None, None, "no orders: the file has a header but no rows")
    if history is not None and history.n:
        if isinstance(cat, CatalogueFile):
            if products is not None and not problems.found.get(products.source):
                missing_from_products(history, products, problems)
        elif len(history.sku_codes) > cat.skus:
            yaml_problem(
                ("catalogue", "skus"),
                f"the order history has {len(history.sku_codes):,} SKUs, more than the "
                f"catalogue's {cat.skus:,}: raise skus or load the catalogue from a product "
                "file (catalogue.from)",
            )
        _history_fits_scenario(scenario, history, fitted, yaml_problem)
    out += problems.as_problems()
    if out:
        raise ScenarioError(out)
    scenario._data = ScenarioData(
        history=history,
        fit=fitted,
        products=products,
        history_key=h_key,
        products_key=p_key,
        digest=hashlib.sha256(json.dumps(digests).encode()).hexdigest(),
        file_digests=files,
    )
    return scenario


def _merge(into: Problems, found: Problems) -> None:
    for source, items in found.found.items():
        into.found.setdefault(source, []).extend(items)


def _history_fits_scenario(
    scenario: Any, history: History, fitted: FittedDemand | None, yaml_problem: Any
) -> None:
    demand = scenario.demand
    if demand.mode == "replay":
        offset = weekday_offset(history.first_day, scenario.start_date)
        if history.n_days + offset < scenario.horizon_days:
            yaml_problem(
                ("horizon_days",),
                f"replay covers {history.n_days + offset} days (the history's "
                f"{history.n_days} days, starting {offset} days in to keep weekdays), fewer "
                f"than horizon_days ({scenario.horizon_days}): shorten the horizon, or use "
                "mode: bootstrap or fit",
            )
    elif history.n_days < MIN_DAYS_TO_RESAMPLE:
        yaml_problem(
            ("demand", "mode"),
            f"{demand.mode} needs at least {MIN_DAYS_TO_RESAMPLE} days of history (one of each "
            f"weekday); {history.source} covers {history.n_days}",
        )
    elif demand.trend and not (fitted or fit_history(history)).trend_fitted:
        yaml_problem(
            ("demand", "trend"),
            f"no trend can be fitted to {history.n_days} days of history: it needs 4 weeks to "
            "a year, or two years and more (with one to two years the month profile holds "
            "it); use growth instead",
        )


__all__ = ["attach_data", "resolve_data_paths"]
