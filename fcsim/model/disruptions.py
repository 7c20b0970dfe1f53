"""Disruptions of one run: the days each node outage, carrier strike and supplier failure is in
force, and what they block.

Place in the flow: `model/network.py` builds one `DisruptionPlan` per run from the scenario's
`disruptions` list (`fcsim.scenario.schema.disruptions`) and puts it in the `RunContext`; a
warehouse takes its outage days out of its staff calendar and its collections
(`model/warehouse.py`), delays its purchase orders' trucks on its supplier's failure days; a
dropship supplier skips its outage days when processing (`model/supplier.py`); `dispatch`
(`model/carriers.py`) skips the blocked collection days and reroutes struck parcels. The KPIs of
`model/accounting/disruption_kpis.py` read the same plan.

Random disruptions are drawn per day from the counter-based stream `"disruptions"`, keyed by
the item's position and what it hits (kind and target, never the strategy): every strategy of
a replication sees the same strike days, and two strategies with a node of the targeted id or
kind see the same outage days (common random numbers). A day index d is day d of the run
(0 = `start_date`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from fcsim.model.calendar import BusinessDays, WorkCalendar
from fcsim.model.streams import Streams, purpose_key
from fcsim.scenario.schema.disruptions import WAREHOUSE_KINDS, Disruption
from fcsim.scenario.schema.scenario import Node, Scenario, WarehouseNode

_EMPTY = np.zeros(0, dtype=np.int64)
# fields of the "disruptions" noise, per (item, target, day)
_START, _LENGTH = 0, 1


def scheduled_days(d: Disruption, start_date: dt.date) -> np.ndarray:
    """Day indices of a scheduled disruption (unsorted, may repeat)."""
    if d.dates:
        return np.array([(x - start_date).days for x in d.dates], dtype=np.int64)
    first = d.start if isinstance(d.start, int) else (d.start - start_date).days  # type: ignore[operator]
    return np.arange(first, first + int(d.days or 0), dtype=np.int64)


def random_days(
    d: Disruption, item: int, start_date: dt.date, n_days: int, streams: Streams
) -> np.ndarray:
    """Day indices of a random disruption: a start on each day with the day's probability
    (in season only), each lasting `duration_days` rounded up (at least one day)."""
    rate = float(d.rate_per_year or 0.0)
    months = d.season_months
    season_days = 365.25 * (len(months) / 12 if months else 1.0)
    p_day = 1.0 - math.exp(-rate / season_days)
    day = np.arange(n_days, dtype=np.int64)
    key = purpose_key(d.key)
    u = streams.keyed("disruptions", item, key, day, _START)
    starts = u < p_day
    if months:
        month = (np.datetime64(start_date, "D") + day).astype("datetime64[M]").astype(np.int64)
        starts &= np.isin(month % 12 + 1, months)
    first = day[starts]
    if not len(first):
        return _EMPTY
    v = streams.keyed("disruptions", item, key, first, _LENGTH)
    length = np.maximum(1, np.ceil(d.duration_days.ppf(np.asarray(v)))).astype(np.int64)
    return np.concatenate([np.arange(a, a + n) for a, n in zip(first, length, strict=True)])


def hits_node(d: Disruption, name: str, kind: str) -> bool:
    """Whether `d` is an outage of node `name` (of kind `kind`), by id or by kind."""
    if d.kind != "node_outage":
        return False
    kinds = WAREHOUSE_KINDS if d.node_kind == "warehouse" else (d.node_kind,)
    return d.target == name or (d.node_kind is not None and kind in kinds)


def inbound_supplier(node: Node) -> str | None:
    """The inbound supplier a node names (`replenishment.supplier`), if any."""
    return node.replenishment.supplier if isinstance(node, WarehouseNode) else None


@dataclass(frozen=True)
class Blocked:
    """Collection days a node's carriers lose: per carrier index, the sorted days it collects
    nothing from this node, and the strike days whose parcels go to other carriers."""

    days: dict[int, np.ndarray] = field(default_factory=dict)
    reroute: dict[int, np.ndarray] = field(default_factory=dict)

    def roll(self, carrier: int, day: np.ndarray, collection_days: list[str], bd: BusinessDays):
        """Each collection day moved past the carrier's blocked days (its next collection day)."""
        out = np.asarray(day, dtype=np.int64).copy()
        blocked = self.days.get(carrier)
        if blocked is None or not len(blocked):
            return out
        hit = np.isin(out, blocked)
        while hit.any():
            out[hit] = bd.roll_forward(out[hit] + 1, collection_days)
            hit = np.isin(out, blocked)
        return out


class DisruptionPlan:
    """Every disruption of one run as its days in force (sorted day indices in [0, n_days))."""

    def __init__(self, scenario: Scenario, streams: Streams, n_days: int) -> None:
        self.scenario = scenario
        self.n_days = n_days
        self.items: list[tuple[Disruption, np.ndarray]] = []
        for i, d in enumerate(scenario.disruptions):
            if d.rate_per_year is not None:
                raw = random_days(d, i, scenario.start_date, n_days, streams)
            else:
                raw = scheduled_days(d, scenario.start_date)
            days = np.unique(raw[(raw >= 0) & (raw < n_days)])
            self.items.append((d, days))

    @property
    def active(self) -> bool:
        """Whether any disruption is declared (else nothing of the run changes)."""
        return bool(self.items)

    def _union(self, found: list[np.ndarray]) -> np.ndarray:
        return np.unique(np.concatenate(found)) if found else _EMPTY

    def node_days(self, name: str, kind: str) -> np.ndarray:
        """Outage days of node `name` of kind `kind`."""
        return self._union([days for d, days in self.items if hits_node(d, name, kind)])

    def node_dates(self, name: str, kind: str) -> list[dt.date]:
        """Outage days of a node as dates (for its staff calendar and business days)."""
        start = self.scenario.start_date
        return [start + dt.timedelta(days=int(d)) for d in self.node_days(name, kind)]

    def staff_calendar(
        self, shifts: list, name: str, kind: str, calendar_days: int
    ) -> tuple[WorkCalendar, np.ndarray]:
        """A node's staff calendar without its outage days (taken out like holidays), and the
        paid minutes per person those days would have had (the staff are paid, idle)."""
        sc = self.scenario
        calendar = WorkCalendar.from_shifts(
            shifts, sc.start_date, calendar_days, sc.calendar.holidays
        )
        idle = np.zeros(self.n_days)
        dates = self.node_dates(name, kind)
        if dates:
            paid = calendar.minutes_per_day(self.n_days)
            holidays = [*sc.calendar.holidays, *dates]
            calendar = WorkCalendar.from_shifts(shifts, sc.start_date, calendar_days, holidays)
            idle = paid - calendar.minutes_per_day(self.n_days)
        return calendar, idle

    def strike_days(self, carrier: str, reroute: bool | None = None) -> np.ndarray:
        """Strike days of carrier `carrier` (only those that reroute, or do not, if given)."""
        found = [
            days
            for d, days in self.items
            if d.kind == "carrier_strike"
            and d.target == carrier
            and (reroute is None or d.reroute == reroute)
        ]
        return self._union(found)

    def blocked(self, carriers: tuple[int, ...], outage: np.ndarray) -> Blocked | None:
        """What a node with outage days `outage` loses of its carriers' collections."""
        if not self.active:
            return None
        names = [self.scenario.carriers[ci].name for ci in carriers]
        days = {
            ci: self._union([outage, self.strike_days(n)])
            for ci, n in zip(carriers, names, strict=True)
        }
        reroute = {
            ci: self.strike_days(n, reroute=True) for ci, n in zip(carriers, names, strict=True)
        }
        return Blocked(days=days, reroute={ci: r for ci, r in reroute.items() if len(r)})

    def supplier_failures(self, supplier: str | None) -> list[tuple[np.ndarray, float | None]]:
        """(days, lead-time factor or None: sends nothing) of each failure of `supplier`."""
        if supplier is None:
            return []
        return [
            (days, d.lead_time_factor)
            for d, days in self.items
            if d.kind == "supplier_failure" and d.target == supplier
        ]

    def delayed_arrival(self, supplier: str | None, day: int, lead: float) -> int:
        """The arrival day of a purchase order placed on `day` with lead time `lead` days,
        after its supplier's failures (the day a truck is at the dock, at least `day` + 1)."""
        failures = self.supplier_failures(supplier)
        for days, factor in failures:
            if factor is not None and day in days:
                lead *= factor
        arrive = day + max(1, int(np.ceil(lead)))
        moved = True
        while moved:  # a truck due on a day its supplier sends nothing comes the day after
            moved = False
            for days, factor in failures:
                if factor is None and arrive in days:
                    arrive = int(days[days >= arrive][0]) + 1
                    while arrive in days:
                        arrive += 1
                    moved = True
        return arrive

    def strategy_days(self, strategy: str) -> np.ndarray:
        """Per day of the run: how many disruptions hit `strategy` (its nodes, their carriers,
        their inbound suppliers)."""
        count = np.zeros(self.n_days)
        nodes = self.scenario.nodes_of(strategy)
        carriers = {c for node in nodes.values() for c in node.carriers}
        suppliers = {inbound_supplier(n) for n in nodes.values()}
        for d, days in self.items:
            if d.kind == "node_outage":
                hit = any(hits_node(d, name, node.kind) for name, node in nodes.items())
            elif d.kind == "carrier_strike":
                hit = d.target in carriers
            else:
                hit = d.target in suppliers
            if hit:
                count[days] += 1
        return count

    def parcel_days(self, name: str, node: Node) -> np.ndarray:
        """Days on which a disruption of the node, one of its carriers or its inbound supplier
        is in force (sorted day indices)."""
        found = [self.node_days(name, node.kind)]
        found += [self.strike_days(c) for c in node.carriers]
        found += [days for days, _ in self.supplier_failures(inbound_supplier(node))]
        return self._union(found)
