"""`fcsim advise SCENARIO [--volumes LO:HI:STEP] [--target "late_rate<=5%"]`: the outsourcing
answer, every strategy sized to the same service target at every volume.

Place in the flow: load and check the scenario and every volume's scenario before anything runs,
check the output folder, then hand the `Advisor` (`fcsim.experiment.advise`) one pipeline
(`fcsim.experiment.pipeline`) opened for the whole search: its runs execute on the executor of
`-w`/`--dask` and are kept in the output folder's run store, so `--resume` continues an
interrupted search (the search replays the same candidates and finds their runs there). The
write step (`fcsim.experiment.outputs.write_advice`) writes `advice.json`, `advice.parquet` and
the page (`fcsim.report.advice`). Exit status: 0 answered, 1 no strategy meets the target at
some volume, 2 bad input, 3 some runs failed.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

from fcsim.commands.common import (
    DEFAULT_SCENARIO,
    EXIT_OK,
    EXIT_REGRESSION,
    default_scenario,
    path_arg,
    positive_int,
)
from fcsim.commands.execution import (
    check_memory,
    check_out_folder,
    report_failures,
    scenario_inputs,
)
from fcsim.commands.options import add_run_options, check_keys_apart, execution
from fcsim.core.errors import ScenarioError, UsageError

MULTIPLES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0)
"""Default volumes: these multiples of the scenario's orders a day (two significant figures)."""
MAX_VOLUMES = 50


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "advise",
        help="size every strategy to the same service target at each volume, and compare",
        description="For each volume (orders a day), size every strategy's decision variables "
        "(its warehouses' headcounts within their `sizing` bounds, a hybrid's share of SKUs "
        "in-house) to the cheapest setting meeting the service target, confirm it on the full "
        "horizon, then name the cheapest feasible strategy per volume and the break-even "
        "volumes with their intervals. See docs/advise.md.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        type=path_arg,
        help=f"scenario YAML file (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "--volumes",
        metavar="LO:HI:STEP|V,V,...",
        help="orders a day studied (default: 1/4 to 3 times the scenario's, 8 volumes)",
    )
    p.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="COND",
        help='service target, e.g. "late_rate<=5%%" or "unfinished_rate<=0.5%%" (default: '
        "the scenario's service_target); repeatable",
    )
    p.add_argument(
        "--strategy",
        action="append",
        default=[],
        help="strategy compared (default: all); repeatable",
    )
    p.add_argument(
        "--screen-replications",
        type=positive_int,
        default=1,
        help="runs per candidate while searching (default: 1; all on the same orders)",
    )
    p.add_argument(
        "--screen-days",
        type=positive_int,
        help="horizon of the search's runs (default: the scenario's; a shorter one may miss "
        "peak months)",
    )
    p.add_argument(
        "--margin",
        type=float,
        default=0.1,
        help="the search keeps the means this share below the target (default: 0.1), so that "
        "the confirmation's 95 %% bound passes",
    )
    p.add_argument(
        "--confirm-first",
        type=positive_int,
        default=3,
        help="confirmation runs every sized setting gets first, all -r only where they decide "
        "the answer (default: 3; at least 2; -r or more: all at once)",
    )
    p.add_argument(
        "--objective",
        choices=("cost", "profit"),
        default="cost",
        help="what the sizing and the answers optimise: the lowest cost per order (default), "
        "or the highest profit per order (profit_per_order_eur), under the same target",
    )
    add_run_options(
        p,
        out="output folder (default: reports/<scenario>-advise/)",
        replications="confirmation runs per strategy and volume (default: the scenario's)",
    )
    p.set_defaults(func=run)


def parse_volumes(text: str | None, base: float) -> tuple[float, ...]:
    """`LO:HI:STEP` or a comma list; default: `MULTIPLES` of the scenario's volume."""
    if text is None:
        return tuple(sorted({_two_figures(base * m) for m in MULTIPLES}))
    form = "expected LO:HI:STEP (e.g. 100:2000:100) or a list (100,200,400)"
    try:
        parts = [float(x) for x in text.split(":" if ":" in text else ",")]
    except ValueError:
        raise UsageError(f"--volumes {text}: {form}") from None
    if not all(math.isfinite(x) for x in parts):
        raise UsageError(f"--volumes {text}: volumes must be finite numbers")
    if ":" in text:
        if len(parts) != 3:
            raise UsageError(f"--volumes {text}: {form}")
        lo, hi, step = parts
        if step <= 0 or hi < lo:
            raise UsageError(f"--volumes {text}: {form}, with LO <= HI and STEP > 0")
        n = math.floor((hi - lo) / step + 1e-9) + 1
        if n > MAX_VOLUMES:
            raise UsageError(f"--volumes {text}: {n:,} volumes; at most {MAX_VOLUMES}")
        parts = [lo + i * step for i in range(n)]
    values = sorted(set(parts))
    if not values or values[0] <= 0:
        raise UsageError(f"--volumes {text}: volumes must be positive orders a day")
    if len(values) > MAX_VOLUMES:
        raise UsageError(f"--volumes {text}: {len(values)} volumes; at most {MAX_VOLUMES}")
    return tuple(values)


def _two_figures(v: float) -> float:
    if v <= 0:
        return v
    return float(round(v, 1 - math.floor(math.log10(v))))


def _target(args: argparse.Namespace, scenario: Any) -> Any:
    from fcsim.experiment.candidates import Target
    from fcsim.experiment.search_space import Condition

    late, unfinished = scenario.service_target.late_rate, scenario.service_target.unfinished_rate
    for text in args.target:
        c = Condition.parse(text, "--target")
        if c.op != "<=" or c.metric not in ("late_rate", "unfinished_rate"):
            raise UsageError(
                f"--target {text}: a target is late_rate<=SHARE or unfinished_rate<=SHARE"
            )
        if not 0 <= c.bound <= 1:
            raise UsageError(f"--target {text}: a share between 0 and 100 %")
        if c.metric == "late_rate":
            late = c.bound
        else:
            unfinished = c.bound
    return Target(late, unfinished)


class _Frozen:
    """The scenario's files as they were when the search began: a search reloads the scenario
    for every candidate, and an edit in between would mix two scenarios in one answer."""

    def __init__(self, path: Path, base: Any) -> None:
        from fcsim.scenario.load import input_files

        self.files = [p for _, p in input_files(path, base)]
        self.stamps = [self._stamp(p) for p in self.files]

    @staticmethod
    def _stamp(p: Path) -> tuple[int, int] | None:
        try:
            st = p.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def check(self) -> None:
        for p, before in zip(self.files, self.stamps, strict=True):
            if self._stamp(p) != before:
                raise UsageError(
                    f"{p}: changed while fcsim advise was running; its answer would mix two "
                    "scenarios: run it again (with --resume, the runs already done are kept)"
                )


def run(args: argparse.Namespace) -> int:
    from fcsim.commands.progress import RunMessages
    from fcsim.core.files import json_safe
    from fcsim.experiment.advice import OBJECTIVES, Sizing, answers, sizing_doc
    from fcsim.experiment.advise import (
        Advisor,
        Settings,
        decision_variables,
    )
    from fcsim.experiment.candidates import Sized
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.outputs import Written, write_advice
    from fcsim.experiment.variables import dated_schedules
    from fcsim.experiment.volume_axis import volume_axis

    path = args.scenario or default_scenario()
    base = load_scenario(path, args.overrides)
    axis = volume_axis(base, f"{path}: demand")
    if args.volumes is not None:  # else --set may move the volume the default grid scales
        check_keys_apart([("--volumes", axis.key)], args.overrides)
    volumes = parse_volumes(args.volumes, axis.base)
    axis.check(volumes)
    if not 0 <= args.margin < 1:
        raise UsageError(f"--margin {args.margin}: a share from 0 to below 1")
    if args.confirm_first < 2:
        raise UsageError(
            f"--confirm-first {args.confirm_first}: at least 2 (a 95 % bound needs two runs)"
        )
    reps = args.replications or base.replications
    if reps < 2:
        raise UsageError(
            f"-r {reps}: the confirmation needs at least 2 runs per strategy (its 95 % bound "
            "and the paired intervals need them)"
        )
    strategies = tuple(dict.fromkeys(args.strategy)) or tuple(base.strategies)
    for s in strategies:
        if s not in base.strategies:
            have = ", ".join(base.strategies)
            raise UsageError(f"--strategy {s}: no such strategy (have {have})")
    target = _target(args, base)
    searched = [
        (f"sizing of {s}", key)
        for s in strategies
        for v in decision_variables(base, s)
        for key in dict.fromkeys(k for i in range(len(v.values)) for k in v.sets(i))
    ]
    check_keys_apart(searched, args.overrides)  # a --set the search would silently replace
    # every volume's scenario loads (and every setting the bounds allow is a valid value)
    at = [[*args.overrides, axis.override(v)] for v in volumes]
    ends = [load_scenario(path, o) for o in at]
    if args.screen_days is not None:
        load_scenario(path, [*args.overrides, f"horizon_days={args.screen_days}"])
    for s in strategies:
        variables = decision_variables(base, s)
        for v in variables:
            for i in range(len(v.values)) if v.plan else (0, len(v.values) - 1):
                sets = [f"{k}={x}" for k, x in v.sets(i).items()]
                load_scenario(path, [*args.overrides, *sets])
        if schedules := dated_schedules(base, s):  # dated changes scaled to the upper bounds
            top = tuple(0 if v.plan else len(v.values) - 1 for v in variables)
            z = Sizing(s, volumes[0], variables, Sized(None), schedules=schedules)
            at_top = [*args.overrides, *(f"{k}={x}" for k, x in z.overrides(top).items())]
            try:
                load_scenario(path, at_top)
            except ScenarioError as e:
                raise UsageError(
                    f"strategies.{s}: its dated staffing changes, scaled with every headcount "
                    f"at the upper bound of its sizing, are out of range (lower the sizing's "
                    f"max):\n{e}"
                ) from None
    settings = Settings(
        volumes=volumes,
        target=target,
        replications=reps,
        seed=base.seed if args.seed is None else args.seed,
        strategies=strategies,
        screen_replications=args.screen_replications,
        screen_days=args.screen_days,
        margin=args.margin,
        confirm_first=args.confirm_first,
        objective=args.objective,
    )
    check_memory([ends[-1]], settings.replications * len(strategies), args)
    out = args.out or Path("reports") / f"{base.slug}-advise"
    check_out_folder(out, "advise", scenario_inputs(path, base))

    def say(line: str) -> None:
        if not args.quiet:
            print(f"fcsim: {line}", file=sys.stderr)

    t0 = time.perf_counter()
    from fcsim.experiment.pipeline import Pipeline

    frozen = _Frozen(path, base)

    def load(o: list[str]) -> Any:
        frozen.check()  # every candidate is the same scenario file, with its own overrides
        return load_scenario(path, [*args.overrides, *o])

    with (
        RunMessages(progress=False) as messages,
        Pipeline(execution(args, out), None, messages) as pipe,
    ):
        advisor = Advisor(base, settings, pipe, load, say)
        sizings = advisor.run()
    wall = time.perf_counter() - t0
    import pandas as pd

    table = pd.DataFrame([row for z in sizings for row in z.candidates])
    from fcsim.experiment.in_house import in_house_answers

    found = answers(sizings, volumes, OBJECTIVES[settings.objective])
    found["hybrid_in_house"] = in_house_answers(base, found["hybrid_a_share"])
    doc = json_safe(
        {
            "scenario": base.name,
            "description": base.description,
            "seed": settings.seed,
            "replications": settings.replications,
            "confirm_first": min(settings.replications, settings.confirm_first),
            "horizon_days": base.horizon_days,
            "warmup_days": base.warmup_days,
            "volumes": list(volumes),
            "volume_key": axis.key,
            "volume_base": axis.base,
            "objective": settings.objective,
            "target": {"late_rate": target.late_rate, "unfinished_rate": target.unfinished_rate},
            "screening": {
                "replications": settings.screen_replications,
                "horizon_days": settings.screen_days or base.horizon_days,
                "margin": settings.margin,
            },
            "strategies": list(strategies),
            "sizings": [{**sizing_doc(z), "volume_set": axis.override(z.volume)} for z in sizings],
            "answers": found,
            "runs": advisor.runs_done,
            "candidates": len(table),
            "wall_s": wall,
            "failed_runs": [f.spec.label for f in advisor.failures],
        }
    )

    def pages(staged: Written) -> None:
        from fcsim.report.advice import write_advice_page

        write_advice_page(staged.folder, doc)

    written = write_advice(out, doc, table, advisor.failures, pages)
    from fcsim.core.errors import visible
    from fcsim.report.advice import terminal_text

    print(visible(terminal_text(doc), keep="\n"))
    print(
        f"{len(table)} candidates, {advisor.runs_done} runs simulated in {wall:.0f} s. "
        f"Results in {out}/"
    )
    status = report_failures(written.log, advisor.failures)
    if status != EXIT_OK:
        return status
    answered = all(p.get("cheapest") for p in doc["answers"]["per_volume"])
    return EXIT_OK if answered else EXIT_REGRESSION
