"""Packing (D6): packaging choice and pack-station work per parcel.

Place in the flow: `model/warehouse.py` calls `pack_work` once per run, vectorised: the
packaging policy picks a material for each parcel (poly mailer for soft goods, box sizes by
volume, protective packaging for fragile goods), which sets its material cost and the extra
minutes it takes (plus the extra cost of branded packaging, when the node's packing is branded);
pack time = per-parcel time + per-unit time + packaging extra.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.policies import get_policy
from fcsim.policies.packaging import PackagingTable
from fcsim.scenario.schema.business import PackagingOption
from fcsim.scenario.schema.stations import Packing


def packaging_table(options: list[PackagingOption]) -> PackagingTable:
    """The scenario's packaging options as columns."""
    return PackagingTable(
        max_volume_l=np.array([o.max_volume_l for o in options]),
        cost_eur=np.array([o.cost_eur for o in options]),
        extra_pack_min=np.array([o.extra_pack_min for o in options]),
        soft_goods_only=np.array([o.soft_goods_only for o in options]),
        protective=np.array([o.protective for o in options]),
        eco=np.array([o.eco for o in options]),
    )


def pack_work(
    cfg: Packing,
    options: list[PackagingOption],
    parcels: Parcels,
    ids: np.ndarray,
    streams: Streams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pack minutes, packaging cost EUR, packed volume in litres, packaging option index)
    for parcels `ids`."""
    table = packaging_table(options)
    choice, count = get_policy("packaging", cfg.policy)(
        parcels.volume_l[ids], parcels.all_soft[ids], parcels.any_fragile[ids], table
    )
    base = cfg.pack_min_per_order.ppf(streams.keyed("pack", parcels.order[ids], parcels.slot[ids]))
    minutes = (
        base + cfg.pack_min_per_unit * parcels.units[ids] + table.extra_pack_min[choice] * count
    )
    cost = table.cost_eur[choice] * count + (cfg.branded_extra_eur if cfg.branded else 0.0)
    packed_l = np.maximum(table.max_volume_l[choice] * count, parcels.volume_l[ids])
    return minutes, cost, packed_l, choice
