"""Storage zones (D2): which zone holds each SKU, daily occupancy, overflow and running cost.

Place in the flow: a warehouse node with `zones` creates one `StorageZones`; its daily process
calls `record(day, stock)` with the units on hand per SKU. A SKU is stored in the first zone of
its category's storage class (ambient, secure, bulky, cold). Positions are counted in pallets
(units / units per pallet). Overflow — pallets beyond a zone's capacity — is reported and costed.
The daily series go into the node's result: `zone_pallets.ZONE` (pallets the zone's goods take,
overflow included), `zone_positions` and `zone_overflow_pallets` (totals over zones) and the
day's running and overflow cost in EUR, which `accounting` books into the ledger; with a
cold-chain cost, `cold_unit_days.ZONE` (units stored in the zone each day). A zone also gives
its goods' extra pick minutes per line and shrinkage rate to the node.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.stock_losses import DAYS_PER_MONTH
from fcsim.scenario.schema.stock import StorageZone


class StorageZones:
    """Occupancy of a node's storage zones, day by day."""

    def __init__(self, zones: list[StorageZone], catalogue: CatalogueArrays, n_days: int) -> None:
        first: dict[str, int] = {}
        for i, z in enumerate(zones):
            first.setdefault(z.storage_class, i)
        of_category = np.array([first[c] for c in catalogue.category_storage_class])
        self.zones = zones
        self.zone_of_sku = of_category[catalogue.category]
        self.units_per_pallet = catalogue.units_per_pallet
        self.capacity = np.array([z.capacity_pallets for z in zones])
        self.cost = np.array([z.cost_eur_per_position_day for z in zones])
        self.overflow_rate = np.array([z.overflow_eur_per_pallet_day for z in zones])
        self.cold_rate = np.array([z.cold_eur_per_unit_day for z in zones])
        self.cold_units = np.zeros((len(zones), n_days)) if self.cold_rate.any() else None
        self.peak_share = np.zeros(len(zones))
        self.by_zone = np.zeros((len(zones), n_days))
        self.daily = {
            key: np.zeros(n_days)
            for key in (
                "zone_positions",
                "zone_overflow_pallets",
                "zone_running_eur",
                "zone_overflow_eur",
            )
        }

    def extra_pick_min(self) -> np.ndarray | None:
        """Extra picker minutes per order line of each SKU (its zone's), or None if none has."""
        extra = np.array([z.extra_pick_min_per_line for z in self.zones])
        return extra[self.zone_of_sku] if extra.any() else None

    def shrink_per_day(self) -> np.ndarray | None:
        """Share of each SKU's units lost per day (its zone's shrinkage), or None if none is."""
        share = np.array([z.shrinkage_share_per_month for z in self.zones])
        return share[self.zone_of_sku] / DAYS_PER_MONTH if share.any() else None

    def record(self, day: int, stock: np.ndarray) -> None:
        """Occupied positions, overflow and their costs on `day` for `stock` units per SKU."""
        pallets = stock / self.units_per_pallet
        occupied = np.bincount(self.zone_of_sku, weights=pallets, minlength=len(self.capacity))
        over = np.maximum(occupied - self.capacity, 0.0)
        used = occupied - over
        self.by_zone[:, day] = occupied
        self.daily["zone_positions"][day] = used.sum()
        self.daily["zone_overflow_pallets"][day] = over.sum()
        self.daily["zone_running_eur"][day] = float(used @ self.cost)
        self.daily["zone_overflow_eur"][day] = float(over @ self.overflow_rate)
        self.peak_share = np.maximum(self.peak_share, occupied / self.capacity)
        if self.cold_units is not None:
            units = np.bincount(self.zone_of_sku, weights=stock, minlength=len(self.capacity))
            self.cold_units[:, day] = units

    def series(self) -> dict[str, np.ndarray]:
        """The daily series: the totals and each zone's pallets (`zone_pallets.ZONE`)."""
        per_zone = {f"zone_pallets.{z.name}": self.by_zone[i] for i, z in enumerate(self.zones)}
        if self.cold_units is not None:
            for i, z in enumerate(self.zones):
                if z.cold_eur_per_unit_day > 0:
                    per_zone[f"cold_unit_days.{z.name}"] = self.cold_units[i]
        return self.daily | per_zone

    def totals(self) -> dict[str, float]:
        """Peak occupancy of each zone (share of capacity) and days with overflow."""
        out = {
            f"zone_peak_share.{z.name}": float(v)
            for z, v in zip(self.zones, self.peak_share, strict=True)
        }
        out["zone_overflow_days"] = int((self.daily["zone_overflow_pallets"] > 0).sum())
        out["zone_capacity_pallets"] = float(self.capacity.sum())
        return out
