"""The README's example commands, in groups that can run apart (helpers, no tests here).

A command that reads what an earlier one wrote (a `reports/...` path written with `-o` and
read afterwards) stays in the group of that earlier one, in the README's order. The groups are
dealt out to the `test_readme_examples_*.py` files, so that the test workers run them side by
side; each file runs every `len(FILES)`-th group, and all files together run every command.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import ROOT, run_in_process

README = (ROOT / "README.md").read_text(encoding="utf-8")
FILES = 3
"""How many `test_readme_examples_*.py` files share the groups."""


def readme_examples() -> list[str]:
    block = README.split("Examples (each runs", 1)[1].split("```", 2)[1]
    return [line for line in block.strip().splitlines() if line.strip()]


def _reports(command: str) -> set[str]:
    """The `reports/...` paths a command writes or reads."""
    return set(re.findall(r"reports/[^\s\"']+", command))


def example_groups() -> list[list[str]]:
    """The commands in groups: a command sharing a `reports/` path with a group joins it."""
    groups: list[list[str]] = []
    for command in readme_examples():
        paths = _reports(command)
        joined = [g for g in groups if any(paths & _reports(c) for c in g)]
        merged = [c for g in joined for c in g] + [command]
        groups = [g for g in groups if g not in joined]
        groups.append(merged)
    order = readme_examples()
    return sorted((sorted(g, key=order.index) for g in groups), key=lambda g: order.index(g[0]))


def groups_of_file(part: int) -> list[list[str]]:
    """The groups the `part`-th file (0-based) runs."""
    return example_groups()[part::FILES]


def group_id(group: list[str]) -> str:
    """A test id for a group: its first command's subcommand and the folder it writes."""
    argv = shlex.split(group[0])
    out = argv[argv.index("-o") + 1] if "-o" in argv else ""
    return "-".join(filter(None, [argv[1], Path(out).stem]))


def run_as_written(commands: list[str], tmp_path: Path) -> None:
    """Run the commands one after the other in `tmp_path`, which sees the repository's
    `scenarios/` and `tests/` folders; each must exit 0 (`fcsim check`: 1, the documented
    regression it finds) without a traceback. The default number of workers is one (above)."""
    for name in ("scenarios", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "fcsim", command
        args = []  # `scenarios/*.yaml`: expanded as the shell would
        for a in argv[1:]:
            globbed = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob(a))
            args += globbed if "*" in a else [a]
        with pytest.MonkeyPatch.context() as mp:
            for module in ("fcsim.experiment.runs", "fcsim.experiment.executors"):
                mp.setattr(f"{module}.default_workers", lambda: 1)
            res = run_in_process(*args, cwd=tmp_path)
        expected = 1 if argv[1] == "check" else 0
        assert res.returncode == expected, f"{command}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
        assert "Traceback" not in res.stderr
