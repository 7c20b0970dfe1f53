"""Cutting a run short once its late deliveries certainly miss a service target.

Place in the flow: `fcsim advise` screens many candidate settings whose only question is "does
it meet the target?"; most that miss it are understaffed and miss it by far. Such a run needs
not go on to the end of its horizon: `model/network.py` starts a `Watch` when the run spec
carries a `CutShort`, and the watch stops the simulation (SimPy's own `StopSimulation`, as
`Environment.run(until=...)` does) at the first check where the outcome is already certain.
The experiment layer (`fcsim.experiment.runs.simulate`) then returns a result marked
`cut_short_day` without the KPIs of the days not run.

Why the outcome is certain. Once the carrier takes a parcel, its delivery (or loss) is drawn
and written at once (`model/carriers.py`); a replacement only delivers later. So a dispatched,
live parcel that ships within the run and whose delivery day is past its promised day (or that
is lost and not replaced) is late for good, and so is its order (an order is late when one of
its parcels is). Let N be the orders of the measured window, L0 those already certainly late,
U the orders unfinished at the end, and (T_l, T_u) the target's late and unfinished shares.
Either U > T_u N (the target is missed), or the late rate, L / F with L >= L0 - U late among
F <= N - U finished orders, is at least (L0 - T_u N) / (N - T_u N). So the run misses the
target whatever happens next once L0 - T_u N > T_l (N - T_u N); the watch waits for one order
more than that bound, against rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import simpy
from simpy.core import StopSimulation
from simpy.events import URGENT

from fcsim.core.timeofday import MIN_PER_DAY
from fcsim.model.context import RunContext


@dataclass(frozen=True)
class CutShort:
    """Stop a run once it certainly misses this target (shares of the window's orders)."""

    late_rate: float
    unfinished_rate: float
    every_days: int = 7  # days between checks

    def late_orders(self, n_orders: int) -> int:
        """Orders certainly late from which the target is certainly missed."""
        t_l, t_u = self.late_rate, self.unfinished_rate
        bound = n_orders * (t_u + t_l * (1.0 - t_u))
        return math.floor(bound) + 2  # strictly above the bound, one order to spare


class Watch:
    """Checks, every `rule.every_days` days at midnight, whether the run can still meet the
    target; stops the simulation when it cannot (`stopped_day`, else None)."""

    def __init__(self, ctx: RunContext, rule: CutShort) -> None:
        self.ctx = ctx
        self.rule = rule
        sc = ctx.scenario
        created = ctx.orders.created_min
        window = (created >= sc.warmup_days * MIN_PER_DAY) & (
            created < sc.horizon_days * MIN_PER_DAY
        )
        if ctx.placed is not None:
            window &= ctx.placed
        self.window = window
        self.limit = rule.late_orders(int(window.sum()))
        self.stopped_day: int | None = None
        self.late_orders = 0

    def start(self) -> None:
        self.ctx.env.process(self._run())

    def certainly_late(self) -> int:
        """Orders of the window with a parcel already late for good."""
        p, end = self.ctx.parcels, self.ctx.n_days * MIN_PER_DAY
        dispatched = ~np.isnan(p.ship_min) & (p.ship_min <= end) & ~p.cancelled
        with np.errstate(invalid="ignore"):
            past = np.floor(p.delivery_min / MIN_PER_DAY) > p.promised_day
        lost = np.isnan(p.delivery_min) & p.lost
        late = dispatched & (past | lost)
        orders = np.unique(p.order[late])
        return int(self.window[orders].sum())

    def _run(self):  # type: ignore[no-untyped-def]
        env, every = self.ctx.env, self.rule.every_days * MIN_PER_DAY
        while env.now + every < self.ctx.n_days * MIN_PER_DAY:
            yield env.timeout(every)
            self.late_orders = self.certainly_late()
            if self.late_orders >= self.limit:
                self.stopped_day = int(env.now // MIN_PER_DAY)
                stop = simpy.Event(env)
                stop._ok, stop._value = True, None
                stop.callbacks.append(StopSimulation.callback)
                env.schedule(stop, URGENT)
                return


__all__ = ["CutShort", "Watch"]
