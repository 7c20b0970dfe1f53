"""Stock per SKU at one node: reservations at order intake, backorders, replenishment (D3, D4).

Place in the flow: a warehouse node calls `reserve` when a parcel arrives (stock is reserved so
the shop never oversells), `add` when units are put away or restocked from returns, and
`review` once a day to place purchase orders through the replenishment policy, on inventory
position = on hand + on order - backordered. Parcels short of stock wait for it (backorders) or
lose the missing units (lost sales), per the scenario.

Perishable SKUs keep their stock as FIFO lots (`lots`, set by `model/stock_losses.py`): every
unit taken or put is recorded there too.

With product life cycles (`model/lifecycle.py`), the targets of each life-cycle SKU follow its
own demand weight over their cover instead of the node's forecast level; from its season's end
the node clears what is left of it (`clear`). Stock transfers between centres take units out
(`transfer_out`); they come in at the other centre as a receipt.

Conservation, checked by tests: initial + put away + restocked = on hand + reserved + expired +
shrunk (the units `StockLosses` wrote off) + cleared + transferred out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from fcsim.policies import get_policy
from fcsim.scenario.schema.stock import Replenishment

if TYPE_CHECKING:
    from fcsim.model.stock_losses import Lots


class Inventory:
    """On-hand stock (units) of every SKU at one node, with FIFO backorder queues."""

    def __init__(
        self,
        daily_units: np.ndarray,
        cfg: Replenishment,
        on_available: Callable[[int], None],
        forecast: np.ndarray | None = None,
        sku_levels: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """`daily_units`: expected units per day of each SKU at this node on an average day
        (0 = not stocked); `forecast`: the expected level of each day relative to that average
        (seasons, growth), which scales the targets over their cover (none: always 1);
        `sku_levels`: (SKUs, their demand weight per day, shape (days, SKUs)) of the SKUs whose
        own level replaces the forecast's (product life cycles).
        """
        self.cfg = cfg
        daily = np.asarray(daily_units, dtype=float)
        stocked = daily > 0
        floor_s = np.where(stocked, cfg.min_reorder_point_units, 0.0)
        self.reorder_point = cfg.reorder_point_days * daily
        self.order_up_to = cfg.order_up_to_days * daily
        self._floor_s = floor_s
        self._scale_s = _cover_mean(forecast, cfg.reorder_point_days)
        self._scale_S = _cover_mean(forecast, cfg.order_up_to_days)
        cover = cfg.order_up_to_days if cfg.initial_cover_days is None else cfg.initial_cover_days
        level0 = float(_cover_mean(forecast, cover)[0])
        initial = np.ceil(np.maximum(cover * daily * level0, floor_s + stocked)).astype(np.int64)
        self.daily_units = daily
        self._lc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        if sku_levels is not None:
            skus, level = sku_levels
            here = daily[skus] > 0
            skus, level = skus[here], level[:, here]
            self._lc = (
                skus,
                _cover_mean_cols(level, cfg.reorder_point_days),
                _cover_mean_cols(level, cfg.order_up_to_days),
            )
            lvl0 = _cover_mean_cols(level, cover)[0] if len(level) else np.zeros(len(skus))
            initial[skus] = np.ceil(
                np.where(lvl0 > 0, np.maximum(cover * daily[skus] * lvl0, floor_s[skus] + 1), 0)
            ).astype(np.int64)
        self.on_hand: list[int] = initial.tolist()
        self.on_order = np.zeros(len(daily), dtype=np.int64)
        self.backordered: list[int] = [0] * len(daily)
        self._policy = get_policy("replenishment", cfg.policy)
        self._waiting: dict[int, deque[list[int]]] = {}
        self._missing: dict[int, int] = {}
        # the lines of waiting parcels, kept only when parcels may be cancelled (`cancel`)
        self.track_waiting = False
        self._lines: dict[int, list[tuple[int, int, list[int] | None]]] = {}
        self._on_available = on_available
        self.initial_units = int(initial.sum())
        self.reserved_units = 0
        self.put_away_units = 0
        self.restocked_units = 0
        self.short_units = 0
        self.lots: Lots | None = None  # FIFO lots of perishable SKUs (model/stock_losses.py)
        self.cleared_units = 0
        self.transferred_out_units = 0

    def reserve(self, parcel: int, skus: list[int], units: list[int]) -> tuple[bool, int]:
        """Reserve a parcel's lines. Returns (complete now, units lost for lack of stock).

        With backorders, missing units are owed and the parcel waits; `on_available(parcel)`
        is called once every line is reserved. Without, missing units are lost.
        """
        on_hand = self.on_hand
        short_lines = 0
        lost = 0
        reserved = 0
        lots = self.lots
        held: list[tuple[int, int, list[int] | None]] | None = [] if self.track_waiting else None
        for sku, qty in zip(skus, units, strict=True):
            have = on_hand[sku]
            take = have if have < qty else qty
            on_hand[sku] = have - take
            reserved += take
            if lots is not None and take:
                lots.take(sku, take)
            rest = qty - take
            if rest:
                if self.cfg.backorders:
                    self.backordered[sku] += rest
                    entry = [parcel, rest]
                    self._waiting.setdefault(sku, deque()).append(entry)
                    short_lines += 1
                    if held is not None:
                        held.append((sku, qty, entry))
                else:
                    lost += rest
            elif held is not None:
                held.append((sku, qty, None))
        self.reserved_units += reserved
        if lost:
            self.short_units += lost
        if short_lines:
            self._missing[parcel] = short_lines
            if held is not None:
                self._lines[parcel] = held
            return False, lost
        return True, lost

    def has(self, skus: list[int], units: list[int]) -> bool:
        """Whether every line can be reserved from the stock on hand now."""
        on_hand = self.on_hand
        if len(set(skus)) < len(skus):  # an order history may hold one SKU on two lines
            need: dict[int, int] = {}
            for k, u in zip(skus, units, strict=True):
                need[k] = need.get(k, 0) + u
            return all(on_hand[k] >= u for k, u in need.items())
        return all(on_hand[k] >= u for k, u in zip(skus, units, strict=True))

    def is_waiting(self, parcel: int) -> bool:
        """Whether `parcel` still waits for stock."""
        return parcel in self._missing

    def cancel(self, parcel: int) -> int:
        """Cancel a parcel that waits for stock (the customer's patience ran out): its owed
        units are no longer owed, the units it holds go back to stock (serving the parcels
        waiting for them first). Returns the units it held."""
        del self._missing[parcel]
        held = 0
        for sku, qty, entry in self._lines.pop(parcel):
            owed = 0
            if entry is not None and entry[1]:
                owed = entry[1]
                self._waiting[sku].remove(entry)
                self.backordered[sku] -= owed
            take = qty - owed
            if take:
                held += take
                self.reserved_units -= take
                self._serve(sku, take)
        return held

    def add(self, sku: int, units: int, restock: bool = False) -> None:
        """Put units away into sellable stock and serve waiting parcels first (FIFO)."""
        if restock:
            self.restocked_units += units
        else:
            self.put_away_units += units
        self._serve(sku, units)

    def _serve(self, sku: int, units: int) -> None:
        """Units that become sellable: to the waiting parcels first (FIFO), the rest on hand."""
        queue = self._waiting.get(sku)
        while units and queue:
            entry = queue[0]
            give = min(units, entry[1])
            entry[1] -= give
            units -= give
            self.backordered[sku] -= give
            self.reserved_units += give
            if entry[1] == 0:
                queue.popleft()
                parcel = entry[0]
                self._missing[parcel] -= 1
                if self._missing[parcel] == 0:
                    del self._missing[parcel]
                    if self.track_waiting:
                        del self._lines[parcel]
                    self._on_available(parcel)
        self.on_hand[sku] += units
        if self.lots is not None and units:
            self.lots.put(sku, units)

    @property
    def waiting_parcels(self) -> int:
        return len(self._missing)

    def position(self) -> np.ndarray:
        """Inventory position per SKU: on hand + on order - backordered."""
        return np.asarray(self.on_hand) + self.on_order - np.asarray(self.backordered)

    def review(self, review_index: int) -> tuple[np.ndarray, np.ndarray]:
        """Purchase-order lines decided today as (sku indices, units); empty off review days."""
        if review_index % self.cfg.review_period_days:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        day = min(review_index, len(self._scale_s) - 1)
        s = np.maximum(self.reorder_point * self._scale_s[day], self._floor_s)
        big_s = np.maximum(self.order_up_to * self._scale_S[day], s + (self._floor_s > 0))
        if self._lc is not None:  # life-cycle SKUs: their own level; nothing once it is over
            skus, level_s, level_S = self._lc
            d = min(review_index, len(level_S) - 1)
            alive = level_S[d] > 0
            s_own = np.maximum(self.reorder_point[skus] * level_s[d], self._floor_s[skus])
            s[skus] = np.where(alive, s_own, 0.0)
            big_s[skus] = np.where(
                alive, np.maximum(self.order_up_to[skus] * level_S[d], s[skus] + 1), 0.0
            )
        qty = self._policy(self.position(), s, big_s, review_index)
        skus = np.flatnonzero(qty > 0)
        units = np.maximum(qty[skus].astype(np.int64), self.cfg.moq_units)
        pack = self.cfg.case_pack_units
        units = -(-units // pack) * pack
        self.on_order[skus] += units
        return skus, units

    def received(self, sku: int, ordered: int) -> None:
        """A purchase-order line has left receiving: it is no longer on order."""
        self.on_order[sku] -= ordered

    def clear(self, skus: np.ndarray) -> np.ndarray:
        """Take every unit on hand of `skus` out of stock (a season's end); the units cleared."""
        units = np.array([self.on_hand[k] for k in skus.tolist()], dtype=np.int64)
        for k, n in zip(skus.tolist(), units.tolist(), strict=True):
            self.on_hand[k] = 0
            if self.lots is not None and n:
                self.lots.take(k, n)
        self.cleared_units += int(units.sum())
        return units

    def transfer_out(self, sku: int, units: int) -> None:
        """Take `units` of `sku` out of stock, sent to another centre."""
        assert 0 <= units <= self.on_hand[sku]
        self.on_hand[sku] -= units
        if self.lots is not None and units:
            self.lots.take(sku, units)
        self.transferred_out_units += units

    def stock_units(self) -> np.ndarray:
        return np.asarray(self.on_hand, dtype=np.int64)


def _cover_mean(forecast: np.ndarray | None, days: float) -> np.ndarray:
    """Mean forecast level over the `days` days starting at each day (1 without a forecast)."""
    if forecast is None or len(forecast) == 0:
        return np.ones(1)
    n = max(1, int(np.ceil(days)))
    f = np.concatenate([forecast, np.full(n, forecast[-1])])
    cum = np.concatenate([[0.0], np.cumsum(f)])
    return (cum[n : n + len(forecast)] - cum[: len(forecast)]) / n


def _cover_mean_cols(level: np.ndarray, days: float) -> np.ndarray:
    """`_cover_mean` of every column of `level` (days x SKUs): the mean over the `days` days
    starting at each day, the last day's level continued past the end."""
    n = max(1, int(np.ceil(days)))
    padded = np.concatenate([level, np.repeat(level[-1:], n, axis=0)])
    cum = np.concatenate([np.zeros((1, level.shape[1])), np.cumsum(padded, axis=0)])
    return (cum[n : n + len(level)] - cum[: len(level)]) / n
