"""`fcsim check SCENARIO --baseline BASELINE.json`: exit 1 when a KPI got significantly worse.

Place in the flow: read the baseline (`fcsim.regression.baseline_file`), load the scenario with
the baseline's `--set` overrides and then this command's own, refuse a changed scenario unless
`--allow-changed-scenario`, re-run with the baseline's seed and replications (paired by
replication: common random numbers; `--seed` makes it an unpaired comparison), judge every
strategy x metric (`fcsim.regression.judge`) and report (`fcsim.regression.outputs`). The runs
go through the pipeline (`fcsim.experiment.pipeline`) like those of every command.
Exit 0 nothing regressed, 1 something regressed, 2 bad input.
"""

from __future__ import annotations

import argparse
import math
import sys

from fcsim.commands.common import EXIT_OK, EXIT_REGRESSION, path_arg
from fcsim.commands.execution import check_out_file
from fcsim.commands.options import add_run_options, execution
from fcsim.core.errors import ScenarioError, UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="re-run a scenario and compare it with a baseline; exit 1 on a regression",
        description="Re-run a scenario with the baseline's seed and replications and judge "
        "each strategy x metric improved, unchanged or regressed from the 95 % interval of "
        "the paired difference and a practical tolerance. The baseline's --set overrides "
        "are applied first, then these. Exit 0 when nothing regressed, 1 when something "
        "did, 2 on bad input. See docs/ci.md.",
    )
    p.add_argument("scenario", type=path_arg, metavar="SCENARIO", help="scenario YAML file")
    p.add_argument(
        "-b",
        "--baseline",
        type=path_arg,
        required=True,
        metavar="BASELINE.json",
        help="baseline written by `fcsim baseline`",
    )
    p.add_argument(
        "--metrics",
        action="append",
        metavar="M1,M2,...",
        help="metrics to check (default: cost_per_order_eur, lead times, late_rate, "
        "on_time_in_full_rate, fill_rate)",
    )
    p.add_argument(
        "--tolerance",
        action="append",
        metavar="METRIC=+X|+P%",
        help="how much worse a metric may get: an amount in its unit (late_rate=+0.005) or a "
        "share of the baseline mean (cost_per_order_eur=+2%%); default +0.005 for rates, "
        "+1%% for EUR, +2%% otherwise",
    )
    p.add_argument(
        "--allow-changed-scenario",
        action="store_true",
        help="compare even when the scenario differs from the baseline's (e.g. a policy "
        "changed with --set)",
    )
    p.add_argument("--junit", type=path_arg, metavar="FILE", help="write JUnit XML here")
    p.add_argument("--json", type=path_arg, metavar="FILE", help="write the verdicts as JSON here")
    add_run_options(
        p,
        out=None,
        replications="replications (default and maximum with the baseline's seed: the baseline's)",
        seed="master seed (default: the baseline's; another seed makes the comparison unpaired)",
        folder=False,
    )
    p.set_defaults(func=run)


def _stale_message(args: argparse.Namespace, base, diff: list[str]) -> str:
    lines = [
        f"{args.baseline}: recorded for a different scenario than {args.scenario}"
        + (f" with --set {' '.join(base.overrides)}" if base.overrides else "")
        + f" (content hash {base.scenario_hash[:12]}… in the baseline):",
        *(f"  {d}" for d in diff or ["(no difference found in the recorded content)"]),
        "If the scenario was changed on purpose and the baseline is stale, record it again:",
        f"  {base.refresh_command}",
        "To judge a deliberate change against this baseline, add --allow-changed-scenario.",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from fcsim.commands.progress import RunMessages
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.pipeline import PointPlan, run_points
    from fcsim.regression.baseline_file import content_diff, data_files_diff, read
    from fcsim.regression.judge import REGRESSED, judge_all, parse_metrics, parse_tolerances
    from fcsim.regression.outputs import (
        CheckContext,
        table,
        verdict_line,
        write_json,
        write_junit,
    )

    base = read(args.baseline)
    metrics = parse_metrics(args.metrics, base.metrics())
    tolerances = parse_tolerances(args.tolerance, metrics)
    check_out_file(args.junit, "--junit")
    check_out_file(args.json, "--json")
    try:
        scenario = load_scenario(args.scenario, [*base.overrides, *args.overrides])
    except ScenarioError:
        if base.overrides:
            print(
                f"fcsim: (the baseline's overrides were applied first: "
                f"--set {' --set '.join(base.overrides)})",
                file=sys.stderr,
            )
        raise
    content = scenario.model_dump(mode="json", by_alias=True)
    changed = scenario.content_hash() != base.scenario_hash
    diff = (
        content_diff(base.scenario_content, content)
        + data_files_diff(base.data_files, dict(scenario.data.file_digests))
        if changed
        else []
    )
    if changed and not args.allow_changed_scenario:
        raise UsageError(_stale_message(args, base, diff))
    seed = base.seed if args.seed is None else args.seed
    paired = seed == base.seed
    reps = args.replications or base.replications
    if paired and reps > base.replications:
        raise UsageError(
            f"-r {reps}: the baseline has {base.replications} replications to pair with; "
            "give fewer, or another --seed for an unpaired comparison"
        )
    common = [s for s in base.strategies if s in scenario.strategies]
    if not common:
        raise UsageError(
            f"no strategy of the baseline ({', '.join(base.strategies)}) is in the scenario "
            f"({', '.join(scenario.strategies)})"
        )

    point = PointPlan(scenario, reps, seed, strategies=tuple(common))
    with RunMessages(progress=not args.quiet) as messages:
        outcome = run_points([point], execution(args), messages).require_all()
    runs = outcome.points[0].runs
    lost = [m for m in metrics if m not in runs.columns]
    if lost:
        raise UsageError(
            f"this fcsim no longer computes {', '.join(lost)}, recorded in {args.baseline}; "
            f"record the baseline again: {base.refresh_command}"
        )
    check_values = {
        str(s): {m: g.sort_values("replication")[m].to_numpy(dtype=float).tolist() for m in metrics}
        for s, g in runs.groupby("strategy", sort=False)
        if s in common
    }
    base_values = {s: {m: base.strategies[s][m].values for m in metrics} for s in common}
    judgements = judge_all(base_values, check_values, metrics, tolerances, paired)
    ctx = CheckContext(
        scenario=scenario.name,
        baseline_path=str(args.baseline),
        baseline_fcsim_version=base.fcsim_version,
        baseline_created_utc=base.created_utc,
        baseline_seed=base.seed,
        check_seed=seed,
        replications=reps,
        paired=paired,
        scenario_changed=changed,
        refresh_command=base.refresh_command,
    )
    if changed:
        print("The scenario differs from the baseline's (--allow-changed-scenario):")
        print("\n".join(f"  {d}" for d in diff))
    print(table(ctx, judgements))
    for s in base.strategies:
        if s not in scenario.strategies:
            print(f"note: strategy {s} is in the baseline but not in the scenario; not checked")
    for s in scenario.strategies:
        if s not in base.strategies:
            print(f"note: strategy {s} is not in the baseline; not checked")
    if not paired:
        print(
            f"note: seed {seed} differs from the baseline's {base.seed}, so the comparison is "
            "unpaired. A seed also fixes draws shared by all its replications (such as the "
            "catalogue's layout over sales ranks); the interval sees only the noise between "
            "replications. Keep the baseline's seed for a regression gate."
        )
    if paired and not changed and any(math.isfinite(j.change) and j.change for j in judgements):
        print(
            "note: the scenario and the seeds are those of the baseline, yet results differ: "
            f"the model has changed since the baseline was recorded (fcsim "
            f"{base.fcsim_version}, {base.created_utc}). The changes above are its effect."
        )
    if args.junit is not None:
        write_junit(args.junit, ctx, judgements)
    if args.json is not None:
        write_json(args.json, ctx, judgements)
    regressed = [j for j in judgements if j.verdict == REGRESSED]
    print(f"{verdict_line(judgements)}.")
    if not regressed:
        print("fcsim check: passed, nothing regressed.")
        return EXIT_OK
    print(f"fcsim check: FAILED, {len(regressed)} regression(s):")
    for j in regressed:
        print(f"  {j.strategy} {j.metric}: {j.reason}")
    print(f"If this change is intended, record the baseline again:\n  {base.refresh_command}")
    return EXIT_REGRESSION
