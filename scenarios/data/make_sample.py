"""Make the synthetic sample export shipped with fcsim: a year of orders of an apparel shop.

    python scenarios/data/make_sample.py            # rewrites the two files beside this script
    python scenarios/data/make_sample.py -o DIR     # writes them to DIR

Writes `apparel_orders.csv` (an order export laid out like Shopify's: one row per order line,
order-level fields on the first line of each order only, creation times with their UTC
offset in Europe/Paris) and `apparel_products.csv` (one row per SKU). The files are synthetic —
no real shop's data — and the same on every machine: all randomness comes from one numpy
generator seeded with SEED below.

What the shop looks like (the figures `fcsim inspect-data` should find again):
- 2025-01-01 .. 2025-12-31, about 12 orders a day on average, +1.5 % a month underlying
  growth, busiest on Sunday and Monday, January sales and a November-December peak, day-to-day
  noise above Poisson (a gamma-distributed daily level, shape 15);
- 240 SKUs in four categories (tops, bottoms, shoes, accessories), Zipf-like popularity;
- 1-4 SKUs picked per order (55/28/12/5 %); a second one is often from a matching category (a
  top with bottoms); 1 unit each, 2 units one time in ten; a SKU picked twice is one line;
- destinations: France 82 %, then Belgium, Germany, Spain, Italy, Switzerland, United Kingdom;
- shipping methods: Colissimo, Mondial Relay, Chronopost.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

SEED = 20250101
FIRST_DAY = dt.date(2025, 1, 1)
DAYS = 365
ORDERS_PER_DAY = 12.0
GROWTH_PER_MONTH = 0.015
WEEKDAY = [1.15, 1.05, 1.0, 0.95, 0.9, 0.85, 1.1]  # Monday..Sunday
MONTH = [1.1, 0.85, 0.9, 0.95, 0.95, 1.0, 1.0, 0.8, 0.95, 1.0, 1.25, 1.35]
HOUR = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 5, 5.5, 6.5, 7.5, 8,
        7, 4.5, 2]  # fmt: skip
DAILY_SHAPE = 15.0  # gamma shape of the daily level: variance above Poisson
LINES = ([1, 2, 3, 4], [55, 28, 12, 5])
# name, SKU prefix, SKUs, price EUR, cost EUR, weight kg, volume l, share of first lines
CATEGORIES = [
    ("tops", "TOP", 110, 29.0, 11.0, 0.25, 1.2, 0.45),
    ("bottoms", "BOT", 60, 59.0, 22.0, 0.6, 2.5, 0.25),
    ("shoes", "SHO", 35, 79.0, 32.0, 1.1, 8.0, 0.15),
    ("accessories", "ACC", 35, 19.0, 6.0, 0.1, 0.5, 0.15),
]
# after a line of category i, the next line's category (rows: tops, bottoms, shoes, acc.)
NEXT = [[0.35, 0.45, 0.05, 0.15], [0.55, 0.2, 0.1, 0.15], [0.2, 0.2, 0.2, 0.4],
        [0.4, 0.2, 0.1, 0.3]]  # fmt: skip
COUNTRIES = [("FR", 0.82), ("BE", 0.06), ("DE", 0.04), ("ES", 0.03), ("IT", 0.02),
             ("CH", 0.02), ("GB", 0.01)]  # fmt: skip
METHODS = [("Colissimo", 0.72), ("Mondial Relay", 0.16), ("Chronopost Express", 0.12)]
ZONE = ZoneInfo("Europe/Paris")


def products(rng: np.random.Generator) -> list[dict[str, object]]:
    """One row per SKU; prices vary +-30 % around the category's."""
    rows = []
    for name, prefix, n, price, cost, weight, volume, _ in CATEGORIES:
        for i in range(n):
            f = float(rng.uniform(0.7, 1.3))
            rows.append(
                {
                    "sku": f"{prefix}-{i + 1:04d}",
                    "title": f"{name.capitalize()} model {i + 1}",
                    "category": name,
                    "price": round(price * f, 2),
                    "cost": round(cost * f, 2),
                    "weight_kg": round(weight * float(rng.uniform(0.8, 1.2)), 3),
                    "volume_l": round(volume * float(rng.uniform(0.8, 1.2)), 2),
                }
            )
    return rows


def postcode(country: str, rng: np.random.Generator) -> str:
    if country == "FR":
        dep = int(rng.choice([75, 92, 93, 94, 69, 13, 33, 31, 59, 44, 67, 35, 6, 34, 38]))
        return f"{dep:02d}{int(rng.integers(0, 1000)):03d}"
    if country == "GB":
        return f"SW{int(rng.integers(1, 20))} {int(rng.integers(1, 9))}AB"
    digits = {"BE": 4, "CH": 4, "DE": 5, "ES": 5, "IT": 5}[country]
    return str(int(rng.integers(10 ** (digits - 1), 10**digits)))


def orders(rng: np.random.Generator, catalogue: list[dict[str, object]]) -> list[list[str]]:
    """Rows of the order export, in order of creation."""
    by_cat = {name: [r for r in catalogue if r["category"] == name] for name, *_ in CATEGORIES}
    by_sku = {str(r["sku"]): r for r in catalogue}
    zipf = {
        name: (p := np.arange(1, len(rows) + 1, dtype=float) ** -1.0) / p.sum()
        for name, rows in by_cat.items()
    }
    first_share = np.array([c[7] for c in CATEGORIES])
    hour_p = np.array(HOUR) / sum(HOUR)
    wk = np.array(WEEKDAY) / np.mean(WEEKDAY)
    mo = np.array(MONTH) / np.mean(MONTH)
    out: list[list[str]] = []
    number = 1000
    for d in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=d)
        mean = ORDERS_PER_DAY * wk[day.weekday()] * mo[day.month - 1]
        mean *= (1 + GROWTH_PER_MONTH) ** ((d - DAYS / 2) / 30.0)
        count = int(rng.poisson(rng.gamma(DAILY_SHAPE, mean / DAILY_SHAPE)))
        seconds = np.sort(
            rng.choice(24, size=count, p=hour_p) * 3600 + rng.integers(0, 3600, count)
        )
        for sec in seconds.tolist():
            number += 1
            local = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=int(sec))
            created = local.replace(tzinfo=ZONE).strftime("%Y-%m-%d %H:%M:%S %z")
            country = COUNTRIES[rng.choice(len(COUNTRIES), p=[c[1] for c in COUNTRIES])][0]
            method = METHODS[rng.choice(len(METHODS), p=[m[1] for m in METHODS])][0]
            n_lines = int(rng.choice(LINES[0], p=np.array(LINES[1]) / sum(LINES[1])))
            cat = int(rng.choice(len(CATEGORIES), p=first_share))
            sale = 0.8 if day.month == 11 and day.day >= 24 else 1.0  # Black Friday week
            basket: dict[str, int] = {}
            for _ in range(n_lines):
                name = CATEGORIES[cat][0]
                sku = str(by_cat[name][int(rng.choice(len(by_cat[name]), p=zipf[name]))]["sku"])
                basket[sku] = basket.get(sku, 0) + (2 if rng.random() < 0.1 else 1)
                cat = int(rng.choice(len(CATEGORIES), p=NEXT[cat]))
            for line, (sku, qty) in enumerate(basket.items()):
                product = by_sku[sku]
                price = round(float(product["price"]) * sale, 2)
                first = line == 0
                out.append(
                    [
                        f"#{number}",
                        created,
                        str(product["sku"]),
                        str(product["title"]),
                        str(qty),
                        f"{price:.2f}",
                        country if first else "",
                        postcode(country, rng) if first else "",
                        method if first else "",
                    ]
                )
    return out


HEADER = ["Name", "Created at", "Lineitem sku", "Lineitem name", "Lineitem quantity",
          "Lineitem price", "Shipping Country", "Shipping Zip", "Shipping Method"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    catalogue = products(rng)
    rows = orders(rng, catalogue)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "apparel_products.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(catalogue[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(catalogue)
    with open(args.out / "apparel_orders.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    n_orders = sum(1 for r in rows if r[6])
    print(f"{len(catalogue)} products, {n_orders} orders, {len(rows)} lines in {args.out}")


if __name__ == "__main__":
    main()
