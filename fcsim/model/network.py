"""A strategy as nodes plus routing: builds the world of one strategy and runs it.

Place in the flow: `fcsim.experiment.runs.simulate` calls `run_strategy(scenario, strategy, orders,
...)`. Here every SKU is mapped to a node (one node: all SKUs; hybrid: the routing policy), orders
are split into one parcel per node and the promise of each parcel is fixed. Then every node goes
through the node life cycle (`model/node.py`), whatever its kind: all are built, all are started in
node order, the one SimPy environment runs to the end of the horizon plus the drain period, and each
node's result is collected; a hybrid with `transfers` also moves stock between its warehouses
(`model/transfers.py`). `NODE_MODELS` maps a node's `kind` to its model: self-run, 3PL and
marketplace centres are the same `WarehouseModel`; a dropship supplier is a `SupplierModel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.carriers import Delivery, damage_factors, promised_days
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.context import RunContext
from fcsim.model.cut_short import CutShort, Watch
from fcsim.model.demand import Orders, order_zones
from fcsim.model.disruptions import DisruptionPlan
from fcsim.model.lifecycle import life_cycles
from fcsim.model.money import vat_rates
from fcsim.model.node import NodeModel, NodeResult
from fcsim.model.parcels import Parcels, split_orders
from fcsim.model.simclock import RunEnvironment
from fcsim.model.streams import Streams
from fcsim.model.supplier import SupplierModel
from fcsim.model.transfers import Rebalancing
from fcsim.model.warehouse import WarehouseModel
from fcsim.policies import get_policy
from fcsim.policies.routing import LineFacts
from fcsim.scenario.schema.scenario import HybridStrategy, Scenario

CALENDAR_MARGIN_DAYS = 120
"""Staff calendars extend this far past the simulated days, so work in progress can finish."""

NODE_MODELS: dict[str, type[NodeModel[Any]]] = {
    "self": WarehouseModel,
    "3pl": WarehouseModel,
    "marketplace": WarehouseModel,
    "dropship": SupplierModel,
}
"""The model of each node kind of the scenario (`Node.kind`)."""


def node_model(kind: str) -> type[NodeModel[Any]]:
    """The model class of node kind `kind`."""
    model = NODE_MODELS.get(kind)
    if model is None:
        raise ValueError(f"no node model for node kind {kind!r}; known: {sorted(NODE_MODELS)}")
    return model


@dataclass(kw_only=True)
class StrategyRun:
    """The outcome of one strategy in one replication, before KPIs."""

    parcels: Parcels
    node_names: list[str]
    node_kinds: list[str]
    nodes: list[NodeResult]
    n_days: int
    events: int
    disruptions: DisruptionPlan | None = None  # None: built by hand, without disruptions
    # `cut_short`: the day the run stopped because it certainly missed the target, and the
    # window's orders then certainly late (`model/cut_short.py`); None: run to the end
    cut_short_day: int | None = None
    late_orders_certain: int = 0


def line_facts(
    scenario: Scenario, orders: Orders, catalogue: CatalogueArrays, order_zone: np.ndarray
) -> LineFacts:
    """What routing may use about each order line."""
    sku = orders.line_sku
    order = orders.line_order
    day = np.floor(orders.created_min / MIN_PER_DAY).astype(np.int64)
    dates = np.datetime64(scenario.start_date, "D") + day.astype("timedelta64[D]")
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return LineFacts(
        sales_rank=catalogue.sales_rank[sku],
        n_skus=catalogue.n,
        category=catalogue.category[sku],
        category_names=catalogue.category_names,
        zone=order_zone[order],
        zone_names=scenario.zone_names,
        month=month[order],
        month_day=(month * 100 + mday)[order],
        order=order,
        units=orders.line_units,
    )


def line_nodes(scenario: Scenario, strategy: str, facts: LineFacts) -> np.ndarray:
    """Node index serving each order line."""
    strat = scenario.strategies[strategy]
    if not isinstance(strat, HybridStrategy):
        return np.zeros(len(facts.sales_rank), dtype=np.int64)
    route = get_policy("routing", strat.routing.policy)
    return route(strat.routing, facts, list(strat.nodes)).astype(np.int64)


def run_context(
    scenario: Scenario,
    strategy: str,
    orders: Orders,
    catalogue: CatalogueArrays,
    streams: Streams,
    *,
    env: simpy.Environment,
    placed: np.ndarray | None = None,
) -> RunContext:
    """The parcels of `strategy` (routed to its nodes, with their promises) and what its nodes
    share, in the SimPy environment `env`; `placed` (customers who react) marks the orders the
    nodes serve, None for all."""
    nodes = scenario.nodes_of(strategy)
    zones = order_zones(scenario.destinations, orders.n, streams)
    facts = line_facts(scenario, orders, catalogue, zones)
    parcels = split_orders(orders, catalogue, line_nodes(scenario, strategy, facts))
    bd = BusinessDays(scenario.start_date, scenario.calendar.holidays)
    parcels.zone[:] = zones[parcels.order]
    parcels.vat_by_zone = vat_rates(scenario.destinations)
    promise = scenario.promise
    days = parcel_promise_days(scenario, strategy, parcels)
    for i in range(len(nodes)):
        m = parcels.node == i
        parcels.promised_day[m] = promised_days(parcels.created_min[m], promise, days[m], bd)
    n_days = scenario.horizon_days + scenario.drain_days
    return RunContext(
        env=env,
        scenario=scenario,
        catalogue=catalogue,
        orders=orders,
        parcels=parcels,
        streams=streams,
        bd=bd,
        delivery=Delivery(
            scenario.carriers,
            scenario.destinations,
            scenario.incidents,
            bd,
            damage_factors(scenario.damage, scenario.packaging),
        ),
        n_days=n_days,
        calendar_days=n_days + CALENDAR_MARGIN_DAYS,
        disruptions=DisruptionPlan(scenario, streams, n_days),
        life_cycles=life_cycles(scenario, catalogue),
        placed=placed,
    )


def parcel_promise_days(scenario: Scenario, strategy: str, parcels: Parcels) -> np.ndarray:
    """The promise (business days) of each parcel: its node's, else its zone's, else the
    scenario's (the parcels' zones set)."""
    promise = scenario.promise
    zone_days = np.array(
        [
            promise.business_days if d.promise_business_days is None else d.promise_business_days
            for d in scenario.destinations
        ]
    )
    out = zone_days[parcels.zone]
    for i, node in enumerate(scenario.nodes_of(strategy).values()):
        if node.promise_business_days is not None:
            out[parcels.node == i] = node.promise_business_days
    return out


def build_nodes(ctx: RunContext, strategy: str) -> list[NodeModel[Any]]:
    """The model of every node of `strategy`, in node order: built, not started.

    With routing `fallback`, each warehouse also prepares the parcels routed to the strategy's
    other warehouses, which it may take over, and knows those warehouses in node order.
    """
    parcels = ctx.parcels
    nodes = ctx.scenario.nodes_of(strategy)
    strat = ctx.scenario.strategies[strategy]
    fallback = isinstance(strat, HybridStrategy) and strat.routing.fallback
    stocking = [i for i, n in enumerate(nodes.values()) if node_model(n.kind) is WarehouseModel]
    models: list[NodeModel[Any]] = []
    for i, (name, node) in enumerate(nodes.items()):
        kw: dict[str, Any] = {}
        if fallback and i in stocking:
            others = [j for j in stocking if j != i]
            kw["fallback_ids"] = np.flatnonzero(np.isin(parcels.node, others))
        ids = np.flatnonzero(parcels.node == i)
        models.append(node_model(node.kind)(ctx, index=i, name=name, cfg=node, ids=ids, **kw))
    if fallback:
        for i in stocking:
            wh = models[i]
            assert isinstance(wh, WarehouseModel)
            wh.fallbacks = [m for j, m in enumerate(models) if j in stocking and j != i]  # type: ignore[misc]
    return models


def run_strategy(
    scenario: Scenario,
    strategy: str,
    orders: Orders,
    catalogue: CatalogueArrays,
    streams: Streams,
    *,
    placed: np.ndarray | None = None,
    cut_short: CutShort | None = None,
) -> StrategyRun:
    """Simulate `strategy` on `orders` and return the filled parcel columns; with `placed`
    (customers who react, `model/reactive.py`), only the orders it marks are served; with
    `cut_short`, the run stops early once it certainly misses that target
    (`StrategyRun.cut_short_day`)."""
    env = RunEnvironment()
    ctx = run_context(scenario, strategy, orders, catalogue, streams, env=env, placed=placed)
    models = build_nodes(ctx, strategy)
    for model in models:
        model.start()
    strat = scenario.strategies[strategy]
    if isinstance(strat, HybridStrategy) and strat.transfers is not None:
        centres = [m for m in models if isinstance(m, WarehouseModel)]
        Rebalancing(ctx, strat.transfers, centres).start()
    watch = None if cut_short is None else Watch(ctx, cut_short)
    if watch is not None:
        watch.start()
    env.run(until=ctx.n_days * MIN_PER_DAY)
    nodes = scenario.nodes_of(strategy)
    return StrategyRun(
        parcels=ctx.parcels,
        node_names=list(nodes),
        node_kinds=[n.kind for n in nodes.values()],
        nodes=[model.collect() for model in models],
        n_days=ctx.n_days,
        events=env.processed,
        disruptions=ctx.disruptions,
        cut_short_day=None if watch is None else watch.stopped_day,
        late_orders_certain=0 if watch is None else watch.late_orders,
    )
