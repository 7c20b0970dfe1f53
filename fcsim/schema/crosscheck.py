"""Cross-reference checks of hybrid strategies: routing targets and 3PL restrictions.

Place in the flow: called by `Scenario.problems()` after the structure is valid. Each problem is
(key path, message) so that the loader can point at the line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from fcsim.schema.nodes import HybridStrategy, MarketplaceNode, ThirdPartyNode

if TYPE_CHECKING:
    from fcsim.scenario import Loc, Scenario

Problems = list[tuple["Loc", str]]


def _names(kind: str, known: list[str]) -> str:
    return f"{kind} are: {', '.join(known)}"


def routing_problems(scenario: Scenario, loc: Loc, strat: HybridStrategy) -> Problems:
    """Unknown nodes, categories and zones named by a hybrid's routing."""
    out: Problems = []
    r: Any = strat.routing
    base = (*loc, "routing")
    nodes = list(strat.nodes)
    categories = [c.name for c in scenario.catalogue.categories]
    zones = scenario.zone_names
    targets: list[tuple[Loc, str]] = []
    cats: list[tuple[Loc, str]] = []
    zns: list[tuple[Loc, str]] = []
    if r.policy == "abc":
        targets += [((*base, "assign", k), v) for k, v in r.assign.items()]
    if r.policy in ("category", "region"):
        targets += [((*base, "assign", k), v) for k, v in r.assign.items()]
        keys = [((*base, "assign", k), k) for k in r.assign]
        (cats if r.policy == "category" else zns).extend(keys)
    if r.policy == "season":
        targets += [((*base, "periods", i, "node"), p.node) for i, p in enumerate(r.periods)]
    if r.policy == "rules":
        for i, rule in enumerate(r.rules):
            here = (*base, "rules", i)
            targets.append(((*here, "node"), rule.node))
            cats += [((*here, "categories", j), c) for j, c in enumerate(rule.categories or [])]
            zns += [((*here, "zones", j), z) for j, z in enumerate(rule.zones or [])]
    if r.policy != "abc":
        targets.append(((*base, "default"), r.default))
    for where, name in targets:
        if name not in nodes:
            out.append(
                (where, f"no node named {name!r} in this strategy; {_names('nodes', nodes)}")
            )
    for where, name in cats:
        if name not in categories:
            out.append((where, f"no category named {name!r}; {_names('categories', categories)}"))
    for where, name in zns:
        if name not in zones:
            out.append((where, f"no destination zone named {name!r}; {_names('zones', zones)}"))
    return out


def reachable_categories(scenario: Scenario, strategy: str) -> dict[str, set[str]]:
    """Categories that can reach each node of a strategy, over every SKU, zone and date."""
    from fcsim.catalogue import build_catalogue
    from fcsim.policies import get_policy
    from fcsim.policies.routing import LineFacts

    strat = scenario.strategies[strategy]
    names = [c.name for c in scenario.catalogue.categories]
    if not isinstance(strat, HybridStrategy):
        return {strategy: set(names)}
    cat = build_catalogue(scenario.catalogue, scenario.demand, scenario.seed)
    n_zones = len(scenario.destinations)
    days = np.arange(366)
    dates = np.datetime64("2024-01-01") + days.astype("timedelta64[D]")  # a leap year
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = month * 100 + (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    sku, zone, day = np.meshgrid(np.arange(cat.n), np.arange(n_zones), days, indexing="ij")
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
    node_names = list(strat.nodes)
    node = get_policy("routing", strat.routing.policy)(strat.routing, facts, node_names)
    return {
        n: {names[c] for c in np.unique(facts.category[node == i])}
        for i, n in enumerate(node_names)
    }


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
