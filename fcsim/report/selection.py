"""What the selection of the best, replications by precision and warm-up detection say, in words.

Place in the flow: `summary.json` carries the `selection`, `precision` and `warmup` blocks
(`fcsim.experiment.selection`, `precision`, `warmup`); the glance cards (`report/glance.py`), the
daily-flow figure's note (`report/html.py`) and the lines `fcsim run` prints after its table
(`result_notes`) word them here, once. The selection and the cards' ranking
(`report/ranking.py`) answer different questions: the ranking marks a strategy whose paired
95 % interval against every other strategy excludes zero, comparing it even with strategies that
could not keep up; the selection leaves those out, corrects for the k − 1 comparisons
(Bonferroni) and ignores differences smaller than the indifference zone δ. `agrees` says when
the two name different answers, so the page says why rather than disagreeing silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WORDS = {
    "cost_per_order_eur": "cheapest",
    "order_to_delivery_h_mean": "fastest (mean order → delivery)",
    "late_rate": "most reliable (fewest late deliveries)",
}
"""What being the best on each selected metric is called."""
DIFFERENT = (
    "The card's verdict and the selection measure different things: the verdict compares "
    "every pair at 95 % without an indifference zone (and against strategies that could not "
    "keep up too); the selection leaves those out, widens each comparison for the k − 1 made "
    "(Bonferroni) and ignores differences smaller than δ."
)
"""Said on the page when the card's verdict and the selection differ."""


def delta_text(entry: Mapping[str, Any]) -> str:
    """The indifference zone with its unit: "0.10 EUR/order", "1 h", "0.5 points"."""
    delta = float(entry.get("indifference") or 0.0)
    unit = entry.get("unit") or ""
    if unit == "share":
        return f"{100 * delta:g} points"
    if unit == "EUR":
        return f"{delta:.2f} EUR/order"
    return f"{delta:g} {unit}".strip()


def percent(p: float) -> str:
    """A probability as "95 %"."""
    return f"{100 * p:g} %"


def _replications(n: int) -> str:
    return f"{n} replication" if n == 1 else f"{n} replications"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def statement(key: str, entry: Mapping[str, Any]) -> str:
    """The selection of one metric in a sentence."""
    word = WORDS.get(key, f"best on {key}")
    conf = percent(float(entry.get("confidence") or 0.95))
    n = int(entry.get("replications") or 0)
    candidates = list(entry.get("candidates") or [])
    chosen = list(entry.get("subset") or [])
    selected = entry.get("selected")
    excluded = dict(entry.get("excluded") or {})
    left = (
        "; left out: " + "; ".join(f"{s} ({why})" for s, why in excluded.items())
        if excluded
        else ""
    )
    if not candidates:
        return f"no strategy can be selected as the {word}: every one is left out{left}"
    if selected is not None and len(candidates) == 1:
        return f"{selected} is the only strategy left to select from{left}"
    if selected is not None:
        return (
            f"{selected} is the {word} with probability ≥ {conf} for an indifference zone of "
            f"{delta_text(entry)} ({_replications(n)}){left}"
        )
    return (
        f"{_names(chosen)} cannot be separated as the {word} at {conf} for an indifference zone "
        f"of {delta_text(entry)} ({_replications(n)}){left}"
    )


def entries(doc: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """summary.json `selection.metrics`: metric -> entry (empty for an older summary)."""
    block = doc.get("selection") or {}
    return dict(block.get("metrics") or {})


def agrees(winner: str | None, entry: Mapping[str, Any]) -> bool:
    """Whether the card's winner (None: no clear winner) is the selection's answer."""
    return winner == entry.get("selected")


def precision_line(doc: Mapping[str, Any]) -> str | None:
    """How `-r auto` chose the replications, or None without it."""
    p = doc.get("precision")
    if not p:
        return None
    targets = ", ".join(str(t.get("text")) for t in (p.get("targets") or {}).values())
    n = p.get("replications")
    if p.get("met"):
        return f"replications: {n}, the first count whose 95 % half-widths meet {targets}"
    if p.get("stopped") == "runs failed":
        return f"replications: stopped at {n}: some runs failed"
    missed = p.get("missed") or []
    what = "; ".join(
        f"{m['strategy']} {m['metric']} ± {m['half_width']:.4g} > {m['bound']:.4g}"
        for m in missed[:4]
    )
    more = f" and {len(missed) - 4} more" if len(missed) > 4 else ""
    return (
        f"warning: replications stopped at the maximum, {n}, before the precision asked "
        f"({targets}) was met: {what}{more}"
    )


def warmup_warnings(doc: Mapping[str, Any]) -> list[str]:
    """summary.json `warmup.warnings` (empty for an older summary)."""
    return [str(w) for w in (doc.get("warmup") or {}).get("warnings") or []]


def result_notes(doc: Mapping[str, Any]) -> list[str]:
    """The lines `fcsim run` prints after the table: replications chosen, selection, warm-up."""
    out = []
    line = precision_line(doc)
    if line:
        out.append(line)
    for key, entry in entries(doc).items():
        line = f"selection: {statement(key, entry)}"
        if line not in out:  # "the only strategy left" is the same sentence for every metric
            out.append(line)
    out += [f"warning: {w}" for w in warmup_warnings(doc)]
    return out
