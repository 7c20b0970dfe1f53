"""Loading a scenario for runs: the scenario layer's checks plus those that need the model.

Place in the flow: the first step of every command that simulates (`run`, `sweep`, `size`,
`baseline`, `check`, `validate`). `fcsim.scenario.load.load_scenario` checks the file, its
cross-references and its data files; the checks here need the built catalogue and the routing
policies, which the scenario layer does not import — today: a 3PL or marketplace must not be
sent categories it refuses (D15), over every SKU, destination zone and day of the year. Their
problems are reported like every other one, at the key's `file:line:col`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fcsim.model.catalogue import build_catalogue
from fcsim.policies import get_policy
from fcsim.policies.routing import LineFacts
from fcsim.scenario import load
from fcsim.scenario.schema.nodes import (
    DropshipNode,
    HybridStrategy,
    MarketplaceNode,
    ThirdPartyNode,
)
from fcsim.scenario.schema.scenario import Loc, Scenario

Problems = list[tuple[Loc, str]]


CHECK_LINES = 250_000
"""Lines (SKU x zone x day) the routing policy is asked about at once by `reachable_categories`:
the catalogue is walked in slices of SKUs, so a catalogue of a million SKUs is checked in
bounded memory (the policies decide line by line, so the answer is the same)."""


def reachable_categories(scenario: Scenario, strategy: str) -> dict[str, set[str]]:
    """Categories that can reach each node of a strategy, over every SKU, zone and date."""
    strat = scenario.strategies[strategy]
    names = [c.name for c in scenario.catalogue.categories]
    if not isinstance(strat, HybridStrategy):
        return {strategy: set(names)}
    cat = build_catalogue(scenario.catalogue, scenario.demand, scenario.seed, scenario.data)
    n_zones = len(scenario.destinations)
    days = np.arange(366)
    dates = np.datetime64("2024-01-01") + days.astype("timedelta64[D]")  # a leap year
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = month * 100 + (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    node_names = list(strat.nodes)
    policy = get_policy("routing", strat.routing.policy)
    reached: list[set[int]] = [set() for _ in node_names]
    step = max(1, CHECK_LINES // (n_zones * len(days)))
    for first in range(0, cat.n, step):
        skus = np.arange(first, min(cat.n, first + step))
        sku, zone, day = np.meshgrid(skus, np.arange(n_zones), days, indexing="ij")
        sku, zone, day = sku.ravel(), zone.ravel(), day.ravel()
        facts = LineFacts(
            sales_rank=sku,
            n_skus=cat.n,
            category=cat.category[sku],
            category_names=cat.category_names,
            zone=zone,
            zone_names=scenario.zone_names,
            month=month[day],
            month_day=mday[day],
        )
        node = policy(strat.routing, facts, node_names)
        for i in range(len(node_names)):
            reached[i].update(int(c) for c in np.unique(facts.category[node == i]))
    if strat.routing.policy == "order":
        # a whole order goes where most of its lines go: any category may reach any node
        # its line rule reaches
        every = set().union(*reached)
        reached = [set(every) if r else set() for r in reached]
    if strat.routing.fallback:
        # a parcel may fall back to any other warehouse: it may carry what reaches any of them
        stocking = [
            i for i, n in enumerate(strat.nodes.values()) if not isinstance(n, DropshipNode)
        ]
        held = set().union(*(reached[i] for i in stocking))
        for i in stocking:
            reached[i] = set(held)
    return {n: {names[c] for c in reached[i]} for i, n in enumerate(node_names)}


def restriction_problems(scenario: Scenario, strategy: str) -> Problems:
    """Categories a 3PL or marketplace refuses that the strategy can send to it (D15)."""
    restricted = {c.name: set(c.restrictions) for c in scenario.catalogue.categories}
    if not any(restricted.values()):
        return []
    nodes = scenario.nodes_of(strategy)
    reach = reachable_categories(scenario, strategy)
    out: Problems = []
    for name, node in nodes.items():
        if not isinstance(node, ThirdPartyNode | MarketplaceNode):
            continue
        bad = sorted(
            f"{c} ({', '.join(sorted(restricted[c] & set(node.refuses)))})"
            for c in reach.get(name, set())
            if restricted[c] & set(node.refuses)
        )
        if bad:
            loc = (
                ("strategies", strategy)
                if name == strategy
                else ("strategies", strategy, "nodes", name)
            )
            out.append(
                (
                    (*loc, "refuses"),
                    f"this {node.kind} provider refuses goods the strategy sends it: "
                    f"{'; '.join(bad)} — route these categories to another node",
                )
            )
    return out


def model_problems(scenario: Scenario) -> Problems:
    """Every problem of `scenario` that needs the model to be seen."""
    out: Problems = []
    for name in scenario.strategies:
        out += restriction_problems(scenario, name)
    return out


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Load, compose, override and validate a scenario file, with the model-aware checks."""
    return load.load_scenario(path, overrides, checks=(model_problems,))


__all__ = ["load_scenario", "model_problems", "reachable_categories", "restriction_problems"]
