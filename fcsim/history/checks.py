"""Data files named by a scenario: paths resolved, files read and checked before any run.

Place in the flow: `fcsim.loading.load_scenario` calls `resolve_data_paths` on the composed
YAML data (a relative path is relative to the folder of the scenario file that wrote it, so a
scenario and its data move together, `extends` included; a path given with `--set` is relative
to the working folder), then `check_data` on the valid `Scenario`. Every problem of the order
history and the product file — each with its file and row — and of their fit with the scenario
is raised together as `ScenarioError`: exit status 2, nothing simulated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from fcsim.errors import Problem, ScenarioError, not_a_file
from fcsim.history.cache import history_with_problems, products_with_problems
from fcsim.history.fit import fit_history
from fcsim.history.orders import History
from fcsim.history.products import Products
from fcsim.history.table import Problems
from fcsim.schema.history import CatalogueFile, HistoryDemand

DATA_KEYS = (("demand", "orders"), ("catalogue", "from"))
MIN_DAYS_TO_RESAMPLE = 7


def resolve_data_paths(parsed: Any) -> None:
    """Make the data paths of composed scenario data absolute, in place.

    `parsed` is a `fcsim.loading_yaml.Parsed`: its `marks` say which file wrote each value.
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


def check_data(scenario: Any, parsed: Any) -> Any:
    """Read the scenario's data files; raise every problem, else return the scenario."""
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
    history = products = None
    if isinstance(demand, HistoryDemand):
        history, found = history_with_problems(demand)
        _merge(problems, found)
    if isinstance(cat, CatalogueFile):
        products, found = products_with_problems(cat)
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
        _history_fits_scenario(scenario, history, yaml_problem)
    out += problems.as_problems()
    if out:
        raise ScenarioError(out)
    return scenario


def _merge(into: Problems, found: Problems) -> None:
    for source, items in found.found.items():
        into.found.setdefault(source, []).extend(items)


def missing_from_products(history: History, products: Products, problems: Problems) -> None:
    """Every SKU sold in the history must be in the product file."""
    known = set(products.sku.tolist())
    missing = [i for i, c in enumerate(history.sku_codes.tolist()) if c not in known]
    if not missing:
        return
    lines = history.sku_lines()
    first_row = np.full(len(history.sku_codes), np.iinfo(np.int64).max)
    np.minimum.at(first_row, history.line_sku, history.line_row)
    for i in missing:
        n = int(lines[i])
        problems.add(
            history.source,
            int(first_row[i]),
            history.columns_used.get("sku"),
            f'SKU "{history.sku_codes[i]}" is not in the product file {products.source}'
            + (f" ({n} lines)" if n > 1 else ""),
        )


def _history_fits_scenario(scenario: Any, history: History, yaml_problem: Any) -> None:
    demand = scenario.demand
    if demand.mode == "replay":
        from fcsim.history.generators import weekday_offset

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
    elif demand.trend and not fit_history(history).trend_fitted:
        yaml_problem(
            ("demand", "trend"),
            f"no trend can be fitted to {history.n_days} days of history: it needs 4 weeks to "
            "a year, or two years and more (with one to two years the month profile holds "
            "it); use growth instead",
        )


__all__ = ["check_data", "resolve_data_paths"]
