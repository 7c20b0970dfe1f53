"""Targets, PASS/FAIL, and the two files of the benchmark: RESULTS.md and results.json.

Place in the flow: last step of `python -m benchmarks`. `targets` turns the measured numbers
into PASS/FAIL lines (printed; they never change the exit status), `write` renders the
Markdown table and the JSON file atomically (temporary file, then `os.replace`), and appends
the hand-written analysis in `benchmarks/notes.md` when there is one.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

NOTES = Path(__file__).with_name("notes.md")


@dataclass(frozen=True)
class Target:
    """One performance target and its measured value."""

    name: str
    goal: str
    measured: str
    passed: bool


def targets(res: dict[str, Any]) -> list[Target]:
    """The targets, evaluated on the measured results."""
    t, full, mem, sc = res["tandem"], res["full"], res["memory"], res["scaling"]
    ag = t["agreement"]
    kept = mem["per_order"]["outcome_column_bytes_per_order"]
    objects = mem["per_order"]["live_objects_per_order"]
    year_s = full["cpu_s_median"]
    year_label = (
        f"CPU; wall {full['wall_s_median']:.0f} s on the shared machine; "
        f"{full['orders']:,} orders, {full['days']} days"
    )
    return [
        Target(
            "(b)/(a) orders/s",
            ">= 1.6",
            f"{t['ratio_b_a']['median']:.2f}",
            t["ratio_b_a"]["median"] >= 1.6,
        ),
        Target(
            "(c)/(a) orders/s",
            ">= 1.2",
            f"{full['ratio_c_a']:.2f}",
            full["ratio_c_a"] >= 1.2,
        ),
        Target(
            "one replication of the year, one core",
            "<= 60 s",
            f"{year_s:.1f} s ({year_label})",
            year_s <= 60 and full["days"] >= 365,
        ),
        Target(
            "memory kept for results",
            "<= 150 B/order, no per-order objects",
            f"{kept:.0f} B/order, {round(objects, 3) + 0.0:.3f} objects/order",  # no "-0.000"
            kept <= 150 and objects < 0.01,
        ),
        Target(
            "2 workers vs 1, 8 replications",
            ">= 1.8x",
            f"{sc['speedup']:.2f}x",
            sc["speedup"] >= 1.8,
        ),
        *_national_targets(res.get("national"), kept),
        Target(
            "SimPy events per order, full model",
            "near 5 (<= 5)",
            f"{full['events_per_order']:.2f}",
            full["events_per_order"] <= 5,
        ),
        Target(
            "(a) and (b) agree (mean order to ready)",
            "within 5 %",
            f"{ag['ready_h_mean_a']:.3f} h vs {ag['ready_h_mean_b']:.3f} h "
            f"({100 * ag['ready_rel_gap']:.1f} %)",
            ag["ready_rel_gap"] <= 0.05,
        ),
    ]


GB = 1024**3


def _national_targets(nat: dict[str, Any] | None, kept: float) -> list[Target]:
    """The national centre's targets: a year at 100,000 orders/day in 5 minutes of CPU and
    4 GB, results streamed (16 B/order), Dask identical to the local pool."""
    if nat is None:  # results of a benchmark run before this step existed
        return []
    short = f"{nat['orders']:,} orders over {nat['days']} days: {nat['cpu_s']:.0f} s CPU"
    dask = nat.get("dask")
    if dask is None:
        dask_target = Target(
            "Dask LocalCluster of 2 = local pool of 2, national centre",
            "identical results",
            "not measured: the optional extra is missing (pip install 'fcsim[dask]')",
            False,
        )
    else:
        dask_target = Target(
            "Dask LocalCluster of 2 = local pool of 2, national centre",
            "identical results",
            f"{'identical' if dask['identical'] else 'DIFFERENT'}: {dask['runs']} runs, "
            f"{dask['days']} days ({dask['dask_wall_s']:.0f} s on Dask, "
            f"{dask['local_wall_s']:.0f} s local, wall)",
            bool(dask["identical"]),
        )
    return [
        Target(
            "a year at 100,000 orders/day, one replication",
            "<= 300 s CPU",
            f"{nat['year_cpu_s_est']:.0f} s (extrapolated by orders from {short})",
            nat["year_cpu_s_est"] <= 300,
        ),
        Target(
            "peak memory of that year",
            "<= 4 GB RSS",
            f"{nat['year_rss_bytes_est'] / GB:.1f} GB (run footprint estimate; "
            f"{nat['rss_peak_bytes'] / GB:.2f} GB measured over {nat['days']} days)",
            nat["year_rss_bytes_est"] <= 4 * GB,
        ),
        Target(
            "memory kept per order once streamed",
            "<= 16 B/order",
            f"{kept:.0f} B/order (per-parcel outcome columns kept for the whole horizon)",
            kept <= 16,
        ),
        dask_target,
    ]


def _national_section(nat: dict[str, Any] | None) -> list[str]:
    if nat is None:
        return []
    dask = nat.get("dask")
    lines = [
        "## National centre (100,000 orders/day)",
        "",
        f"`scenarios/national_dc.yaml`, strategy `{nat['strategy']}`, one replication of "
        f"{nat['days']} days ({nat['orders']:,} orders) in a fresh process: {nat['cpu_s']:.1f} s "
        f"CPU ({nat['wall_s']:.1f} s wall), peak RSS {nat['rss_peak_bytes'] / GB:.2f} GB; load "
        f"average after: {nat['load']}. A year ({nat['year_orders']:,.0f} orders expected) is "
        f"not run: by orders it would take about {nat['year_cpu_s_est']:.0f} s of CPU, and its "
        f"run footprint (the estimate `fcsim run` checks before it starts) is "
        f"{nat['year_rss_bytes_est'] / GB:.1f} GB, more than this machine can spare for one "
        "run while the per-parcel outcome columns are kept for the whole horizon.",
        "",
    ]
    if dask is not None:
        lines += [
            f"Dask check (`python -m benchmarks.dask_check --days {dask['days']}`): "
            f"{dask['runs']} runs, {dask['orders']:,.0f} orders measured, "
            f"{'identical bit for bit' if dask['identical'] else 'DIFFERENT'} on a local Dask "
            f"cluster of 2 workers and the local pool of 2 ({dask['dask_wall_s']:.1f} s and "
            f"{dask['local_wall_s']:.1f} s wall).",
            "",
        ]
        lines += [f"- {d}" for d in dask["differences"]] + ([""] if dask["differences"] else [])
    return lines


def revision() -> str | None:
    """The git commit measured, with `+changes` when the working tree differs from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "fcsim"],
            cwd=root,
            capture_output=True,
            text=True,
        )
    except OSError:
        return None
    if head.returncode:
        return None
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count() or 1
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus_usable": usable,
        "python": platform.python_version(),
        "simpy": version("simpy"),
        "numpy": version("numpy"),
        "fcsim_revision": revision(),
    }


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _spread(values: list[float], fmt: str = "{:,.0f}") -> str:
    if len(values) < 2:
        return fmt.format(values[0])
    return f"{fmt.format(min(values))} - {fmt.format(max(values))}"


def markdown(res: dict[str, Any], checks: list[Target]) -> str:
    """RESULTS.md text."""
    ag = res["tandem"]["agreement"]
    m, t, full, mem, sc = (
        res["machine"],
        res["tandem"],
        res["full"],
        res["memory"],
        res["scaling"],
    )
    a, a2, b = t["reference"], t["reference_minimal_pool"], t["fcsim"]
    po = mem["per_order"]
    live = round(po["live_objects_per_order"], 4) + 0.0  # no "-0.0000"
    lines = [
        "# fcsim performance benchmark",
        "",
        "Generated by `python -m benchmarks` (see `benchmarks/__init__.py`); do not edit by hand:",
        "the analysis at the end comes from `benchmarks/notes.md`.",
        "",
        f"- Machine: {m['cpu']}, {m['cpus_usable']} usable CPUs; {m['platform']}; "
        f"Python {m['python']}, SimPy {m['simpy']}, numpy {m['numpy']}; fcsim at "
        f"{m['fcsim_revision'] or 'an unknown revision'}.",
        f"- Command: `{res['command']}`"
        + (" (smoke size: not a measurement)" if res["smoke"] else ""),
        f"- Load average (1, 5, 15 min) before: {res['load']['before']}, after: "
        f"{res['load']['after']}. The machine is shared: ratios measured in the same run count, "
        "seconds move with the load.",
        f"- Median of {res['config']['repeat']} interleaved repeats for (a)/(b); spread is "
        "min - max.",
        "",
        "## Targets",
        "",
        "| target | goal | measured | |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {c.name} | {c.goal} | {c.measured} | {'PASS' if c.passed else 'FAIL'} |" for c in checks
    ]
    lines += [
        "",
        "## Throughput",
        "",
        f"Tandem: {t['orders']:,} orders over {t['days']} days at "
        f"{t['orders_per_day']:,.0f} orders/day; full model: {full['orders']:,} orders over "
        f"{full['days']} days at {full['orders_per_day']:,.0f} orders/day.",
        "",
        "Orders per second on the CPU time of the measuring process (the machine is shared: "
        "wall time shows how much of a core the process got, not how fast the code is).",
        "",
        "| case | orders/s, CPU (median) | spread | vs (a) | orders/s, wall | SimPy events/order |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| (a) bare SimPy tandem, `simpy.Resource` | {a['orders_per_s']:,.0f} | "
        f"{_spread(a['orders_per_s_all'])} | 1.00 | {a['orders_per_wall_s']:,.0f} | "
        f"{a['events_per_order']:.2f} |",
        f"| (a') the same with a minimal counter-and-queue pool | {a2['orders_per_s']:,.0f} | "
        f"{_spread(a2['orders_per_s_all'])} | {a2['orders_per_s'] / a['orders_per_s']:.2f} | "
        f"{a2['orders_per_wall_s']:,.0f} | {a2['events_per_order']:.2f} |",
        f"| (b) fcsim, tandem scenario (`run_strategy`) | {b['orders_per_s']:,.0f} | "
        f"{_spread(b['orders_per_s_all'])} | {t['ratio_b_a']['median']:.2f} "
        f"({_spread(t['ratio_b_a']['all'], '{:.2f}')}) | {b['orders_per_wall_s']:,.0f} | "
        f"{b['events_per_order']:.2f} |",
        f"| (c) fcsim, all stages, one replication (`simulate`) | {full['orders_per_s']:,.0f} | "
        f"{_spread(full['orders_per_s_all'])} | {full['ratio_c_a']:.2f} | "
        f"{full['orders_per_wall_s']:,.0f} | {full['events_per_order']:.2f} |",
        "",
        f"(c) CPU time: {_spread(full['cpu_s_all'], '{:.1f}')} s (wall "
        f"{_spread(full['wall_s_all'], '{:.1f}')} s); staff {full['staff']}; peak RSS of the "
        "run's process "
        f"{full['rss_peak_bytes'] / 2**20:,.0f} MiB "
        f"({full['rss_peak_bytes'] / full['orders']:,.0f} B/order, including the interpreter "
        f"and libraries). (b) includes fcsim's vectorised set-up (pick and pack minutes, "
        f"packaging) and the daily carrier dispatch; (a) gets those minutes as input.",
        f"Counting events by overriding `Environment.step` costs "
        f"{100 * t['counting_overhead']:.0f} % on the reference tandem "
        f"({1e9 * t['counting_s_per_event']:.0f} ns per event: about "
        f"{100 * t['counting_share_b']:.1f} % of (b)'s time); fcsim counts its events in its own "
        "event loop instead (`fcsim/model/simclock.py`).",
        "",
        "Agreement of (a) and (b) (hours from order to parcel ready / to collection, mean and "
        f"p95): (a) {ag['ready_h_mean_a']:.3f} / {ag['ready_h_p95_a']:.3f} h ready, "
        f"{ag['ship_h_mean_a']:.2f} / {ag['ship_h_p95_a']:.2f} h collected; (b) "
        f"{ag['ready_h_mean_b']:.3f} / {ag['ready_h_p95_b']:.3f} h ready, "
        f"{ag['ship_h_mean_b']:.2f} / {ag['ship_h_p95_b']:.2f} h collected.",
        "",
        "## Memory (full model, tracemalloc)",
        "",
        f"Two sizes ({mem['small']['orders']:,} and {mem['large']['orders']:,} orders); "
        "per-order slopes between them:",
        "",
        "| what | bytes/order |",
        "| --- | --- |",
        f"| parcel outcome columns written by the model (kept for results) | "
        f"{po['outcome_column_bytes_per_order']:.0f} |",
        f"| all parcel columns (static content + outcomes) | "
        f"{po['parcel_column_bytes_per_order']:.0f} |",
        f"| order columns (input) | {po['order_column_bytes_per_order']:.0f} |",
        f"| everything the run keeps after the simulation | {po['kept_bytes_per_order']:.0f} |",
        f"| peak during simulation and KPIs | {po['peak_bytes_per_order']:.0f} |",
        f"| Python objects left alive per order | {live:.4f} |",
        "",
        "## Parallel replications",
        "",
        f"{sc['replications']} replications of the full model ({sc['days']} days, "
        f"{sc['orders_per_day']:,.0f} orders/day) with `fcsim.experiment.pipeline.execute`: "
        f"1 worker {sc['wall_1_s']:.1f} s, 2 workers {sc['wall_2_s']:.1f} s (wall): "
        f"{sc['speedup']:.2f}x; load average before / after: {sc['load_before']} / "
        f"{sc['load_after']}."
        + (
            f" CPU time: 1 worker {sc['cpu_1_s']:.1f} s, 2 workers {sc['cpu_2_s']:.1f} s in all "
            "(their start-up included), so two free cores would give about "
            f"{sc['speedup_on_free_cores_est']:.2f}x (an estimate, not the target's measurement)."
            if "cpu_1_s" in sc
            else ""
        ),
        "",
        *_national_section(res.get("national")),
        "## StaffPool against simpy.Resource",
        "",
        f"{res['pool_check']['tasks']:,} tasks, {res['pool_check']['workers']} workers, FIFO, "
        f"ties and zero-length tasks: max |start diff| "
        f"{res['pool_check']['max_start_diff_min']} min, max |end diff| "
        f"{res['pool_check']['max_end_diff_min']} min; SimPy events "
        f"{res['pool_check']['resource_events']:,} with `simpy.Resource`, "
        f"{res['pool_check']['pool_events']:,} with `StaffPool`. In-shift shortcut of the "
        f"pool against the calendar's `cal_day` / `next_working` (night shifts, breaks, "
        f"overtime, starts on shift edges and at midnight): {res['shortcut_check']['tasks']:,} "
        f"tasks, {res['shortcut_check']['day_mismatches']} day and "
        f"{res['shortcut_check']['began_mismatches']} start mismatches.",
        "",
        f"## Profile of (c) ({res['profile']['days']} days, cProfile, top by own time)",
        "",
        "```",
        res["profile"]["text"].rstrip(),
        "```",
    ]
    if NOTES.is_file():
        lines += ["", NOTES.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def write(res: dict[str, Any], checks: list[Target], out_dir: Path) -> tuple[Path, Path]:
    """Write RESULTS.md and results.json into `out_dir`."""
    data = dict(res, targets=[asdict(c) for c in checks])
    md, js = out_dir / "RESULTS.md", out_dir / "results.json"
    _atomic_write(js, json.dumps(data, indent=2, sort_keys=False) + "\n")
    _atomic_write(md, markdown(res, checks))
    return md, js
