"""`fcsim sweep SCENARIO --vary key.path=V1,V2 [--vary ...]`: run a grid of scenario variants.

Place in the flow: every point of the grid is resolved and validated before anything runs
(`fcsim.experiment.sweep`, exit 2 on a bad value); the pipeline (`fcsim.experiment.pipeline`)
then runs all points x strategies x replications as one plan on the chosen executor,
resumable with `--resume`, and writes the files (`fcsim.experiment.outputs.write_sweep`; the
list is in `fcsim.experiment.sweep`). This command writes the report pages asked for
(`fcsim.report`) and prints one row per point x strategy.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from fcsim.commands.common import path_arg
from fcsim.commands.execution import (
    check_memory,
    check_out_folder,
    report_failures,
    scenario_inputs,
)
from fcsim.commands.options import (
    add_run_options,
    check_keys_apart,
    execution,
    warn_dated_staffing,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a grid over scenario keys (one row per point x strategy x replication)",
        description="Run a scenario for every combination of the --vary values. Output: "
        "runs.parquet (one row per point x strategy x replication, the varied keys as "
        "columns), summary.csv, sweep.json and points/<NNN>_<values>/ with each point's "
        "resolved scenario.yaml and summary files.",
    )
    p.add_argument("scenario", type=path_arg, help="scenario YAML file")
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY.PATH=V1,V2,...",
        help="a dotted key and its values (YAML, comma-separated; brackets keep lists "
        "together); repeat for a grid, e.g. --vary strategies.own_warehouse.pickers=2,3,4",
    )
    add_run_options(p, out="output folder (default: reports/<scenario>-sweep/)")
    p.add_argument(
        "--report", action="store_true", help="also write index.html in every point folder"
    )
    p.add_argument("--no-report", action="store_true", help="do not write the sweep's index.html")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.commands.progress import RunMessages
    from fcsim.core.files import write_text
    from fcsim.experiment.outputs import Written, write_sweep
    from fcsim.experiment.pipeline import PointPlan, run_points
    from fcsim.experiment.sweep import grid, parse_vary, resolve
    from fcsim.report.files import read_results
    from fcsim.report.html import render, write_report
    from fcsim.report.terminal import sweep_table

    varies = [parse_vary(text) for text in args.vary]
    given = [(f"--vary {t}", v.key) for t, v in zip(args.vary, varies, strict=True)]
    check_keys_apart(given, args.overrides)
    points, scenarios = resolve(args.scenario, args.overrides, grid(varies))
    base = scenarios[0]
    warn_dated_staffing(base, given)
    out = args.out or Path("reports") / f"{base.slug}-sweep"
    check_out_folder(out, "sweep", scenario_inputs(args.scenario, *scenarios))
    first = PointPlan.of(base, args.replications, args.seed)  # every point: the same seed
    plans = [
        replace(first, scenario=sc, overrides=p.overrides)
        for p, sc in zip(points, scenarios, strict=True)
    ]
    check_memory(scenarios, sum(p.size for p in plans), args)
    with RunMessages(progress=not args.quiet) as messages:
        outcome = run_points(plans, execution(args, out), messages)

    def pages(staged: Written) -> None:  # the pages are part of the set written
        if args.report:
            for s in staged.points:
                write_report(s.folder, s.doc, s.runs, s.daily, s.breakdowns)
        if not args.no_report:
            write_text(staged.folder / "index.html", render(read_results(staged.folder)))

    written = write_sweep(out, base, varies, points, outcome, pages)
    if written.doc is not None:
        print(sweep_table(written.doc))
        reused = f" ({outcome.reused} reused from before)" if outcome.reused else ""
        print(
            f"{len(points)} points, {outcome.finished} runs{reused} "
            f"in {outcome.wall_s:.1f} s. Results in {out}/"
        )
    return report_failures(written.log, outcome.failures)
