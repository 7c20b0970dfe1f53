"""The summary table printed in the terminal: one row per strategy, 95 % intervals.

Place in the flow: `fcsim run` prints it after the runs; same numbers as `summary.json`.
"""

from __future__ import annotations

from typing import Any

from fcsim.experiment.records import SummaryEntry
from fcsim.report.metrics import HEADLINE, fmt_interval
from fcsim.report.ranking import condense


def summary_table(doc: dict[str, Any]) -> str:
    """Plain-text table of the headline metrics, strategies as rows."""
    strategies = doc["strategies"]
    header = ["strategy", *(m.label for m in HEADLINE)]
    rows = [
        [name, *(fmt_interval(metrics.get(m.key), m.kind) for m in HEADLINE)]
        for name, metrics in strategies.items()
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    title = (
        f"fcsim — {doc['scenario']}: {doc['replications']} replications, seed {doc['seed']}, "
        f"{doc['horizon_days'] - doc['warmup_days']} days measured after "
        f"{doc['warmup_days']} warm-up; mean ± 95 % CI half-width"
    )
    rule = "-" * len(line(header))
    out = [title, rule, line(header), rule, *(line(r) for r in rows), rule]
    return "\n".join(out + capacity_warnings(doc))


UNFINISHED_WARNING = 0.01


def capacity_warnings(doc: dict[str, Any]) -> list[str]:
    """A line per strategy that could not keep up (unfinished orders, saturated staff, a backlog
    that grows): such a strategy's figures are not a fair comparison."""
    out = []
    for name, verdict in (doc.get("overloaded") or {}).items():
        if name in doc["strategies"]:
            share = verdict.get("share_of_runs", 1.0)
            why = "; ".join(condense(verdict.get("reasons") or [])) or "it cannot keep up"
            cause = _main_late_cause(doc["strategies"][name])
            advice = (
                "size it (more staff, shifts) before comparing its cost"
                if cause is None
                else f"its late deliveries come mostly from {cause}, which staff do not fix: "
                "read its late causes (docs/lateness.md) before adding staff"
            )
            out.append(
                f"warning: {name} could not keep up in {100 * share:.0f} % of the runs ({why}): "
                + advice
            )
    listed = set(doc.get("overloaded") or {})
    for name, reasons in (doc.get("missed_target") or {}).items():
        if name in doc["strategies"] and name not in listed:
            out.append(
                f"warning: {name} misses the service target ({'; '.join(reasons)}): it is not "
                "named the best; fcsim advise sizes every strategy to the same target"
            )
    for name, metrics in doc["strategies"].items():
        if name in listed:
            continue
        rate = SummaryEntry.read(metrics.get("unfinished_rate")).mean
        if rate is not None and rate > UNFINISHED_WARNING:
            out.append(
                f"warning: {name} had not shipped {100 * rate:.1f} % of its orders by the end "
                "of the drain days: it cannot keep up, and its cost per order leaves out work "
                "never done"
            )
    return out


STAFF_CAUSES = ("backlog", "cutoff")
"""Late causes more staff or shifts can shorten (waiting for a picker or a packer, a cutoff
missed by the pack); the others (stock, carrier collection and transit, customs, incidents,
the supplier, the promise) staff do not fix."""


def _main_late_cause(metrics: dict[str, Any]) -> str | None:
    """The late cause with the largest share of orders when staff do not fix it, in words
    (`collection (38.9 points)`); None when the largest is one staff can shorten, or none."""
    shares = {
        k.removeprefix("late_cause_").removesuffix("_rate"): SummaryEntry.read(v).mean
        for k, v in metrics.items()
        if k.startswith("late_cause_") and k.endswith("_rate")
    }
    shares = {k: v for k, v in shares.items() if v is not None and v > 0}
    if not shares:
        return None
    top = max(shares, key=lambda k: shares[k])
    return None if top in STAFF_CAUSES else f"{top} ({100 * shares[top]:.1f} points)"


def sweep_table(doc: dict[str, Any]) -> str:
    """Plain-text table: one row per point x strategy, headline metrics as mean ± half-width."""
    keys = list(doc["vary"])
    short = [k.rsplit(".", 1)[-1] for k in keys]
    header = ["point", *short, "strategy", *(m.label for m in HEADLINE)]
    rows = []
    for p in doc["points"]:
        for strat, metrics in p["strategies"].items():
            rows.append(
                [
                    str(p["point"]),
                    *(str(p["values"][k]) for k in keys),
                    strat,
                    *(fmt_interval(metrics.get(m.key), m.kind) for m in HEADLINE),
                ]
            )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    left = 2 + len(keys)

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    title = (
        f"fcsim sweep — {doc['scenario']}: {len(doc['points'])} points x "
        f"{doc['replications']} replications, seed {doc['seed']}; mean ± 95 % CI half-width"
    )
    rule = "-" * len(line(header))
    return "\n".join([title, rule, line(header), rule, *(line(r) for r in rows), rule])
