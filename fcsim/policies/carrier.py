"""Carrier choice per parcel (D7).

Place in the flow: `model/carriers.py` prices every carrier a node may use for every parcel and
computes each one's nominal delivery day, then calls the policy once, vectorised.
Signature: `(price_eur[n, k], nominal_day[n, k], promised_day[n]) -> chosen column[n]`.
A price of `inf` marks a carrier that does not serve the parcel's destination: never chosen
(the scenario check guarantees every parcel has at least one carrier).
"""

from __future__ import annotations

import numpy as np


def cheapest(price: np.ndarray, nominal_day: np.ndarray, promised_day: np.ndarray) -> np.ndarray:
    """The lowest price; ties go to the carrier listed first."""
    return np.argmin(price, axis=1)


def fastest(price: np.ndarray, nominal_day: np.ndarray, promised_day: np.ndarray) -> np.ndarray:
    """The earliest nominal delivery day; ties go to the cheaper carrier."""
    ok = np.isfinite(price)
    top = price[ok].max(initial=0.0)
    key = np.where(ok, nominal_day + np.where(ok, price, 0.0) / (1.0 + top) * 0.5, np.inf)
    return np.argmin(key, axis=1)


def cheapest_meeting_promise(
    price: np.ndarray, nominal_day: np.ndarray, promised_day: np.ndarray
) -> np.ndarray:
    """The cheapest carrier whose nominal delivery meets the promise, else the fastest."""
    meets = (nominal_day <= promised_day[:, None]) & np.isfinite(price)
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
