"""What `fcsim check` reports: a terminal table, JUnit XML and JSON of the verdicts.

Place in the flow: last step of `fcsim check`, after `judge`. The three outputs carry the same
verdicts and reasons; JUnit has one test case per strategy x metric (a regression is a
failure, a metric that could not be judged is skipped) so CI systems list them like tests.
Files are written atomically.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fcsim.core.files import atomic_write, write_text
from fcsim.core.metrics import is_rate
from fcsim.regression.judge import (
    IMPROVED,
    NOT_JUDGED,
    REGRESSED,
    UNCHANGED,
    Judgement,
    fmt_change,
    fmt_value,
)


@dataclass(frozen=True)
class CheckContext:
    """What was compared with what."""

    scenario: str
    baseline_path: str
    baseline_fcsim_version: str
    baseline_created_utc: str
    baseline_seed: int
    check_seed: int
    replications: int
    paired: bool
    scenario_changed: bool
    refresh_command: str


def counts(judgements: list[Judgement]) -> dict[str, int]:
    """How many verdicts of each kind."""
    out = {REGRESSED: 0, IMPROVED: 0, UNCHANGED: 0, NOT_JUDGED: 0}
    for j in judgements:
        out[j.verdict] += 1
    return out


def _change_cell(j: Judgement) -> str:
    """`+1.72 [+1.47, +1.97]`; rates in percentage points, the unit written once."""
    if not math.isfinite(j.change):
        return "–"
    unit = " pt" if is_rate(j.metric) else ""

    def num(x: float) -> str:
        return fmt_change(j.metric, x).removesuffix(" pt")

    if math.isfinite(j.change_ci_low):
        return f"{num(j.change)} [{num(j.change_ci_low)}, {num(j.change_ci_high)}]{unit}"
    return f"{num(j.change)}{unit}"


def title(ctx: CheckContext) -> str:
    """One line saying what is compared and how."""
    how = (
        f"paired replication by replication (seed {ctx.check_seed}: common random numbers)"
        if ctx.paired
        else f"unpaired (baseline seed {ctx.baseline_seed}, check seed {ctx.check_seed}: "
        "Welch interval)"
    )
    return (
        f"fcsim check — {ctx.scenario} against {ctx.baseline_path} "
        f"(fcsim {ctx.baseline_fcsim_version}, {ctx.baseline_created_utc}): "
        f"{ctx.replications} replications, {how}"
    )


def table(ctx: CheckContext, judgements: list[Judgement]) -> str:
    """The readable table: one row per strategy x metric, with the verdict and why."""
    header = ["strategy", "metric", "baseline", "check", "change [95 % CI]", "verdict", "why"]
    rows = [
        [
            j.strategy,
            j.metric,
            fmt_value(j.metric, j.baseline_mean),
            fmt_value(j.metric, j.check_mean),
            _change_cell(j),
            j.verdict.upper() if j.verdict == REGRESSED else j.verdict,
            j.reason,
        ]
        for j in judgements
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    right = {2, 3, 4}

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells[:-1], widths, strict=True))
        ]
        return "  ".join([*out, cells[-1]]).rstrip()

    rule = "-" * min(160, len(line(header)) + 40)
    return "\n".join([title(ctx), rule, line(header), rule, *(line(r) for r in rows), rule])


def verdict_line(judgements: list[Judgement]) -> str:
    """`2 regressed, 1 improved, 25 unchanged, 0 not judged`."""
    c = counts(judgements)
    return ", ".join(f"{n} {k}" for k, n in c.items())


def json_document(ctx: CheckContext, judgements: list[Judgement]) -> dict[str, Any]:
    """The `--json` document: context, counts and one entry per strategy x metric."""

    def clean(v: Any) -> Any:
        return None if isinstance(v, float) and not math.isfinite(v) else v

    return {
        **asdict(ctx),
        "confidence": 0.95,
        "counts": counts(judgements),
        "passed": counts(judgements)[REGRESSED] == 0,
        "results": [{k: clean(v) for k, v in asdict(j).items()} for j in judgements],
    }


def write_json(path: Path, ctx: CheckContext, judgements: list[Judgement]) -> None:
    """Write the `--json` file."""
    write_text(path, json.dumps(json_document(ctx, judgements), indent=2) + "\n")


def junit_tree(ctx: CheckContext, judgements: list[Judgement]) -> ET.ElementTree:
    """JUnit XML: one test suite, one test case per strategy x metric."""
    c = counts(judgements)
    root = ET.Element(
        "testsuites",
        name="fcsim check",
        tests=str(len(judgements)),
        failures=str(c[REGRESSED]),
        errors="0",
        skipped=str(c[NOT_JUDGED]),
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=f"fcsim check {ctx.scenario}",
        tests=str(len(judgements)),
        failures=str(c[REGRESSED]),
        errors="0",
        skipped=str(c[NOT_JUDGED]),
        time="0",
    )
    props = ET.SubElement(suite, "properties")
    for key, value in asdict(ctx).items():
        ET.SubElement(props, "property", name=key, value=str(value))
    for j in judgements:
        case = ET.SubElement(
            suite, "testcase", classname=f"{ctx.scenario}.{j.strategy}", name=j.metric, time="0"
        )
        detail = (
            f"{j.strategy} {j.metric}: baseline {fmt_value(j.metric, j.baseline_mean)}, "
            f"check {fmt_value(j.metric, j.check_mean)}, change {_change_cell(j)}, "
            f"tolerance {j.tolerance_spec}: {j.verdict}, {j.reason}"
        )
        if j.verdict == REGRESSED:
            failure = ET.SubElement(case, "failure", message=j.reason, type="regression")
            failure.text = detail
        elif j.verdict == NOT_JUDGED:
            ET.SubElement(case, "skipped", message=j.reason)
        else:
            ET.SubElement(case, "system-out").text = detail
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(path: Path, ctx: CheckContext, judgements: list[Judgement]) -> None:
    """Write the `--junit` file."""
    tree = junit_tree(ctx, judgements)
    atomic_write(path, lambda p: tree.write(p, encoding="utf-8", xml_declaration=True))
