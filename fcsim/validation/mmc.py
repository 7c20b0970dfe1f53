"""Scenarios in which the warehouse is a textbook queue (M/M/c, or a tandem of two M/M/c).

Place in the flow: `fcsim.validation.suite` builds one of these scenarios per validation case
and runs it through the ordinary model (`fcsim.model.network.run_strategy`), so what is
validated is the simulator users run, not a copy of it. The configuration uses only what any
scenario can say:

- arrivals: daily Poisson counts with flat weekday, month and hour profiles and uniform times
  within the hour, i.e. a homogeneous Poisson process of rate `orders_per_day / 1440` per minute;
- one line of one unit per order, so one parcel per order and one pick per parcel;
- pickers: discrete picking, no tour set-up, exponential minutes per line: `c` servers;
- packers: instantaneous (no per-order, per-unit or packaging minutes), or a second exponential
  station for the Jackson tandem;
- staff around the clock (a 00:00-24:00 shift every day, no holidays);
- stock far above demand, so no parcel ever waits for stock and no truck is ever ordered.

Time scale: the mean service time is chosen so that `orders_per_day` arrive per day; queueing
results only depend on the ratio of the rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fcsim.core.timeofday import WEEKDAYS
from fcsim.model.calendar import MIN_PER_DAY
from fcsim.scenario.schema.scenario import Scenario

STRATEGY = "queue"
START = dt.date(2026, 1, 5)  # a Monday; nothing depends on it with a 24/7 calendar


@dataclass(frozen=True)
class QueueSpec:
    """One validation queue: the picker station and, optionally, a packer station after it."""

    pickers: int
    rho: float
    orders_per_day: float
    warmup_days: int
    measure_days: int
    drain_days: int = 3
    packers: int | None = None  # None: instantaneous packing (a single M/M/c station)
    pack_rho: float = 0.0

    @property
    def lam_per_min(self) -> float:
        """Arrival rate, orders per minute."""
        return self.orders_per_day / MIN_PER_DAY

    @property
    def pick_min(self) -> float:
        """Mean pick (service) time giving utilisation `rho` with `pickers` servers."""
        return self.rho * self.pickers / self.lam_per_min

    @property
    def pack_min(self) -> float:
        """Mean pack time giving utilisation `pack_rho` with `packers` servers (0 if none)."""
        if self.packers is None:
            return 0.0
        return self.pack_rho * self.packers / self.lam_per_min

    @property
    def horizon_days(self) -> int:
        return self.warmup_days + self.measure_days

    @property
    def window_min(self) -> tuple[float, float]:
        """Measurement window [start, end) in minutes: after the warm-up, before the horizon."""
        return self.warmup_days * MIN_PER_DAY, self.horizon_days * MIN_PER_DAY


def _deterministic(value: float) -> dict[str, Any]:
    return {"dist": "deterministic", "value": float(value)}


def _exponential(mean: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": float(mean)}


def queue_scenario(spec: QueueSpec, seed: int = 1, name: str = "mmc") -> Scenario:
    """A validated scenario whose single warehouse behaves as `spec` describes."""
    if spec.packers is None:
        packers, pack_time = 1, _deterministic(0.0)
    else:
        packers, pack_time = spec.packers, _exponential(spec.pack_min)
    data: dict[str, Any] = {
        "name": name,
        "seed": seed,
        "start_date": START,
        "horizon_days": spec.horizon_days,
        "warmup_days": spec.warmup_days,
        "drain_days": spec.drain_days,
        "replications": 1,
        "catalogue": {
            "skus": 1,
            "categories": [
                {
                    "name": "goods",
                    "unit_price_eur": 20.0,
                    "unit_cost_eur": 10.0,
                    "unit_weight_kg": 0.5,
                    "unit_volume_l": 1.0,
                    "units_per_pallet": 1000.0,
                }
            ],
        },
        "demand": {
            "orders_per_day": float(spec.orders_per_day),
            "lines_per_order": _deterministic(1),
            "units_per_line": _deterministic(1),
        },
        "carriers": [
            {
                "name": "post",
                "rate_card": [{"max_kg": 30.0, "price_eur": 5.0}],
                "loss_probability": 0.0,
            }
        ],
        "packaging": [{"name": "box", "max_volume_l": 1000.0, "cost_eur": 0.5}],
        "strategies": {
            STRATEGY: {
                "kind": "self",
                "shifts": [{"days": list(WEEKDAYS), "start": "00:00", "end": "24:00"}],
                "pickers": spec.pickers,
                "packers": packers,
                "picking": {
                    "policy": "discrete",
                    "tour_setup_min": _deterministic(0.0),
                    "pick_min_per_line": _exponential(spec.pick_min),
                    "insert_min_per_order": 0.0,
                },
                "packing": {"pack_min_per_order": pack_time, "pack_min_per_unit": 0.0},
                "replenishment": {"initial_cover_days": 1e6},
                "carriers": ["post"],
            }
        },
    }
    scenario = Scenario.model_validate(data)
    problems = scenario.problems()
    if problems:  # pragma: no cover - a programming error in this module
        raise ValueError(f"invalid validation scenario: {problems}")
    return scenario
