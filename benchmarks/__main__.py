"""Command line of the benchmark: `python -m benchmarks [--smoke] [-o DIR] [sizes...]`.

Place in the flow: parses the options into `benchmarks.run.Config`, runs `measure`, prints the
PASS/FAIL table and writes RESULTS.md and results.json through `benchmarks/report.py`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from benchmarks import report
from benchmarks.run import Config, measure

HERE = Path(__file__).absolute().parent


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="fcsim against a bare SimPy tandem: throughput, events, memory, scaling.",
    )
    p.add_argument("--smoke", action="store_true", help="tiny sizes: checks that every step runs")
    p.add_argument(
        "-o",
        "--out",
        type=Path,
        default=None,
        help="folder for RESULTS.md and results.json "
        "(default: benchmarks/; with --smoke nothing is written unless given)",
    )
    p.add_argument("--repeat", type=_positive, help="interleaved repeats of (a) and (b)")
    p.add_argument("--year-repeat", type=_positive, help="repeats of the full-model run (c)")
    p.add_argument("--year-days", type=_positive, help="days of the full-model run (c)")
    p.add_argument("--tandem-days", type=_positive, help="days of the tandem runs (a), (b)")
    p.add_argument("--scaling-days", type=_positive, help="days of each scaling replication")
    p.add_argument(
        "--from-json",
        type=Path,
        metavar="RESULTS_JSON",
        help="measure nothing: render RESULTS.md again from a results.json (e.g. after "
        "editing benchmarks/notes.md)",
    )
    return p


def _rerender(path: Path, out: Path) -> int:
    try:
        res = json.loads(path.read_text(encoding="utf-8"))
        res.pop("targets", None)
        checks = report.targets(res)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        msg = f"python -m benchmarks: {path}: not a benchmark results file ({exc})"
        print(msg, file=sys.stderr)
        return 2
    md, js = report.write(res, checks, out)
    print(f"benchmark: wrote {md} and {js}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.from_json is not None:
        return _rerender(args.from_json, args.out if args.out is not None else HERE)
    cfg = Config.smoke_size() if args.smoke else Config()
    sizes = {
        "repeat": args.repeat,
        "year_repeat": args.year_repeat,
        "year_days": args.year_days,
        "tandem_days": args.tandem_days,
        "scaling_days": args.scaling_days,
    }
    cfg = dataclasses.replace(cfg, **{k: v for k, v in sizes.items() if v is not None})
    argv_text = " ".join(sys.argv[1:] if argv is None else argv)
    command = f"python -m benchmarks {argv_text}".strip()
    res = measure(cfg, command)
    checks = report.targets(res)
    width = max(len(c.name) for c in checks)
    for c in checks:
        verdict = "PASS" if c.passed else "FAIL"
        print(f"{verdict}  {c.name:<{width}}  goal {c.goal:<38} measured {c.measured}")
    out = args.out if args.out is not None else (None if args.smoke else HERE)
    if out is not None:
        md, js = report.write(res, checks, out)
        print(f"benchmark: wrote {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
