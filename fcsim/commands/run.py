"""`fcsim run`: simulate a scenario, write result files and the report, print the summary."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from fcsim.commands.common import (
    DEFAULT_SCENARIO,
    add_set_option,
    default_scenario,
    path_arg,
    positive_int,
    seed_int,
)
from fcsim.commands.execution import (
    add_execution_options,
    check_out_folder,
    report_failures,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of `fcsim run` (also those of `python run_sim.py`)."""
    p.add_argument(
        "scenario",
        nargs="?",
        type=path_arg,
        help=f"scenario YAML file (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "-o", "--out", type=path_arg, help="output folder (default: reports/<scenario>/)"
    )
    p.add_argument("-r", "--replications", type=positive_int, help="replications per strategy")
    p.add_argument("-w", "--workers", type=positive_int, help="worker processes (default: CPUs)")
    p.add_argument("--seed", type=seed_int, help="master random seed (default: the scenario's)")
    add_set_option(p)
    add_execution_options(p, workers=False)
    p.add_argument("--no-report", action="store_true", help="do not write index.html")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="simulate a scenario and write results and report")
    add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.experiment.executors import open_pool, run_all
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.results import daily_table, runs_table, summary_document, write_all
    from fcsim.experiment.runs import plan
    from fcsim.experiment.stats import paired, summarise
    from fcsim.experiment.store import RunStore
    from fcsim.model.accounting.breakdowns import breakdowns_table
    from fcsim.report.html import write_report
    from fcsim.report.terminal import summary_table

    path = args.scenario or default_scenario()
    scenario = load_scenario(path, args.overrides)
    out = args.out or Path("reports") / scenario.slug
    check_out_folder(out, "run")
    seed = scenario.seed if args.seed is None else args.seed
    reps = args.replications or scenario.replications
    specs = plan(scenario, reps, seed)
    t0 = time.perf_counter()
    with open_pool(args.workers, args.dask, len(specs)) as pool:
        outcome = run_all(specs, pool, RunStore(out, args.resume), progress=not args.quiet)
    wall = time.perf_counter() - t0
    results = [r for r in outcome.results if r is not None]
    if not results:
        return report_failures(out, outcome.failures)
    runs = runs_table(results)
    doc = summary_document(
        scenario, seed, reps, summarise(runs), paired(runs, scenario.reference), runs
    )
    if outcome.failures:
        doc["failed_runs"] = [f.spec.label for f in outcome.failures]
    daily = daily_table(results, scenario)
    breakdowns = breakdowns_table(results)
    write_all(out, doc, runs, daily, breakdowns)
    if not args.no_report:
        write_report(out, doc, runs, daily, breakdowns)
    from fcsim.core.errors import visible  # the scenario's name is the user's text

    print(visible(summary_table(doc), keep="\n"))
    orders = int(runs["orders"].sum())
    reused = f" ({outcome.reused} reused from before)" if outcome.reused else ""
    rate = "" if outcome.reused else f" ({orders / wall:,.0f} orders/s)"
    print(
        f"{len(results)} runs{reused}, {orders:,} orders in {wall:.1f} s{rate}. Results in {out}/"
    )
    return report_failures(out, outcome.failures)
