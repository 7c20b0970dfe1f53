"""Product life cycles: the weight of each SKU's demand over time, and the forecast error.

Place in the flow: `fcsim.experiment.runs.simulate` builds `LifeCycles` from the scenario and
the catalogue, and thins the generated orders with `thin_orders` before any strategy runs (the
same orders for every strategy: common random numbers). A warehouse node then shapes each
life-cycle SKU's stock targets by `LifeCycles.level` (the planner knows the collection's launch
and end), clears the stock left from the season's end on (`Inventory.clear`), and scales every
SKU's forecast by `forecast_factor` (the declared forecast error).

A SKU of a life cycle sells, per unit of time, (1 - decline_per_month)^(days since launch / 30)
of what the scenario's demand gives it, from its launch day until the day before its season
end; nothing before or after. The thinning keeps each drawn line with that probability (its own
keyed stream, `"lifecycle"`), so the other SKUs' lines are untouched; an order left without a
line is no order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.demand import Orders
from fcsim.model.inventory import Inventory
from fcsim.model.streams import Streams
from fcsim.scenario.schema.scenario import Scenario

NEVER = 1 << 30
"""Day index of a season end that never comes."""


@dataclass(frozen=True)
class LifeCycles:
    """The life cycles of a run: each SKU's cycle (-1: none) and each cycle's figures."""

    names: list[str]
    sku_cycle: np.ndarray  # int64 per SKU, index into the cycle columns, -1: no life cycle
    launch_day: np.ndarray  # int64 per cycle, day index (0 = start_date; may be negative)
    end_day: np.ndarray  # int64 per cycle, first day without demand (NEVER: no end)
    decline: np.ndarray  # float per cycle, share of demand lost per 30 days
    recovery: np.ndarray  # float per cycle, share of the cost value recovered at clearance

    @property
    def skus(self) -> np.ndarray:
        """The SKUs that follow a life cycle."""
        return np.flatnonzero(self.sku_cycle >= 0)

    def weight(self, day: np.ndarray, sku: np.ndarray) -> np.ndarray:
        """Demand weight of each (day, SKU) pair: 1 without a life cycle."""
        c = self.sku_cycle[sku]
        has = c >= 0
        ci = np.where(has, c, 0)
        since = day - self.launch_day[ci]
        alive = (since >= 0) & (day < self.end_day[ci])
        w = np.where(alive, (1.0 - self.decline[ci]) ** (np.maximum(since, 0) / 30.0), 0.0)
        return np.where(has, w, 1.0)

    def level(self, skus: np.ndarray, n_days: int) -> np.ndarray:
        """Demand weight of `skus` on every day: shape (n_days, len(skus))."""
        day = np.arange(n_days)[:, None]
        return self.weight(np.broadcast_to(day, (n_days, len(skus))), skus[None, :])

    def ended(self, skus: np.ndarray, day: int) -> np.ndarray:
        """Which of `skus` are past their season end on `day`."""
        return day >= self.end_day[self.sku_cycle[skus]]


def life_cycles(scenario: Scenario, catalogue: CatalogueArrays) -> LifeCycles | None:
    """The scenario's life cycles over the catalogue's SKUs (None: the scenario has none)."""
    if not scenario.life_cycles:
        return None
    start = scenario.start_date
    cycle_of_category = np.full(len(catalogue.category_names), -1, dtype=np.int64)
    for i, lc in enumerate(scenario.life_cycles):
        for name in lc.categories:
            cycle_of_category[catalogue.category_names.index(name)] = i
    cycles = scenario.life_cycles
    return LifeCycles(
        names=[lc.name for lc in cycles],
        sku_cycle=cycle_of_category[catalogue.category],
        launch_day=np.array(
            [(lc.launch_date - start).days if lc.launch_date else -NEVER for lc in cycles],
            dtype=np.int64,
        ),
        end_day=np.array(
            [(lc.season_end - start).days if lc.season_end else NEVER for lc in cycles],
            dtype=np.int64,
        ),
        decline=np.array([lc.decline_per_month for lc in cycles], dtype=float),
        recovery=np.array([lc.recovery_rate for lc in cycles], dtype=float),
    )


def thin_orders(orders: Orders, cycles: LifeCycles | None, streams: Streams) -> Orders:
    """The orders with each line of a life-cycle SKU kept with its demand weight that day.

    Lines of other SKUs are all kept; orders left without a line are dropped. Without life
    cycles the orders are returned as they are.
    """
    if cycles is None or orders.n == 0:
        return orders
    order = orders.line_order
    day = np.floor(orders.created_min[order] / MIN_PER_DAY).astype(np.int64)
    w = cycles.weight(day, orders.line_sku)
    keep = streams.keyed("lifecycle", np.arange(len(order))) < w
    kept_per_order = np.bincount(order[keep], minlength=orders.n)
    line_start = np.zeros(int((kept_per_order > 0).sum()) + 1, dtype=np.int64)
    np.cumsum(kept_per_order[kept_per_order > 0], out=line_start[1:])
    return Orders(
        created_min=orders.created_min[kept_per_order > 0],
        line_start=line_start,
        line_sku=orders.line_sku[keep],
        line_units=orders.line_units[keep],
    )


def forecast_factor(cv: float, n_skus: int, streams: Streams) -> np.ndarray | None:
    """Each SKU's forecast over its expected demand: lognormal, mean 1, coefficient of
    variation `cv`, keyed by SKU (the same at every node and in every strategy); None at 0."""
    if cv <= 0:
        return None
    sigma2 = np.log1p(cv * cv)
    u = streams.keyed("forecast_error", np.arange(n_skus))
    z = ndtri(np.clip(u, 1e-12, 1 - 1e-12))
    return np.exp(np.sqrt(sigma2) * z - sigma2 / 2)


class Clearance:
    """The end-of-season clearance of one warehouse node: from each life-cycle SKU's season
    end on, the units on hand are taken out of stock every day (at 00:00, before the stock
    review) and recorded with their cost value and markdown cost, cost x (1 - recovery_rate).
    """

    def __init__(self, cycles: LifeCycles, cost_eur: np.ndarray, n_days: int) -> None:
        self.cycles = cycles
        self.skus = cycles.skus
        self.cost_eur = cost_eur
        self.daily = {
            key: np.zeros(n_days) for key in ("cleared_units", "cleared_value_eur", "markdown_eur")
        }

    def run(self, day: int, inventory: Inventory) -> None:
        """Clear the stock of the SKUs whose season is over on `day`."""
        ended = self.skus[self.cycles.ended(self.skus, day)]
        if len(ended) == 0:
            return
        units = inventory.clear(ended)
        value = units * self.cost_eur[ended]
        kept = self.cycles.recovery[self.cycles.sku_cycle[ended]]
        self.daily["cleared_units"][day] += units.sum()
        self.daily["cleared_value_eur"][day] += value.sum()
        self.daily["markdown_eur"][day] += (value * (1.0 - kept)).sum()
