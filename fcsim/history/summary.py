"""What an order history says: volumes, baskets, SKUs, destinations and its fitted model.

Place in the flow: `fcsim inspect-data` reads a history (`orders.read_history`), summarises it
here into plain tables (`DataSummary`), prints them (`render_text`) and writes them as a small
HTML page (`page.render_html`). Nothing here simulates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fcsim.history.fit import FittedDemand, calendar_of, fit_history
from fcsim.history.orders import History

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EU_COUNTRIES = frozenset(
    ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
     "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")
)  # fmt: skip
"""Members of the EU customs union (ISO 3166 alpha-2), for the `eu` zone."""

Rows = list[tuple[str, ...]]


@dataclass
class Section:
    """A titled table: header, rows of text, an optional bar value per row, notes."""

    title: str
    header: tuple[str, ...]
    rows: Rows
    bars: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class DataSummary:
    """Headline figures and the sections of the inspect report."""

    source: str
    headline: list[tuple[str, str]]
    sections: list[Section]
    problems: list[str]
    problem_count: int


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def zone_of(countries: np.ndarray, home: str) -> np.ndarray:
    """domestic (the home country), eu (another EU country), international, or unknown."""
    out = np.full(len(countries), "international", dtype=object)
    eu = np.isin(countries, list(EU_COUNTRIES))
    out[eu] = "eu"
    out[countries == home] = "domestic"
    out[countries == ""] = "unknown"
    return out


def summarise(
    history: History, problems: list[str], problem_count: int, timezone: str | None = None
) -> DataSummary:
    """Every section of the report for `history` (which holds only the good rows).

    `timezone` is the one the times were converted to, if any.
    """
    if history.n == 0:
        return DataSummary(history.source, [("orders", "0")], [], problems, problem_count)
    fit = fit_history(history)
    last = history.first_day + np.timedelta64(history.n_days - 1, "D")
    headline = [
        ("period", f"{history.first_day} .. {last} ({history.n_days} days)"),
        ("orders", f"{history.n:,}"),
        ("order lines", f"{len(history.line_sku):,}"),
        ("units", f"{int(history.line_units.sum()):,}"),
        ("SKUs sold", f"{len(history.sku_codes):,}"),
        ("orders per day", f"{fit.daily_mean:.2f}"),
        ("lines per order", f"{history.n_lines.mean():.3f}"),
        ("units per line", f"{history.line_units.mean():.3f}"),
        ("columns used", ", ".join(f"{k}={v!r}" for k, v in history.columns_used.items())),
    ]
    sections = [
        _weekdays(history, fit),
        _months(history, fit),
        _fit_section(fit),
        _lines(history),
        _abc(history),
        _top_skus(history),
    ]
    if (history.country != "").any():
        sections += _destinations(history)
    if (history.shipping_method != "").any():
        sections.append(_counts("Shipping methods", "method", history.shipping_method))
    sections.append(_hours(history))
    notes = [] if timezone else _time_notes(history)
    if notes:
        sections[0].notes += notes
    return DataSummary(history.source, headline, sections, problems, problem_count)


def _weekdays(history: History, fit: FittedDemand) -> Section:
    weekday, _ = calendar_of(history.first_day, history.n_days)
    counts = fit.daily_counts
    rows, bars = [], []
    for wd, name in enumerate(WEEKDAY_NAMES):
        days = counts[weekday == wd]
        mean = float(days.mean()) if len(days) else 0.0
        rows.append((name, str(len(days)), f"{mean:.2f}", f"{fit.weekday[wd]:.3f}"))
        bars.append(mean)
    return Section(
        "Orders per day by weekday",
        ("weekday", "days", "orders/day", "fitted profile"),
        rows,
        bars,
    )


def _months(history: History, fit: FittedDemand) -> Section:
    _, month = calendar_of(history.first_day, history.n_days)
    counts = fit.daily_counts
    rows, bars = [], []
    for m, name in enumerate(MONTH_NAMES):
        days = counts[month == m]
        if not len(days):
            continue
        rows.append((name, str(len(days)), f"{days.mean():.2f}", f"{fit.month[m]:.3f}"))
        bars.append(float(days.mean()))
    notes = (
        []
        if fit.months_fitted
        else ["less than a year of history: the fitted month profile is flat"]
    )
    return Section(
        "Orders per day by month",
        ("month", "days", "orders/day", "fitted profile"),
        rows,
        bars,
        notes,
    )


def _fit_section(fit: FittedDemand) -> Section:
    rows = [
        ("level (orders/day)", f"{fit.level:.3f}"),
        ("weekday_profile", "[" + ", ".join(f"{x:.3f}" for x in fit.weekday) + "]"),
        ("month_profile", "[" + ", ".join(f"{x:.3f}" for x in fit.month) + "]"),
        (
            "trend per month",
            f"{100 * fit.trend_per_month:+.2f} %" if fit.trend_fitted else "not fitted",
        ),
        ("dispersion (variance / mean)", f"{fit.dispersion:.2f}"),
        ("lines_per_order mean", f"{fit.lines_per_order.mean():.3f}"),
        ("units_per_line mean", f"{fit.units_per_line.mean():.3f}"),
    ]
    notes = []
    if fit.dispersion > 1.5:
        notes.append(
            f"daily counts vary {fit.dispersion:.1f} times as much as a Poisson stream: "
            "bootstrap keeps that, fit does not"
        )
    if not fit.trend_fitted:
        notes.append(
            "trend not fitted: with one to two years of history it cannot be told apart from "
            "the month profile (which then holds it); it needs 4 weeks to a year, or 2 years+"
        )
    return Section("Fitted model (mode: fit)", ("figure", "value"), rows, [], notes)


def _lines(history: History) -> Section:
    n_lines = history.n_lines
    rows, bars = [], []
    top = max(5, int(np.percentile(n_lines, 99)))
    for k in range(1, top + 1):
        share = float((n_lines == k).mean()) if k < top else float((n_lines >= k).mean())
        rows.append(
            (
                str(k) if k < top else f"{k}+",
                f"{int((n_lines == k).sum() if k < top else (n_lines >= k).sum()):,}",
                _pct(share),
            )
        )
        bars.append(share)
    return Section("Lines per order", ("lines", "orders", "share"), rows, bars)


def abc_curve(history: History) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative share of SKUs (x) and of order lines (y), best-sellers first."""
    lines = np.sort(history.sku_lines())[::-1].astype(float)
    x = np.arange(1, len(lines) + 1) / len(lines)
    return x, np.cumsum(lines) / lines.sum()


def _abc(history: History) -> Section:
    x, y = abc_curve(history)
    rows, bars = [], []
    for share in (0.05, 0.1, 0.2, 0.5, 1.0):
        i = max(0, int(np.ceil(share * len(x))) - 1)
        rows.append((f"top {_pct(share)} of SKUs", f"{i + 1:,}", _pct(float(y[i]))))
        bars.append(float(y[i]))
    a = int(np.searchsorted(y, 0.8)) + 1
    b = int(np.searchsorted(y, 0.95)) + 1
    notes = [f"A (80 % of lines): {a:,} SKUs; B (next 15 %): {b - a:,}; C: {len(x) - b:,}"]
    return Section("ABC curve", ("SKUs", "count", "share of order lines"), rows, bars, notes)


def _top_skus(history: History, n: int = 10) -> Section:
    lines = history.sku_lines()
    units = history.sku_units()
    rows, bars = [], []
    for i in range(min(n, len(lines))):
        share = lines[i] / lines.sum()
        rows.append((str(history.sku_codes[i]), f"{lines[i]:,}", f"{int(units[i]):,}", _pct(share)))
        bars.append(float(share))
    return Section("Top SKUs", ("SKU", "lines", "units", "share of lines"), rows, bars)


def _counts(title: str, what: str, labels: np.ndarray, top: int = 12) -> Section:
    names, counts = np.unique(np.where(labels == "", "(empty)", labels), return_counts=True)
    order = np.argsort(-counts, kind="stable")[:top]
    total = counts.sum()
    rows = [(str(names[i]), f"{counts[i]:,}", _pct(counts[i] / total)) for i in order]
    return Section(title, (what, "orders", "share"), rows, [counts[i] / total for i in order])


def _destinations(history: History) -> list[Section]:
    countries = np.char.upper(history.country.astype(str)).astype(object)
    known = countries[countries != ""]
    names, counts = np.unique(known, return_counts=True)
    home = str(names[np.argmax(counts)]) if len(names) else ""
    zones = zone_of(countries, home)
    by_zone = _counts("Destinations by zone", "zone", zones)
    shares = [(r[0], float(r[2].rstrip(" %")) / 100) for r in by_zone.rows if r[0] != "unknown"]
    total = sum(s for _, s in shares)
    yaml = ", ".join(f"{{zone: {z}, share: {s / total:.3f}}}" for z, s in shares)
    by_zone.notes += [
        f"domestic = {home} (the most frequent country); eu = other EU countries; "
        "international = the rest",
        f"destinations: [{yaml}]",
    ]
    return [_counts("Destinations by country", "country", countries), by_zone]


def _hours(history: History) -> Section:
    hours = np.minimum((history.minute_of_day // 60).astype(np.int64), 23)
    counts = np.bincount(hours, minlength=24)
    rows = [(f"{h:02d}:00", f"{counts[h]:,}", _pct(counts[h] / history.n)) for h in range(24)]
    return Section(
        "Orders by hour of the day",
        ("hour", "orders", "share"),
        rows,
        [float(c / history.n) for c in counts],
    )


def _time_notes(history: History) -> list[str]:
    seen = history.offsets_seen
    if seen and set(seen) == {"+00:00"}:
        return [
            "every time is in UTC: set the shop's time zone (demand.timezone or "
            "--timezone) so that hours and days are local"
        ]
    if len(seen) > 1:
        return [
            f"times carry several UTC offsets ({', '.join(sorted(seen))}): "
            "set the time zone to convert them (demand.timezone or --timezone)"
        ]
    return []


def render_text(summary: DataSummary) -> str:
    """The summary as aligned text tables for the terminal."""
    out = [f"fcsim — data: {summary.source}"]
    width = max(len(k) for k, _ in summary.headline)
    out += [f"  {k.ljust(width)}  {v}" for k, v in summary.headline]
    for sec in summary.sections:
        out += ["", sec.title]
        widths = [
            max(len(str(r[i])) for r in [sec.header, *sec.rows]) for i in range(len(sec.header))
        ]
        for r in [sec.header, *sec.rows]:
            cells = "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
            out.append(("  " + cells).rstrip())
        out += [f"  note: {n}" for n in sec.notes]
    if summary.problem_count:
        out += ["", f"Data problems: {summary.problem_count:,} (listed on stderr)"]
    return "\n".join(out)
