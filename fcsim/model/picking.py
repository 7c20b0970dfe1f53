"""Picking (D5): pick-tour durations and the release of orders to pickers.

Place in the flow: `model/warehouse.py` computes every parcel's pick work up front, vectorised
(a tour set-up share plus a time per line, drawn by inverse transform from noise keyed by the
order line, so the same line takes the same quantile of time in every strategy), and gives the
picker pool a `take` function from the batching policy. A tour of k parcels costs one set-up and
the lines of all k, plus the time to add inserts to the parcels drawn to get them, plus a
storage zone's extra minutes per line of its goods (a secure zone's access and sign-out).

Picking errors (`error_rate`, D5): each line is mis-picked with that probability, and the
packer finds it with `error_found_at_packing` (noise keyed by the order line, the same lines in
every strategy whose nodes have the same rates). A found line is picked again: the parcel goes
back to the picker pool as a re-pick task (`PickWork.repick_task`) of `repick_min_per_line`
per found line before it is packed. The other mis-picked lines reach the customer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from fcsim.core.timeofday import minutes_of
from fcsim.model.calendar import MIN_PER_DAY, WorkCalendar
from fcsim.model.parcels import Parcels
from fcsim.model.streams import Streams
from fcsim.policies import get_policy
from fcsim.policies.layout import Layout
from fcsim.scenario.schema.stations import Picking


@dataclass(frozen=True)
class Travel:
    """Walking through the layout: each parcel's pick locations and the routing policy."""

    layout: Layout
    route: Callable[[Layout, np.ndarray], float]
    speed_m_per_min: float
    loc_ptr: np.ndarray  # local parcel i visits locs[loc_ptr[i]:loc_ptr[i + 1]]
    locs: np.ndarray

    def minutes(self, group: Sequence[int]) -> float:
        ptr, locs = self.loc_ptr, self.locs
        stops = np.concatenate([locs[ptr[i] : ptr[i + 1]] for i in group])
        return self.route(self.layout, stops) / self.speed_m_per_min


@dataclass(frozen=True)
class PickWork:
    """Working minutes of each of a node's parcels (indexed by local position)."""

    setup_min: np.ndarray
    lines_min: np.ndarray
    inserts: np.ndarray  # inserts added to each parcel
    travel: Travel | None = None
    mispicked: np.ndarray | None = None  # lines mis-picked per parcel (None: no errors)
    wrong_lines: np.ndarray | None = None  # mis-picked lines not found at packing
    repick_min: np.ndarray | None = None  # re-pick minutes of the lines found at packing

    def repick_task(self, i: int) -> int | None:
        """The picker task that re-picks parcel `i`'s lines found wrong, or None (no such line).

        Re-pick tasks are numbered after the parcels: `n + i` for parcel `i` of `n`.
        """
        if self.repick_min is None or self.repick_min[i] <= 0:
            return None
        return len(self.setup_min) + i

    def tour(self, group: Sequence[int]) -> float:
        """Minutes for one tour picking `group` (local parcel positions, or re-pick tasks)."""
        n = len(self.setup_min)
        if len(group) == 1 and group[0] < n and self.travel is None:  # the common case, fast
            i = group[0]
            return self.setup_min.item(i) + self.lines_min.item(i)  # as float(a[i] + b[i])
        if self.repick_min is not None and max(group) >= n:
            rework = sum(float(self.repick_min[i - n]) for i in group if i >= n)
            rest = [i for i in group if i < n]
            return rework + (self.tour(rest) if rest else 0.0)
        if len(group) == 1:
            i = group[0]
            work = float(self.setup_min[i] + self.lines_min[i])
        else:
            work = float(self.setup_min[group[0]] + np.add.reduce(self.lines_min.take(group)))
        if self.travel is not None:
            work += self.travel.minutes(group)
        return work


def slot_skus(cfg: Picking, stocked: np.ndarray, seed: int) -> tuple[Layout, np.ndarray]:
    """The node's layout and the location of every SKU (-1 where the node holds none)."""
    spec = cfg.layout
    if spec is None:
        raise ValueError("slotting SKUs needs the picking layout, and there is none")
    layout = Layout(
        spec.aisles,
        spec.aisle_length_m,
        spec.aisle_spacing_m,
        spec.locations_per_aisle,
        spec.depot_aisle,
    )
    skus = np.flatnonzero(stocked)  # in sales-rank order
    policy = get_policy("slotting", cfg.slotting)
    where = np.full(len(stocked), -1, dtype=np.int64)
    where[skus] = policy(layout, np.arange(len(skus)), Streams.fixed(seed, "slotting"))
    return layout, where


def pick_work(
    cfg: Picking,
    parcels: Parcels,
    ids: np.ndarray,
    *,
    streams: Streams,
    sku_of_line: np.ndarray,
    stocked: np.ndarray,
    seed: int,
    extra_min_of_sku: np.ndarray | None = None,
) -> PickWork:
    """Set-up, line and walking minutes for parcels `ids` (global indices, node's local order).

    `stocked` marks the SKUs this node holds (slotted into its layout, if it has one);
    `extra_min_of_sku` the extra minutes per line of each SKU (its storage zone's).
    """
    setup = cfg.tour_setup_min.ppf(
        streams.keyed("pick_setup", parcels.order[ids], parcels.slot[ids])
    )
    lines, owner = parcels.lines_of_many(ids)
    line_min = cfg.pick_min_per_line.ppf(streams.keyed("pick", lines))
    if extra_min_of_sku is not None:
        line_min = line_min + extra_min_of_sku[sku_of_line[lines]]
    per_parcel = np.bincount(owner, weights=line_min, minlength=len(ids)).astype(float)
    inserts = insert_counts(cfg, parcels, ids, streams)
    per_parcel += np.where(inserts > 0, cfg.insert_min_per_order, 0.0)
    travel = None
    if cfg.layout is not None:
        layout, where = slot_skus(cfg, stocked, seed)
        ptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=len(ids)), out=ptr[1:])
        travel = Travel(
            layout,
            get_policy("pickpath", cfg.routing),
            cfg.walk_speed_m_per_min,
            ptr,
            where[sku_of_line[lines]],
        )
    work = PickWork(setup_min=setup, lines_min=per_parcel, inserts=inserts, travel=travel)
    if cfg.error_rate > 0:
        work = _with_errors(cfg, work, lines, owner, len(ids), streams)
    return work


def _with_errors(
    cfg: Picking, work: PickWork, lines: np.ndarray, owner: np.ndarray, n: int, streams: Streams
) -> PickWork:
    """`work` with its picking errors drawn: mis-picked lines, found or not, re-pick minutes."""
    wrong = streams.keyed("pick_error", lines) < cfg.error_rate
    found = wrong & (streams.keyed("pick_error_found", lines) < cfg.error_found_at_packing)
    repick = np.where(found, cfg.repick_min_per_line.ppf(streams.keyed("repick", lines)), 0.0)
    return PickWork(
        setup_min=work.setup_min,
        lines_min=work.lines_min,
        inserts=work.inserts,
        travel=work.travel,
        mispicked=np.bincount(owner, weights=wrong.astype(float), minlength=n).astype(np.int16),
        wrong_lines=np.bincount(owner, weights=(wrong & ~found).astype(float), minlength=n).astype(
            np.int16
        ),
        repick_min=np.bincount(owner, weights=repick, minlength=n),
    )


def insert_counts(cfg: Picking, parcels: Parcels, ids: np.ndarray, streams: Streams) -> np.ndarray:
    """Inserts added to each of parcels `ids`: `inserts_per_order` for the `insert_share` of
    orders drawn by order number, so the same orders get them in every strategy."""
    if cfg.inserts_per_order == 0 or cfg.insert_share == 0:
        return np.zeros(len(ids), dtype=np.int16)
    chosen = streams.keyed("inserts", parcels.order[ids]) < cfg.insert_share
    return np.where(chosen, cfg.inserts_per_order, 0).astype(np.int16)


def take_policy(cfg: Picking):
    """The picker pool's `take(queued) -> k` from the batching policy."""
    policy = get_policy("batching", cfg.policy)
    size = cfg.batch_size
    return lambda queued: policy(queued, size)


def _count(owner: np.ndarray, flags: np.ndarray, n: int) -> np.ndarray:
    """Flagged lines per parcel (int16)."""
    return np.bincount(owner, weights=flags.astype(float), minlength=n).astype(np.int16)


def wave_times(calendar: WorkCalendar, cfg: Picking, n_days: int) -> list[float]:
    """Wave release instants: each of `cfg.release_times` on every day with a shift."""
    tods = sorted(minutes_of(t) for t in cfg.release_times)
    return [
        d * MIN_PER_DAY + tod
        for d in range(n_days)
        if calendar.day_end(d) is not None
        for tod in tods
    ]


def picker_load(
    utilisation: np.ndarray, busy_min: np.ndarray, short_setup: np.ndarray
) -> np.ndarray:
    """The pickers' busy share less the set-up of tours short of a full batch: the share of
    their time the day's work would take in full batches. With batch picking an idle picker
    starts a tour with what is queued, so light days look busy; this does not."""
    with np.errstate(invalid="ignore", divide="ignore"):
        kept = np.where(busy_min > 0, 1.0 - short_setup / busy_min, 1.0)
    return utilisation * np.clip(kept, 0.0, 1.0)
