"""The option groups shared by the commands that simulate, declared once.

Place in the flow: `run`, `sweep`, `size`, `baseline` and `check` add the block of options that
says what to run and where (`add_run_options`: `-o`, `-r`, `-w`, `--seed`, `--set`, `--dask`,
`--resume`, `-q`), each with its own wording of `-o`, `-r` and `--seed` where the meaning
differs; `execution` turns the parsed options into the `Execution` of the pipeline
(`fcsim.experiment.pipeline`). `fcsim run` adds `add_selection_options` (`--indifference`,
`--confidence`, and `-r auto`'s `--precision`, `--max-replications`), read by
`selection_settings` and `precision_targets`. `validate` shares `--set` alone.
`check_keys_apart` refuses a `--set` that a sweep's `--vary` or a search's `--key`/`--with`
would replace at every point, and a key given to two of those.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fcsim.commands.common import path_arg, positive_int, seed_int, text_arg
from fcsim.core.errors import UsageError

if TYPE_CHECKING:
    from fcsim.experiment.pipeline import Execution
    from fcsim.experiment.precision import Target
    from fcsim.experiment.selection import Settings
    from fcsim.scenario.schema.scenario import Scenario

REPLICATIONS_HELP = "replications per strategy"
SEED_HELP = "master random seed (default: the scenario's)"


AUTO = "auto"
"""`-r auto`: replications by precision (`fcsim run`)."""


def replications_arg(text: str) -> int | str:
    """A replication count, or `auto` (replications by precision)."""
    if text.strip().lower() == AUTO:
        return AUTO
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError as err:
        raise argparse.ArgumentTypeError(f"{err} or `auto`") from None


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


def _parts(key: str) -> list[str] | None:
    """A key path as comparable parts (`carriers[0]` and `carriers.0` alike); None: malformed."""
    from fcsim.scenario.compose import split_key_path

    parts = split_key_path(key)
    return None if not parts else [str(p) for p in parts]


def warn_dated_staffing(scenario: Scenario, keys: Sequence[tuple[str, str]]) -> None:
    """Warn (on stderr) when a headcount a sweep or search varies is replaced from a date on by
    its node's dated staffing changes (`keys`: option as typed, key path): the value set holds
    only before that date. `fcsim advise` scales those changes with the team instead."""
    from fcsim.experiment.variables import dated_overrides

    typed = {key: option for option, key in keys}
    for key, day in dated_overrides(scenario, list(typed)):
        node = key.rpartition(".")[0]
        print(
            f"warning: {typed[key]}: {node}.staffing sets {key.rpartition('.')[2]} from {day} on, "
            f"so the value varied holds only before that date; vary {node}.staffing with it, "
            "or size the node with fcsim advise (it scales the dated changes with the team)",
            file=sys.stderr,
        )


def check_keys_apart(points: Sequence[tuple[str, str]], overrides: Sequence[str]) -> None:
    """Refuse (exit 2) a key given twice to the options that set it at every point of a sweep
    or search (`points`: option as typed, key path), and a `--set` of such a key or of a key
    inside it: the point's value would replace it without a word."""
    seen: list[tuple[str, list[str]]] = []
    for option, key in points:
        parts = _parts(key)
        if parts is None:
            continue  # malformed: the loader says why
        for other, earlier in seen:
            if earlier == parts:
                raise UsageError(f"{option}: {key} is already given by {other}; give it once")
        seen.append((option, parts))
    for text in overrides:
        key = text.partition("=")[0].strip()
        parts = _parts(key)
        for option, varied in seen:
            if parts is not None and parts[: len(varied)] == varied:
                raise UsageError(
                    f"--set {text}: {key} is also set by {option} at every point, which would "
                    "replace this value; give it to one of them"
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
    auto: bool = False,
) -> None:
    """`-o`, `-r`, `-w`, `--seed`, `--set`, (`--dask`, `--resume`), `-q`.

    `out` is the help of `-o` (None: the command has no `-o`); `replications` and `seed` the
    help of `-r` and `--seed`. `folder` False (a command without an output folder and its run
    store) leaves out `--dask` and `--resume`. `auto` lets `-r` be `auto` (replications by
    precision, `fcsim run`).
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
    p.add_argument(
        "-r",
        "--replications",
        type=replications_arg if auto else positive_int,
        help=replications,
    )
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


def add_selection_options(p: argparse.ArgumentParser) -> None:
    """`--indifference` and `--confidence`: the selection of the best (`summary.json`
    `selection`), and `-r auto`'s `--precision` and `--max-replications`."""
    p.add_argument(
        "--indifference",
        type=text_arg,
        metavar="DELTA|METRIC=DELTA,...",
        help="indifference zone of the selection of the best, in the metric's unit: a number "
        "for cost per order (EUR; default 0.10), or METRIC=DELTA items, e.g. "
        "cost_per_order_eur=0.2,late_rate=1pp (defaults: order_to_delivery_h_mean=1, "
        "late_rate=0.5pp)",
    )
    p.add_argument(
        "--confidence",
        type=confidence_arg,
        help="probability of a correct selection of the best (default 0.95)",
    )
    p.add_argument(
        "--precision",
        type=text_arg,
        metavar="METRIC=HALF,...",
        help="with -r auto: the 95 %% half-width to reach for every strategy, absolute in the "
        "metric's unit, relative (0.5%%) or in percentage points of a rate (0.2pp); default "
        "cost_per_order_eur=0.5%%",
    )
    p.add_argument(
        "--max-replications",
        type=positive_int,
        metavar="N",
        help="with -r auto: stop at N replications even if the precision is not met (default 50)",
    )


def confidence_arg(text: str) -> float:
    """A probability strictly between 0.5 and 1 (0.95), or a percentage (95%)."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a probability, e.g. 0.95 (got {text!r})"
        ) from None
    if not 0.5 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be from 0.5 to below 1, e.g. 0.95 (got {text!r})")
    return value


def selection_settings(args: argparse.Namespace) -> Settings:
    """The selection's δ per metric and confidence of the parsed options (UsageError: exit 2)."""
    from fcsim.experiment.precision import parse_targets
    from fcsim.experiment.selection import CONFIDENCE, DEFAULT_INDIFFERENCE, Settings

    deltas = dict(DEFAULT_INDIFFERENCE)
    text = getattr(args, "indifference", None)
    if text is not None:
        raw = text.strip()
        if "=" not in raw:
            raw = f"cost_per_order_eur={raw}"
        for t in parse_targets(raw, "--indifference", relative=False):
            deltas[t.metric] = t.value
    confidence = getattr(args, "confidence", None)
    return Settings(deltas, CONFIDENCE if confidence is None else confidence)


def precision_targets(args: argparse.Namespace) -> tuple[list[Target], int] | None:
    """`-r auto`: the targets and the maximum replications; None with a replication count.

    `--precision` or `--max-replications` without `-r auto` is refused (exit 2).
    """
    from fcsim.experiment.precision import DEFAULT_PRECISION, MAX_REPLICATIONS, parse_targets

    if args.replications != AUTO:
        for option, value in (
            ("--precision", args.precision),
            ("--max-replications", args.max_replications),
        ):
            if value is not None:
                raise UsageError(f"{option} needs -r auto (replications by precision)")
        return None
    maximum = MAX_REPLICATIONS if args.max_replications is None else args.max_replications
    if maximum < 2:
        raise UsageError("--max-replications: -r auto needs at least 2 replications")
    return parse_targets(args.precision or DEFAULT_PRECISION, "--precision"), maximum
