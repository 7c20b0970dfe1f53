"""The storage layout of a warehouse (D5): parallel aisles between a front and a back cross-aisle.

Place in the flow: built once per warehouse node from `Picking.layout`; slotting places each SKU
at a location; the pick-path policy (`fcsim.policies.pickpath`) turns the locations of a tour
into a walking distance, which `model/picking.py` turns into minutes.

Geometry (metres): aisle a (0-based) runs along y from 0 (front cross-aisle) to `length` (back
cross-aisle) at x = a * spacing; its locations are evenly spaced at y = (j + 0.5) * length / n.
The depot is on the front cross-aisle at the foot of aisle `depot_aisle`. Cross-aisles take no
length. `graph()` builds the same layout as a networkx graph; `distance` is its shortest-path
metric in closed form (tested against networkx).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np


@dataclass(frozen=True)
class Layout:
    """A single-block layout of parallel aisles."""

    aisles: int
    length_m: float
    spacing_m: float
    locations_per_aisle: int
    depot_aisle: int = 0

    @property
    def n_locations(self) -> int:
        return self.aisles * self.locations_per_aisle

    @cached_property
    def aisle_of(self) -> np.ndarray:
        """Aisle index of every location."""
        return np.repeat(np.arange(self.aisles), self.locations_per_aisle)

    @cached_property
    def x(self) -> np.ndarray:
        return self.aisle_of * self.spacing_m

    @cached_property
    def y(self) -> np.ndarray:
        step = self.length_m / self.locations_per_aisle
        return np.tile((np.arange(self.locations_per_aisle) + 0.5) * step, self.aisles)

    @property
    def depot(self) -> tuple[float, float]:
        return (self.depot_aisle * self.spacing_m, 0.0)

    def distance(self, x1: float, y1: float, x2: float, y2: float) -> float:
        """Shortest walk between two points of the layout (in aisles or on cross-aisles)."""
        if x1 == x2:
            return abs(y1 - y2)
        return abs(x1 - x2) + min(y1 + y2, 2 * self.length_m - y1 - y2)

    @cached_property
    def from_depot(self) -> np.ndarray:
        """Walking distance from the depot to every location."""
        dx, _ = self.depot
        across = np.abs(self.x - dx)
        return np.where(across == 0, self.y, across + self.y)

    def graph(self) -> nx.Graph:
        """The layout as a weighted networkx graph: depot, aisle ends and locations."""
        g = nx.Graph()
        step = self.length_m / self.locations_per_aisle
        for a in range(self.aisles):
            x = a * self.spacing_m
            chain = [("front", a)]
            chain += [
                ("loc", a * self.locations_per_aisle + j) for j in range(self.locations_per_aisle)
            ]
            chain.append(("back", a))
            ys = [0.0, *((np.arange(self.locations_per_aisle) + 0.5) * step), self.length_m]
            for i in range(len(chain) - 1):
                g.add_edge(chain[i], chain[i + 1], weight=ys[i + 1] - ys[i])
            for n, yy in zip(chain, ys, strict=True):
                g.nodes[n]["pos"] = (x, yy)
            if a:
                g.add_edge(("front", a - 1), ("front", a), weight=self.spacing_m)
                g.add_edge(("back", a - 1), ("back", a), weight=self.spacing_m)
        g.add_edge("depot", ("front", self.depot_aisle), weight=0.0)
        return g
