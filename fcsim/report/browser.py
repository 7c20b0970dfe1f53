"""A headless Chromium for the report: check that a page draws offline, screenshots, PDF.

Place in the flow: optional, after `report/html.py` wrote a page. `fcsim report OUT
--screenshot FILE.png`, `fcsim report OUT --pdf FILE.pdf` and the browser tests use it; nothing
else needs a browser. The PDF is Chromium's print of the page: A4 landscape with page numbers
from the page's own print style sheet (`@page`), Chromium's own header and footer off. The
browser runs with a fresh empty profile and the network cut off (every host name fails to
resolve and every request goes to a closed local proxy), so a page that needed the network
would show it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fcsim.core.errors import UsageError
from fcsim.core.files import atomic_write

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # no network: names do not resolve, requests go to a closed port
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    # page console messages (uncaught errors) on stderr
    "--enable-logging=stderr",
    "--v=0",
)


MISSING = (
    "no Chromium found: install the `chromium` package (Debian, Ubuntu: apt-get install "
    "chromium), or set FCSIM_BROWSER to the command of a Chromium or Chrome"
)


def require_browser() -> str:
    """The Chromium to use; `UsageError` (exit 2) naming the package to install when none."""
    exe = find_browser()
    if exe is None:
        raise UsageError(MISSING)
    return exe


def find_browser() -> str | None:
    """The Chromium to use: `$FCSIM_BROWSER`, else the first of `CANDIDATES` on the PATH."""
    chosen = os.environ.get("FCSIM_BROWSER")
    if chosen:
        return shutil.which(chosen)
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass(frozen=True)
class BrowserRun:
    """What a headless run left: the DOM after scripts ran (if asked) and the console log."""

    dom: str
    log: str
    returncode: int

    def console_errors(self) -> list[str]:
        """Uncaught errors and `console.error` lines the page printed."""
        return [
            line
            for line in self.log.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or ":ERROR:" in line)
        ]


def run_headless(
    page: Path, *args: str, browser: str | None = None, timeout_s: float = 120
) -> BrowserRun:
    """Open `page` in headless Chromium with `args`; raise `UsageError` without a browser."""
    exe = browser or require_browser()
    with tempfile.TemporaryDirectory(prefix="fcsim-browser-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    return BrowserRun(dom=res.stdout, log=res.stderr, returncode=res.returncode)


def dump_dom(page: Path, budget_ms: int = 20_000, browser: str | None = None) -> BrowserRun:
    """The page's DOM after its scripts ran (`--dump-dom` with a virtual-time budget)."""
    return run_headless(page, f"--virtual-time-budget={budget_ms}", "--dump-dom", browser=browser)


def screenshot(
    page: Path,
    png: Path,
    width: int = 1280,
    height: int = 2400,
    budget_ms: int = 20_000,
    browser: str | None = None,
) -> Path:
    """A PNG of the top `height` pixels of the page at `width` pixels wide."""
    png.parent.mkdir(parents=True, exist_ok=True)
    run = run_headless(
        page,
        f"--window-size={width},{height}",
        f"--virtual-time-budget={budget_ms}",
        f"--screenshot={png.resolve()}",
        browser=browser,
    )
    if not png.is_file():
        raise UsageError(f"{png}: the browser wrote no screenshot ({run.log.strip()[-300:]})")
    return png


PRINT_WINDOW = (1100, 1400)
"""Window in which a page is laid out before printing: figures drawn for it fit the page."""


def print_pdf(page: Path, pdf: Path, budget_ms: int = 30_000, browser: str | None = None) -> Path:
    """`page` printed to `pdf` (written atomically) once its figures have drawn."""
    width, height = PRINT_WINDOW

    def write(tmp: Path) -> None:
        run = run_headless(
            page,
            f"--window-size={width},{height}",
            f"--virtual-time-budget={budget_ms}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp.resolve()}",
            browser=browser,
        )
        with open(tmp, "rb") as f:
            if f.read(5) != b"%PDF-":
                raise UsageError(f"{pdf}: the browser wrote no PDF ({run.log.strip()[-300:]})")

    atomic_write(pdf, write)
    return pdf
