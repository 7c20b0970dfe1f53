"""What every node of one run shares: the scenario, the orders, the parcels, time and noise.

Place in the flow: built by `model/network.py` for one (strategy, replication) and handed to
each node model.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def carrier_indices(self, names: list[str]) -> tuple[int, ...]:
        index = {c.name: i for i, c in enumerate(self.scenario.carriers)}
        return tuple(index[n] for n in names)
