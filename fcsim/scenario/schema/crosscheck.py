"""Cross-reference checks of hybrid strategies: routing targets, categories and zones named.

Place in the flow: called by `Scenario.problems()` after the structure is valid (checks that
need the built catalogue and the routing policy, such as 3PL restrictions, are run by
`fcsim.experiment.loading`). Each problem is
(key path, message) so that the loader can point at the line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fcsim.scenario.schema.nodes import HybridStrategy

if TYPE_CHECKING:
    from fcsim.scenario.schema.scenario import Loc, Scenario

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
