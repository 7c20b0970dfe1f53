"""The life cycle every node model follows: build, start, run, collect.

Place in the flow: `model/network.py` builds one node model per node of a strategy (the class
registered for the node's `kind`), starts every node in node order, runs the one SimPy
environment, then collects each node's `NodeResult`, which `accounting` (KPIs, cost ledger)
reads. The phases:

- build: the constructor stores the node's configuration and prepares its own work (staff
  calendars, pick and pack times, stock targets); it schedules no SimPy event, starts no
  process and writes nothing into the run's shared parcel columns;
- start: the node writes what it fixes before the run and schedules its SimPy processes (a
  node without processes, a dropship supplier, computes all of its parcels here);
- run: the environment runs to the end of the horizon plus the drain days (`network.py`);
- collect: the node's result record, after the run.

Starting a node twice, or collecting one that was never started, is an error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np

from fcsim.model.context import RunContext

CfgT = TypeVar("CfgT")
"""The scenario's configuration of one node kind."""


@dataclass(kw_only=True)
class NodeResult:
    """What a node reports after the run: daily series and totals."""

    name: str
    kind: str  # "warehouse" or "supplier": which model produced it
    daily: dict[str, np.ndarray] = field(default_factory=dict)
    totals: dict[str, float] = field(default_factory=dict)
    staff_minutes_by_day: np.ndarray | None = None  # paid working minutes per person per day
    headcount_by_day: dict[str, np.ndarray] = field(default_factory=dict)  # per role
    overtime_minutes_by_day: np.ndarray | None = None  # per person, included in staff minutes


class NodeModel(ABC, Generic[CfgT]):
    """One node of a strategy, driven through build -> start -> run -> collect.

    `index` is the node's position in the strategy (the parcels' `node` column), `ids` the
    global indices of the parcels it serves, by creation time. Subclasses implement `_start`
    and `_collect`; `start` and `collect` enforce the order of the phases.
    """

    def __init__(
        self, ctx: RunContext, *, index: int, name: str, cfg: CfgT, ids: np.ndarray
    ) -> None:
        self.ctx = ctx
        self.index = index
        self.name = name
        self.cfg = cfg
        self.ids = ids
        self.started = False

    def start(self) -> None:
        """Schedule the node's SimPy processes (before the environment runs)."""
        if self.started:
            raise RuntimeError(f"node {self.name!r} is already started")
        self.started = True
        self._start()

    def collect(self) -> NodeResult:
        """The node's result record (after the environment has run)."""
        if not self.started:
            raise RuntimeError(f"node {self.name!r} was never started: start it before the run")
        return self._collect()

    @abstractmethod
    def _start(self) -> None:
        """What `start` does for this kind of node."""

    @abstractmethod
    def _collect(self) -> NodeResult:
        """What `collect` returns for this kind of node."""
