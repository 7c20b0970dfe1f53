"""What every node of one run shares: the scenario, the orders, the parcels, time and noise.

Place in the flow: built by `model/network.py` for one (strategy, replication) and handed to
each node model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from fcsim.model.calendar import BusinessDays
from fcsim.model.carriers import Delivery
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.demand import Orders
from fcsim.model.disruptions import DisruptionPlan
from fcsim.model.lifecycle import LifeCycles
from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario


@dataclass(kw_only=True)
class RunContext:
    """Shared, read-mostly state of one run."""

    env: simpy.Environment
    scenario: Scenario
    catalogue: CatalogueArrays
    orders: Orders
    parcels: Parcels
    streams: Streams
    bd: BusinessDays
    delivery: Delivery
    n_days: int  # horizon + drain: days simulated
    calendar_days: int  # days covered by staff calendars (a margin beyond n_days)
    disruptions: DisruptionPlan  # the days each disruption is in force
    life_cycles: LifeCycles | None = None  # the SKUs' life cycles (None: no life cycle)
    # customers who react (`model/reactive.py`): which of the orders are placed; the nodes skip
    # the others. None (the default): every order is placed
    placed: np.ndarray | None = None

    def arriving(self, parcels: np.ndarray) -> range | list[int]:
        """Positions in `parcels` of those whose order is placed: all of them, except with
        customers who react, where the visits not placed (not converted, churned) never arrive."""
        if self.placed is None:
            return range(len(parcels))
        return np.flatnonzero(self.placed[self.parcels.order[parcels]]).tolist()

    def carrier_indices(self, names: list[str]) -> tuple[int, ...]:
        index = {c.name: i for i, c in enumerate(self.scenario.carriers)}
        return tuple(index[n] for n in names)
