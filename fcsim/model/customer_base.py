"""Customers who react (opt-in): the superset of checkout visits, its customers and conversion.

Place in the flow: with a scenario's `customer_base` block, `fcsim.experiment.runs.simulate`
calls `potential_orders` instead of `demand.generate`, then `model/reactive.py` runs the
strategy on the orders that are placed. Everything here is the same for every strategy but
`checkout`, which sees the strategy's promise; the random draws are keyed by the visit (its index
in the superset) and the purpose, so two strategies that give the same service see the same
customers take the same decisions (common random numbers).

- Checkout visits: the scenario's demand (profiles, growth, baskets) at `orders_per_day /
  baseline_conversion` visits per day, drawn once by `demand.generate`, then thinned by the
  product life cycles (`lifecycle.thin_orders`, as the orders of a run without a customer
  base: a life-cycle SKU's lines kept with its demand weight that day).
- Baskets topped up: with `shipping_fee.policy: free_above`, a share of the baskets just below
  the threshold get more units of their last line, enough to reach it.
- Customers: `orders_per_day x 365 / orders_per_customer_per_year` customers at the start; each
  leaves after an exponential time (`attrition_per_year`) and as many arrive, at random times.
  Each visit belongs to a customer present at its time, drawn uniformly (rejection sampling on
  keyed uniforms), so every customer visits at the same rate.
- Conversion: `baseline_conversion x exp(-fee_semi_elasticity_per_eur x fee_eur)
  x exp(-promise_semi_elasticity_per_day x max(0, promise_days - reference_promise_days))`,
  with the fee the shipping-fee policy charges for the basket (the cheapest carrier's rate-card
  quote for a carrier rate) and the longest promise among the order's parcels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY
from fcsim.model.carriers import chargeable_kg, rate
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.demand import Orders, generate
from fcsim.model.lifecycle import life_cycles, thin_orders
from fcsim.model.money import vat_rates
from fcsim.model.streams import Streams
from fcsim.policies import get_policy
from fcsim.scenario.schema.business import Demand
from fcsim.scenario.schema.customer_base import CustomerBase
from fcsim.scenario.schema.scenario import Scenario

MAX_ASSIGN_ROUNDS = 64
"""Rejection rounds to find a present customer for a visit before taking the last one drawn."""

# fields of the "customer_base" keyed noise, per visit
_TOP_UP, _CONVERT = 0, 1


@dataclass(frozen=True)
class Potential:
    """Every checkout visit of one replication, with its customer: the same for all strategies."""

    orders: Orders  # the visits, as orders (baskets topped up), sorted by creation time
    customer: np.ndarray  # int64, customer of each visit
    arrival_min: np.ndarray  # per customer: arrival (0 for the customers there at the start)
    departure_min: np.ndarray  # per customer: leaves for reasons other than service (or inf)
    n_initial: int  # customers present at the start


def base_size(cfg: CustomerBase, demand: Demand) -> int:
    """Customers at the start: the orders of a year over the repeat-purchase rate."""
    return max(1, round(demand.orders_per_day * 365.0 / cfg.orders_per_customer_per_year))


def potential_orders(scenario: Scenario, catalogue: CatalogueArrays, streams: Streams) -> Potential:
    """The checkout visits of the horizon and their customers (needs `customer_base`)."""
    cfg = scenario.customer_base
    demand = scenario.demand
    if cfg is None or not isinstance(demand, Demand):
        raise ValueError("customers who react need a `customer_base` block and parametric demand")
    visits = demand.model_copy(
        update={"orders_per_day": demand.orders_per_day / cfg.baseline_conversion}
    )
    orders = generate(visits, catalogue, scenario.start_date, scenario.horizon_days, streams)
    orders = thin_orders(orders, life_cycles(scenario, catalogue), streams)  # as without a base
    orders = top_up(scenario, orders, catalogue, streams)
    n0 = base_size(cfg, demand)
    horizon = scenario.horizon_days * MIN_PER_DAY
    rng = streams.rng("customer_base.customers")
    per_min = cfg.attrition_per_year / (365.0 * MIN_PER_DAY)
    n_new = int(rng.poisson(per_min * n0 * horizon)) if per_min > 0 else 0
    arrival = np.concatenate([np.zeros(n0), np.sort(rng.random(n_new) * horizon)])
    life = rng.exponential(1.0 / per_min, n0 + n_new) if per_min > 0 else np.inf
    departure = arrival + life * np.ones(n0 + n_new)
    customer = assign(orders.created_min, arrival, departure, n0, streams)
    return Potential(orders, customer, arrival, departure, n0)


def assign(
    created_min: np.ndarray,
    arrival_min: np.ndarray,
    departure_min: np.ndarray,
    n_initial: int,
    streams: Streams,
) -> np.ndarray:
    """A customer present at each visit's time, uniformly among them (keyed rejection draws).

    Customers are indexed by arrival (the initial ones first); the customers arrived by time t
    are a prefix of that order, and a draw among them is kept when the customer has not left.
    """
    arrived = n_initial + np.searchsorted(arrival_min[n_initial:], created_min, side="right")
    visit = np.arange(len(created_min))
    out = np.full(len(created_min), -1, dtype=np.int64)
    todo = visit
    k = np.zeros(0, dtype=np.int64)
    for attempt in range(MAX_ASSIGN_ROUNDS):
        if len(todo) == 0:
            break
        u = streams.keyed("customer_base.assign", todo, attempt)
        k = np.minimum((u * arrived[todo]).astype(np.int64), arrived[todo] - 1)
        ok = departure_min[k] > created_min[todo]
        out[todo[ok]] = k[ok]
        todo, k = todo[~ok], k[~ok]
    out[todo] = k  # still unlucky after every round (a base almost gone): the last draw
    return out


def order_values(orders: Orders, catalogue: CatalogueArrays) -> np.ndarray:
    """Basket value of each order, VAT included (EUR)."""
    line_value = orders.line_units * catalogue.price_eur[orders.line_sku]
    return np.add.reduceat(line_value, orders.line_start[:-1]) if orders.n else np.zeros(0)


def top_up(
    scenario: Scenario, orders: Orders, catalogue: CatalogueArrays, streams: Streams
) -> Orders:
    """Baskets topped up to the free-shipping threshold (policy `free_above` only).

    A basket worth less than the threshold by at most `top_up_window_eur` is topped up with
    probability `top_up_share`: its last line gets the units it needs to reach the threshold.
    """
    cfg, fee = scenario.customer_base, scenario.shipping_fee
    if cfg is None or fee.policy != "free_above" or cfg.top_up_share == 0 or orders.n == 0:
        return orders
    value = order_values(orders, catalogue)
    gap = fee.free_above_eur - value
    u = streams.keyed("customer_base", np.arange(orders.n), _TOP_UP)
    up = (gap > 0) & (gap <= cfg.top_up_window_eur) & (u < cfg.top_up_share)
    last = orders.line_start[1:] - 1
    price = catalogue.price_eur[orders.line_sku[last]]
    extra = np.where(up, np.ceil(gap / np.maximum(price, 1e-9)), 0).astype(np.int32)
    units = orders.line_units.copy()
    units[last] += extra
    return Orders(orders.created_min, orders.line_start, orders.line_sku, units)


def fee_quote(
    scenario: Scenario, orders: Orders, catalogue: CatalogueArrays, zone: np.ndarray
) -> np.ndarray:
    """The carriers' price the checkout shows for each order, VAT included: the cheapest rate
    card of the carriers serving its zone for the basket's chargeable weight (undiscounted)."""
    units = orders.line_units
    kg = np.add.reduceat(units * catalogue.weight_kg[orders.line_sku], orders.line_start[:-1])
    litres = np.add.reduceat(units * catalogue.volume_l[orders.line_sku], orders.line_start[:-1])
    best = np.full(orders.n, np.inf)
    for c in scenario.carriers:
        ckg = chargeable_kg(c, kg, litres)
        for zi, dest in enumerate(scenario.destinations):
            m = zone == zi
            if m.any() and c.serves_zone(dest.zone):
                price = rate(c.card_for(dest.zone), c.price_per_extra_kg_eur, ckg[m])
                best[m] = np.minimum(best[m], price)
    best = np.where(np.isfinite(best), best, 0.0)
    return best * (1 + vat_rates(scenario.destinations)[zone])


def conversion(cfg: CustomerBase, fee_eur: np.ndarray, promise_days: np.ndarray) -> np.ndarray:
    """Probability that a checkout visit becomes an order (the declared function above)."""
    extra_days = np.maximum(0, np.asarray(promise_days) - cfg.reference_promise_days)
    return cfg.baseline_conversion * np.exp(
        -cfg.fee_semi_elasticity_per_eur * np.asarray(fee_eur)
        - cfg.promise_semi_elasticity_per_day * extra_days
    )


def settle(
    converts: np.ndarray,
    created_min: np.ndarray,
    customer: np.ndarray,
    n_customers: int,
    keys: np.ndarray,
    churn_min: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(placed per visit, churn time per customer) given when orders `keys` make their
    customer churn (`churn_min`, inf: never). A customer churns at the first such time; her
    converted visits up to it are placed, the later ones not. The earliest churn among the
    orders is always of a placed order, so one pass over the orders is enough."""
    churn_at = np.full(n_customers, np.inf)
    np.minimum.at(churn_at, customer[keys], churn_min)
    return converts & (created_min <= churn_at[customer]), churn_at


def checkout(
    scenario: Scenario,
    potential: Potential,
    catalogue: CatalogueArrays,
    zone: np.ndarray,
    promise_days: np.ndarray,
    streams: Streams,
) -> tuple[np.ndarray, np.ndarray]:
    """(converts, fee shown in EUR) per visit: the fee policy on the basket, then conversion."""
    p, shown = checkout_probability(scenario, potential, catalogue, zone, promise_days)
    return converted(p, streams), shown


def checkout_probability(
    scenario: Scenario,
    potential: Potential,
    catalogue: CatalogueArrays,
    zone: np.ndarray,
    promise_days: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(probability of converting, fee shown in EUR) per visit, before any rating's pull."""
    cfg = scenario.customer_base
    assert cfg is not None
    orders = potential.orders
    fee = scenario.shipping_fee
    value = order_values(orders, catalogue)
    shown = get_policy("shipping_fee", fee.policy)(
        value, fee_quote(scenario, orders, catalogue, zone), fee
    )
    return conversion(cfg, shown, promise_days), shown


def converted(p: np.ndarray, streams: Streams) -> np.ndarray:
    """Which visits convert at probability `p` (times, with reviews, the rating's pull): the
    visit's keyed uniform below it, the same uniform whatever `p` (common random numbers)."""
    return streams.keyed("customer_base", np.arange(len(p)), _CONVERT) < p
