"""What customers pay for shipping at checkout (D20).

Place in the flow: `costs.py` calls the policy once per run, vectorised over orders, and books
the result as shipping revenue against the merchant's shipping cost.
Signature: `(order_value_eur[n], carrier_price_eur[n], config) -> fee_eur[n]`. Every amount is
what the customer sees, VAT included: the basket value, the carriers' price for the order's
parcels plus the VAT of the order's zone, and the fee returned; the ledger books the fee
without its VAT.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def free(order_value: np.ndarray, carrier_price: np.ndarray, config: Any) -> np.ndarray:
    """Shipping is always free."""
    return np.zeros(len(order_value))


def flat(order_value: np.ndarray, carrier_price: np.ndarray, config: Any) -> np.ndarray:
    """The same fee for every order."""
    return np.full(len(order_value), config.flat_eur)


def free_above(order_value: np.ndarray, carrier_price: np.ndarray, config: Any) -> np.ndarray:
    """The flat fee, except for baskets worth at least `free_above_eur`."""
    return np.where(order_value >= config.free_above_eur, 0.0, config.flat_eur)


def carrier_rate(order_value: np.ndarray, carrier_price: np.ndarray, config: Any) -> np.ndarray:
    """The carriers' price passed on, with a markup."""
    return carrier_price * (1 + config.carrier_rate_markup)


POLICIES = {"free": free, "flat": flat, "free_above": free_above, "carrier_rate": carrier_rate}
