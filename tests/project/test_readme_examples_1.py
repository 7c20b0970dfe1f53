"""The README's example commands, part 1 of 3: they run as written (`readme_examples.py`).

Each part runs its groups of commands one after the other in a scratch folder; a group's
commands run in the README's order (some use what an earlier one wrote).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from readme_examples import group_id, groups_of_file, run_as_written


@pytest.mark.parametrize("group", groups_of_file(0), ids=group_id)
def test_readme_examples_run_as_written(group: list[str], tmp_path: Path) -> None:
    run_as_written(group, tmp_path)
