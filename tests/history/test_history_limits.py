"""Absurd figures in an order export are refused by row: huge quantities, dates far off."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fcsim.core.limits import MAX_UNITS_PER_LINE, MAX_UNITS_PER_ORDER
from fcsim.history.orders import read_history
from fcsim.history.plausible import MAX_SPAN_DAYS, latest_accepted
from fcsim.history.table import Problems

HEADER = "order_id,created_at,sku,quantity\n"


def _problems(tmp_path: Path, body: str) -> tuple[object, list[str]]:
    p = tmp_path / "o.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    problems = Problems()
    history = read_history(p, problems, source="o.csv")
    return history, [str(x) for x in problems.as_problems()]


def test_a_quantity_above_the_maximum_is_refused_and_never_wraps(tmp_path: Path) -> None:
    history, found = _problems(
        tmp_path, f"1,2025-03-03 10:00,A,{MAX_UNITS_PER_LINE}\n2,2025-03-03 11:00,A,4294967296\n"
    )
    assert found == ['o.csv:3: column "quantity": must be at most 1,000,000 (got 4294967296)']
    assert list(history.line_units) == [MAX_UNITS_PER_LINE]


def test_an_order_holding_too_many_units_is_refused_at_its_first_row(tmp_path: Path) -> None:
    lines = MAX_UNITS_PER_ORDER // MAX_UNITS_PER_LINE + 1
    body = "0,2025-03-03 09:00,A,1\n" + "".join(
        f"1,2025-03-03 10:00,S{i},{MAX_UNITS_PER_LINE}\n" for i in range(lines)
    )
    history, found = _problems(tmp_path, body)
    assert found == [
        f'o.csv:3: column "quantity": order id "1" holds {lines * MAX_UNITS_PER_LINE:,} units, '
        f"more than the {MAX_UNITS_PER_ORDER:,} an order may hold"
    ]
    assert list(history.order_id) == ["0"]  # none of the order's lines is kept


def test_dates_outside_the_window_are_refused_with_the_whole_order(tmp_path: Path) -> None:
    latest = latest_accepted()
    history, found = _problems(
        tmp_path,
        "1,2025-03-03 10:00,A,1\n"
        "2,1989-12-31 23:59,A,1\n"
        "3,9999-12-31 10:00,A,1\n3,,B,1\n"  # the order's second line takes the first's time
        f"4,{latest:%Y-%m-%d %H:%M},A,1\n",
    )
    assert found == [
        'o.csv:3: column "created_at": 1989-12-31 23:59 is before 1990-01-01: a mistyped year?',
        f'o.csv:4: column "created_at": 9999-12-31 10:00 is after {latest:%Y-%m-%d}, a year '
        "from today: a mistyped year?",
    ]
    assert sorted(history.order_id) == ["1", "4"]


def test_a_history_spanning_more_than_ten_years_names_the_far_rows(tmp_path: Path) -> None:
    days = pd.date_range("2024-01-01", periods=20, freq="D")
    body = "".join(f"{i},{d:%Y-%m-%d} 10:00,A,1\n" for i, d in enumerate(days))
    history, found = _problems(tmp_path, "x,2012-03-07 10:00,A,1\n" + body)
    assert found == [
        'o.csv:2: column "created_at": 2012-03-07 10:00 is 4,336 days before the latest order '
        "(2024-01-20 10:00, row 22), but a history may span at most 10 years: a mistyped year?"
    ]
    assert history.n_days == 20
    spread = "".join(f"{i},{2015 + i}-06-01 10:00,A,1\n" for i in range(MAX_SPAN_DAYS // 365))
    _, found = _problems(tmp_path, spread)
    assert found == []  # ten years of history are fine


def test_a_parquet_timestamp_of_ten_trillion_seconds_is_refused_before_any_day_count(
    tmp_path: Path,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    seconds = [1_741_000_000 + 3600 * i for i in range(10)]
    seconds[3] = 10**13  # year 318857
    p = tmp_path / "o.parquet"
    table = {
        "order_id": [str(i) for i in range(10)],
        "created_at": pa.array(seconds, type=pa.timestamp("s")),
        "sku": ["A"] * 10,
    }
    pq.write_table(pa.table(table), p)
    problems = Problems()
    history = read_history(p, problems, source="o.parquet")
    assert [str(x) for x in problems.as_problems()] == [
        f'o.parquet:4: column "created_at": 318857-05-20 17:46 is after '
        f"{latest_accepted():%Y-%m-%d}, a year from today: a mistyped year?"
    ]
    assert history.n == 9 and history.n_days == 1


def test_the_window_moves_with_today() -> None:
    import datetime as dt

    assert latest_accepted(dt.date(2026, 1, 5)) == pd.Timestamp("2027-01-06 23:59:59")


def test_utc_offsets_beyond_fourteen_hours_or_sixty_minutes_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text(
        "order_id,created_at,sku\n"
        "1,2025-03-03T10:00:00-14:00,A\n2,2025-03-03T10:00:00+14:00,A\n"
        "3,2025-03-03T10:00:00+99:99,A\n4,2025-03-03T10:00:00+14:01,A\n"
        "5,2025-03-03T10:00:00+0560,A\n6,2025-03-03T10:00:00+05:30,A\n",
        encoding="utf-8",
    )
    problems = Problems()
    history = read_history(p, problems, source="o.csv", timezone="UTC")
    found = [str(x) for x in problems.as_problems()]
    assert [f.split(": offsets")[0] for f in found] == [
        'o.csv:4: column "created_at": the UTC offset +99:99 is not one '
        '("2025-03-03T10:00:00+99:99")',
        'o.csv:5: column "created_at": the UTC offset +14:01 is not one '
        '("2025-03-03T10:00:00+14:01")',
        'o.csv:6: column "created_at": the UTC offset +0560 is not one '
        '("2025-03-03T10:00:00+0560")',
    ]
    assert sorted(history.order_id) == ["1", "2", "6"]
    assert [str(t)[:16] for t in history.created] == [
        "2025-03-02T20:00", "2025-03-03T04:30", "2025-03-04T00:00"
    ]  # fmt: skip
