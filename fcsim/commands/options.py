"""The option groups shared by the commands that simulate, declared once.

Place in the flow: `run`, `sweep`, `size`, `baseline` and `check` add the block of options that
says what to run and where (`add_run_options`: `-o`, `-r`, `-w`, `--seed`, `--set`, `--dask`,
`--resume`, `-q`), each with its own wording of `-o`, `-r` and `--seed` where the meaning
differs; `execution` turns the parsed options into the `Execution` of the pipeline
(`fcsim.experiment.pipeline`). `validate` shares `--set` alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from fcsim.commands.common import path_arg, positive_int, seed_int, text_arg

if TYPE_CHECKING:
    from fcsim.experiment.pipeline import Execution

REPLICATIONS_HELP = "replications per strategy"
SEED_HELP = "master random seed (default: the scenario's)"


def add_set_option(p: argparse.ArgumentParser) -> None:
    """`--set KEY.PATH=VALUE`, repeatable: scenario overrides typed by the schema."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario value, e.g. --set strategies.own_warehouse.pickers=6",
    )


def add_run_options(
    p: argparse.ArgumentParser,
    *,
    out: str | None,
    out_metavar: str | None = None,
    out_required: bool = False,
    replications: str = REPLICATIONS_HELP,
    seed: str = SEED_HELP,
    folder: bool = True,
) -> None:
    """`-o`, `-r`, `-w`, `--seed`, `--set`, (`--dask`, `--resume`), `-q`.

    `out` is the help of `-o` (None: the command has no `-o`); `replications` and `seed` the
    help of `-r` and `--seed`. `folder` False (a command without an output folder and its run
    store) leaves out `--dask` and `--resume`.
    """
    if out is not None:
        p.add_argument(
            "-o",
            "--out",
            type=path_arg,
            required=out_required,
            metavar=out_metavar,
            help=out,
        )
    p.add_argument("-r", "--replications", type=positive_int, help=replications)
    p.add_argument("-w", "--workers", type=positive_int, help="worker processes (default: CPUs)")
    p.add_argument("--seed", type=seed_int, help=seed)
    add_set_option(p)
    if folder:
        p.add_argument(
            "--dask",
            type=text_arg,
            metavar="ADDRESS|local",
            help="run on a Dask cluster (scheduler address, or `local` for a local cluster of "
            "-w workers); needs the extra: pip install 'fcsim[dask]'",
        )
        p.add_argument(
            "--resume",
            action="store_true",
            help="keep the runs already finished in the output folder and run only the others",
        )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def execution(args: argparse.Namespace, out: Path | None = None) -> Execution:
    """The pipeline's `Execution` of the parsed options; `out`: the folder of the run store."""
    from fcsim.experiment.pipeline import Execution

    return Execution(
        workers=args.workers,
        dask=getattr(args, "dask", None),
        out=out,
        resume=getattr(args, "resume", False),
    )
