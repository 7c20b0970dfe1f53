"""The decision variables `fcsim advise` sizes for a strategy, and where a search starts.

Place in the flow: `fcsim.experiment.advise` (the `Advisor`) asks `decision_variables` for the
variables of each strategy (from its nodes' `sizing` bounds and plans, and a hybrid's class A
shares), then starts each volume's search from the scenario's own setting scaled to the volume
(`start_config`) or from the setting found at the volume before (`scaled`); a searched node's
dated headcount changes (`staffing`) come as `Schedule`s (`dated_schedules`), scaled with the
headcounts of every setting tried.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence

from fcsim.experiment.candidates import Config, Schedule, Variable, staff_range
from fcsim.experiment.plan_search import plan_variable
from fcsim.experiment.sweep import value_at
from fcsim.scenario.schema.nodes import WarehouseNode
from fcsim.scenario.schema.scenario import DropshipNode, HybridStrategy, Scenario, SelfNode

POOLS = ("pickers", "packers", "receivers")


def _warehouses(scenario: Scenario, strategy: str) -> Iterator[tuple[str, str, WarehouseNode]]:
    """A strategy's warehouse nodes: (name, or "" for a single node; its key; the node)."""
    st = scenario.strategies[strategy]
    base = f"strategies.{strategy}"
    nodes = st.nodes.items() if isinstance(st, HybridStrategy) else [("", st)]
    for name, node in nodes:
        if not isinstance(node, DropshipNode):
            yield name, f"{base}.nodes.{name}" if name else base, node


def decision_variables(scenario: Scenario, strategy: str) -> list[Variable]:
    """The variables `fcsim advise` sizes for a strategy, from its nodes' `sizing` bounds."""
    st = scenario.strategies[strategy]
    base = f"strategies.{strategy}"
    out: list[Variable] = []
    for name, where, node in _warehouses(scenario, strategy):
        if node.sizing.plans:
            label = f"{name + ' ' if name else ''}plan"
            out.append(plan_variable(where, node, label))
        if not node.sizing.searched:
            continue
        for pool in POOLS:
            b = getattr(node.sizing, pool)
            label = f"{name + ' ' if name else ''}{pool}"
            pays = isinstance(node, SelfNode)
            out.append(staff_range(f"{where}.{pool}", b.min, b.max, pays, label))
    if isinstance(st, HybridStrategy) and st.routing.policy == "abc" and st.sizing.a_shares:
        room = 1.0 - st.routing.b_share
        shares = tuple(float(s) for s in st.sizing.a_shares if s <= room + 1e-12)
        if shares:
            label = "share of SKUs in class A"
            key = f"{base}.routing.a_share"
            out.append(Variable(key, shares, True, label, headcount=False, limit=room))
    return out


def dated_schedules(scenario: Scenario, strategy: str) -> tuple[Schedule, ...]:
    """The dated headcount changes (`staffing`) of a strategy's searched nodes, to scale with
    the headcounts the search sets (`Schedule`)."""
    out: list[Schedule] = []
    for _, where, node in _warehouses(scenario, strategy):
        if not node.sizing.searched or not node.staffing:
            continue
        changes = tuple(
            (
                c.from_date.isoformat(),
                tuple((p, n) for p in POOLS if (n := getattr(c, p)) is not None),
            )
            for c in node.staffing
        )
        written = tuple((p, int(getattr(node, p))) for p in POOLS)
        out.append(Schedule(where, written, changes))
    return tuple(out)


def dated_overrides(scenario: Scenario, keys: Sequence[str]) -> list[tuple[str, str]]:
    """The headcount keys among `keys` (`strategies.X[.nodes.N].pickers` ...) that a node's dated
    staffing changes replace from a date on (the value set holds only before it), with the
    first such date within the simulated days; none when `keys` also set the node's
    `staffing`."""
    out = []
    end = scenario.start_date + dt.timedelta(scenario.horizon_days + scenario.drain_days)
    for key in keys:
        where, _, pool = key.rpartition(".")
        if pool not in POOLS or f"{where}.staffing" in keys:
            continue
        parts = where.split(".")  # strategies.X or strategies.X.nodes.N
        st = scenario.strategies.get(parts[1]) if len(parts) > 1 else None
        node = getattr(st, "nodes", {}).get(parts[3]) if len(parts) == 4 else st
        if parts[0] != "strategies" or len(parts) not in (2, 4) or node is None:
            continue
        changes = getattr(node, "staffing", None) or []
        dates = [c.from_date for c in changes if getattr(c, pool, None) is not None]
        dates = [d for d in dates if d < end]  # a change after the last simulated day: none
        if dates:
            out.append((key, min(dates).isoformat()))
    return out


def start_config(variables: Sequence[Variable], scenario: Scenario, ratio: float) -> Config:
    """The scenario's own setting, headcounts scaled by `ratio` (the volume over the
    scenario's) and rounded up, within the bounds; a share the one searched nearest the
    scenario's (a sized scenario's share is where the walk ends, so it starts there)."""
    out = []
    for v in variables:
        if v.plan:  # the first plan listed
            out.append(0)
            continue
        value = float(value_at(scenario, v.key))
        out.append(v.index_of(math.ceil(value * ratio - 1e-9) if v.whole else value))
    return tuple(out)


def scaled(variables: Sequence[Variable], c: Config, ratio: float) -> Config:
    """A setting found at one volume, headcounts scaled to another, to the nearest (the
    larger on a tie, within the bounds). Not rounded up: the setting was the fewest people
    meeting the target, a pool at its lower bound often with room to spare (a 3PL's pool of
    1 for a few order lines), and a pool rounded up from 1 cost the search three or four
    runs a volume to take back."""
    out = []
    for v, i in zip(variables, c, strict=True):
        out.append(v.index_of(v.values[i] * ratio) if v.whole else i)
    return tuple(out)


__all__ = [
    "POOLS",
    "dated_overrides",
    "dated_schedules",
    "decision_variables",
    "scaled",
    "start_config",
]
