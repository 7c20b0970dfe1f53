"""`fcsim inspect-data ORDERS [-o OUT]`: what fcsim learns from an order export.

Place in the flow: outside the simulation. Reads an order history the way a scenario's
`demand: {kind: history}` does (`fcsim.history.orders`), prints orders per day by weekday and
month, lines per order, top SKUs and the ABC curve, destinations by zone, the fitted model, and
every data problem with its row (`orders.csv:ROW: column "quantity": not a number ("two")`) on
stderr; writes the same as a small HTML page. Exit status 0 when the file has no problems, 2
when it has some (the summary then covers the good rows) or cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from fcsim.commands.common import EXIT_OK, EXIT_USAGE, path_arg
from fcsim.commands.execution import check_out_file
from fcsim.core.errors import UsageError, not_a_file


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect-data",
        help="summarise an order export and list its data problems",
        description="Read an order export (CSV or Parquet, one row per order line) as a "
        "scenario's history demand would, print what was learned and every data problem by "
        "row, and write the summary as an HTML page. Exit 2 when the data has problems.",
    )
    p.add_argument(
        "orders", type=path_arg, metavar="ORDERS", help="order export (.csv or .parquet)"
    )
    p.add_argument(
        "-o", "--out", type=path_arg, help="HTML page to write (default: reports/data/<name>.html)"
    )
    p.add_argument(
        "--column",
        dest="columns",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="the column holding a field, e.g. --column order_id='Order Number' (fields: "
        "order_id, created_at, sku, quantity, unit_price, country, postcode, shipping_method)",
    )
    p.add_argument("--timezone", help="IANA time zone of the shop, e.g. Europe/Paris")
    p.add_argument("--date-format", help="strftime format of the times, e.g. '%%d/%%m/%%Y %%H:%%M'")
    p.add_argument("--products", type=path_arg, help="product file: report SKUs missing from it")
    p.set_defaults(func=run)


def _options(args: argparse.Namespace) -> dict:
    """Check the options as a scenario's `demand:` would be checked."""
    from pydantic import ValidationError

    from fcsim.history.columns import ORDER_FIELDS
    from fcsim.scenario.schema.history import HistoryDemand

    columns: dict[str, str] = {}
    for item in args.columns:
        field, sep, header = item.partition("=")
        if not sep or field.strip() not in ORDER_FIELDS or not header.strip():
            raise UsageError(
                f"--column {item}: expected FIELD=HEADER with FIELD one of "
                f"{', '.join(ORDER_FIELDS)}"
            )
        field, header = field.strip(), header.strip()
        if field in columns:
            raise UsageError(f"--column {item}: {field} is given twice")
        if header in columns.values():
            raise UsageError(f"--column {item}: column {header!r} is already given to a field")
        columns[field] = header
    try:
        HistoryDemand(
            kind="history",
            orders=str(args.orders),
            columns=columns,
            timezone=args.timezone,
            date_format=args.date_format,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "/".join(str(p) for p in err["loc"])
        raise UsageError(f"{where}: {err['msg'].removeprefix('Value error, ')}") from None
    return columns


def run(args: argparse.Namespace) -> int:
    from fcsim.history.checks import missing_from_products
    from fcsim.history.orders import read_history
    from fcsim.history.page import render_html
    from fcsim.history.products import read_products
    from fcsim.history.summary import render_text, summarise
    from fcsim.history.table import Problems

    columns = _options(args)
    if not args.orders.is_file():
        raise UsageError(f"{args.orders}: {not_a_file(args.orders)}")
    if args.products is not None and not args.products.is_file():
        raise UsageError(f"--products {args.products}: {not_a_file(args.products)}")
    out = args.out or Path("reports") / "data" / f"{args.orders.stem}.html"
    check_out_file(
        out, "-o", [("the order export", args.orders), ("the --products file", args.products)]
    )
    problems = Problems()
    history = read_history(
        args.orders,
        problems,
        columns=columns,
        date_format=args.date_format,
        timezone=args.timezone,
        hint="--column ",
    )
    if history is not None and args.products is not None:
        products = read_products(args.products, problems, None, hint="--products column ")
        if products is not None:
            missing_from_products(history, products, problems)
    listed = [str(p) for p in problems.as_problems()]
    for line in listed:
        print(line, file=sys.stderr)
    if history is None:
        return EXIT_USAGE
    summary = summarise(history, listed, problems.count(), args.timezone)
    print(render_text(summary))
    _write(out, render_html(summary))
    print(f"Summary page: {out}")
    return EXIT_USAGE if problems else EXIT_OK


def _write(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
