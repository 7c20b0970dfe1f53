"""Absurd figures in an order export are refused by row, before anything is counted in 32 bits."""

from __future__ import annotations

from pathlib import Path

from fcsim.core.limits import MAX_UNITS_PER_LINE, MAX_UNITS_PER_ORDER
from fcsim.history.orders import read_history
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
