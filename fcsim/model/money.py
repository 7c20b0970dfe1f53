"""Money: catalogue prices and shipping fees are VAT-inclusive; the ledger counts them without.

Place in the flow: `model/network.py` gives every parcel the VAT rate of its destination zone
(`vat_rates`); whoever turns a customer price into the merchant's money — lost sales at the
nodes, margins and churn in `accounting/kpis.py`, shipping revenue and refunds in the ledger —
removes the VAT with `ex_vat`: margin = price / (1 + VAT) - cost. Carrier rates, fees and the
wholesale cost are quoted without VAT already (the merchant recovers the VAT it pays).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fcsim.scenario.schema.delivery import Destination


def vat_rates(destinations: Sequence[Destination]) -> np.ndarray:
    """VAT rate of every destination zone, in zone order (defaults resolved)."""
    return np.array([d.vat for d in destinations], dtype=float)


def ex_vat(amount_incl_vat: np.ndarray | float, vat_rate: np.ndarray | float) -> np.ndarray:
    """Amounts without VAT: a VAT-inclusive amount / (1 + rate)."""
    return np.asarray(amount_incl_vat, dtype=float) / (1.0 + np.asarray(vat_rate, dtype=float))
