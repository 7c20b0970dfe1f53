"""Returns (D12): which delivered units come back, and when they reach the node.

Place in the flow: called by a node right after `carriers.dispatch`, on the same batch of
parcels. Arithmetic only: a line is returned with its category's return rate (noise keyed by the
order line, so the same customers return the same items in every strategy); the customer posts it
after a delay within the return window; it travels back in business days. A warehouse then
queues the returned units for inspection by its receiving staff (a SimPy contention point) and
restocks or writes them off; a dropship supplier takes them back.
"""

from __future__ import annotations

import numpy as np

from fcsim.model.calendar import MIN_PER_DAY, BusinessDays
from fcsim.model.catalogue import CatalogueArrays
from fcsim.model.demand import Orders
from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.scenario.schema.business import Returns


def plan_returns(
    parcels: Parcels,
    idx: np.ndarray,
    *,
    orders: Orders,
    catalogue: CatalogueArrays,
    policy: Returns,
    business_weekdays: list[str],
    bd: BusinessDays,
    streams: Streams,
    defect_rate: float = 0.0,
) -> None:
    """Fill `units_returned`, `units_defective` and `return_day` for delivered parcels `idx`."""
    delivered = idx[~parcels.lost[idx] & ~parcels.cancelled[idx]]
    if len(delivered) == 0:
        return
    line, owner = parcels.lines_of_many(delivered)
    sku = orders.line_sku[line]
    units = orders.line_units[line].astype(np.int64)
    returned = streams.keyed("returns", line) < catalogue.return_rate[sku]
    defective = streams.keyed("defects", line) < defect_rate
    ret_units = np.bincount(owner, weights=units * (returned | defective), minlength=len(delivered))
    bad_units = np.bincount(owner, weights=units * defective, minlength=len(delivered))
    # nothing comes back that was not supplied (units short were never sent)
    supplied = parcels.units[delivered].astype(np.int64) - parcels.units_short[delivered]
    ret_units = np.minimum(ret_units, supplied)
    bad_units = np.minimum(bad_units, ret_units)
    parcels.units_returned[delivered] = ret_units.astype(np.int32)
    parcels.units_defective[delivered] = bad_units.astype(np.int32)
    back = delivered[ret_units > 0]
    if len(back) == 0:
        return
    o, s = parcels.order[back], parcels.slot[back]
    wait = np.minimum(
        policy.window_days,
        np.ceil(policy.customer_delay_days.ppf(streams.keyed("return_delay", o, s))),
    ).astype(np.int64)
    posted = np.floor(parcels.delivery_min[back] / MIN_PER_DAY).astype(np.int64) + wait
    parcels.return_day[back] = bd.offset(posted, policy.transit_business_days, business_weekdays)
