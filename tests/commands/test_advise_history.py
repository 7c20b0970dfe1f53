"""`fcsim advise` on demand from an order history: a volume sets `demand.growth`.

The shipped history scenario resamples a shop's 2025 orders (bootstrap, 25 % growth): its own
volume is the history's orders a day times 1.25; a volume V sets the growth that gives V orders
a day (a round trip through the loader finds V again), the command sizes on it and records the
override with every entry, a sized entry re-run alone with `fcsim run --set` (its volume's
growth and its setting) gives the confirmed figures, and a replayed history (one volume only)
or a volume beyond the growth's bounds is refused before anything runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_in_process

HISTORY = ROOT / "scenarios" / "history_apparel.yaml"
FAST = ("--set", "horizon_days=35", "--set", "warmup_days=7", "--set", "drain_days=7")


def test_a_volume_sets_the_growth_that_gives_it() -> None:
    from fcsim.experiment.loading import load_scenario
    from fcsim.experiment.volume_axis import volume_axis

    base = load_scenario(HISTORY)
    axis = volume_axis(base)
    history = base.data.history_for(base.demand)
    assert axis.key == "demand.growth" and axis.growth == 0.25
    assert axis.base == pytest.approx(history.n / history.n_days * 1.25)
    for volume in (4.0, 15.0, 60.0):
        moved = load_scenario(HISTORY, [axis.override(volume)])
        assert volume_axis(moved).base == pytest.approx(volume, rel=1e-12)
    fitted = load_scenario(HISTORY, ["demand.mode=fit"])
    axis = volume_axis(fitted)
    moved = load_scenario(HISTORY, ["demand.mode=fit", axis.override(30.0)])
    assert volume_axis(moved).base == pytest.approx(30.0, rel=1e-12)


def test_advise_sizes_a_history_and_its_entries_rerun_alone(tmp_path: Path) -> None:
    out = tmp_path / "advice"
    res = run_in_process(
        "advise", HISTORY, "--volumes", "10,30", "--strategy", "outsourced_3pl",
        "--target", "late_rate<=40%", "--target", "unfinished_rate<=10%",
        "-r", "2", "-w", "1", *FAST, "-o", out,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads((out / "advice.json").read_text(encoding="utf-8"))
    assert doc["volume_key"] == "demand.growth"
    sets = {z["volume"]: z["volume_set"] for z in doc["sizings"]}
    assert set(sets) == {10.0, 30.0}
    growth = {v: float(s.partition("=")[2]) for v, s in sets.items()}
    assert growth[30.0] + 1 == pytest.approx(3 * (growth[10.0] + 1))
    (z,) = [z for z in doc["sizings"] if z["volume"] == 30.0]
    assert z["feasible"], z
    alone = tmp_path / "alone"
    args = ["run", HISTORY, "-r", "2", "-w", "1", "--no-report", "-q", *FAST, "-o", alone]
    for s in [z["volume_set"], *z["set"]]:
        args += ["--set", s]
    ran = run_in_process(*args)
    assert ran.returncode == 0, ran.stderr
    got = json.loads((alone / "summary.json").read_text(encoding="utf-8"))["strategies"]
    for metric in ("cost_per_order_eur", "late_rate"):
        assert got["outsourced_3pl"][metric]["mean"] == pytest.approx(z["metrics"][metric]["mean"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--set", "demand.mode=replay", "--set", "demand.growth=0"), "replayed as they were"),
        (("--volumes", "1000"), "out of reach"),
        (("--set", "demand.growth=1", "--volumes", "20"), "is also set by --volumes"),
    ],
)
def test_what_a_history_cannot_advise_is_refused(tmp_path: Path, args, message) -> None:
    res = run_in_process("advise", HISTORY, *args, "-o", tmp_path / "out")
    assert res.returncode == 2, res.stderr
    assert message in res.stderr
    assert not (tmp_path / "out").exists()
