"""How well `fcsim check` separates noise from regressions: false alarms and sensitivity.

Usage (from the repository root):

    python benchmarks/regression_gate.py false-alarms SCENARIO [--set K=V]... [-r R] \
        [--seeds 1-21] [-w W]
    python benchmarks/regression_gate.py sensitivity SCENARIO --knob "KEY.PATH=V1,V2,..." \
        --strategy NAME [--set K=V]... [-r R] [--seeds 1-5] [-w W]

`false-alarms` runs the unchanged scenario once per seed and judges every pair of seeds as
`fcsim baseline --seed A` followed by `fcsim check --seed B` would (unpaired, default metrics
and tolerances). It reports the share of pairs in which the check fails (at least one
strategy x metric judged regressed) and the share of single judgements that are regressions,
for consecutive pairs (1,2), (2,3), ... and for all pairs. For comparison it also judges, for
every seed, replications R..2R-1 against 0..R-1 of the same seed: different random noise on
the same scenario structure.

`sensitivity` records, for every seed, a baseline of the unchanged scenario and checks (paired,
same seed, as `fcsim check --allow-changed-scenario --set KEY.PATH=V` would) each value of the
knob (comma-separated as in `fcsim sweep --vary`: brackets keep lists together; `;` also
separates), for one strategy; it reports the mean
change of each metric, the mean half-width of its interval, and how often the check catches it
with the default tolerances and with a tolerance of +0.

Runs are cached in `$TMPDIR/fcsim-regression-gate/`, keyed by the fcsim sources, the resolved
scenario, the seed and the replications (delete the folder to start afresh).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout's fcsim, also in worker processes

import fcsim  # noqa: E402
from fcsim.experiment.pipeline import execute  # noqa: E402
from fcsim.experiment.results import runs_table  # noqa: E402
from fcsim.experiment.runs import RunSpec, plan  # noqa: E402
from fcsim.experiment.sweep import split_values  # noqa: E402
from fcsim.regression.judge import (  # noqa: E402
    DEFAULT_METRICS,
    REGRESSED,
    Tolerance,
    default_tolerance,
    judge_all,
)
from fcsim.scenario.load import load_scenario  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "fcsim-regression-gate"


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def _code() -> str:
    """Hash of the fcsim sources: cached runs are reused only for the same model code."""
    root = Path(fcsim.__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _runs(
    path: str, overrides: list[str], seed: int, reps: range, strategies: list[str] | None, w: int
) -> pd.DataFrame:
    """Runs table of one seed and range of replications (cached)."""
    sc = load_scenario(path, overrides)
    names = strategies or list(sc.strategies)
    key = f"{_code()}-{sc.content_hash()}-{seed}-{reps.start}-{reps.stop}-{','.join(names)}"
    file = CACHE / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.parquet"
    if file.is_file():
        return pd.read_parquet(file)
    base = plan(sc, 1, seed)
    specs = [RunSpec(sc, s.strategy, r, seed) for r in reps for s in base if s.strategy in names]
    t0 = time.perf_counter()
    runs = runs_table(execute(specs, w))
    print(
        f"  seed {seed} reps {reps.start}-{reps.stop - 1}: {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )
    CACHE.mkdir(exist_ok=True)
    runs.to_parquet(file, index=False)
    return runs


def _values(runs: pd.DataFrame, metrics: tuple[str, ...]) -> dict[str, dict[str, list]]:
    return {
        str(s): {m: g.sort_values("replication")[m].to_numpy(dtype=float).tolist() for m in metrics}
        for s, g in runs.groupby("strategy", sort=False)
    }


def _rates(pairs: list[tuple[dict, dict]], paired: bool) -> tuple[int, int, int, int, dict]:
    tol = {m: default_tolerance(m) for m in DEFAULT_METRICS}
    failed = flagged = total = 0
    which: dict[str, int] = {}
    for a, b in pairs:
        js = judge_all(a, b, DEFAULT_METRICS, tol, paired)
        bad = [j for j in js if j.verdict == REGRESSED]
        failed += bool(bad)
        flagged += len(bad)
        total += len(js)
        for j in bad:
            which[f"{j.strategy}.{j.metric}"] = which.get(f"{j.strategy}.{j.metric}", 0) + 1
    return failed, len(pairs), flagged, total, which


def false_alarms(args: argparse.Namespace) -> None:
    seeds = _seeds(args.seeds)
    r = args.replications
    runs = {
        s: _values(_runs(args.scenario, args.set, s, range(r), None, args.workers), DEFAULT_METRICS)
        for s in seeds
    }
    print(
        f"false alarms, {args.scenario} {' '.join(args.set)}, {r} replications, "
        f"seeds {args.seeds}, default metrics and tolerances"
    )
    cases = {
        "consecutive seed pairs": [(runs[a], runs[b]) for a, b in itertools.pairwise(seeds)],
        "all seed pairs": [(runs[a], runs[b]) for a, b in itertools.combinations(seeds, 2)],
    }
    for name, pairs in cases.items():
        failed, n, flagged, total, which = _rates(pairs, paired=False)
        print(
            f"  {name}: check failed in {failed}/{n} = {failed / n:.1%}; "
            f"{flagged}/{total} = {flagged / total:.2%} of judgements regressed"
        )
        for k, v in sorted(which.items(), key=lambda kv: -kv[1])[:6]:
            print(f"      {k}: {v}")
    if args.noise_only:
        other = {
            s: _values(
                _runs(args.scenario, args.set, s, range(r, 2 * r), None, args.workers),
                DEFAULT_METRICS,
            )
            for s in seeds
        }
        failed, n, flagged, total, which = _rates(
            [(runs[s], other[s]) for s in seeds], paired=False
        )
        print(
            f"  same seed, replications {r}-{2 * r - 1} vs 0-{r - 1}: check failed in "
            f"{failed}/{n} = {failed / n:.1%}; {flagged}/{total} = {flagged / total:.2%} "
            "of judgements regressed"
        )
        for k, v in sorted(which.items(), key=lambda kv: -kv[1])[:6]:
            print(f"      {k}: {v}")


def sensitivity(args: argparse.Namespace) -> None:
    seeds = _seeds(args.seeds)
    key, _, values = args.knob.partition("=")
    tol = {m: default_tolerance(m) for m in DEFAULT_METRICS}
    zero = dict.fromkeys(DEFAULT_METRICS, Tolerance(0.0, relative=False))
    strat = [args.strategy]
    r = args.replications
    base = {
        s: _values(
            _runs(args.scenario, args.set, s, range(r), strat, args.workers), DEFAULT_METRICS
        )
        for s in seeds
    }
    print(
        f"sensitivity, {args.scenario} {' '.join(args.set)}, strategy {args.strategy}, "
        f"{r} replications, seeds {args.seeds}, paired, default tolerances"
    )
    print(f"  {key}")
    print(
        f"  {'value':<24} {'metric':<26} {'mean change':>12} {'CI half-width':>14} "
        f"{'tolerance':>10} {'caught':>8} {'at +0':>6}"
    )
    for v in values.split(";") if ";" in values else split_values(values):
        over = [*args.set, f"{key}={v}"]
        rows: dict[str, list] = {m: [] for m in DEFAULT_METRICS}
        caught_at_zero = dict.fromkeys(DEFAULT_METRICS, 0)
        for s in seeds:
            new = _values(
                _runs(args.scenario, over, s, range(r), strat, args.workers), DEFAULT_METRICS
            )
            for j in judge_all(base[s], new, DEFAULT_METRICS, tol, paired=True):
                rows[j.metric].append(j)
            for j in judge_all(base[s], new, DEFAULT_METRICS, zero, paired=True):
                caught_at_zero[j.metric] += j.verdict == REGRESSED
        for m, js in rows.items():
            caught = sum(j.verdict == REGRESSED for j in js)
            change = sum(j.change for j in js) / len(js)
            half = sum((j.change_ci_high - j.change_ci_low) / 2 for j in js) / len(js)
            tol_mean = sum(j.tolerance for j in js) / len(js)
            print(
                f"  {v[:24]:<24} {m:<26} {change:>+12.4g} {half:>14.3g} {tol_mean:>10.3g} "
                f"{caught:>4}/{len(js)} {caught_at_zero[m]:>4}/{len(js)}"
            )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="what", required=True)
    for name in ("false-alarms", "sensitivity"):
        q = sub.add_parser(name)
        q.add_argument("scenario")
        q.add_argument("--set", action="append", default=[])
        q.add_argument("-r", "--replications", type=int, default=3)
        q.add_argument("-w", "--workers", type=int, default=1)
        q.add_argument("--seeds", default="1-21" if name == "false-alarms" else "1-5")
        if name == "sensitivity":
            q.add_argument("--knob", required=True)
            q.add_argument("--strategy", required=True)
        else:
            q.add_argument(
                "--noise-only",
                action="store_true",
                help="also judge other replications of the same seed",
            )
    args = p.parse_args()
    print(f"fcsim from {Path(fcsim.__file__).parent}", file=sys.stderr)
    (false_alarms if args.what == "false-alarms" else sensitivity)(args)


if __name__ == "__main__":
    main()
