"""A damaged line in the run store's manifest: skipped with a warning naming the file and the
line, every readable entry kept, so `--resume` reuses the runs it can still read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fcsim.cli import main
from fcsim.experiment.store import MANIFEST, STORE_DIR, RunStore
from tests.conftest import SMALL

RUN = ["run", str(SMALL), "--set", "horizon_days=14", "-r", "2", "-w", "1", "--no-report"]


@pytest.fixture(scope="module")
def stored_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of `RUN`, run store included, made once for the module."""
    out = tmp_path_factory.mktemp("store") / "X"
    assert main([*RUN, "-q", "-o", str(out)]) == 0
    return out


@pytest.fixture
def stored(stored_once: Path, tmp_path: Path) -> Path:
    """A copy of `stored_once` for one test to damage."""
    return Path(shutil.copytree(stored_once, tmp_path / "X", symlinks=True))


def _damage(manifest: Path, at: int, line: bytes) -> None:
    lines = manifest.read_bytes().split(b"\n")
    lines.insert(at, line)
    manifest.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("line", [b"\xff\xfe not UTF-8", b'{"hash": ', b"[" * 100_000])
def test_a_damaged_manifest_line_is_skipped_and_the_others_kept(
    stored: Path, capsys: pytest.CaptureFixture[str], line: bytes
) -> None:
    manifest = stored / STORE_DIR / MANIFEST
    _damage(manifest, 2, line)
    store = RunStore(stored, resume=True)
    assert len(store.entries) == 8 and store.unreadable == [3]
    capsys.readouterr()
    assert main([*RUN, "--resume", "-o", str(stored)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {manifest}: line 3 cannot be read" in err
    assert "resuming: 8 run(s) already done, 0 to run" in err


def test_a_last_line_cut_short_is_skipped_without_a_warning(stored: Path) -> None:
    manifest = stored / STORE_DIR / MANIFEST
    manifest.write_bytes(manifest.read_bytes() + b'{"hash": "ab')  # a killed process
    store = RunStore(stored, resume=True)
    assert len(store.entries) == 8 and store.unreadable == []
