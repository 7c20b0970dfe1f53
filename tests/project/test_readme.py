"""Every command of the README works as written.

The example commands are run one after the other (some use what an earlier one wrote) in a
scratch folder that sees the repository's `scenarios/` and `tests/` folders, so the reports
they write do not land in the repository. They run in independent groups (a command that reads
what an earlier one wrote stays with it, in order), spread over the `test_readme_examples_*.py`
files so that the test workers share them; this file checks that the groups cover every
command once.
"""

from __future__ import annotations

import re

import pytest
from readme_examples import FILES, README, example_groups, groups_of_file, readme_examples

from conftest import ROOT


def test_the_quick_start_lines_are_the_documented_ones() -> None:
    assert 'python -m pip install -e ".[dev]" && python run_sim.py' in README
    assert 'python -m pip install -e ".[dev]" && python -m pytest' in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'python -m pip install -e ".[dev]"' in ci and "python -m pytest" in ci


def test_the_example_groups_run_every_command_once_in_the_readme_order() -> None:
    commands = readme_examples()
    assert len(commands) >= 8
    files = sorted((ROOT / "tests" / "project").glob("test_readme_examples_*.py"))
    assert len(files) == FILES, files
    run = [c for part in range(FILES) for g in groups_of_file(part) for c in g]
    assert sorted(run) == sorted(commands)
    for group in example_groups():
        assert group == [c for c in commands if c in group]  # the README's order
    # what an earlier command wrote is read in the same group: `fcsim report` of a `run`'s
    # folder, `fcsim check` of a `baseline`'s file
    for reader in ("fcsim report ", "fcsim check "):
        (group,) = [g for g in example_groups() if any(c.startswith(reader) for c in g)]
        assert len(group) >= 2 and not group[0].startswith(reader), group


@pytest.mark.parametrize("link", re.findall(r"\]\(((?:docs|benchmarks)/[^)#]+)\)", README))
def test_readme_links_exist(link: str) -> None:
    assert (ROOT / link).exists(), link
