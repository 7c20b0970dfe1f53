"""Which SKUs a sized hybrid keeps in-house: the answer to "which products do I ship myself?".

Place in the flow: `fcsim advise` (`fcsim.commands.advise`) sizes a hybrid's share of SKUs in
routing class A at each volume (`advice.answers`, `hybrid_a_share`); `in_house_answers` reads
that share back into SKUs with the scenario's catalogue and routing: how many SKUs each node
serves, the share of the order lines and units they carry, their categories, and, for a
catalogue read from a product file, the SKU codes kept in-house. The catalogue's sales ranks do
not depend on the volume (the volume scales every SKU alike), so one catalogue serves them all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fcsim.model.catalogue import build_catalogue
from fcsim.policies.routing import abc_class
from fcsim.scenario.schema.nodes import HybridStrategy, SelfNode
from fcsim.scenario.schema.scenario import Scenario

CLASSES = ("A", "B", "C")


def in_house_answers(scenario: Scenario, shares: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Per hybrid and volume (the keys of `shares`, as `hybrid_a_share` has them): the SKUs
    each of its nodes serves at that class A share, and which of them stay in-house."""
    out: dict[str, Any] = {}
    if not shares:
        return out
    cat = build_catalogue(scenario.catalogue, scenario.demand, scenario.seed, scenario.data)
    rank = cat.sales_rank
    units = cat.daily_units / max(float(cat.daily_units.sum()), 1e-12)
    for strategy, by_volume in shares.items():
        st = scenario.strategies[strategy]
        if not isinstance(st, HybridStrategy) or st.routing.policy != "abc":
            continue
        assign = st.routing.assign
        own = {c for c in CLASSES if isinstance(st.nodes[assign[c]], SelfNode)}
        per: dict[str, Any] = {}
        for volume, share in by_volume.items():
            cls = abc_class(rank, cat.n, share, st.routing.b_share)
            kept = np.isin(cls, [CLASSES.index(c) for c in own])
            nodes: dict[str, int] = {}
            for i, c in enumerate(CLASSES):  # two classes may share a node
                nodes[assign[c]] = nodes.get(assign[c], 0) + int((cls == i).sum())
            doc: dict[str, Any] = {
                "a_share": share,
                "skus_by_node": nodes,
                "in_house_nodes": sorted({assign[c] for c in own}),
                "in_house_skus": int(kept.sum()),
                "in_house_line_share": float(cat.popularity[kept].sum()),
                "in_house_unit_share": float(units[kept].sum()),
                "in_house_by_category": {
                    name: int((kept & (cat.category == i)).sum())
                    for i, name in enumerate(cat.category_names)
                    if (kept & (cat.category == i)).any()
                },
                "in_house_sales_ranks": _ranges(np.flatnonzero(kept)),
            }
            if cat.sku_code is not None:
                doc["in_house_sku_codes"] = [str(c) for c in cat.sku_code[kept]]
            per[volume] = doc
        out[strategy] = per
    return out


def _ranges(idx: np.ndarray) -> list[list[int]]:
    """Sales ranks (1 = best-seller) as [first, last] runs of consecutive ranks."""
    if len(idx) == 0:
        return []
    cut = np.flatnonzero(np.diff(idx) > 1) + 1
    return [[int(g[0]) + 1, int(g[-1]) + 1] for g in np.split(idx, cut)]
