"""Shared fixtures: paths of the test scenarios and a helper to run the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "scenarios" / "small.yaml"

# Property tests: derandomised with at least 200 examples in CI (CI=true), fewer locally.
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


@pytest.fixture
def small_path() -> Path:
    return SMALL


@pytest.fixture(scope="session")
def small_scenario():
    from fcsim.scenario.load import load_scenario

    return load_scenario(SMALL)


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run `python -m fcsim ARGS` in a subprocess and capture its output."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run(
        [sys.executable, "-m", "fcsim", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
