"""The own warehouse as a business (D14): its space, rent step and fixed costs; storage zones.

Place in the flow: `costs.ledger` calls `zone_costs` for every warehouse node and, through
`costs.self_costs`, `facility_costs` for a self-run centre; `stock.stock_kpis` asks `capacity_of`
for the space a node's stock is measured against. The lines:

- space: the building rented is the smallest of `costs.buildings` whose capacity holds the peak
  stock of the run (pallet positions on any day of the horizon, warm-up included: the building
  holds the opening stock; the drain days are left out) — the lease a merchant who knew its stock
  would sign. Without `buildings`, the one building of `rent_eur_per_month`, `area_m2` and
  `capacity_pallets` (else the storage zones' total, else unlimited). Pallets beyond the rented
  building's capacity pay `overflow_eur_per_pallet_day` (`overflow_storage`), counted once: the
  pallets already charged as a zone's overflow are not charged again;
- rent (monthly), utilities (per m² of the building and per month), equipment and IT, WMS licence
  (monthly), warehouse insurance (per year, and a share of the day's stock value per year);
- management and supervision: `supervisors` on every paid shift minute (a second shift pays its
  own), overtime at its premium, at the supervisors' wage, plus site management per month;
- start-up and capital spend: spread evenly over `amortisation_months` from the first day;
- storage zones (any warehouse node): the running cost of occupied positions (`storage`) and the
  overflow beyond each zone's capacity (`overflow_storage`).

Monthly amounts are spread over the days of their calendar month, yearly ones over 365.25 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fcsim.model.calendar import DAYS_PER_MONTH
from fcsim.model.node import NodeResult
from fcsim.scenario.schema.nodes import SelfNode, WarehouseNode

if TYPE_CHECKING:
    from fcsim.model.accounting.costs import Ledger, NodeView

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Space:
    """The building a self-run centre pays for."""

    name: str | None  # the rent step's name; None for the single building
    capacity_pallets: float  # inf: unlimited
    rent_eur_per_month: float
    area_m2: float


def peak_pallets(result: NodeResult, horizon_days: int) -> float:
    """Most pallet positions the node's stock took on one day of the horizon."""
    stock = result.daily.get("stock_pallets")
    if stock is None or len(stock) == 0 or horizon_days <= 0:
        return 0.0
    return float(np.max(stock[:horizon_days]))


def space_of(node: SelfNode, peak: float) -> Space:
    """The building rented for a peak stock of `peak` pallets: the smallest that holds it (the
    largest when none does)."""
    c = node.costs
    if c.buildings:
        fits = [b for b in c.buildings if b.capacity_pallets >= peak] or [c.buildings[-1]]
        b = fits[0]
        return Space(b.name, b.capacity_pallets, b.rent_eur_per_month, b.area_m2)
    capacity = c.capacity_pallets
    if capacity is None:
        capacity = sum(z.capacity_pallets for z in node.zones) if node.zones else np.inf
    return Space(None, float(capacity), c.rent_eur_per_month, c.area_m2)


def capacity_of(node: object, result: NodeResult, horizon_days: int) -> float:
    """Pallet positions a stocking node's stock is measured against (inf when unlimited)."""
    if isinstance(node, SelfNode):
        return space_of(node, peak_pallets(result, horizon_days)).capacity_pallets
    if isinstance(node, WarehouseNode) and node.zones:
        return float(sum(z.capacity_pallets for z in node.zones))
    return float("inf")


def amortised(total_eur: float, months: float, n_days: int) -> np.ndarray:
    """`total_eur` spread evenly over the first `months` months (whole days), per day."""
    out = np.zeros(n_days)
    spread = max(1, round(months * DAYS_PER_MONTH))
    out[: min(n_days, spread)] = total_eur / spread
    return out


def zone_costs(led: Ledger, v: NodeView, node: WarehouseNode) -> None:
    """Storage zones: running cost of occupied positions and overflow beyond each zone."""
    d = v.result.daily
    if "zone_running_eur" in d:
        led.add_daily("storage", d["zone_running_eur"])
        led.add_daily("overflow_storage", d["zone_overflow_eur"])
        for i, z in enumerate(node.zones):
            occupied = d.get(f"zone_pallets.{z.name}")
            if occupied is None:
                continue
            over = np.maximum(occupied - z.capacity_pallets, 0.0)
            zone = v.key(f"zones[{i}]")
            led.basis(
                "storage", v.name, f"{zone}.cost_eur_per_position_day",
                z.cost_eur_per_position_day, "EUR/position-day", occupied - over,
                f"position-days occupied ({z.name})",
            )  # fmt: skip
            led.basis(
                "overflow_storage", v.name, f"{zone}.overflow_eur_per_pallet_day",
                z.overflow_eur_per_pallet_day, "EUR/pallet-day", over,
                f"pallet-days beyond the zone ({z.name})",
            )  # fmt: skip


def facility_costs(led: Ledger, v: NodeView, node: SelfNode) -> None:
    """Space and fixed costs of an own warehouse (labour and packaging are in `costs.py`)."""
    c = node.costs
    r = v.result
    month = v.month_share
    stock = r.daily["stock_pallets"]
    space = space_of(node, peak_pallets(r, v.scenario.horizon_days))
    led.add_daily("rent", space.rent_eur_per_month * month)
    names = [b.name for b in c.buildings]
    building = f"costs.buildings[{names.index(space.name)}]." if space.name in names else "costs."
    led.basis(
        "rent", v.name, v.key(f"{building}rent_eur_per_month"), space.rent_eur_per_month,
        "EUR/month", month, "months" + (f" ({space.name})" if space.name else ""),
    )  # fmt: skip
    if c.buildings or c.capacity_pallets is not None:  # else the zones hold their overflow
        zone_over = r.daily.get("zone_overflow_pallets", np.zeros(len(stock)))
        over = np.maximum(stock - space.capacity_pallets - zone_over, 0.0)
        led.add_daily("overflow_storage", over * c.overflow_eur_per_pallet_day)
        led.basis(
            "overflow_storage", v.name, v.key("costs.overflow_eur_per_pallet_day"),
            c.overflow_eur_per_pallet_day, "EUR/pallet-day", over,
            "pallet-days beyond the building",
        )  # fmt: skip
    led.add_daily(
        "utilities",
        (c.utilities_eur_per_m2_month * space.area_m2 + c.utilities_eur_per_month) * month,
    )
    led.add_daily("equipment_it", (c.equipment_eur_per_month + c.it_eur_per_month) * month)
    led.add_daily("wms", c.wms_eur_per_month * month)
    for cat, field, rate, q, unit in (
        ("utilities", "utilities_eur_per_m2_month", c.utilities_eur_per_m2_month,
         month * space.area_m2, "m²-months"),
        ("utilities", "utilities_eur_per_month", c.utilities_eur_per_month, month, "months"),
        ("equipment_it", "equipment_eur_per_month", c.equipment_eur_per_month, month, "months"),
        ("equipment_it", "it_eur_per_month", c.it_eur_per_month, month, "months"),
        ("wms", "wms_eur_per_month", c.wms_eur_per_month, month, "months"),
    ):  # fmt: skip
        rate_unit = "EUR/m²-month" if unit == "m²-months" else "EUR/month"
        led.basis(cat, v.name, v.key(f"costs.{field}"), rate, rate_unit, q, unit)
    led.add_daily(
        "site_insurance",
        (c.insurance_eur_per_year + r.daily["stock_value_eur"] * c.insurance_share_of_stock_value)
        / DAYS_PER_YEAR,
    )
    led.basis(
        "site_insurance", v.name, v.key("costs.insurance_eur_per_year"),
        c.insurance_eur_per_year, "EUR/year", 1 / DAYS_PER_YEAR, "years",
    )  # fmt: skip
    led.basis(
        "site_insurance", v.name, v.key("costs.insurance_share_of_stock_value"),
        c.insurance_share_of_stock_value, "per year", r.daily["stock_value_eur"] / DAYS_PER_YEAR,
        "EUR-years of stock at cost",
    )  # fmt: skip
    spend = c.startup_eur + c.capex_eur
    led.add_daily("startup_capex", amortised(spend, c.amortisation_months, v.n))
    share = amortised(1.0, c.amortisation_months, v.n)
    for field, rate in (("startup_eur", c.startup_eur), ("capex_eur", c.capex_eur)):
        led.basis(
            "startup_capex", v.name, v.key(f"costs.{field}"), rate, "EUR", share,
            f"share of {c.amortisation_months:g} months' amortisation",
        )  # fmt: skip
    if r.staff_minutes_by_day is None or r.overtime_minutes_by_day is None:
        raise ValueError(f"node {r.name!r}: a self-run centre's result has no staff minutes")
    premium = node.overtime.premium if node.overtime else 0.0
    paid_min = r.staff_minutes_by_day + r.overtime_minutes_by_day * premium
    led.add_daily(
        "supervision",
        paid_min * c.supervisors * c.supervisor_wage_eur_per_hour / 60
        + c.management_eur_per_month * month,
    )
    led.basis(
        "supervision", v.name, v.key("costs.supervisor_wage_eur_per_hour"),
        c.supervisor_wage_eur_per_hour, "EUR/h", paid_min * c.supervisors / 60,
        "paid supervisor-hours (overtime at its premium)",
    )  # fmt: skip
    led.basis(
        "supervision", v.name, v.key("costs.management_eur_per_month"),
        c.management_eur_per_month, "EUR/month", month, "months",
    )  # fmt: skip
