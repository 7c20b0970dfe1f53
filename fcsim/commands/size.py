"""`fcsim size SCENARIO --key KEY.PATH --range LO:HI ...`: sizing and break-even searches.

Questions (one per command; conditions are judged on the 95 % interval bound):

    --smallest "late_rate<=0.02"     smallest value meeting the condition (e.g. pickers)
    --largest "late_rate<=0.08"      largest value still meeting it (e.g. orders per day)
    --break-even A,B                 where A stops being dearer (or cheaper) than B on --metric
    --minimise METRIC                lowest METRIC, subject to --subject-to conditions
    --objective cost|profit          lowest cost per order or highest profit per order, subject
                                     to --subject-to conditions (the service target)
    --break-even A,B --objective O   the break-even on the objective's metric: cost per order
                                     (cost), or where A stops being more (or less) profitable
                                     per order than B (profit)

`--objective` with `--minimise` is refused (it names the metric itself), with `--smallest` or
`--largest` too (a condition is no objective: `--objective O --subject-to COND` gives the best
value meeting it), and with a `--metric` other than its own.

`--with KEY.PATH=LO:HI` moves another key along with the searched one (linearly across the
range, whole numbers rounded), e.g. a team that grows with the volume.

Place in the flow: both ends of the range are validated before anything runs; the search
(`fcsim.experiment.sizing`) chooses the points, and each evaluated point goes through the
pipeline (`fcsim.experiment.pipeline`) on one pool opened for the whole search: every
replication of the strategies concerned, on the executor of `-w`/`--dask`, kept in the output
folder's run store, so `--resume` continues an interrupted search. The write step
(`fcsim.experiment.outputs.write_size`) writes `size.json` (question, every point evaluated,
answer) and `runs.parquet` (one row per point x strategy x replication, the key as a column).
Exit status: 0 answered, 1 no value in the range meets the target, 3 some runs failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fcsim.commands.common import EXIT_OK, EXIT_REGRESSION, path_arg, positive_int
from fcsim.commands.execution import (
    check_memory,
    check_out_folder,
    report_failures,
    scenario_inputs,
)
from fcsim.commands.options import (
    add_run_options,
    check_keys_apart,
    execution,
    warn_dated_staffing,
)
from fcsim.core.errors import UsageError

if TYPE_CHECKING:
    from fcsim.experiment.sizing import Answer, Condition, Search


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "size",
        help="sizing / break-even search over one scenario key",
        description="Search one dotted scenario key for the smallest or largest value meeting "
        "a condition, a break-even between two strategies (on --metric, or on the metric of "
        "--objective), or the value minimising a metric (--minimise) or the objective "
        "(--objective alone: the lowest cost or the highest profit per order). Conditions are "
        "judged on the 95 % interval over replications.",
    )
    p.add_argument("scenario", type=path_arg, help="scenario YAML file")
    p.add_argument("--key", required=True, metavar="KEY.PATH", help="the dotted key searched")
    p.add_argument("--range", required=True, metavar="LO:HI", help="the values searched")
    p.add_argument(
        "--step", metavar="S", help="resolution (default: 1 for whole numbers, else range/32)"
    )
    p.add_argument(
        "--with",
        dest="linked",
        action="append",
        default=[],
        metavar="KEY.PATH=LO:HI",
        help="move another key along, linearly from LO to HI across the range (whole numbers "
        "rounded), e.g. staff with volume; repeatable",
    )
    q = p.add_mutually_exclusive_group()  # one of these, or --objective alone
    q.add_argument("--smallest", metavar="COND", help='e.g. "late_rate<=0.02"')
    q.add_argument("--largest", metavar="COND", help='e.g. "late_rate<=0.08"')
    q.add_argument(
        "--break-even",
        metavar="A,B",
        help="two strategies compared on --metric (with --objective: on its metric)",
    )
    q.add_argument("--minimise", metavar="METRIC", help="e.g. cost_per_order_eur")
    p.add_argument(
        "--objective",
        choices=("cost", "profit"),
        help="alone: the value with the lowest cost per order (cost) or the highest profit per "
        "order (profit: profit_per_order_eur), subject to --subject-to; with --break-even: the "
        "metric compared (cost_per_order_eur or profit_per_order_eur)",
    )
    p.add_argument("--strategy", help="strategy searched (default: the reference strategy)")
    p.add_argument(
        "--subject-to",
        action="append",
        default=[],
        metavar="COND",
        help="extra condition, repeatable (e.g. with --minimise)",
    )
    p.add_argument("--metric", help="metric of --break-even (default: cost_per_order_eur)")
    p.add_argument(
        "--points", type=positive_int, default=5, help="first grid of --minimise (default: 5)"
    )
    add_run_options(
        p,
        out="output folder (default: reports/<scenario>-size/)",
        replications="replications per point",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.commands.progress import RunMessages
    from fcsim.core.files import json_safe
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.outputs import write_size
    from fcsim.experiment.pipeline import Pipeline, PointPlan
    from fcsim.experiment.runs import RunFailure
    from fcsim.experiment.sizing import Axis, Condition, Linked, Point, Search
    from fcsim.experiment.sweep import value_at

    _question(args)
    axis = Axis.parse(args.key, args.range, args.step, [Linked.parse(t) for t in args.linked])
    keys = [(f"--key {args.key}", args.key)]
    keys += [(f"--with {t}", w.key) for t, w in zip(args.linked, axis.linked, strict=True)]
    check_keys_apart(keys, args.overrides)
    conditions = [Condition.parse(c, "--subject-to") for c in args.subject_to]
    # validate both ends before anything runs (a bad key or value: exit 2)
    first = _load_end(args, axis, 0)
    last = _load_end(args, axis, axis.last)
    value = value_at(first, args.key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"--key {args.key}: not a number in the scenario (got {value!r})")
    _check_whole(args, axis, first)
    warn_dated_staffing(first, keys)
    strategies = _strategies(args, first)
    base = PointPlan.of(first, args.replications, args.seed, strategies=strategies)
    check_memory([first, last], base.size, args)  # before the metrics' trial run below
    _check_metrics(args, first, strategies[0], conditions)
    out = args.out or Path("reports") / f"{first.slug}-size"
    check_out_folder(out, "size", scenario_inputs(args.scenario, first))
    failures: list[RunFailure] = []
    tables = []
    t0 = time.perf_counter()

    # no progress bar: one line per point evaluated instead
    with (
        RunMessages(progress=False) as messages,
        Pipeline(execution(args, out), base.size, messages) as pipeline,
    ):

        def evaluate(k: int) -> Point:
            point = axis.overrides(k)
            sc = load_scenario(args.scenario, [*args.overrides, *point])
            outcome = pipeline.run([replace(base, scenario=sc, overrides=tuple(point))])
            failures.extend(outcome.failures)
            runs = outcome.points[0].runs
            if len(runs):
                fraction = k / axis.last
                linked = {w.key: w.value(fraction) for w in axis.linked}
                tables.append(runs.assign(**{axis.key: axis.value(k)}, **linked))
            if not args.quiet:
                print(
                    f"fcsim: {' '.join(point)}: {_brief(runs, args, strategies)}", file=sys.stderr
                )
            return Point(k, axis.value(k), runs)

        search = Search(axis, evaluate)
        answer, question = _answer(args, search, strategies, conditions)

    wall = time.perf_counter() - t0
    doc = json_safe(
        {
            "scenario": first.name,
            "seed": base.seed,
            "replications": base.replications,
            "question": question,
            "objective": args.objective,
            "key": axis.key,
            "range": [axis.value(0), axis.value(axis.last)],
            "with": {w.key: [w.lo, w.hi] for w in axis.linked},
            "step": axis.step,
            "answer": {"found": answer.found, "value": answer.value, "text": answer.sentence}
            | answer.details,
            "points": [_point_doc(p, strategies, args) for _, p in sorted(search.points.items())],
            "failed_runs": [f.spec.label for f in failures],
        }
    )
    front = [axis.key, *(w.key for w in axis.linked)]
    written = write_size(out, doc, tables, front, failures)
    print(_table(doc, args, strategies))
    print(f"{question}\n=> {answer.sentence}")
    print(f"{len(search.points)} points evaluated in {wall:.1f} s. Results in {out}/")
    status = report_failures(written.log, failures)
    if status != EXIT_OK:
        return status
    return EXIT_OK if answer.found else EXIT_REGRESSION


OBJECTIVE_METRIC = {"cost": "cost_per_order_eur", "profit": "profit_per_order_eur"}
"""The metric each `--objective` names: minimised (cost) or maximised (profit)."""


def _question(args: argparse.Namespace) -> None:
    """Check the question's options go together, and set the metric `--objective` names:
    alone, the metric minimised (or maximised: profit); with `--break-even`, the metric
    compared (`--metric`, if given, must be the same)."""
    if not (args.smallest or args.largest or args.break_even or args.minimise or args.objective):
        raise UsageError(
            "give the question: one of --smallest, --largest, --break-even, --minimise or "
            "--objective"
        )
    if args.metric is not None and not args.break_even:
        raise UsageError(f"--metric {args.metric}: goes with --break-even only")
    if args.objective:
        metric = OBJECTIVE_METRIC[args.objective]
        if args.minimise:
            raise UsageError(
                f"--objective {args.objective} and --minimise {args.minimise}: give one (the "
                f"objective minimises or maximises {metric} itself)"
            )
        if args.smallest or args.largest:
            opt = "--smallest" if args.smallest else "--largest"
            raise UsageError(
                f"--objective {args.objective} and {opt}: {opt} answers a condition, not an "
                f"objective; for the best value of {metric} meeting the condition, give "
                f'--objective {args.objective} --subject-to "{args.smallest or args.largest}"'
            )
        if args.break_even:
            if args.metric is not None and args.metric != metric:
                raise UsageError(
                    f"--metric {args.metric}: conflicts with --objective {args.objective}, "
                    f"which compares {metric}; give one of the two"
                )
            args.metric = metric
        else:  # the lowest cost per order, or the highest profit per order
            args.minimise = metric
    args.metric = args.metric or "cost_per_order_eur"


def _check_whole(args: argparse.Namespace, axis: Any, scenario: Any) -> None:
    """Refuse a grid with values a whole-number key cannot take, before anything runs: both
    ends may load while a point between them (1.5 pickers) would not."""
    from fcsim.experiment.sweep import value_at

    def whole(key: str) -> bool:
        v = value_at(scenario, key)
        return isinstance(v, int) and not isinstance(v, bool)

    if whole(axis.key) and not axis.whole:
        raise UsageError(
            f"--key {axis.key}: takes whole numbers, and the grid of --range {args.range} "
            f"with step {axis.step:g} has others; give a whole range and --step"
        )
    for text, w in zip(args.linked, axis.linked, strict=True):
        if whole(w.key) and not (isinstance(w.lo, int) and isinstance(w.hi, int)):
            raise UsageError(f"--with {text}: {w.key} takes whole numbers; give LO:HI as such")


def _strategies(args: argparse.Namespace, scenario: Any) -> list[str]:
    known = list(scenario.strategies)
    if args.break_even:
        names = [n.strip() for n in args.break_even.split(",")]
        if len(names) != 2 or names[0] == names[1]:
            raise UsageError(f"--break-even {args.break_even}: expected two strategies A,B")
    else:
        names = [args.strategy or scenario.reference]
    for n in names:
        if n not in known:
            raise UsageError(f"no strategy named {n!r}; strategies are: {', '.join(known)}")
    return names


def _load_end(args: argparse.Namespace, axis: Any, k: int) -> Any:
    """The scenario at grid point `k`; its problems named after --key / --with, not --set."""
    from fcsim.core.errors import ScenarioError, relabel
    from fcsim.experiment.loading import load_scenario

    point = axis.overrides(k)
    try:
        return load_scenario(args.scenario, [*args.overrides, *point])
    except ScenarioError as err:
        labels = {point[0]: f"--key {args.key} (at {axis.text(k)})"}
        labels |= {o: f"--with {o}" for o in point[1:]}
        raise ScenarioError(relabel(err.problems, labels)) from None


def _check_metrics(
    args: argparse.Namespace, scenario: Any, strategy: str, conditions: list[Condition]
) -> None:
    """Refuse a metric no run reports (before anything runs), suggesting the closest."""
    import difflib

    from fcsim.experiment.runs import kpi_names
    from fcsim.experiment.sizing import Condition

    asked = [("--subject-to", c.metric) for c in conditions]
    if args.smallest or args.largest:
        opt = "--smallest" if args.smallest else "--largest"
        asked.append((opt, Condition.parse(args.smallest or args.largest, opt).metric))
    if args.break_even:
        asked.append(("--metric", args.metric))
    if args.minimise:
        asked.append(("--minimise", args.minimise))
    known = kpi_names(scenario, strategy)
    for opt, metric in asked:
        if metric not in known:
            close = difflib.get_close_matches(metric, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(
                f"{opt}: no metric named {metric!r}{hint} (the metric names are those of "
                "summary.csv of `fcsim run`)"
            )


def _answer(
    args: argparse.Namespace, search: Search, strategies: list[str], conditions: list[Condition]
) -> tuple[Answer, str]:
    from fcsim.experiment.sizing import Condition, break_even, minimise, smallest

    key = search.axis.key
    if args.smallest or args.largest:
        cond = Condition.parse(args.smallest or args.largest, "--smallest/--largest")
        allc = [cond, *conditions]
        word = "largest" if args.largest else "smallest"
        q = f"{word} {key} with {strategies[0]} {' and '.join(map(str, allc))} (95 % bound)?"
        return smallest(search, strategies[0], allc, largest=bool(args.largest)), q
    if args.break_even:
        a, b = strategies
        profit = "profit" in args.metric
        same = "make the same profit" if profit else "cost the same"
        q = f"{key} at which {a} and {b} {same} ({args.metric})?"
        words = ("more profitable", "less profitable") if profit else ("dearer", "cheaper")
        return break_even(search, a, b, args.metric, conditions, words), q
    maximise = args.objective == "profit"
    verb = "maximising" if maximise else "minimising"
    q = f"{key} {verb} {args.minimise} of {strategies[0]}" + (
        f" with {' and '.join(map(str, conditions))}?" if conditions else "?"
    )
    return minimise(search, strategies[0], args.minimise, conditions, args.points, maximise), q


def _metrics(args: argparse.Namespace) -> list[str]:
    from fcsim.experiment.sizing import Condition

    names = [Condition.parse(c, "--subject-to").metric for c in args.subject_to]
    if args.smallest or args.largest:
        names.insert(0, Condition.parse(args.smallest or args.largest, "--smallest").metric)
    elif args.break_even:
        names.insert(0, args.metric)
    else:
        names.insert(0, args.minimise)
    return list(dict.fromkeys(names))


def _point_doc(p: Any, strategies: list[str], args: argparse.Namespace) -> dict[str, Any]:
    doc: dict[str, Any] = {"value": p.value, "strategies": {}}
    for s in strategies:
        doc["strategies"][s] = {m: p.entry(s, m) for m in _metrics(args)}
    if args.break_even:
        doc["difference"] = p.difference(strategies[0], strategies[1], args.metric)
    return doc


def _brief(runs: Any, args: argparse.Namespace, strategies: list[str]) -> str:
    from fcsim.experiment.stats import interval

    parts = []
    for s in strategies:
        g = runs[runs["strategy"] == s] if len(runs) else runs
        for m in _metrics(args):
            if m in getattr(g, "columns", []):
                e = interval(g[m])
                parts.append(f"{s} {m} {e['mean']:.4g}")
    return ", ".join(parts) or "no result"


def _table(doc: dict[str, Any], args: argparse.Namespace, strategies: list[str]) -> str:
    metrics = _metrics(args)
    header = [doc["key"].rsplit(".", 1)[-1]]
    header += [f"{s} {m}" for s in strategies for m in metrics]
    if args.break_even:
        header.append(f"{strategies[0]} - {strategies[1]}")
    rows = []
    for p in doc["points"]:
        row = [str(p["value"])]
        row += [_cell(p["strategies"][s][m]) for s in strategies for m in metrics]
        if args.break_even:
            row.append(_cell(p["difference"]))
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))

    rule = "-" * len(line(header))
    title = (
        f"fcsim size — {doc['scenario']}: {doc['replications']} replications per point, "
        f"seed {doc['seed']}; mean [95 % interval]"
        + (f"; objective: {_objective_text(doc, args)}" if doc.get("objective") else "")
    )
    return "\n".join([title, rule, line(header), rule, *(line(r) for r in rows), rule])


_OBJECTIVE_TEXT = {
    "cost": "lowest cost per order",
    "profit": "highest profit per order",
}


def _objective_text(doc: dict[str, Any], args: argparse.Namespace) -> str:
    """The objective in the table's title: what a break-even compares, else what is sought."""
    if args.break_even:
        return f"{doc['objective']} per order compared ({args.metric})"
    return _OBJECTIVE_TEXT[doc["objective"]]


def _cell(e: dict[str, Any]) -> str:
    if e.get("mean") is None:
        return "–"
    if e.get("ci_low") is None:
        return f"{e['mean']:.4g}"
    return f"{e['mean']:.4g} [{e['ci_low']:.4g}, {e['ci_high']:.4g}]"
