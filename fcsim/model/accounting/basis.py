"""Where every euro comes from: the basis of each cost line, as terms rate x quantity.

Place in the flow: each cost function of `costs.py`, `facility.py`, `holding.py`,
`invoice_basis.py` (a 3PL's invoice), `marketplace.py`, `dropship.py` and `parcel_costs.py`
records, next to the amounts it adds to the `Ledger`, the terms of the line (`Ledger.basis`,
`Ledger.basis_mean`): the rate's scenario key (a dotted
path, `strategies.own_warehouse.costs.wage_eur_per_hour`), its value and unit, and the quantity
it multiplies, summed over the measurement window (`scenario.warmup_days` .. `horizon_days`,
the window of the KPI totals). `kpis.evaluate` hands the ledger's `CostBasis` records on,
`breakdowns.run_breakdowns` stores them per run (`cost_basis_rows`, table `cost_basis` of
`breakdowns.parquet`), and `summary_of` gives `summary.json` its `cost_basis` section: per
strategy and category, the terms with their mean quantity and rate over replications and the
amount per order.

A term is a product (`product`: rate x quantity is its amount, to rounding) or a line that is
no simple product (a carrier's rate card by weight and zone, goods at their own value, a
monthly minimum's top-up): then the rate is the mean over the window, amount / quantity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fcsim.core.metrics import BREAKDOWN_COLUMNS


@dataclass(frozen=True)
class CostBasis:
    """One term of a cost line over the measurement window: `rate` x `quantity` = `amount`."""

    category: str
    node: str  # "" for the lines of the strategy as a whole (customer service, churn, ...)
    key: str  # the rate's scenario key, a dotted path
    rate: float
    rate_unit: str
    quantity: float
    quantity_unit: str
    amount: float  # EUR over the window
    product: bool = True  # False: the rate is the mean, amount / quantity


SEP = " | "
"""Separator of the fields packed into the `key` column of a `cost_basis` breakdown row."""
TABLE = "cost_basis"


def cost_basis_rows(bases: Iterable[CostBasis]) -> pd.DataFrame:
    """The run's terms as breakdown rows (columns `BREAKDOWN_COLUMNS`): table `cost_basis`,
    group = category, key = `node | rate key | rate unit | quantity unit | product|mean`,
    low = rate, count = quantity, value = amount (EUR over the window)."""
    rows = [
        {
            "table": TABLE,
            "group": b.category,
            "key": SEP.join(
                (b.node, b.key, b.rate_unit, b.quantity_unit, "product" if b.product else "mean")
            ),
            "low": float(b.rate),
            "high": np.nan,
            "count": float(b.quantity),
            "value": float(b.amount),
        }
        for b in bases
    ]
    return pd.DataFrame(rows, columns=list(BREAKDOWN_COLUMNS)).astype(
        {"table": str, "group": str, "key": str, "low": float, "high": float}
        | {"count": float, "value": float}
    )


def _orders(runs: pd.DataFrame) -> dict[tuple[str, int], float]:
    if "orders" not in runs.columns:
        return {}
    return {
        (str(s), int(r)): float(o)
        for s, r, o in zip(runs["strategy"], runs["replication"], runs["orders"], strict=True)
    }


def summary_of(breakdowns: pd.DataFrame, runs: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """strategy -> category -> {amount_eur, per_order_eur, terms}: means over the strategy's
    replications (a term a replication lacks counts as zero there). Each term: node, key,
    rate (quantity-weighted mean: mean amount / mean quantity), units, quantity, amount_eur,
    per_order_eur, product. Terms largest first."""
    if breakdowns is None or not len(breakdowns) or "table" not in breakdowns.columns:
        return {}
    b = breakdowns[breakdowns["table"] == TABLE]
    orders = _orders(runs)
    out: dict[str, dict[str, dict]] = {}
    for strategy, g in b.groupby("strategy", sort=False):
        s = str(strategy)
        reps = runs.loc[runs["strategy"] == s, "replication"] if "strategy" in runs else []
        n = max(len(reps), int(g["replication"].nunique()), 1)
        per_order = np.array([orders.get((s, int(r)), np.nan) for r in g["replication"]])
        with np.errstate(all="ignore"):
            share = np.where(per_order > 0, g["value"].to_numpy() / per_order, np.nan)
        g = g.assign(per_order=share)
        cats: dict[str, dict] = {}
        for (cat, key), t in g.groupby(["group", "key"], sort=False):
            node, rate_key, rate_unit, qty_unit, kind = str(key).split(SEP)
            q, amount = t["count"].sum() / n, t["value"].sum() / n
            rate = amount / q if q else float(t["low"].mean())
            term = {
                "node": node,
                "key": rate_key,
                "rate": float(rate),
                "rate_unit": rate_unit,
                "quantity": float(q),
                "quantity_unit": qty_unit,
                "amount_eur": float(amount),
                "per_order_eur": float(t["per_order"].sum() / n),
                "product": kind == "product",
            }
            c = cats.setdefault(str(cat), {"amount_eur": 0.0, "per_order_eur": 0.0, "terms": []})
            c["terms"].append(term)
            c["amount_eur"] += term["amount_eur"]
            c["per_order_eur"] += term["per_order_eur"]
        for c in cats.values():
            c["terms"].sort(key=lambda t: -abs(t["amount_eur"]))
        out[s] = dict(sorted(cats.items(), key=lambda kv: -abs(kv[1]["amount_eur"])))
    return out
