"""`fcsim baseline SCENARIO -o BASELINE.json`: record KPIs for later regression checks.

Place in the flow: load the scenario (with `--set` overrides), run every strategy for N
replications with a fixed seed, and write the baseline file (`fcsim.regression.baseline_file`)
that `fcsim check` compares against.
"""

from __future__ import annotations

import argparse
import shlex
import time

from fcsim.commands.common import EXIT_OK, add_set_option, path_arg, positive_int, seed_int
from fcsim.commands.execution import check_out_file
from fcsim.core.errors import UsageError


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by `fcsim baseline` and `fcsim check`: how to run the scenario."""
    p.add_argument("-w", "--workers", type=positive_int, help="worker processes (default: CPUs)")
    add_set_option(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "baseline",
        help="run a scenario and record its KPIs for `fcsim check`",
        description="Run a scenario (fixed seed, N replications) and record, per strategy and "
        "metric, the mean, the 95 % interval and every replication's value, with the "
        "scenario's content hash and the fcsim version.",
    )
    p.add_argument("scenario", type=path_arg, metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "-o", "--out", type=path_arg, required=True, metavar="BASELINE.json", help="file to write"
    )
    p.add_argument(
        "-r",
        "--replications",
        type=positive_int,
        help="replications per strategy, at least 2 (default: the scenario's)",
    )
    p.add_argument("--seed", type=seed_int, help="master random seed (default: the scenario's)")
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.experiment.executors import execute
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.results import runs_table, summary_document
    from fcsim.experiment.runs import plan
    from fcsim.experiment.stats import paired, summarise
    from fcsim.regression.baseline_file import build, refresh_command, write
    from fcsim.report.terminal import summary_table

    check_out_file(args.out, "-o")
    scenario = load_scenario(args.scenario, args.overrides)
    reps = args.replications or scenario.replications
    if reps < 2:
        raise UsageError(
            f"a baseline needs at least 2 replications to measure noise (got {reps}); give -r"
        )
    seed = scenario.seed if args.seed is None else args.seed
    t0 = time.perf_counter()
    results = execute(plan(scenario, reps, seed), args.workers, progress=not args.quiet)
    wall = time.perf_counter() - t0
    runs = runs_table(results)
    refresh = refresh_command(
        str(args.scenario), args.overrides, args.replications, args.seed, str(args.out)
    )
    doc = build(scenario, str(args.scenario), args.overrides, seed, reps, runs, refresh)
    write(args.out, doc)
    summary = summary_document(
        scenario, seed, reps, summarise(runs), paired(runs, scenario.reference), runs
    )
    print(summary_table(summary))
    print(
        f"Baseline of {len(doc['strategies'])} strategies x {reps} replications "
        f"({len(results)} runs in {wall:.1f} s) written to {args.out}\n"
        f"Check against it with: "
        f"{shlex.join(['fcsim', 'check', str(args.scenario), '--baseline', str(args.out)])}\n"
        f"Record it again with:  {refresh}"
    )
    return EXIT_OK
