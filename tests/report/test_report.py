"""The report without a browser: breakdown tables, escaping, no external references, sweeps,
`fcsim report OUT` and its errors."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from fcsim.core.metrics import LATE_CAUSES
from fcsim.report import sweep
from fcsim.report.bundle import BASIC_TRACES, basic_bundle, basic_version, plotly_js
from fcsim.report.detail import ecdf_points
from fcsim.report.files import read_results
from fcsim.report.html import ReportData, render

from conftest import SMALL, run_in_process

XSS_NAME = "<script>alert(1)</script>"
XSS_DESC = 'An "apparel" shop <img src=x onerror=alert(2)> & co'


@pytest.fixture(scope="module")
def small_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Result folder of `fcsim run` on the small scenario, 2 replications."""
    out = tmp_path_factory.mktemp("report") / "small"
    res = run_in_process("run", str(SMALL), "-o", str(out), "-r", "2", "-w", "1", "-q")
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def small_results(small_out: Path) -> ReportData:
    return read_results(small_out)


# --------------------------------------------------------------------------- breakdowns


@pytest.fixture(scope="module")
def one_run(small_scenario):
    """(scenario, run, evaluation, orders, breakdowns) of each strategy, replication 0."""
    from fcsim.model.accounting.breakdowns import run_breakdowns
    from fcsim.model.accounting.kpis import evaluate
    from fcsim.model.catalogue import build_catalogue
    from fcsim.model.demand import generate
    from fcsim.model.network import run_strategy
    from fcsim.model.streams import Streams

    sc = small_scenario
    out = {}
    for name in sc.strategies:
        streams = Streams(sc.seed, 0)
        cat = build_catalogue(sc.catalogue, sc.demand, sc.seed, sc.data)
        orders = generate(sc.demand, cat, sc.start_date, sc.horizon_days, streams, data=sc.data)
        run = run_strategy(sc, name, orders, cat, streams)
        ev = evaluate(sc, name, run, orders, cat, streams)
        out[name] = (run, ev, orders, run_breakdowns(sc, run, ev, orders))
    return out


def test_late_by_month_adds_up_to_the_late_rate(one_run) -> None:
    for name, (_, ev, _, b) in one_run.items():
        m = b[b["table"] == "late_by_month"]
        assert len(m) >= 2, name  # the small scenario spans January and February
        assert m["key"].str.fullmatch(r"\d{4}-\d{2}").all()
        rate = m["value"].sum() / m["count"].sum()
        assert rate == pytest.approx(ev.kpis["late_rate"], rel=1e-12), name


def test_late_by_carrier_matches_orders_when_one_parcel_per_order(one_run) -> None:
    for name in ("own", "out", "drop"):  # one node: one parcel per order
        _, ev, _, b = one_run[name]
        c = b[b["table"] == "late_by_carrier"]
        oc = ev.outcomes
        finished = oc.in_window & ~oc.in_progress & ~oc.cancelled
        assert c["count"].sum() == finished.sum(), name
        assert c["value"].sum() == (finished & oc.late).sum(), name
    carriers = set(one_run["hyb"][3].query("table == 'late_by_carrier'")["key"])
    assert carriers == {"colissimo", "intl"}  # the hybrid's nodes use both


def test_late_cause_by_month_adds_up_to_the_cause_shares(one_run) -> None:
    for name, (_, ev, _, b) in one_run.items():
        m = b[b["table"] == "late_cause_by_month"]
        finished = b[b["table"] == "late_by_month"]["count"].sum()
        for cause, g in m.groupby("group"):
            share = g["value"].sum() / finished
            assert share == pytest.approx(ev.kpis[f"late_cause_{cause}_rate"], abs=1e-12)
        assert m["value"].sum() == b[b["table"] == "late_by_month"]["value"].sum(), name


def test_why_late_stacks_add_up_to_the_late_rate_and_carriers_are_split(
    small_results: ReportData,
) -> None:
    from fcsim.report.detail import late_rates
    from fcsim.report.lateness import late_causes

    doc, b = small_results.doc, small_results.breakdowns
    order = list(doc["strategies"])
    fig = late_causes(doc, b, order)
    left = [t for t in fig.data if t.xaxis == "x"]
    for i, s in enumerate(order):
        total = sum(t.y[i] for t in left)
        assert total == pytest.approx(100 * doc["strategies"][s]["late_rate"]["mean"])
    assert {t.name for t in left} <= {label for _, label in LATE_CAUSES}
    month = [t for t in fig.data if t.xaxis == "x2"]
    assert month and all(len(t.x) == 2 for t in month)  # (month, strategy) categories
    # by carrier: the hatched part (late when handed over) and the rest stack to the late rate
    rates = late_rates(doc, b, order)
    carrier = [t for t in rates.data if t.xaxis == "x2"]
    hatched = [t for t in carrier if t.marker.pattern.shape == "/"]
    solid = [t for t in carrier if t.marker.pattern.shape != "/"]
    assert len(hatched) == len(solid) > 0
    for h, top in zip(hatched, solid, strict=True):
        assert list(top.base) == list(h.y)
        assert all(v >= -1e-9 for v in top.y)


def test_lead_time_histograms_count_every_measured_order(one_run) -> None:
    for name, (_, ev, orders, b) in one_run.items():
        oc = ev.outcomes
        w = oc.in_window
        for group, t in (("order_to_ship_h", oc.shipped_min), ("order_to_delivery_h", None)):
            t = oc.delivered_min if t is None else t
            h = b[(b["table"] == "lead_time") & (b["group"] == group)]
            expected = np.isfinite((t - orders.created_min)[w]).sum()
            assert h["count"].sum() == expected, (name, group)
            assert (h["low"] < h["high"]).all()
        # the histogram mean is within one bin width of the exact KPI mean
        h = b[(b["table"] == "lead_time") & (b["group"] == "order_to_delivery_h")]
        mid = (h["low"] + h["high"].clip(upper=h["low"] + 24)) / 2
        approx = float((mid * h["count"]).sum() / h["count"].sum())
        assert approx == pytest.approx(ev.kpis["order_to_delivery_h_mean"], abs=12), name


def test_utilisation_is_per_node_and_pool(one_run) -> None:
    b = one_run["hyb"][3]
    u = b[b["table"] == "utilisation"]
    assert set(u["key"]) == {"a", "b"}  # c is a dropship supplier: no staff
    assert {"picker", "packer"} <= set(u["group"])
    assert ((u["value"] >= 0) & (u["value"] <= 1.5)).all()
    own = one_run["own"][3]
    pick = own[(own["table"] == "utilisation") & (own["group"] == "picker")]["value"]
    assert float(pick.iloc[0]) == pytest.approx(one_run["own"][1].kpis["picker_utilisation"])
    assert one_run["drop"][3].query("table == 'utilisation'").empty


def test_run_writes_the_breakdowns_file_and_a_spreadsheet_summary(small_out: Path) -> None:
    b = pd.read_parquet(small_out / "breakdowns.parquet")
    assert set(b["strategy"]) == {"own", "out", "drop", "hyb"}
    assert set(b["replication"]) == {0, 1}
    assert set(b["table"]) == {
        "lead_time",
        "late_by_carrier",
        "late_by_carrier_split",
        "late_by_month",
        "late_cause_by_month",
        "utilisation",
        "cost_basis",
    }
    csv = pd.read_csv(small_out / "summary.csv")
    doc = json.loads((small_out / "summary.json").read_text())
    assert list(csv.columns[:2]) == ["strategy", "metric"]
    assert len(csv) == sum(len(m) for m in doc["strategies"].values())
    row = csv[(csv["strategy"] == "out") & (csv["metric"] == "cost_per_order_eur")].iloc[0]
    assert row["mean"] == pytest.approx(doc["strategies"]["out"]["cost_per_order_eur"]["mean"])


# --------------------------------------------------------------------------- figures


def test_ecdf_is_exact_at_bin_edges() -> None:
    hist = pd.DataFrame(
        {"low": [0.0, 2.0, 0.0, 10.0], "high": [1.0, 3.0, 1.0, np.inf], "count": [1, 2, 1, 4]}
    )
    x, y = ecdf_points(hist)  # two replications of bin [0, 1) pooled
    assert list(x) == [0, 1, 2, 3, 10, 34]
    assert list(y) == [0, 0.25, 0.25, 0.5, 0.5, 1.0]


def test_crossings_are_interpolated() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    assert sweep.crossings(x, np.array([2.0, 1.0, -1.0, -2.0])) == [(1.5, True)]
    assert sweep.crossings(x, np.array([-1.0, 0.0, 0.0, 3.0])) == [(1.5, False)]
    assert sweep.crossings(x, np.array([1.0, 0.0, 1.0, 2.0])) == []  # touches, no change
    assert sweep.crossings(x, np.array([1.0, np.nan, -1.0, 2.0])) == [
        (1.0, True),
        (2 + 1 / 3, False),
    ]


def _sweep_runs(costs: dict[str, list[float]], xs: list[float], key: str) -> pd.DataFrame:
    rows = []
    for s, values in costs.items():
        for x, v in zip(xs, values, strict=True):
            for rep, noise in enumerate((-0.1, 0.1)):
                rows.append(
                    {
                        "strategy": s,
                        "replication": rep,
                        key: x,
                        "cost_per_order_eur": v + noise,
                        "late_rate": 0.05,
                        "order_to_delivery_h_mean": 50.0,
                    }
                )
    return pd.DataFrame(rows)


def test_break_even_of_fixed_against_variable_cost() -> None:
    key = "demand.orders_per_day"
    runs = _sweep_runs({"own": [30, 20, 10], "3pl": [15, 15, 15]}, [100, 200, 300], key)
    (be,) = sweep.break_evens(runs, [key], "3pl")
    assert (be.strategy, be.reference, be.key) == ("own", "3pl", key)
    assert be.x == pytest.approx(250.0)
    assert be.cheaper_above
    assert "own is cheaper above it" in be.sentence()
    assert sweep.break_evens(runs, [key], "own")[0].cheaper_above is False


def _sweep_doc(key: str, values: list, reference: str) -> dict:
    """A `sweep.json` document as `fcsim sweep` writes it (the parts the report reads)."""
    return {
        "scenario": "s",
        "seed": 1,
        "replications": 2,
        "vary": {key: [str(v) for v in values]},
        "points": [{"point": 0, "paired": {"reference": reference, "differences": {}}}],
    }


def test_sweep_report_has_curves_break_even_and_point_table(tmp_path: Path, capsys) -> None:
    from fcsim.cli import main

    key = "demand.orders_per_day"
    runs = _sweep_runs({"own": [30, 20, 10], "3pl": [15, 15, 15]}, [100, 200, 300], key)
    (tmp_path / "sweep.json").write_text(json.dumps(_sweep_doc(key, [100, 200, 300], "3pl")))
    runs.to_parquet(tmp_path / "runs.parquet")
    assert main(["report", str(tmp_path), "-q"]) == 0, capsys.readouterr().err
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') == 1
    assert "own and 3pl cost the same per order at demand.orders_per_day ≈ 250" in page
    assert page.count("rowspan=") == 3  # one row group per point
    assert "At a glance" not in page  # pooled over points it would mislead


# --------------------------------------------------------------------------- the page


class _Page(HTMLParser):
    """Tags, attributes, and the text of scripts and style sheets of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles.append(data)
        else:
            self.text.append(data)


URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "srcset", "cite"}


def test_page_has_no_external_reference_and_plotly_once(small_out: Path) -> None:
    page = (small_out / "index.html").read_text(encoding="utf-8")
    p = _Page()
    p.feed(page)
    assert {t for t, _ in p.tags}.isdisjoint({"link", "iframe", "object", "embed", "base"})
    for tag, attrs in p.tags:
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES or name.endswith(":href"):
                assert value and value.startswith("#"), (tag, name, value)
    for css in [*p.styles, *(a.get("style") or "" for _, a in p.tags)]:
        assert "url(" not in css and "@import" not in css
    bundle = basic_bundle()  # every figure is scatter or bar: the basic bundle is enough
    assert sum(s == bundle for s in p.scripts) == 1  # plotly.js embedded exactly once
    assert page.count("plotly.js (basic - minified) v") == 1
    assert get_plotlyjs()[:50_000] not in page  # not the full bundle too
    assert len(page.encode()) <= 1_500_000
    for s in p.scripts:
        if s != bundle:
            assert not re.search(r"https?:|//cdn|import\(", s), s[:200]
    n_figures = page.count('class="plotly-graph-div"')
    # KPIs, differences, costs, monthly cost, lead times, late, why late, daily, utilisation
    assert n_figures == 9


def test_user_strings_are_escaped(small_results: ReportData) -> None:
    doc = dict(small_results.doc, scenario=XSS_NAME, description=XSS_DESC)
    doc["failed_runs"] = ["own #1 [description=<i>x</i>]"]
    page = render(ReportData(doc, small_results.runs, small_results.daily))
    assert (
        "1 run(s) failed and are left out of these results: own #1 [description=&lt;i&gt;" in page
    )
    assert XSS_NAME not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    p = _Page()
    p.feed(page)
    assert "".join(p.text).count(XSS_NAME) >= 2  # shown as text: title and heading
    assert not [a for t, a in p.tags if t == "img"]


def test_plot_labels_are_escaped() -> None:
    key = "policy"
    runs = _sweep_runs({"a": [1, 2], "b": [2, 1]}, [0, 1], key)
    runs[key] = runs[key].map({0: "<b>x</b>", 1: "<i>y</i>"})
    doc = _sweep_doc(key, ["<b>x</b>", "<i>y</i>"], "a")
    page = render(ReportData(doc, runs, pd.DataFrame()))
    assert "<b>x</b>" not in page and "\\u003cb\\u003ex" not in page
    assert '"&lt;b&gt;x&lt;\\u002fb&gt;"' in page  # plotly shows entities as text


def test_a_marked_cell_is_separated_from_every_other_strategy(small_results: ReportData) -> None:
    from fcsim.report.html import summary_table_html
    from fcsim.report.metrics import HEADLINE
    from fcsim.report.ranking import Pairs, better

    doc, runs = small_results.doc, small_results.runs
    html_table = summary_table_html(doc, runs, HEADLINE)
    rows = re.findall(r"<tr>(.*?)</tr>", html_table)[1:]
    assert len(rows) == len(HEADLINE)
    names = list(doc["strategies"])
    pairs = Pairs.of(doc, runs)
    for m, row in zip(HEADLINE, rows, strict=True):
        cells = re.findall(r"<td( class=\w+)?>", row)
        marked = [n for n, c in zip(names, cells, strict=True) if c == " class=best"]
        for s in marked:
            for o in names:
                if o != s:
                    assert better(pairs.diff(s, o, m.key), m.lower_is_better), (m.key, s, o)


# --------------------------------------------------------------------------- fcsim report


def test_report_command_rebuilds_the_same_page(small_out: Path, capsys) -> None:
    from fcsim.cli import main

    page = small_out / "index.html"
    written = page.read_text(encoding="utf-8")
    page.unlink()
    assert main(["report", str(small_out)]) == 0
    assert "Cost per order (EUR)" in capsys.readouterr().out  # the terminal summary table
    assert page.read_text(encoding="utf-8") == written


def test_report_command_errors_are_clear(tmp_path: Path, capsys) -> None:
    from fcsim.cli import main

    def report_error() -> str:
        assert main(["report", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        return err

    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such folder" in capsys.readouterr().err
    assert "missing summary.json, runs.parquet, daily.parquet" in report_error()
    (tmp_path / "summary.json").write_text('{"scenario": "x",\n "seed": }\n')
    for name in ("runs.parquet", "daily.parquet"):
        pd.DataFrame({"strategy": ["a"]}).to_parquet(tmp_path / name)
    assert f"{tmp_path / 'summary.json'}:2:10: not valid JSON" in report_error()
    (tmp_path / "summary.json").write_text("[1, 2]")
    assert "not an fcsim summary" in report_error()
    (tmp_path / "summary.json").write_text('{"scenario": "x"}')
    (tmp_path / "runs.parquet").write_text("not parquet")
    assert "runs.parquet: not a readable Parquet file" in report_error()
    assert not (tmp_path / "index.html").exists()
    assert not list(tmp_path.glob(".index.html*"))


def test_one_strategy_one_replication_still_makes_a_sensible_page(
    small_results: ReportData,
) -> None:
    from fcsim.experiment.stats import paired, summarise

    runs = small_results.runs
    runs = runs[(runs["strategy"] == "own") & (runs["replication"] == 0)]
    doc = dict(small_results.doc, strategies=summarise(runs), replications=1)
    doc["paired"] = {"reference": "own", "differences": paired(runs, "own")}
    b = small_results.breakdowns
    b = b[(b["strategy"] == "own") & (b["replication"] == 0)]
    daily = small_results.daily[small_results.daily["strategy"] == "own"]
    page = render(ReportData(doc, runs, daily, b))
    p = _Page()
    p.feed(page)
    text = " ".join(p.text)
    assert not re.search(r"\bnan\b", text, re.I)
    assert "Every strategy scores the same" not in text  # nothing to compare with
    assert "Differences against" not in text  # no paired differences
    assert page.count('class="plotly-graph-div"') == 8  # all but the differences


def test_pdf_and_screenshot_without_chromium_name_the_package(small_out: Path, capsys) -> None:
    import os

    from fcsim.cli import main

    before = (small_out / "index.html").stat().st_mtime_ns
    old = os.environ.get("FCSIM_BROWSER")
    os.environ["FCSIM_BROWSER"] = "no-such-browser-here"
    try:
        assert main(["report", str(small_out), "-q", "--pdf", str(small_out / "r.pdf")]) == 2
    finally:
        if old is None:
            del os.environ["FCSIM_BROWSER"]
        else:
            os.environ["FCSIM_BROWSER"] = old
    err = capsys.readouterr().err
    assert "install the `chromium` package" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (small_out / "r.pdf").exists()
    assert (small_out / "index.html").stat().st_mtime_ns == before  # nothing written


def test_the_basic_bundle_is_shipped_with_its_licence_and_matches_plotly() -> None:
    from importlib.resources import files

    vendor = files("fcsim.report") / "vendor"
    assert "MIT License" in (vendor / "plotly-basic.LICENSE.txt").read_text(encoding="utf-8")
    assert basic_version().split(".")[:2] == get_plotlyjs_version().split(".")[:2]
    assert "</script" not in basic_bundle().lower()  # safe inside the page's <script>
    assert len(basic_bundle()) < len(get_plotlyjs()) / 3


def test_a_figure_beyond_the_basic_traces_gets_the_full_bundle(monkeypatch) -> None:
    import fcsim.report.bundle as bundle

    assert plotly_js(BASIC_TRACES) == basic_bundle()
    assert plotly_js({"scatter", "heatmap"}) == get_plotlyjs()
    assert plotly_js(set()) == basic_bundle()
    monkeypatch.setattr(bundle, "get_plotlyjs_version", lambda: "9.0.0")
    assert plotly_js({"bar"}) == get_plotlyjs()  # another plotly.js: the JSON is written for it


def test_charts_people_read(small_results: ReportData) -> None:
    from fcsim.report.detail import lead_time_ecdf
    from fcsim.report.series import daily_series
    from fcsim.report.style import STAGE_COLOURS, STRATEGY_COLOURS

    assert set(STAGE_COLOURS.values()).isdisjoint(STRATEGY_COLOURS)  # pools are not strategies
    order = list(small_results.doc["strategies"])
    fig = lead_time_ecdf(small_results.breakdowns, order)
    for axis in ("xaxis", "xaxis2"):
        lo, hi = fig.layout[axis].range
        longest = max(float(max(t.x)) for t in fig.data if t.xaxis == axis.replace("axis", ""))
        assert lo == 0 and 0 < hi <= longest * 1.02  # cut at the 99.5th percentile, in days
    weekly = daily_series(small_results.daily, order, "2026-01-05", 30)
    dates = sorted(set(weekly.data[0].x))
    assert all(pd.Timestamp(d).day_of_week == 0 for d in dates)  # one point a week (Mondays)
    key = "strategies.own.pickers"
    runs = _sweep_runs({"own": [30, 20, 10], "3pl": [15, 15, 15]}, [2, 3, 4], key)
    curves = sweep.sweep_curves(runs, [key], ["own", "3pl"], "3pl")
    assert list(curves.layout.xaxis.tickvals) == [2, 3, 4]  # a headcount: whole numbers


def test_no_sweep_break_even_across_a_point_where_a_strategy_could_not_keep_up() -> None:
    key = "demand.orders_per_day"
    runs = _sweep_runs({"own": [30, 20, 10], "3pl": [15, 15, 15]}, [100, 200, 300], key)
    runs["overloaded"] = 0.0
    assert len(sweep.break_evens(runs, [key], "3pl")) == 1
    # the own warehouse looks cheap at 300 because it no longer ships what it is sent
    runs.loc[(runs["strategy"] == "own") & (runs[key] == 300), "overloaded"] = 1.0
    assert sweep.break_evens(runs, [key], "3pl") == []
