"""Cross-reference checks of hybrid strategies: routing targets, categories and zones named.

Place in the flow: called by `Scenario.problems()` after the structure is valid (checks that
need the built catalogue and the routing policy, such as 3PL restrictions, are run by
`fcsim.experiment.loading`). Each problem is (key path, message) so that the loader can point at
the line. Besides routing, the calendar is checked: a scenario in which no simulated day is a
working day (holidays everywhere, or a node whose shifts or carriers' collection days all fall
on holidays) could ship nothing. The categories of the life cycles are checked too.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fcsim.core.timeofday import WEEKDAYS
from fcsim.scenario.schema.nodes import DropshipNode, HybridStrategy, SelfNode, WarehouseNode

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
    if r.policy == "order":  # the order-level rule names what its line rule names
        r, base = r.lines, (*base, "lines")
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


def calendar_problems(scenario: Scenario) -> Problems:
    """Holidays or weekdays that leave a node no simulated day to work or ship on."""
    n_days = scenario.horizon_days + scenario.drain_days
    first = scenario.start_date
    last = first + dt.timedelta(days=n_days - 1)
    period = f"{first} .. {last}, horizon_days and drain_days"
    holidays = set(scenario.calendar.holidays)
    days = (first + dt.timedelta(days=i) for i in range(n_days))
    open_weekdays = {WEEKDAYS[d.weekday()] for d in days if d not in holidays}
    if not open_weekdays:
        return [
            (
                ("calendar", "holidays"),
                f"every simulated day ({period}) is a holiday: no order could ship",
            )
        ]
    out: Problems = []
    carriers = {c.name: c for c in scenario.carriers}
    for sname, strat in scenario.strategies.items():
        nodes = strat.nodes.items() if isinstance(strat, HybridStrategy) else [(None, strat)]
        for nname, node in nodes:
            loc: Loc = ("strategies", sname) + (("nodes", nname) if nname else ())
            if isinstance(node, WarehouseNode):
                key, what = "shifts", {d for shift in node.shifts for d in shift.days}
            elif isinstance(node, DropshipNode):
                key, what = "working_days", set(node.working_days)
            else:  # pragma: no cover - every node kind is one of these
                continue
            if not what & open_weekdays:
                out.append(
                    (
                        (*loc, key),
                        f"none of these weekdays ({', '.join(sorted(what, key=WEEKDAYS.index))}) "
                        f"is a working day in the simulated days ({period}): every one is a "
                        "holiday, no order could ship",
                    )
                )
            named = [carriers[c] for c in node.carriers if c in carriers]
            collect = {d for c in named for d in c.collection_days}
            if collect and not collect & open_weekdays:
                out.append(
                    (
                        (*loc, "carriers"),
                        "these carriers collect on no working day in the simulated days "
                        f"({period}): every collection day is a holiday, no order could ship",
                    )
                )
    return out


def storage_zone_problems(loc: Loc, node: WarehouseNode) -> Problems:
    """Storage zone names given twice; a running cost on zones of a provider's centre.

    A 3PL or a marketplace bills its storage by its fee schedule: the running cost of its
    positions is in those fees, so only the overflow rate of its zones (pallets beyond the
    contracted space) is charged to the merchant.
    """
    out: Problems = []
    names = [z.name for z in node.zones]
    for i, z in enumerate(node.zones):
        if names.index(z.name) != i:
            out.append(((*loc, "zones", i, "name"), f"zone {z.name!r} is listed twice"))
        if not isinstance(node, SelfNode) and z.cost_eur_per_position_day > 0:
            out.append(
                (
                    (*loc, "zones", i, "cost_eur_per_position_day"),
                    "a 3PL or marketplace bills its storage in its fees (fees.storage_*): the "
                    "running cost of positions applies to own warehouses only; set it to 0",
                )
            )
    return out


def life_cycle_problems(scenario: Scenario) -> Problems:
    """Categories of life cycles that do not exist, or that follow two life cycles."""
    out: Problems = []
    categories = [c.name for c in scenario.catalogue.categories]
    seen: dict[str, str] = {}
    for i, lc in enumerate(scenario.life_cycles):
        for j, name in enumerate(lc.categories):
            where: Loc = ("life_cycles", i, "categories", j)
            if name not in categories:
                out.append(
                    (where, f"no category named {name!r}; {_names('categories', categories)}")
                )
            elif name in seen:
                out.append((where, f"category {name!r} already follows life cycle {seen[name]!r}"))
            else:
                seen[name] = lc.name
    return out
