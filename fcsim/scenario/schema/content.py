"""What a scenario's data files hold, carried with the scenario: `Scenario.data`.

Place in the flow: `fcsim.scenario.data.attach_data` reads the order history and the product
file when the scenario is loaded and stores their content here; the model asks for it
(`history_for`, `products_for`, `demand_for`) and never opens a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from fcsim.history.fit import FittedDemand, fit_history
from fcsim.history.orders import History
from fcsim.history.products import Products
from fcsim.scenario.schema.business import Demand
from fcsim.scenario.schema.history import CatalogueFile, HistoryDemand


@dataclass(frozen=True)
class ScenarioData:
    """The content of a scenario's data files, as read when it was loaded.

    `history_key`/`products_key` name what each was read from (path and reading options), so a
    scenario copied with other reading options cannot be handed stale content; `digest` is the
    SHA-256 of the files' bytes and options, part of the scenario's content hash;
    `file_digests` the SHA-256 of each file's bytes by the key that names it (`demand.orders`,
    `catalogue.from`), which a regression baseline records to say which file changed.
    """

    history: History | None = None
    fit: FittedDemand | None = None
    products: Products | None = None
    history_key: str | None = None
    products_key: str | None = None
    digest: str = ""
    file_digests: dict[str, str] = field(default_factory=dict)  # key path -> SHA-256 of bytes

    def history_for(self, demand: HistoryDemand) -> History:
        """The order history read for `demand` (refuses content read with other options)."""
        if self.history is None or self.history_key != history_key(demand):
            raise ValueError(
                f"the order history {demand.orders} was not read with this scenario: load the "
                "scenario with fcsim.scenario.load.load_scenario"
            )
        return self.history

    def fit_for(self, demand: HistoryDemand) -> FittedDemand:
        """The demand model fitted to the history of `demand`."""
        history = self.history_for(demand)
        return self.fit if self.fit is not None else fit_history(history)

    def demand_for(self, demand: HistoryDemand) -> Demand:
        """The fitted model of the history of `demand`, as a scenario `Demand`."""
        return fitted_demand(self.fit_for(demand))

    def products_for(self, cat: CatalogueFile) -> Products:
        """The product list read for `cat` (refuses content read with other options)."""
        if self.products is None or self.products_key != products_key(cat):
            raise ValueError(
                f"the product file {cat.from_} was not read with this scenario: load the "
                "scenario with fcsim.scenario.load.load_scenario"
            )
        return self.products


NO_DATA = ScenarioData()


def fitted_demand(fit: FittedDemand) -> Demand:
    """A fitted history model as the parametric `Demand` it stands for (Poisson counts)."""
    return Demand(
        kind="poisson",
        orders_per_day=fit.level,
        weekday_profile=[float(x) for x in fit.weekday],
        month_profile=[float(x) for x in fit.month],
        hour_profile=fit.hour_profile,
        growth_per_month=fit.growth_per_month,
        lines_per_order=fit.lines_per_order,
        units_per_line=fit.units_per_line,
    )


"""What a scenario without data files carries."""


def history_key(demand: HistoryDemand) -> str:
    """What the imported history depends on: its path and the reading options."""
    cols = demand.columns.model_dump()
    return json.dumps(
        [demand.orders, cols, demand.date_format, demand.timezone], sort_keys=True, default=str
    )


def products_key(cat: CatalogueFile) -> str:
    """What the imported product list depends on: its path, columns and category names."""
    names = [c.name for c in cat.categories]
    return json.dumps([cat.from_, cat.columns.model_dump(), names], sort_keys=True, default=str)
