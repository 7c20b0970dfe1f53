"""Bad data through the command line, `fcsim inspect-data`, and the shipped history scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

BAD = ROOT / "tests" / "bad_data"
CASES = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))


def test_the_bad_data_corpus_is_large_enough() -> None:
    assert len(CASES) >= 15
    assert all((BAD / name).is_file() for name in CASES)


def test_every_broken_file_is_refused_with_its_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file through `fcsim run`: exit 2, the expected lines, no traceback, nothing written."""
    from fcsim.cli import main

    monkeypatch.chdir(ROOT)
    failures = []
    for name, case in CASES.items():
        out = tmp_path / name
        path = (BAD / name).relative_to(ROOT).as_posix()
        status = main(
            ["run", "tests/bad_data/scenario.yaml", "--set", f"{case['set']}={path}",
             "-o", str(out), "-q", "-w", "1"]
        )  # fmt: skip
        err = capsys.readouterr().err
        missing = [e for e in case["expect"] if e.format(file=path) not in err]
        if status != 2 or missing or "Traceback" in err or out.exists():
            failures.append(f"{name}: status {status}, missing {missing}, stderr:\n{err}")
    assert not failures, "\n".join(failures)


def test_a_broken_file_in_a_real_process_gives_exit_2_and_no_traceback(tmp_path: Path) -> None:
    # A real process: the exit status of `python -m fcsim` itself and everything it writes on
    # its stderr until the interpreter exits (the test above runs every file in this process).
    out = tmp_path / "out"
    res = run_cli(
        "run", "tests/bad_data/scenario.yaml", "--set",
        "demand.orders=tests/bad_data/quantity_not_number.csv", "-o", str(out), "-q",
    )  # fmt: skip
    assert res.returncode == 2
    assert 'quantity_not_number.csv:3: column "quantity": not a number ("two")' in res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert not out.exists()


def test_inspect_data_prints_and_writes_what_it_learned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fcsim.cli import main

    monkeypatch.chdir(ROOT)
    page = tmp_path / "sample.html"
    status = main(
        ["inspect-data", "scenarios/data/apparel_orders.csv", "-o", str(page),
         "--timezone", "Europe/Paris", "--products", "scenarios/data/apparel_products.csv"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 0, err
    assert err == ""
    for title in ("Orders per day by weekday", "Orders per day by month", "Lines per order",
                  "ABC curve", "Top SKUs", "Destinations by zone"):  # fmt: skip
        assert title in out
        assert title in page.read_text(encoding="utf-8")
    assert "4,429" in out  # orders in the sample export
    assert "{zone: domestic, share: 0.8" in out


def test_inspect_data_lists_problems_by_row_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fcsim.cli import main

    monkeypatch.chdir(ROOT)
    page = tmp_path / "bad.html"
    status = main(
        ["inspect-data", "tests/bad_data/sku_unknown.csv", "-o", str(page),
         "--products", "tests/bad_data/good_products.csv"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert status == 2
    assert 'tests/bad_data/sku_unknown.csv:4: column "sku": SKU "X-9" is not in' in err
    assert "Data problems: 1" in out
    assert "X-9" in page.read_text(encoding="utf-8")


def test_inspect_data_column_option_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    from fcsim.cli import main

    status = main(["inspect-data", "scenarios/data/apparel_orders.csv", "--column", "colour=X"])
    assert status == 2
    assert "expected FIELD=HEADER" in capsys.readouterr().err


def test_the_shipped_history_scenario_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    from fcsim.scenario.load import load_scenario

    monkeypatch.chdir(ROOT / "tests")  # data paths are relative to the scenario, not to here
    sc = load_scenario(ROOT / "scenarios" / "history_apparel.yaml")
    assert sc.demand.kind == "history" and Path(sc.demand.orders).is_file()
    assert Path(sc.catalogue.from_).is_file()


def test_the_sample_export_is_what_its_script_makes(tmp_path: Path) -> None:
    import subprocess
    import sys

    # A real process: the script as its docstring says to run it (`python make_sample.py -o
    # DIR`), a file outside the package that nothing imports.
    script = ROOT / "scenarios" / "data" / "make_sample.py"
    subprocess.run([sys.executable, str(script), "-o", str(tmp_path)], check=True,
                   capture_output=True)  # fmt: skip
    for name in ("apparel_orders.csv", "apparel_products.csv"):
        assert (tmp_path / name).read_bytes() == (script.parent / name).read_bytes(), name


ABSURD = {  # broken file -> line inspect-data must print (like `fcsim run`, no traceback)
    "quantity_barcode.csv": '{file}:3: column "quantity": must be at most 1,000,000',
    "date_far_future.csv": '{file}:6: column "created_at": 9999-12-31 10:00 is after',
    "date_mistyped_year.csv": '{file}:6: column "created_at": 2001-03-07 10:00 is 8,769 days',
    "offset_out_of_range.csv": '{file}:4: column "created_at": the UTC offset +99:99 is not one',
}


@pytest.mark.parametrize("name", sorted(ABSURD))
def test_inspect_data_refuses_absurd_values_by_row(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fcsim.cli import main

    monkeypatch.chdir(ROOT)
    path = f"tests/bad_data/{name}"
    status = main(["inspect-data", path, "-o", str(tmp_path / "page.html")])
    out, err = capsys.readouterr()
    assert status == 2, err
    assert "Traceback" not in out + err and "a run failed" not in err, err
    assert ABSURD[name].format(file=path) in err, err
