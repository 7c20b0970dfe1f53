"""Customers (D9, D13): "where is my order?" contacts, dissatisfaction and churn.

Place in the flow: after the run, per order, arithmetic only. A late order triggers a contact
with a higher probability when the customer was not told (proactive notification, D9); a
customer is dissatisfied when the order is late by at least the threshold, a parcel is lost,
an item is defective or missing, or (`dissatisfied_after_refund_days`) a return's refund is
slow; a share of dissatisfied customers churn (35 % quoted in seed
002), which costs the margin of their future orders. Noise is keyed by the order, so the same
customers react the same way in every strategy (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.model.streams import Streams
from fcsim.scenario.schema.business import Customers

_CONTACT, _CHURN = 0, 1


@dataclass(frozen=True)
class Reaction:
    """Per-order customer outcomes."""

    contacted: np.ndarray
    dissatisfied: np.ndarray
    at_delivery: np.ndarray  # dissatisfied by the delivery itself, not only by a slow refund
    churned: np.ndarray
    churn_cost_eur: np.ndarray


def react(
    cfg: Customers,
    order_ids: np.ndarray,
    *,
    late: np.ndarray,
    days_late: np.ndarray,
    lost: np.ndarray,
    incomplete: np.ndarray,
    margin_eur: np.ndarray,
    streams: Streams,
    slow_refund: np.ndarray | None = None,
) -> Reaction:
    """Contacts, dissatisfaction and churn of the customers of `order_ids`."""
    p_late = (
        cfg.contact_probability_late_notified
        if cfg.notify_proactively
        else cfg.contact_probability_late
    )
    p = np.where(lost, cfg.contact_probability_late, np.where(late, p_late, 0.0))
    p = np.where(late | lost, p, cfg.contact_probability_on_time)
    contacted = streams.keyed("customers", order_ids, _CONTACT) < p
    threshold = max(1, cfg.dissatisfied_after_days_late)
    at_delivery = (late & (days_late >= threshold)) | lost | incomplete
    dissatisfied = at_delivery if slow_refund is None else at_delivery | slow_refund
    churned = dissatisfied & (
        streams.keyed("customers", order_ids, _CHURN) < cfg.churn_share_of_dissatisfied
    )
    future = cfg.orders_per_customer_per_year * cfg.retention_years
    cost = np.where(churned, future * margin_eur, 0.0)
    return Reaction(contacted, dissatisfied, at_delivery, churned, cost)
