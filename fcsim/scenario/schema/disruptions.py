"""Disruptions: operations as they go wrong (node outages, carrier strikes, supplier failures).

Place in the flow: the `disruptions:` list of a scenario, validated here into frozen models; the
model (`fcsim.model.disruptions`) turns each item into the days it is in force, per replication,
and the nodes, carriers and purchase orders it touches. Which target a disruption names (a
node, a carrier, an inbound supplier) is checked against the rest of the scenario by
`disruption_problems`, called from `Scenario.problems`.

An item is either scheduled (`start` and `days`, or a list of `dates`) or random
(`rate_per_year` starts a year, each lasting `duration_days`, optionally only in
`season_months`). With the list empty (the default) nothing of a run changes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from fcsim.core.distributions import Deterministic
from fcsim.scenario.schema.base import DaysDistribution, Model, Name, errors_at

if TYPE_CHECKING:
    from fcsim.scenario.schema.scenario import Loc, Scenario

DisruptionKind = Literal["node_outage", "carrier_strike", "supplier_failure"]
NodeKindSelector = Literal["self", "3pl", "marketplace", "dropship", "warehouse"]
"""Node kinds a node outage may name instead of a node id; `warehouse` is self, 3pl and
marketplace centres together."""
WAREHOUSE_KINDS = ("self", "3pl", "marketplace")


class Disruption(Model):
    """One disruption: what goes wrong, to whom, and on which days."""

    kind: DisruptionKind = Field(
        description="node_outage: the node does no work (no picking, packing, receiving, "
        "collection, dropship processing); carrier_strike: the carrier collects nothing; "
        "supplier_failure: an inbound supplier sends nothing (or its lead time is multiplied)."
    )
    target: Name | None = Field(
        default=None,
        description="What is disrupted: a node id (the strategy's name for a one-node strategy, "
        "the node's name in a hybrid) for node_outage, a carrier name for carrier_strike, an "
        "inbound supplier (`replenishment.supplier`) for supplier_failure.",
    )
    node_kind: NodeKindSelector | None = Field(
        default=None,
        description="node_outage only, instead of `target`: every node of this kind in every "
        "strategy (`warehouse`: self, 3pl and marketplace centres), out on the same days.",
    )
    start: dt.date | int | None = Field(
        default=None,
        description="Scheduled: first day, a date or a day index (0 = start_date); with `days`.",
    )
    days: int | None = Field(
        default=None, ge=1, le=366, description="Scheduled: consecutive calendar days from start."
    )
    dates: list[dt.date] = Field(
        default_factory=list, description="Scheduled: the dates it is in force (any dates)."
    )
    rate_per_year: float | None = Field(
        default=None,
        gt=0,
        le=365,
        description="Random: expected starts per year (at most one start a day), drawn per "
        "replication from their own stream, the same for every strategy.",
    )
    duration_days: DaysDistribution = Field(
        default_factory=lambda: Deterministic(dist="deterministic", value=1),
        description="Random: calendar days each one lasts (rounded up, at least 1).",
    )
    season_months: list[int] = Field(
        default_factory=list,
        description="Random: months (1-12) in which it may start; empty: all year. "
        "`rate_per_year` starts a year all fall in these months.",
    )
    reroute: bool = Field(
        default=False,
        description="carrier_strike only: parcels the struck carrier would have collected on "
        "a strike day go to the node's other carriers (the carrier policy chooses among "
        "them, at their rates); false: they wait for its next collection unless the carrier "
        "policy prefers another carrier for its own reasons (e.g. the promise).",
    )
    lead_time_factor: float | None = Field(
        default=None,
        gt=0,
        le=20,
        description="supplier_failure only: purchase orders placed on failure days take this "
        "many times their lead time; absent: the supplier sends nothing on failure days "
        "(trucks due then arrive the first day after).",
    )

    @model_validator(mode="after")
    def _check(self) -> Disruption:
        found: list[tuple[tuple[str | int, ...], str, object]] = []
        scheduled = self.start is not None or self.days is not None or bool(self.dates)
        if self.rate_per_year is None and not scheduled:
            found.append(((), "give `start` and `days`, `dates`, or `rate_per_year`", None))
        if self.rate_per_year is not None and scheduled:
            found.append((("rate_per_year",), "a disruption is scheduled or random, not both", 0))
        if (self.start is None) != (self.days is None):
            found.append((("days",), "`start` and `days` go together", self.days))
        if self.dates and self.start is not None:
            found.append((("dates",), "give `dates` or `start` and `days`, not both", None))
        if isinstance(self.start, int) and self.start < 0:
            found.append((("start",), "a day index is 0 or more", self.start))
        for i, m in enumerate(self.season_months):
            if not 1 <= m <= 12:
                found.append((("season_months", i), "a month is 1 to 12", m))
        if self.kind == "node_outage":
            if (self.target is None) == (self.node_kind is None):
                found.append((("target",), "name a node: `target` or `node_kind`", None))
        else:
            if self.node_kind is not None:
                found.append((("node_kind",), "only a node_outage names a node kind", None))
            if self.target is None:
                found.append((("target",), f"a {self.kind} names its `target`", None))
        if self.reroute and self.kind != "carrier_strike":
            found.append((("reroute",), "only a carrier_strike reroutes", True))
        if self.lead_time_factor is not None and self.kind != "supplier_failure":
            found.append((("lead_time_factor",), "only a supplier_failure has one", None))
        if found:
            raise errors_at("Disruption", found)
        return self

    @property
    def key(self) -> str:
        """What the disruption hits, as the text its random days are drawn by (CRN)."""
        what = self.target if self.target is not None else f"kind={self.node_kind}"
        return f"{self.kind}:{what}"


def disruption_problems(sc: Scenario) -> list[tuple[Loc, str]]:
    """Disruptions naming a node, carrier or supplier the scenario does not have."""
    out: list[tuple[Loc, str]] = []
    carriers = [c.name for c in sc.carriers]
    nodes: dict[str, str] = {}
    suppliers: set[str] = set()
    for strategy in sc.strategies:
        for name, node in sc.nodes_of(strategy).items():
            nodes[name] = node.kind
            rep = getattr(node, "replenishment", None)
            if rep is not None and rep.supplier is not None:
                suppliers.add(rep.supplier)
    for i, d in enumerate(sc.disruptions):
        loc: Loc = ("disruptions", i, "target")
        if d.kind == "node_outage" and d.target is not None and d.target not in nodes:
            out.append((loc, f"no node {d.target!r}; nodes are: {', '.join(sorted(nodes))}"))
        if d.kind == "node_outage" and d.node_kind is not None:
            kinds = WAREHOUSE_KINDS if d.node_kind == "warehouse" else (d.node_kind,)
            if not any(k in kinds for k in nodes.values()):
                out.append(
                    (("disruptions", i, "node_kind"), f"no strategy has a {d.node_kind} node")
                )
        if d.kind == "carrier_strike" and d.target not in carriers:
            out.append((loc, f"no carrier {d.target!r}; carriers are: {', '.join(carriers)}"))
        if d.kind == "supplier_failure" and d.target not in suppliers:
            known = ", ".join(sorted(suppliers)) or "none (name one with replenishment.supplier)"
            out.append((loc, f"no inbound supplier {d.target!r}; suppliers are: {known}"))
        for j, day in enumerate(d.dates):
            if day < sc.start_date:
                out.append((("disruptions", i, "dates", j), "before start_date"))
        if isinstance(d.start, dt.date) and d.start < sc.start_date:
            out.append((("disruptions", i, "start"), "before start_date"))
    return out
