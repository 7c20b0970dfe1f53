"""Output files are replaced whole: never through a link nor over a device; a full disk is named."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from fcsim.core.errors import UsageError
from fcsim.core.files import atomic_write, write_text

from conftest import SMALL


def test_a_symbolic_link_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text("precious\n")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    with pytest.raises(UsageError, match=r"out\.json: is a symbolic link"):
        write_text(link, "{}\n")
    assert link.is_symlink() and target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.json", "out.json"]


def test_a_dangling_link_is_refused_too(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "missing.json")
    with pytest.raises(UsageError, match="is a symbolic link"):
        write_text(link, "{}\n")
    assert not (tmp_path / "missing.json").exists()


def test_a_fifo_is_refused_never_replaced(tmp_path: Path) -> None:
    # a FIFO stands for every file that is not a regular one (a device such as /dev/stdout)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="is not a regular file"):
        write_text(fifo, "{}\n")
    assert fifo.is_fifo()
    with pytest.raises(UsageError, match="is a folder"):
        write_text(tmp_path, "{}\n")


def test_a_full_disk_names_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    def full(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    path = tmp_path / "runs.parquet"
    with pytest.raises(UsageError) as err:
        atomic_write(path, full)
    assert str(err.value) == f"{path}: cannot write: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_run_refuses_a_linked_output_file_and_names_a_full_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from fcsim.cli import main

    quick = ["--set", "horizon_days=14", "-r", "1", "-w", "1", "-q"]
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "kept.json").write_text("kept\n")
    (out / "summary.json").symlink_to(tmp_path / "kept.json")
    assert main(["run", str(SMALL), "-o", str(out), *quick]) == 2
    err = capsys.readouterr().err
    assert f"fcsim: {out / 'summary.json'}: is a symbolic link" in err and "Traceback" not in err
    assert (tmp_path / "kept.json").read_text() == "kept\n"

    def no_space(self: pd.DataFrame, path: object, **kw: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", no_space)
    full = tmp_path / "full"
    assert main(["run", str(SMALL), "-o", str(full), *quick]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith(f"fcsim: {full / 'runs.parquet'}: cannot write: No space left on device")
    )
