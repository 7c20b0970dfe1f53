"""`fcsim run`: simulate a scenario, write result files and the report, print the summary.

Place in the flow: load the scenario (with `--set`), check the output folder, hand one
`PointPlan` to the pipeline (`fcsim.experiment.pipeline`: plan, run, summarise) and its write
step (`fcsim.experiment.outputs.write_run`; with `--trace`, each run also returns its
per-parcel trace, written as `trace.parquet`; with `-r auto`,
`fcsim.experiment.precision.run_to_precision` adds replications until the `--precision` asked
is met), then the workbook `results.xlsx` beside
`summary.json` and the report page (`fcsim.report`) unless `--no-report`, print the summary
table with what the selection of the best, the precision and the warm-up detection say
(`fcsim.report.selection.result_notes`), and name the failed runs (exit 3).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fcsim.commands.common import DEFAULT_SCENARIO, default_scenario, path_arg
from fcsim.commands.execution import (
    check_memory,
    check_out_folder,
    report_failures,
    scenario_inputs,
)
from fcsim.commands.options import (
    add_run_options,
    add_selection_options,
    execution,
    precision_targets,
    selection_settings,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of `fcsim run` (also those of `python run_sim.py`)."""
    p.add_argument(
        "scenario",
        nargs="?",
        type=path_arg,
        help=f"scenario YAML file (default: {DEFAULT_SCENARIO})",
    )
    add_run_options(
        p,
        out="output folder (default: reports/<scenario>/)",
        replications="replications per strategy, or `auto`: add replications until the "
        "--precision asked is met (at most --max-replications)",
        auto=True,
    )
    add_selection_options(p)
    p.add_argument("--no-report", action="store_true", help="do not write index.html")
    p.add_argument(
        "--trace",
        action="store_true",
        help="also write trace.parquet: one row per parcel of every run (times, carrier, "
        "lateness and its cause)",
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="simulate a scenario and write results and report")
    add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.commands.progress import RunMessages
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.outputs import Written, write_run
    from fcsim.experiment.pipeline import PointPlan, run_points
    from fcsim.experiment.precision import run_to_precision
    from fcsim.report.html import write_report
    from fcsim.report.selection import result_notes
    from fcsim.report.terminal import summary_table
    from fcsim.report.workbook import write_workbook

    settings = selection_settings(args)
    auto = precision_targets(args)
    path = args.scenario or default_scenario()
    scenario = load_scenario(path, args.overrides)
    out = args.out or Path("reports") / scenario.slug
    check_out_folder(out, "run", scenario_inputs(path, scenario))
    reps = auto[1] if auto is not None else args.replications
    point = PointPlan.of(scenario, reps, args.seed, trace=args.trace, selection=settings)
    check_memory([scenario], point.size, args)
    with RunMessages(progress=not args.quiet) as messages:
        if auto is None:
            outcome = run_points([point], execution(args, out), messages)
        else:
            targets, maximum = auto
            outcome = run_to_precision(point, targets, maximum, execution(args, out), messages)
    (results,) = outcome.points

    def pages(staged: Written) -> None:  # the workbook and the page are part of the set written
        write_workbook(staged.folder, staged.doc, results.runs, results.daily)
        if not args.no_report:
            write_report(staged.folder, staged.doc, results.runs, results.daily, results.breakdowns)

    written = write_run(out, outcome, pages)
    if written.doc is None:
        return report_failures(written.log, outcome.failures)
    from fcsim.core.errors import visible  # the scenario's name is the user's text

    print(visible(summary_table(written.doc), keep="\n"))
    for line in result_notes(written.doc):
        print(visible(line))
    orders = int(results.runs["orders"].sum())
    reused = f" ({outcome.reused} reused from before)" if outcome.reused else ""
    rate = "" if outcome.reused else f" ({orders / outcome.wall_s:,.0f} orders/s)"
    print(
        f"{outcome.finished} runs{reused}, {orders:,} orders in {outcome.wall_s:.1f} s{rate}. "
        f"Results in {out}/"
    )
    return report_failures(written.log, outcome.failures)
