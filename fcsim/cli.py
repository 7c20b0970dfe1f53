"""The command line: `fcsim run | validate | schema` (and `python run_sim.py` = `fcsim run`).

Place in the flow: the outermost layer. Parses arguments, loads and validates the scenario,
plans and executes the runs, writes result files and the report, prints the summary.

Exit status: 0 done; 2 bad input or usage; 3 a run failed inside; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from fcsim import __version__
from fcsim.errors import ScenarioError, UsageError

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, EXIT_RUN_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DEFAULT_SCENARIO = Path("scenarios") / "default.yaml"


def default_scenario() -> Path:
    """The shipped default scenario: ./scenarios/default.yaml, else the one beside the package."""
    here = Path.cwd() / DEFAULT_SCENARIO
    if here.is_file():
        return DEFAULT_SCENARIO
    shipped = Path(__file__).resolve().parent.parent / DEFAULT_SCENARIO
    if shipped.is_file():
        return shipped
    raise UsageError(
        f"no scenario given and no {DEFAULT_SCENARIO} here or beside the fcsim package"
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2^63-1 (got {value})")
    return value


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of `fcsim run` (also those of `python run_sim.py`)."""
    p.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        help=f"scenario YAML file (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument("-o", "--out", type=Path, help="output folder (default: reports/<scenario>/)")
    p.add_argument("-r", "--replications", type=_positive, help="replications per strategy")
    p.add_argument("-w", "--workers", type=_positive, help="worker processes (default: CPUs)")
    p.add_argument("--seed", type=_seed, help="master random seed (default: the scenario's)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario value, e.g. --set strategies.own_warehouse.pickers=6",
    )
    p.add_argument("--no-report", action="store_true", help="do not write index.html")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fcsim",
        description="Simulate e-commerce fulfilment strategies (self, 3PL, dropship, hybrid) "
        "and compare cost, lead time and late deliveries with confidence intervals.",
    )
    parser.add_argument("--version", action="version", version=f"fcsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="simulate a scenario and write results and report")
    add_run_arguments(run)
    val = sub.add_parser("validate", help="check scenario files; exit 0 when all are valid, else 2")
    val.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO")
    val.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a value before validating",
    )
    sub.add_parser("schema", help="print the JSON Schema of scenario files")
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from fcsim.experiment import execute, plan
    from fcsim.loading import load_scenario
    from fcsim.report.html import write_report
    from fcsim.report.terminal import summary_table
    from fcsim.results import daily_table, runs_table, summary_document, write_all
    from fcsim.stats import paired, summarise

    path = args.scenario or default_scenario()
    scenario = load_scenario(path, args.overrides)
    out = args.out or Path("reports") / scenario.slug
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {out}: exists and is not a folder")
    seed = scenario.seed if args.seed is None else args.seed
    reps = args.replications or scenario.replications
    specs = plan(scenario, reps, seed)
    t0 = time.perf_counter()
    results = execute(specs, args.workers, progress=not args.quiet)
    wall = time.perf_counter() - t0
    runs = runs_table(results)
    doc = summary_document(
        scenario, seed, reps, summarise(runs), paired(runs, scenario.reference), runs
    )
    daily = daily_table(results, scenario)
    write_all(out, doc, runs, daily)
    if not args.no_report:
        write_report(out, doc, runs, daily)
    print(summary_table(doc))
    orders = int(runs["orders"].sum())
    print(
        f"{len(results)} runs, {orders:,} orders in {wall:.1f} s "
        f"({orders / wall:,.0f} orders/s). Results in {out}/",
    )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from fcsim.loading import load_scenario

    status = EXIT_OK
    for path in args.scenarios:
        try:
            sc = load_scenario(path, args.overrides)
        except ScenarioError as err:
            for problem in err.problems:
                print(problem, file=sys.stderr)
            status = EXIT_USAGE
            continue
        print(
            f"{path}: ok — {sc.name!r}, {len(sc.strategies)} strategies "
            f"({', '.join(sc.strategies)}), {sc.horizon_days} days"
        )
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from fcsim.schema_tools import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


COMMANDS = {"run": cmd_run, "validate": cmd_validate, "schema": cmd_schema}


def _report_crash(exc: BaseException) -> int:
    fd, log = tempfile.mkstemp(prefix="fcsim-error-", suffix=".log")
    with os.fdopen(fd, "w") as fh:
        traceback.print_exception(exc, file=fh)
    print(f"fcsim: a run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    print(f"fcsim: details in {log}", file=sys.stderr)
    return EXIT_RUN_FAILED


def dispatch(args: argparse.Namespace) -> int:
    """Run a parsed command, mapping every failure to its exit status."""
    try:
        return COMMANDS[args.command](args)
    except ScenarioError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    except UsageError as err:
        print(f"fcsim: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("fcsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("FCSIM_DEBUG"):
            raise
        return _report_crash(exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `fcsim` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    return dispatch(args)


def run_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python run_sim.py ARGS` (= `fcsim run ARGS`)."""
    parser = argparse.ArgumentParser(
        prog="run_sim.py", description="Same as `fcsim run`: simulate a scenario."
    )
    add_run_arguments(parser)
    args = parser.parse_args(argv)
    args.command = "run"
    return dispatch(args)
