"""`fcsim validate SCENARIO...`: check scenario files; exit 0 when all are valid, else 2.

Place in the flow: the loading step of `fcsim run` (`fcsim.scenario.load.load_scenario`, with
`extends` and `--set`) without the simulation. Each problem is one line on stderr,
`file:line:col: key.path: what is wrong`; each valid file one line on stdout.
"""

from __future__ import annotations

import argparse
import sys

from fcsim.commands.common import EXIT_OK, EXIT_USAGE, path_arg
from fcsim.commands.options import add_set_option
from fcsim.core.errors import ScenarioError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files; exit 0 when all are valid, else 2",
        description="Check scenario files (with their `extends` and the --set overrides) "
        "without simulating. Every problem is printed as file:line:col: key.path: message.",
    )
    p.add_argument("scenarios", nargs="+", type=path_arg, metavar="SCENARIO")
    add_set_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.experiment.loading import load_scenario

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
