"""Packaging choice per parcel (D6).

Place in the flow: `model/packing.py` calls the policy once, vectorised, before the simulation.
Signature: `(volume_l[n], all_soft[n], any_fragile[n], options) -> (option index[n], count[n])`
where `options` is a `PackagingTable` and `count` is the number of packages (1 unless the
content exceeds the largest allowed package).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PackagingTable:
    """Packaging options as columns."""

    max_volume_l: np.ndarray
    cost_eur: np.ndarray
    extra_pack_min: np.ndarray
    soft_goods_only: np.ndarray
    protective: np.ndarray
    eco: np.ndarray


def smallest_fitting(
    volume_l: np.ndarray, all_soft: np.ndarray, any_fragile: np.ndarray, options: PackagingTable
) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest allowed option that holds the content; fragile goods get a protective one.

    Allowed: soft-goods-only options (poly mailers) only when all goods are soft; protective
    options only (and always) when some goods are fragile. When nothing holds the content, the
    largest allowed option is used as many times as needed.
    """
    n, k = len(volume_l), len(options.cost_eur)
    allowed = np.ones((n, k), dtype=bool)
    allowed &= ~options.soft_goods_only[None, :] | all_soft[:, None]
    allowed &= options.protective[None, :] == any_fragile[:, None]
    # A fragile parcel with no protective option, or a hard one with only mailers: fall back to
    # every option that is not soft-only.
    fallback = ~allowed.any(axis=1)
    allowed[fallback] = ~options.soft_goods_only[None, :] | all_soft[fallback, None]
    fits = allowed & (options.max_volume_l[None, :] >= volume_l[:, None])
    cost = np.where(fits, options.cost_eur[None, :], np.inf)
    choice = np.argmin(cost, axis=1)
    count = np.ones(n, dtype=np.int64)
    none_fit = ~fits.any(axis=1)
    if none_fit.any():
        cap = np.where(allowed[none_fit], options.max_volume_l[None, :], -np.inf)
        big = np.argmax(cap, axis=1)
        choice[none_fit] = big
        count[none_fit] = np.ceil(volume_l[none_fit] / options.max_volume_l[big]).astype(np.int64)
    return choice, count


def eco_first(
    volume_l: np.ndarray, all_soft: np.ndarray, any_fragile: np.ndarray, options: PackagingTable
) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest eco-friendly option that holds the content, else `smallest_fitting`."""
    choice, count = smallest_fitting(volume_l, all_soft, any_fragile, options)
    if not options.eco.any():
        return choice, count
    eco_only = PackagingTable(
        max_volume_l=np.where(options.eco, options.max_volume_l, 0.0),
        cost_eur=options.cost_eur,
        extra_pack_min=options.extra_pack_min,
        soft_goods_only=options.soft_goods_only,
        protective=options.protective,
        eco=options.eco,
    )
    eco_choice, eco_count = smallest_fitting(volume_l, all_soft, any_fragile, eco_only)
    fits = (
        options.eco[eco_choice] & (eco_count == 1) & (options.max_volume_l[eco_choice] >= volume_l)
    )
    return np.where(fits, eco_choice, choice), np.where(fits, eco_count, count)


def cheapest_fitting(
    volume_l: np.ndarray, all_soft: np.ndarray, any_fragile: np.ndarray, options: PackagingTable
) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest option that holds the content, fragile or not: no protective packaging.

    Soft-goods-only options (poly mailers) still take only parcels whose goods are all soft.
    It saves the protective material and its packing minutes; what it costs in damaged parcels
    depends on the scenario's `damage.factors` (docs/model.md, "Damage in transit").
    """
    return smallest_fitting(volume_l, all_soft, np.zeros_like(any_fragile), options)


POLICIES = {
    "smallest_fitting": smallest_fitting,
    "eco_first": eco_first,
    "cheapest_fitting": cheapest_fitting,
}
