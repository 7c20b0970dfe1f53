"""`fcsim sensitivity SCENARIO [--inputs KEY.PATH[=±20%],KEY.PATH=LOW:HIGH,...]`: which inputs
would flip the answer.

Place in the flow: every input is resolved in the scenario and both its low and high variants
validated before anything runs (`fcsim.experiment.sensitivity`: exit 2 on a key that does not
exist, is not a number, or a value the schema refuses); the pipeline
(`fcsim.experiment.pipeline`) then runs the base and every variant as one plan on the chosen
executor, with the same seed (common random numbers), resumable with `--resume`;
`fcsim.experiment.sensitivity_doc` measures each change against the base, with the decision of
each point from `fcsim.report.sensitivity.decision`; the write step
(`fcsim.experiment.outputs.write_sensitivity`) writes sensitivity.json, runs.parquet and the
page. This command prints the inputs ranked by swing and the decision at each value.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from fcsim.commands.common import path_arg
from fcsim.commands.execution import (
    check_memory,
    check_out_folder,
    report_failures,
    scenario_inputs,
)
from fcsim.commands.options import add_run_options, execution


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="which inputs would flip the answer: each input at a low and a high value",
        description="Run the scenario with each input at its low, then its high value, one at "
        "a time, on the same orders as the base run; report per input and strategy the change "
        "of cost per order and late deliveries (paired 95 %% intervals), whether the cheapest "
        "feasible strategy changes, and rank the inputs by the swing of the gap between "
        "the two cheapest strategies, then of the cheapest's cost. Output: sensitivity.json, "
        "runs.parquet, index.html.",
    )
    p.add_argument("scenario", type=path_arg, help="scenario YAML file")
    p.add_argument(
        "--inputs",
        action="append",
        default=[],
        metavar="KEY.PATH[=±P%|=LOW:HIGH],...",
        help="the inputs, comma-separated (repeatable): a dotted key (`*` any one key or list "
        "item, `**` any depth) with ±P%% (default ±20%%), LOW:HIGH percentages (-10%%:+30%%) or "
        "LOW:HIGH values; default: the scenario's carrier rates and discounts, on-time rate, "
        "3PL fees, wages, rent, supplier markup, return rates, churn, supplier lead time",
    )
    add_run_options(p, out="output folder (default: reports/<scenario>-sensitivity/)")
    p.add_argument("--no-report", action="store_true", help="do not write index.html")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.commands.progress import RunMessages
    from fcsim.experiment.outputs import Written, write_sensitivity
    from fcsim.experiment.pipeline import PointPlan, run_points
    from fcsim.experiment.sensitivity import parse_inputs, resolve
    from fcsim.experiment.sensitivity_doc import runs_table, sensitivity_document
    from fcsim.report.sensitivity import decision, write_sensitivity_page

    specs = parse_inputs(args.inputs) if args.inputs else None
    resolved = resolve(args.scenario, args.overrides, specs)
    base = resolved.base
    variants = [sc for pair in resolved.scenarios for sc in pair]
    out = args.out or Path("reports") / f"{base.slug}-sensitivity"
    check_out_folder(out, "sensitivity", scenario_inputs(args.scenario, base, *variants))
    first = PointPlan.of(base, args.replications, args.seed)  # every variant: the same seed
    plans = [first]
    for item, (low, high) in zip(resolved.inputs, resolved.scenarios, strict=True):
        plans.append(replace(first, scenario=low, overrides=item.low.overrides))
        plans.append(replace(first, scenario=high, overrides=item.high.overrides))
    check_memory([base, *variants], sum(p.size for p in plans), args)
    with RunMessages(progress=not args.quiet) as messages:
        outcome = run_points(plans, execution(args, out), messages)
    doc = sensitivity_document(resolved, outcome, decision, first.seed, first.replications)
    if doc is None:
        from fcsim.experiment.outputs import write_failure_log

        out.mkdir(parents=True, exist_ok=True)
        return report_failures(write_failure_log(out, outcome.failures), outcome.failures)

    def pages(staged: Written) -> None:
        if not args.no_report:
            write_sensitivity_page(staged.folder, doc)

    written = write_sensitivity(out, doc, runs_table(resolved, outcome), outcome.failures, pages)
    print_tables(doc)
    reused = f" ({outcome.reused} reused from before)" if outcome.reused else ""
    print(
        f"{len(resolved.inputs)} inputs, {len(plans)} points, {outcome.finished} runs{reused} "
        f"in {outcome.wall_s:.1f} s. Results in {out}/"
    )
    return report_failures(written.log, outcome.failures)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    cells = [list(headers), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "-" * len(lines[0]))
    return lines


def _changes(doc: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Input × strategy: the mean change of cost per order at the low / high value."""
    names = list(doc.get("strategies_order") or [])
    rows = []
    for x in doc.get("inputs") or []:
        row = [x["input"]]
        for n in names:
            both = []
            for side in (x["low"], x["high"]):
                e = ((side.get("strategies") or {}).get(n) or {}).get("change") or {}
                cost = e.get("cost_per_order_eur")
                mean = (cost or {}).get("mean")
                both.append("–" if mean is None else f"{mean:+,.2f}")
            row.append(" / ".join(both))
        rows.append(row)
    return ["input", *[f"{n} (low / high)" for n in names]], rows


def print_tables(doc: Mapping[str, Any]) -> None:
    """The inputs ranked by swing with the decisions, every strategy's change, the answer."""
    from fcsim.core.errors import visible
    from fcsim.report.sensitivity import RANKED_HEADERS, answer_lines, ranked_rows

    ref = doc.get("swing_strategy") or "–"
    head = (
        f"fcsim sensitivity — {doc.get('scenario')}: {doc.get('replications')} replications "
        f"per value, seed {doc.get('seed')}, {doc.get('horizon_days')} days; Δ: change of "
        f"{ref}'s cost per order against the base"
    )
    lines = [head, *_table(RANKED_HEADERS, ranked_rows(doc)), ""]
    headers, rows = _changes(doc)
    lines += ["Change of cost per order against the base (EUR), every strategy:"]
    lines += [*_table(headers, rows), ""]
    lines += answer_lines(doc)
    print(visible("\n".join(lines), keep="\n"))
