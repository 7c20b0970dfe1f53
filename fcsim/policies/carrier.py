"""Carrier choice per parcel (D7).

Place in the flow: `model/carriers.py` prices every carrier a node may use for every parcel and
computes each one's nominal delivery day, then calls the policy once, vectorised.
Signature: `(price_eur[n, k], nominal_day[n, k], promised_day[n]) -> chosen column[n]`.
"""

from __future__ import annotations

import numpy as np


def cheapest(price: np.ndarray, nominal_day: np.ndarray, promised_day: np.ndarray) -> np.ndarray:
    """The lowest price; ties go to the carrier listed first."""
    return np.argmin(price, axis=1)


def fastest(price: np.ndarray, nominal_day: np.ndarray, promised_day: np.ndarray) -> np.ndarray:
    """The earliest nominal delivery day; ties go to the cheaper carrier."""
    key = nominal_day.astype(float) + price / (1.0 + price.max(initial=0.0)) * 0.5
    return np.argmin(key, axis=1)


def cheapest_meeting_promise(
    price: np.ndarray, nominal_day: np.ndarray, promised_day: np.ndarray
) -> np.ndarray:
    """The cheapest carrier whose nominal delivery meets the promise, else the fastest."""
    meets = nominal_day <= promised_day[:, None]
    masked = np.where(meets, price, np.inf)
    choice = np.argmin(masked, axis=1)
    none = ~meets.any(axis=1)
    if none.any():
        choice[none] = fastest(price[none], nominal_day[none], promised_day[none])
    return choice


POLICIES = {
    "cheapest": cheapest,
    "fastest": fastest,
    "cheapest_meeting_promise": cheapest_meeting_promise,
}
