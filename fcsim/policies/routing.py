"""Which node serves each order line in a hybrid strategy (D17, D18).

Place in the flow: `model/network.py` calls the policy once per run, vectorised over every order
line, before the simulation; an order becomes one parcel per node serving some of its lines.
The scenario check calls it too, over every (SKU, zone, month) combination, to find which
categories can reach which node (3PL restrictions).
Signature: `(config, facts: LineFacts, node_names) -> node index per line`. Every policy but
`order` decides each line on its own; `order` sends each order whole to one node (it needs the
facts' `order` and `units` columns; without them, each line is an order of its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class LineFacts:
    """What is known of each order line when the order is placed."""

    sales_rank: np.ndarray  # 0 = best-seller
    n_skus: int
    category: np.ndarray  # index into category_names
    category_names: list[str]
    zone: np.ndarray  # index into zone_names
    zone_names: list[str]
    month: np.ndarray  # 1..12, month the order is placed
    month_day: np.ndarray  # MMDD as an integer (e.g. 1215 for 15 December)
    order: np.ndarray | None = None  # order index of each line, 0..n-1 (order-level rules)
    units: np.ndarray | None = None  # units on each line (order-level rules)


def abc_class(sales_rank: np.ndarray, n_skus: int, a_share: float, b_share: float) -> np.ndarray:
    """0, 1, 2 for classes A, B, C: the top `a_share` of SKUs, the next `b_share`, the rest."""
    a_end = round(a_share * n_skus)
    b_end = round((a_share + b_share) * n_skus)
    return np.where(sales_rank < a_end, 0, np.where(sales_rank < b_end, 1, 2))


def abc(config: Any, facts: LineFacts, node_names: list[str]) -> np.ndarray:
    """By sales-rank class."""
    cls = abc_class(facts.sales_rank, facts.n_skus, config.a_share, config.b_share)
    table = np.array([node_names.index(config.assign[c]) for c in ("A", "B", "C")])
    return table[cls]


def _by_name(
    assign: dict[str, str], default: str, names: list[str], index: np.ndarray, nodes: list[str]
) -> np.ndarray:
    table = np.array([nodes.index(assign.get(n, default)) for n in names], dtype=np.int64)
    return table[index]


def by_category(config: Any, facts: LineFacts, node_names: list[str]) -> np.ndarray:
    """Each category to its listed node, others to the default node."""
    return _by_name(config.assign, config.default, facts.category_names, facts.category, node_names)


def by_region(config: Any, facts: LineFacts, node_names: list[str]) -> np.ndarray:
    """Each destination zone to its listed node, others to the default node."""
    return _by_name(config.assign, config.default, facts.zone_names, facts.zone, node_names)


def _month_day(text: str) -> int:
    month, day = text.split("-")
    return int(month) * 100 + int(day)


def in_period(month_day: np.ndarray, start: str, end: str) -> np.ndarray:
    """Whether each MMDD falls in [start, end] (spanning New Year when end < start)."""
    s, e = _month_day(start), _month_day(end)
    if s <= e:
        return (month_day >= s) & (month_day <= e)
    return (month_day >= s) | (month_day <= e)


def by_season(config: Any, facts: LineFacts, node_names: list[str]) -> np.ndarray:
    """The node of the first period containing the order date, else the default node."""
    out = np.full(len(facts.month_day), node_names.index(config.default), dtype=np.int64)
    undecided = np.ones(len(out), dtype=bool)
    for period in config.periods:
        m = undecided & in_period(facts.month_day, period.start, period.end)
        out[m] = node_names.index(period.node)
        undecided &= ~m
    return out


def by_rules(config: Any, facts: LineFacts, node_names: list[str]) -> np.ndarray:
    """The node of the first rule whose every condition holds, else the default node."""
    out = np.full(len(facts.month), node_names.index(config.default), dtype=np.int64)
    undecided = np.ones(len(out), dtype=bool)
    for rule in config.rules:
        m = undecided.copy()
        if rule.categories is not None:
            wanted = [facts.category_names.index(c) for c in rule.categories]
            m &= np.isin(facts.category, wanted)
        if rule.zones is not None:
            m &= np.isin(facts.zone, [facts.zone_names.index(z) for z in rule.zones])
        if rule.months is not None:
            m &= np.isin(facts.month, rule.months)
        if rule.classes is not None:
            cls = abc_class(facts.sales_rank, facts.n_skus, rule.a_share, rule.b_share)
            m &= np.isin(cls, ["ABC".index(c) for c in rule.classes])
        out[m] = node_names.index(rule.node)
        undecided &= ~m
    return out


def order_majority(
    order: np.ndarray, line_node: np.ndarray, units: np.ndarray, n_nodes: int
) -> np.ndarray:
    """Per line, the node holding most of its order's lines (ties: most units, then the first
    node)."""
    if len(order) == 0:
        return line_node
    n_orders = int(order.max()) + 1
    cell = order.astype(np.int64) * n_nodes + line_node
    size = n_orders * n_nodes
    lines = np.bincount(cell, minlength=size).reshape(n_orders, n_nodes)
    held = np.bincount(cell, weights=units, minlength=size).reshape(n_orders, n_nodes)
    score = lines * (int(held.max()) + 1) + held.astype(np.int64)
    best = np.argmax(score, axis=1)  # the first maximum: the first node on a tie
    return best[order]


def by_order(config: Any, facts: LineFacts, node_names: list[str]) -> np.ndarray:
    """Each order whole to the node its line rule sends most of its lines to."""
    line_node = POLICIES[config.lines.policy](config.lines, facts, node_names).astype(np.int64)
    if facts.order is None:
        return line_node
    units = np.ones(len(line_node)) if facts.units is None else facts.units
    return order_majority(facts.order, line_node, units, len(node_names))


POLICIES = {
    "abc": abc,
    "category": by_category,
    "region": by_region,
    "season": by_season,
    "rules": by_rules,
    "order": by_order,
}
