"""`fcsim baseline SCENARIO -o BASELINE.json`: record KPIs for later regression checks.

Place in the flow: load the scenario (with `--set` overrides), run every strategy for N
replications with a fixed seed through the pipeline (`fcsim.experiment.pipeline`: plan, run,
summarise; no run store), and write the baseline file (`fcsim.regression.baseline_file`) that
`fcsim check` compares against.
"""

from __future__ import annotations

import argparse
import shlex

from fcsim.commands.common import EXIT_OK, path_arg
from fcsim.commands.execution import check_out_file
from fcsim.commands.options import add_run_options, execution
from fcsim.core.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "baseline",
        help="run a scenario and record its KPIs for `fcsim check`",
        description="Run a scenario (fixed seed, N replications) and record, per strategy and "
        "metric, the mean, the 95 % interval and every replication's value, with the "
        "scenario's content hash and the fcsim version.",
    )
    p.add_argument("scenario", type=path_arg, metavar="SCENARIO", help="scenario YAML file")
    add_run_options(
        p,
        out="file to write",
        out_metavar="BASELINE.json",
        out_required=True,
        replications="replications per strategy, at least 2 (default: the scenario's)",
        folder=False,
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.commands.progress import RunMessages
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.pipeline import PointPlan, run_points
    from fcsim.regression.baseline_file import build, refresh_command, write
    from fcsim.report.terminal import summary_table

    check_out_file(args.out, "-o")
    scenario = load_scenario(args.scenario, args.overrides)
    point = PointPlan.of(scenario, args.replications, args.seed)
    seed, reps = point.seed, point.replications
    if reps < 2:
        raise UsageError(
            f"a baseline needs at least 2 replications to measure noise (got {reps}); give -r"
        )
    with RunMessages(progress=not args.quiet) as messages:
        outcome = run_points([point], execution(args), messages).require_all()
    (results,) = outcome.points
    refresh = refresh_command(
        str(args.scenario), args.overrides, args.replications, args.seed, str(args.out)
    )
    doc = build(scenario, str(args.scenario), args.overrides, seed, reps, results.runs, refresh)
    write(args.out, doc)
    assert results.doc is not None  # every run finished
    print(summary_table(results.doc))
    print(
        f"Baseline of {len(doc['strategies'])} strategies x {reps} replications "
        f"({outcome.finished} runs in {outcome.wall_s:.1f} s) written to {args.out}\n"
        f"Check against it with: "
        f"{shlex.join(['fcsim', 'check', str(args.scenario), '--baseline', str(args.out)])}\n"
        f"Record it again with:  {refresh}"
    )
    return EXIT_OK
