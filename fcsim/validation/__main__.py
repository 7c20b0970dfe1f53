"""`python -m fcsim.validation`: run the theory cases and write `docs/validation.md`.

Place in the flow: a maintenance command, outside `fcsim run`. It runs `suite.run_suite` at the
published scale (or `--quick`), prints the table, writes the page atomically, and exits 1 when
a row fails (0 when every row passes, 2 on bad arguments).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from fcsim.validation.page import render, table
from fcsim.validation.suite import FAMILY_CONFIDENCE, FULL, QUICK, SEED, row_confidence, run_suite


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m fcsim.validation",
        description="Compare fcsim with queueing theory and write the validation page.",
    )
    ap.add_argument(
        "-o",
        "--output",
        default="docs/validation.md",
        help="page to write (default: docs/validation.md); '-' to write nothing",
    )
    ap.add_argument("-r", "--replications", type=int, help="replications per case")
    ap.add_argument("-w", "--workers", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"master seed (default {SEED})")
    ap.add_argument(
        "--confidence",
        type=float,
        default=FAMILY_CONFIDENCE,
        help="confidence that every row holds at once, shared out over the rows "
        f"(default {FAMILY_CONFIDENCE})",
    )
    ap.add_argument("--quick", action="store_true", help="the small scale of the default tests")
    return ap


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    budget = QUICK if args.quick else FULL
    if args.replications is not None:
        if args.replications < 2:
            print("error: --replications must be at least 2", file=sys.stderr)
            return 2
        budget = replace(budget, replications=args.replications)
    if not 0 < args.confidence < 1 or args.workers < 1:
        print("error: --confidence must be in (0, 1) and --workers >= 1", file=sys.stderr)
        return 2
    command = "python -m fcsim.validation" + (" --quick" if args.quick else "")
    if args.replications is not None:
        command += f" -r {args.replications}"
    if args.seed != SEED:
        command += f" --seed {args.seed}"
    if args.confidence != FAMILY_CONFIDENCE:
        command += f" --confidence {args.confidence:g}"
    confidence = row_confidence(args.confidence)
    try:
        if args.workers > 1:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(args.workers, mp_context=ctx) as pool:
                rows = run_suite(budget, args.seed, confidence, executor=pool)
        else:
            rows = run_suite(budget, args.seed, confidence)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(table(rows, confidence))
    if args.output != "-":
        _write(
            Path(args.output), render(rows, budget, args.seed, args.confidence, confidence, command)
        )
        print(f"written {args.output}", file=sys.stderr)
    failed = [r for r in rows if not r.passed]
    for r in failed:
        print(f"FAILED: {r.title}: {r.label}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
