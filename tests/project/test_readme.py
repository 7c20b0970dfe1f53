"""Every command of the README works as written.

The example commands are run one after the other (some use what an earlier one wrote) in a
scratch folder that sees the repository's `scenarios/` and `tests/` folders, so the reports
they write do not land in the repository.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import ROOT, run_in_process

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_examples() -> list[str]:
    block = README.split("Examples (each runs", 1)[1].split("```", 2)[1]
    return [line for line in block.strip().splitlines() if line.strip()]


def test_the_quick_start_lines_are_the_documented_ones() -> None:
    assert 'python -m pip install -e ".[dev]" && python run_sim.py' in README
    assert 'python -m pip install -e ".[dev]" && python -m pytest' in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'python -m pip install -e ".[dev]"' in ci and "python -m pytest" in ci


def test_readme_examples_run_as_written(tmp_path: Path) -> None:
    for name in ("scenarios", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    commands = readme_examples()
    assert len(commands) >= 8
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "fcsim", command
        args = []  # `scenarios/*.yaml`: expanded as the shell would
        for a in argv[1:]:
            globbed = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob(a))
            args += globbed if "*" in a else [a]
        res = run_in_process(*args, cwd=tmp_path)
        expected = 1 if argv[1] == "check" else 0
        assert res.returncode == expected, f"{command}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
        assert "Traceback" not in res.stderr


@pytest.mark.parametrize("link", re.findall(r"\]\(((?:docs|benchmarks)/[^)#]+)\)", README))
def test_readme_links_exist(link: str) -> None:
    assert (ROOT / link).exists(), link
