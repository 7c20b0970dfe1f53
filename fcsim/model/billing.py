"""Storage a 3PL bills, counted from the stock of every SKU once a day (D2, D15).

Place in the flow: a 3PL node's `WarehouseModel` builds a `StorageBilling` from its fee schedule
and calls `record` every day at 00:00, after the stock review, on the same per-SKU snapshot as
the node's `stock_pallets` and `stock_value_eur` series (one snapshot a day: the billing
granularity). It keeps only what the storage basis bills, as daily series:
- `per_location`: the locations rented, by type (`storage_locations_<type>`): every SKU in
  stock rents at least one location, of the smallest type its stock volume fits; stock larger
  than the largest type fills whole locations of that type and the rest goes to the smallest
  type that fits the rest;
- `per_pallet`: whole pallets per SKU, ceil(units / units_per_pallet) (`stock_pallets_whole`);
- `per_cubic_metre` and `per_unit` bill the node's `stock_volume_l` and `stock_units`.
`billed_receipts` counts what receiving bills for the pallets `model/inbound.py` receives.
`fcsim.model.accounting.invoices` prices these quantities.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.catalogue import CatalogueArrays
from fcsim.scenario.schema.fees import ThreePLFees

EPS = 1e-9
"""Tolerance of the volume arithmetic (a stock of exactly one location's capacity fits it)."""


def location_key(name: str) -> str:
    """The daily series of the locations rented of type `name`."""
    return f"storage_locations_{name}"


def locations_by_type(
    stock_units: np.ndarray, unit_volume_l: np.ndarray, capacity_l: np.ndarray
) -> np.ndarray:
    """Locations rented of each type (capacities ascending) for this stock of every SKU."""
    volume = np.asarray(stock_units, dtype=float) * unit_volume_l
    volume = volume[volume > 0]
    largest = float(capacity_l[-1])
    full = np.floor(volume / largest + EPS)
    rest = volume - full * largest
    rest = rest[rest > EPS * largest]
    counts = np.zeros(len(capacity_l))
    counts[-1] = full.sum()
    if len(rest):
        kind = np.searchsorted(capacity_l * (1 + EPS), rest)  # smallest type that fits the rest
        counts += np.bincount(kind, minlength=len(capacity_l))
    return counts


def whole_pallets(stock_units: np.ndarray, units_per_pallet: np.ndarray) -> float:
    """Pallets rented: every SKU in stock fills ceil(units / units_per_pallet) pallets."""
    return float(np.ceil(np.asarray(stock_units, dtype=float) / units_per_pallet - EPS).sum())


def billed_receipts(
    units: np.ndarray, before: np.ndarray, pallets: np.ndarray, units_per_carton: int
) -> tuple[np.ndarray, np.ndarray]:
    """(whole pallets, cartons) billed for each pallet of received lines (`inbound.py`).

    A pallet with units counts as one whole pallet, or more for a unit bigger than a pallet
    (`pallets` is its share of pallet positions). Cartons are counted per line: a pallet that
    holds `before` units of its line before its own `units` adds the cartons those units
    complete, so that a line's pallets together make ceil(line units / units_per_carton).
    """
    whole = np.where(units > 0, np.maximum(np.ceil(pallets - EPS), 1), 0).astype(np.int64)
    upc = int(units_per_carton)
    cartons = -(-(before + units) // upc) - -(-before // upc)
    return whole, cartons.astype(np.int64)


class StorageBilling:
    """The daily storage quantities of one 3PL node's basis."""

    def __init__(self, fees: ThreePLFees, catalogue: CatalogueArrays, n_days: int) -> None:
        self.basis = fees.storage_basis
        self.catalogue = catalogue
        self.names = [t.name for t in fees.storage_locations]
        self.capacity_l = np.array([t.capacity_l for t in fees.storage_locations])
        keys: list[str] = []
        if self.basis == "per_location":
            keys = [location_key(n) for n in self.names]
        elif self.basis == "per_pallet":
            keys = ["stock_pallets_whole"]
        self.daily = {k: np.zeros(n_days) for k in keys}

    def record(self, day: int, stock_units: np.ndarray) -> None:
        """The quantities billed for the stock held at the start of `day`."""
        cat = self.catalogue
        if self.basis == "per_location":
            counts = locations_by_type(stock_units, cat.volume_l, self.capacity_l)
            for name, c in zip(self.names, counts.tolist(), strict=True):
                self.daily[location_key(name)][day] = c
        elif self.basis == "per_pallet":
            self.daily["stock_pallets_whole"][day] = whole_pallets(
                stock_units, cat.units_per_pallet
            )
