"""The bad-scenario corpus: every broken file gives exit 2, its line, its message, no traceback.

Each file in `tests/bad_scenarios/` starts with comment lines saying what is wrong and what
fcsim must answer:

    # expect: LINE: FRAGMENT          a problem at LINE of this file whose message has FRAGMENT
    # expect: FILE:LINE: FRAGMENT     the same, in another file (a base it extends)
    # expect: --set: FRAGMENT         a problem of a --set override (no line)
    # args: --set KEY=VALUE           extra command-line arguments

Every case goes through `fcsim validate` and `fcsim run`; `run` must write nothing. The cases
without arguments also go through one `fcsim validate` process, as a user would run them.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from fcsim.cli import main
from fcsim.scenario.yamlfile import MAX_FILE_BYTES

from conftest import ROOT, run_in_process

BAD = ROOT / "tests" / "bad_scenarios"


@dataclass(frozen=True)
class Case:
    path: Path
    args: tuple[str, ...]
    expects: tuple[tuple[str | None, int | None, str], ...]  # (file, line, fragment)

    @property
    def id(self) -> str:
        return self.path.stem


def read_case(path: Path) -> Case:
    """The expectations written in the header comments of a case file."""
    args: list[str] = []
    expects = []
    for raw in path.read_bytes().split(b"\n"):
        if not raw.startswith(b"#"):
            break
        line = raw.decode("utf-8")
        if line.startswith("# args:"):
            args = shlex.split(line.removeprefix("# args:"))
        elif line.startswith("# expect:"):
            spec = line.removeprefix("# expect:").strip()
            if spec.startswith("--set:"):
                expects.append((None, None, spec.removeprefix("--set:").strip()))
                continue
            where, fragment = spec.split(": ", 1)
            file, _, number = where.rpartition(":")
            expects.append((file or path.name, int(number), fragment))
    return Case(path, tuple(args), tuple(expects))


CASES = [read_case(p) for p in sorted(BAD.glob("*.yaml"))]


def missing_expectations(case: Case, stderr: str) -> list[str]:
    """The expectations of `case` that no line of `stderr` meets."""
    lines = stderr.splitlines()
    missing = []
    for file, number, fragment in case.expects:
        if file is None:
            hit = any(ln.startswith("--set ") and fragment in ln for ln in lines)
        else:
            rx = re.compile(rf"(^|/){re.escape(file)}:{number}:\d+: .*{re.escape(fragment)}")
            hit = any(rx.search(ln) for ln in lines)
        if not hit:
            missing.append(f"{file or '--set'}:{number}: {fragment}")
    return missing


def test_the_corpus_is_large_and_every_case_says_what_it_expects() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert case.expects, f"{case.path.name} has no `# expect:` line"
        assert all(n is None or n >= 1 for _, n, _ in case.expects)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_and_run_refuse_the_case(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)  # anything written would land here
    for argv in (
        ["validate", str(case.path), *case.args],
        ["run", str(case.path), *case.args, "-o", str(tmp_path / "out"), "-q", "-w", "1"],
    ):
        status = main(argv)
        out, err = capsys.readouterr()
        assert status == 2, f"{argv[0]}: exit {status}\n{err}"
        assert "Traceback" not in out + err
        assert not missing_expectations(case, err), f"{argv[0]}:\n{err}"
    assert list(tmp_path.iterdir()) == [], "fcsim run wrote something"


def test_one_validate_command_reports_every_case() -> None:
    plain = [c for c in CASES if not c.args]
    res = run_in_process("validate", *(str(c.path.relative_to(ROOT)) for c in plain))
    assert res.returncode == 2
    assert "Traceback" not in res.stdout + res.stderr
    for case in plain:
        assert not missing_expectations(case, res.stderr), case.path.name


def test_an_oversize_file_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as fh:
        fh.write("name: big\ndescription: >\n")
        line = "  " + "x" * 1022 + "\n"
        for _ in range(MAX_FILE_BYTES // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size > MAX_FILE_BYTES
    monkeypatch.chdir(tmp_path)
    for argv in (["validate", str(big)], ["run", str(big), "-o", str(tmp_path / "out")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert re.search(r"big\.yaml:1:1: the file is 5\.\d MB, above the 5 MB limit", err), err
    assert not (tmp_path / "out").exists()
