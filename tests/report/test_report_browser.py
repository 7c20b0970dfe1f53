"""The report in a real browser: headless Chromium with the network cut off.

Every figure must draw (plotly's `main-svg` elements against the number of figures), no script
may fail, user strings must show as text. Skipped only when no Chromium is installed
(`.ci/run` installs Debian's `chromium`).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from fcsim.report.browser import BrowserRun, dump_dom, find_browser
from fcsim.report.files import ReportData
from fcsim.report.html import render

from conftest import SMALL, run_in_process

XSS_NAME = "<script>alert(1)</script>"
XSS_DESC = "Shop <img src=x onerror=alert(2)> & <b>co</b>"
ALERT_RECORDER = (
    "<script>window.alert = function (m) {"
    ' document.documentElement.setAttribute("data-alerted", String(m)); };</script>'
)

pytestmark = pytest.mark.skipif(find_browser() is None, reason="no Chromium installed")


def _html_attrs(dom: str) -> dict[str, str]:
    tag = re.search(r"<html([^>]*)>", dom)
    assert tag, dom[:300]
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(1)))


def _check_drawn(page: Path, run: BrowserRun) -> int:
    """Every figure of `page` drew in `run`, without a script error; the number of figures."""
    n = page.read_text(encoding="utf-8").count('class="plotly-graph-div"')
    assert n > 0
    attrs = _html_attrs(run.dom)
    assert attrs.get("data-figures") == str(n), attrs
    assert attrs.get("data-figures-drawn") == str(n), attrs
    assert attrs.get("data-script-errors") == "0", attrs
    assert run.dom.count('class="main-svg"') >= n
    assert run.console_errors() == []
    assert 'id="render-warning" class="warning" hidden' in run.dom
    return n


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BrowserRun]:
    """The report of the small scenario (2 replications) renamed `<script>alert(1)</script>`,
    with an `alert` recorder put in front of the page, and its DOM after a headless run."""
    folder = tmp_path_factory.mktemp("browser")
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace("name: small", f"name: '{XSS_NAME}'\ndescription: '{XSS_DESC}'", 1)
    scenario = folder / "xss.yaml"
    scenario.write_text(text, encoding="utf-8")
    out = folder / "out"
    res = run_in_process("run", str(scenario), "-o", str(out), "-r", "2", "-w", "1", "-q")
    assert res.returncode == 0, res.stderr
    page = folder / "index.html"
    source = (out / "index.html").read_text(encoding="utf-8")
    page.write_text(source.replace("<head>", "<head>" + ALERT_RECORDER, 1), encoding="utf-8")
    return page, dump_dom(page)


def test_small_report_draws_every_figure_offline(hostile: tuple[Path, BrowserRun]) -> None:
    page, run = hostile
    # KPIs, differences, costs, monthly cost, lead times, late deliveries, why late, daily
    # flow, utilisation
    assert _check_drawn(page, run) == 9


def test_hostile_names_show_as_text(hostile: tuple[Path, BrowserRun]) -> None:
    _, run = hostile
    assert "data-alerted" not in _html_attrs(run.dom)
    h1 = re.search(r"<h1>(.*?)</h1>", run.dom, re.S)
    assert h1 and html.unescape(h1.group(1)) == XSS_DESC  # the description's first line
    title = re.search(r"<title>(.*?)</title>", run.dom, re.S)
    assert title and title.group(1).startswith(html.escape(XSS_DESC, quote=False))
    kicker = re.search(r'<div class="kicker">(.*?)</div>', run.dom, re.S)
    assert kicker and html.unescape(kicker.group(1)).endswith(f"scenario {XSS_NAME}")
    desc = re.search(r'<p class="desc">(.*?)</p>', run.dom, re.S)
    assert desc and html.unescape(desc.group(1)) == XSS_DESC
    assert "<img" not in run.dom


def test_sweep_page_draws_with_labels_as_text(tmp_path: Path) -> None:
    rows = []
    for policy in ("<b>bold</b>", "plain"):
        for x, own in ((100, 30.0), (200, 20.0), (300, 10.0)):
            for rep in (0, 1):
                for s, cost in (("own", own), ("3pl", 15.0)):
                    rows.append(
                        {
                            "strategy": s,
                            "replication": rep,
                            "demand.orders_per_day": x,
                            "policy": policy,
                            "cost_per_order_eur": cost + 0.1 * rep,
                            "order_to_delivery_h_mean": 40.0 + rep,
                            "late_rate": 0.05,
                        }
                    )
    doc = {
        "scenario": "sweep",
        "replications": 2,
        "seed": 1,
        "vary": {
            "demand.orders_per_day": ["100", "200", "300"],
            "policy": ["<b>bold</b>", "plain"],
        },
        "points": [{"point": 0, "paired": {"reference": "3pl", "differences": {}}}],
    }
    page = tmp_path / "index.html"
    page.write_text(render(ReportData(doc, pd.DataFrame(rows), pd.DataFrame())), "utf-8")
    run = dump_dom(page)
    assert _check_drawn(page, run) == 1
    assert "own · policy=&lt;b&gt;bold&lt;/b&gt;" in run.dom  # the legend, as text
    figure = run.dom[run.dom.index('id="figure-1"') : run.dom.index("</main>")]
    assert "font-weight:bold" not in figure.replace(" ", "")  # <b> not taken as markup
    assert figure.count(">own = 3pl @ 250.0</text>") == 2  # a break-even per policy, drawn


def test_a_page_needing_the_network_draws_nothing(tmp_path: Path) -> None:
    """The control: the browser here really is offline (a CDN page cannot draw)."""
    page = tmp_path / "cdn.html"
    go.Figure(go.Bar(x=[1], y=[1])).write_html(page, include_plotlyjs="cdn")
    run = dump_dom(page)
    assert "main-svg" not in run.dom
    assert any("Plotly is not defined" in line for line in run.console_errors())


def test_report_command_saves_a_screenshot(
    hostile: tuple[Path, BrowserRun], tmp_path: Path, capsys
) -> None:
    from fcsim.cli import main

    out = hostile[0].parent / "out"
    png = tmp_path / "shot.png"
    assert main(["report", str(out), "-q", "--screenshot", str(png), "--height", "900"]) == 0
    assert "Screenshot written to" in capsys.readouterr().out
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == 1280  # width
    assert int.from_bytes(head[20:24], "big") == 900  # height


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext (poppler-utils)")
def test_report_command_prints_a_pdf_with_every_strategy_and_answer(
    hostile: tuple[Path, BrowserRun], tmp_path: Path, capsys
) -> None:
    from fcsim.cli import main
    from fcsim.report.files import read_results
    from fcsim.report.glance import cards

    out = hostile[0].parent / "out"
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(out), "-q", "--pdf", str(pdf)]) == 0
    assert "PDF written to" in capsys.readouterr().out
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)", info), info  # landscape
    pdftotext = ["pdftotext", "-raw", str(pdf), "-"]  # -raw: in the order the page has it
    text = subprocess.run(pdftotext, capture_output=True, text=True).stdout
    words = " ".join(text.split())
    data = read_results(out)
    for name in data.doc["strategies"]:
        assert name in words, name
    for c in cards(data.doc, data.runs):
        answer = c.winner or "No clear winner"
        assert f"{c.question.upper()} {answer}" in words, (c.question, answer)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert f"Page {pages} of {pages}" in words  # page numbers
    assert "Mean ± half-width" in words  # the summary table's note: the table is whole
