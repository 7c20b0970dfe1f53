"""`fcsim report OUT`: rebuild `OUT/index.html` (and `results.xlsx` of `fcsim run`) from the
result files, without re-running (`fcsim run`, `sweep`, `advise` or `sensitivity` folders).

`--screenshot FILE.png` also saves a picture of the top of the page, `--pdf FILE.pdf` the page
printed on A4 landscape pages (both with headless Chromium; exit 2 naming the package when it is
missing).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from fcsim.commands.common import EXIT_OK, path_arg, positive_int
from fcsim.commands.execution import check_out_file, report_inputs


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="rebuild index.html from the result files of an output folder"
    )
    p.add_argument("out", type=path_arg, metavar="OUT", help="output folder of `fcsim run`")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the summary table")
    p.add_argument(
        "--screenshot",
        type=path_arg,
        metavar="FILE.png",
        help="also save a picture of the top of the page (needs Chromium)",
    )
    p.add_argument(
        "--pdf",
        type=path_arg,
        metavar="FILE.pdf",
        help="also print the page to a PDF, A4 landscape with page numbers (needs Chromium)",
    )
    p.add_argument(
        "--height",
        type=positive_int,
        default=2200,
        metavar="PX",
        help="height of the screenshot in pixels, 1280 wide (default: 2200)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.core.errors import UsageError
    from fcsim.report.files import read_advice, read_results, read_sensitivity

    if args.out.is_dir() and (advice := read_advice(args.out)) is not None:
        from fcsim.core.errors import visible
        from fcsim.report.advice import terminal_text, write_advice_page

        return _page(
            args,
            lambda: write_advice_page(args.out, advice),
            lambda: print(visible(terminal_text(advice), keep="\n")),
        )
    if args.out.is_dir() and (sens := read_sensitivity(args.out)) is not None:
        from fcsim.commands.sensitivity import print_tables
        from fcsim.report.sensitivity import write_sensitivity_page

        return _page(
            args, lambda: write_sensitivity_page(args.out, sens), lambda: print_tables(sens)
        )
    data = read_results(args.out)  # first: a wrong folder is told at once
    _check_pictures(args)

    from fcsim.core.files import write_text
    from fcsim.report.html import render
    from fcsim.report.terminal import summary_table

    path = args.out / "index.html"
    sweep = "vary" in data.doc
    writes = [(path, lambda: write_text(path, render(data)))]
    if not sweep:
        from fcsim.report.workbook import WORKBOOK, write_workbook

        book = args.out / WORKBOOK
        writes.append((book, lambda: write_workbook(args.out, data.doc, data.runs, data.daily)))
    for target, write in writes:
        try:
            write()
        except OSError as exc:
            raise UsageError(f"{target}: cannot be written ({exc.strerror or exc})") from None
    if not args.quiet and sweep:
        from fcsim.report.terminal import sweep_table

        print(sweep_table(data.doc))
    elif not args.quiet and data.doc.get("strategies"):
        print(summary_table(data.doc))
    print(f"Report written to {path}")
    return _pictures(args, path)


def _check_pictures(args: argparse.Namespace) -> None:
    """Refuse unwritable picture paths, and check Chromium, before anything is written."""
    check_out_file(args.screenshot, "--screenshot", report_inputs(args.out))
    check_out_file(args.pdf, "--pdf", report_inputs(args.out))
    if args.screenshot is not None or args.pdf is not None:
        from fcsim.report.browser import require_browser

        require_browser()


def _page(args: argparse.Namespace, write: Callable[[], Any], show: Callable[[], None]) -> int:
    """The page of an `fcsim advise` or `fcsim sensitivity` folder, rebuilt from its JSON:
    `write` writes index.html and returns its path, `show` prints the tables."""
    from fcsim.core.errors import UsageError

    _check_pictures(args)
    try:
        path = write()
    except OSError as exc:
        raise UsageError(f"{args.out / 'index.html'}: cannot be written ({exc})") from None
    if not args.quiet:
        show()
    print(f"Report written to {path}")
    return _pictures(args, path)


def _pictures(args: argparse.Namespace, path: Any) -> int:
    """The screenshot and the PDF of the page asked for (Chromium checked before)."""
    if args.screenshot is not None:
        from fcsim.report.browser import screenshot

        screenshot(path, args.screenshot, height=args.height)
        print(f"Screenshot written to {args.screenshot}")
    if args.pdf is not None:
        from fcsim.report.browser import print_pdf

        print_pdf(path, args.pdf)
        print(f"PDF written to {args.pdf}")
    return EXIT_OK
