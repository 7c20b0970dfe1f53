"""The keys a sweep or a search sets at every point: a `--set` of one of them, a key given twice,
or a grid a whole-number key cannot take is refused before anything runs (exit 2, nothing
written, not even the run store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fcsim.cli import main
from tests.conftest import SMALL

K = "strategies.own.pickers"
QUICK = ["--set", "horizon_days=14", "-r", "2", "-w", "1", "-q"]
SIZE = ["size", str(SMALL), "--key", K, "--range", "1:3", "--smallest", "late_rate<=0.1"]
SWEEP = ["sweep", str(SMALL)]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        ([*SWEEP, "--vary", f"{K}=1,2", "--set", f"{K}=3"],
         f"--set {K}=3: {K} is also set by --vary {K}=1,2 at every point"),
        ([*SWEEP, "--vary", "strategies.own={kind: self, carriers: [colissimo]}",
          "--set", f"{K}=3"], f"--set {K}=3: {K} is also set by --vary strategies.own="),
        ([*SWEEP, "--vary", "carriers[0].cutoff=15:00", "--set", "carriers.0.cutoff=14:00"],
         "carriers.0.cutoff is also set by --vary carriers[0].cutoff=15:00"),
        ([*SIZE, "--with", f"{K}=1:3"], f"--with {K}=1:3: {K} is already given by --key {K}"),
        ([*SIZE, "--with", "strategies.own.packers=1:3", "--with", "strategies.own.packers=2:4"],
         "strategies.own.packers is already given by --with strategies.own.packers=1:3"),
        ([*SIZE, "--set", f"{K}=4"], f"--set {K}=4: {K} is also set by --key {K} at every point"),
        ([*SIZE, "--step", "0.5"],
         f"--key {K}: takes whole numbers, and the grid of --range 1:3 with step 0.5 has others"),
        ([*SIZE[:5], "1:4", *SIZE[6:], "--with", "strategies.own.packers=1.0:3.0"],
         "--with strategies.own.packers=1.0:3.0: strategies.own.packers takes whole numbers"),
    ],
)  # fmt: skip
def test_a_point_key_given_twice_or_off_its_type_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    out = tmp_path / "out"
    assert main([*argv, "-o", str(out), *QUICK]) == 2
    err = capsys.readouterr().err
    assert fragment in err, err
    assert not out.exists()


def test_a_set_beside_a_varied_key_elsewhere_is_kept(tmp_path: Path) -> None:
    argv = [*SWEEP, "--vary", f"{K}=2", "--set", "strategies.own.packers=3", "-o", str(tmp_path)]
    assert main([*argv, *QUICK]) == 0
    resolved = (tmp_path / "points" / "000_pickers=2" / "scenario.yaml").read_text()
    assert "packers: 3" in resolved
