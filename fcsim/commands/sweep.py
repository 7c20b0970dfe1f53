"""`fcsim sweep SCENARIO --vary key.path=V1,V2 [--vary ...]`: run a grid of scenario variants.

Every point of the grid is validated before anything runs (exit 2 on a bad value), then all
points x strategies x replications run as one plan on the chosen executor, resumable with
`--resume`. Files: see `fcsim.experiment.sweep`.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from fcsim.commands.common import add_set_option, path_arg, positive_int, seed_int
from fcsim.commands.execution import (
    add_execution_options,
    add_quiet_option,
    check_out_folder,
    report_failures,
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
    p.add_argument(
        "-o", "--out", type=path_arg, help="output folder (default: reports/<scenario>-sweep/)"
    )
    p.add_argument("-r", "--replications", type=positive_int, help="replications per strategy")
    p.add_argument("--seed", type=seed_int, help="master random seed (default: the scenario's)")
    add_set_option(p)
    add_execution_options(p)
    p.add_argument(
        "--report", action="store_true", help="also write index.html in every point folder"
    )
    p.add_argument("--no-report", action="store_true", help="do not write the sweep's index.html")
    add_quiet_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.experiment.executors import open_pool, run_all
    from fcsim.experiment.store import RunStore
    from fcsim.experiment.sweep import (
        grid,
        parse_vary,
        plan_points,
        point_results,
        resolve,
        write_point,
        write_sweep,
    )

    varies = [parse_vary(text) for text in args.vary]
    points = grid(varies)
    points, scenarios = resolve(args.scenario, args.overrides, points)
    base = scenarios[0]
    out = args.out or Path("reports") / f"{base.slug}-sweep"
    check_out_folder(out, "sweep")
    seed = base.seed if args.seed is None else args.seed
    reps = args.replications or base.replications
    specs = plan_points(points, scenarios, reps, seed)
    t0 = time.perf_counter()
    with open_pool(args.workers, args.dask, len(specs)) as pool:
        outcome = run_all(specs, pool, RunStore(out, args.resume), progress=not args.quiet)
    wall = time.perf_counter() - t0
    summaries = []
    shutil.rmtree(out / "points", ignore_errors=True)  # a point of an earlier grid must not stay
    for point, sc in zip(points, scenarios, strict=True):
        results = point_results(specs, outcome.results, point)
        if results:
            summary = write_point(out, point, sc, seed, reps, results)
            if args.report:
                from fcsim.report.html import write_report

                s = summary
                write_report(s.folder, s.doc, s.runs, s.daily, s.breakdowns)
            summaries.append(summary)
    if summaries:
        failed = [f.spec.label for f in outcome.failures]
        doc = write_sweep(out, base, varies, seed, reps, summaries, failed)
        if not args.no_report:
            from fcsim.core.files import write_text
            from fcsim.report.files import read_results
            from fcsim.report.html import render

            write_text(out / "index.html", render(read_results(out)))
        from fcsim.report.terminal import sweep_table

        print(sweep_table(doc))
        reused = f" ({outcome.reused} reused from before)" if outcome.reused else ""
        print(
            f"{len(points)} points, {sum(r is not None for r in outcome.results)} runs{reused} "
            f"in {wall:.1f} s. Results in {out}/"
        )
    return report_failures(out, outcome.failures)
