"""Every page fcsim writes shows user strings as text: `fcsim run`, `fcsim sweep`, `inspect-data`.

The scenario's free text (name, description) and a swept value hold `</script><script>alert(1)
</script>`; the names the schema restricts to letters, digits, `_` and `-` (strategies, hybrid
nodes, carriers, categories, zones) are renamed with what it allows, and the schema must refuse
markup in each of them. The order export's file name, a column name, SKU codes, a country and a
bad value hold markup too. No page may hold the script as markup, and each page has exactly
the scripts it should: none on the data page; on a report the error probe, plotly.js, one per
figure (plotly's JSON escapes `<`, `>` and `/`) and the figure check.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
import yaml
from markupsafe import escape

from fcsim.report.style import PLOT_CONFIG

from conftest import SMALL

SCRIPT = "</script><script>alert(1)</script>"
ESCAPED = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
DESCRIPTION = f"{SCRIPT} & <b>co</b> <img src=x onerror=alert(2)>"
SUFFIX = "_x-1"  # the name pattern allows `_` and `-`, nothing that is markup
REPORT_SCRIPTS = 3  # error probe, plotly.js, figure check; plus one per figure


def _rename(doc: dict) -> dict:
    """`doc` (the small scenario) with hostile text and every name renamed."""
    doc = copy.deepcopy(doc)
    doc["name"] = SCRIPT
    doc["description"] = DESCRIPTION
    for c in [*doc["catalogue"]["categories"], *doc["carriers"]]:
        c["name"] += SUFFIX
    strategies = {}
    for name, s in doc["strategies"].items():
        nodes = s.get("nodes", {"": s})
        for node in nodes.values():
            node["carriers"] = [c + SUFFIX for c in node["carriers"]]
        if "nodes" in s:
            s["nodes"] = {n + SUFFIX: node for n, node in nodes.items()}
            assign = s["routing"]["assign"]
            s["routing"]["assign"] = {k: v + SUFFIX for k, v in assign.items()}
        strategies[name + SUFFIX] = s
    doc["strategies"] = strategies
    doc["destinations"] = [{"zone": "home" + SUFFIX, "share": 0.9}, {"zone": "far-2", "share": 0.1}]
    return doc


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("escaping") / "hostile.yaml"
    doc = _rename(yaml.safe_load(SMALL.read_text(encoding="utf-8")))
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _check_page(page: Path, figures: bool = True) -> str:
    """The page's text, after checking that it holds the script only as text."""
    text = page.read_text(encoding="utf-8")
    assert "<script>alert(" not in text.lower()
    assert "<img" not in text and "<b>co" not in text
    assert ESCAPED.lower() in text.lower()  # the hostile string reached the page, as text
    n = text.count('class="plotly-graph-div"')
    scripts = REPORT_SCRIPTS + n if figures else 0
    assert figures == (n > 0)
    assert len(re.findall(r"<script\b", text, re.I)) == scripts
    assert len(re.findall(r"</script", text, re.I)) == scripts
    return text


def test_the_schema_refuses_markup_in_names(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fcsim.cli import main

    doc = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    assert main(["validate", str(scenario)]) == 0, capsys.readouterr().err
    hyb = "hyb" + SUFFIX

    def strategy(d: dict) -> None:
        d["strategies"][SCRIPT] = d["strategies"].pop("own" + SUFFIX)

    def node(d: dict) -> None:
        nodes = d["strategies"][hyb]["nodes"]
        nodes[SCRIPT] = nodes.pop("a" + SUFFIX)
        d["strategies"][hyb]["routing"]["assign"]["A"] = SCRIPT

    def carrier(d: dict) -> None:
        d["carriers"][1]["name"] = SCRIPT
        d["strategies"]["drop" + SUFFIX]["carriers"] = [SCRIPT]
        d["strategies"][hyb]["nodes"]["c" + SUFFIX]["carriers"] = [SCRIPT]

    def category(d: dict) -> None:
        d["catalogue"]["categories"][0]["name"] = SCRIPT

    def zone(d: dict) -> None:
        d["destinations"][1]["zone"] = SCRIPT

    refused = []
    for change, where in (
        (strategy, f"strategies.{SCRIPT}:"),
        (node, f"strategies.{hyb}.nodes.{SCRIPT}:"),
        (carrier, "carriers[1].name:"),
        (category, "catalogue.categories[0].name:"),
        (zone, "destinations[1].zone:"),
    ):
        bad = copy.deepcopy(doc)
        change(bad)
        path = tmp_path / f"{change.__name__}.yaml"
        path.write_text(yaml.safe_dump(bad, sort_keys=False), encoding="utf-8")
        status = main(["validate", str(path)])
        err = capsys.readouterr().err
        if status != 2 or f"{where} must use only letters, digits" not in err:
            refused.append(f"{change.__name__}: status {status}, stderr:\n{err}")
    assert not refused, "\n".join(refused)


def test_run_report_shows_every_user_string_as_text(scenario: Path, tmp_path: Path) -> None:
    from fcsim.cli import main

    out = tmp_path / "run"
    short = ["--set", "horizon_days=14", "--set", "warmup_days=2", "-r", "1", "-w", "1", "-q"]
    assert main(["run", str(scenario), "-o", str(out), *short]) == 0
    text = _check_page(out / "index.html")
    assert f"<h1>{escape(DESCRIPTION)}</h1>" in text  # the title: the description's first line
    assert f"scenario {ESCAPED}</div>" in text  # the name, above it
    assert "&lt;img src=x onerror=alert(2)&gt;" in text
    for name in ("own", "out", "drop", "hyb", "a", "colissimo", "intl"):  # node a, carriers
        assert name + SUFFIX in text, name


def test_sweep_report_shows_swept_text_as_text(scenario: Path, tmp_path: Path) -> None:
    from fcsim.cli import main

    out = tmp_path / "sweep"
    argv = ["sweep", str(scenario), "--vary", f"description={SCRIPT},plain", "-o", str(out)]
    argv += ["--set", "horizon_days=14", "--set", "warmup_days=2", "-r", "1", "-w", "1", "-q"]
    assert main([*argv, "--report"]) == 0
    text = _check_page(out / "index.html")
    assert f'rowspan="4">{ESCAPED}</th>' in text  # the swept value, in the table of points
    points = sorted((out / "points").glob("*/index.html"))
    assert len(points) == 2
    for page in points:
        _check_page(page)


def test_inspect_data_page_shows_file_and_column_names_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fcsim.cli import main

    orders = tmp_path / "<script>alert(1)<script>.csv"  # a file name cannot hold `/`
    column = f"{SCRIPT} sku"
    rows = [f"order_id,created_at,{column},quantity,unit_price,shipping_country"]
    for i in range(30):
        sku = SCRIPT if i % 3 else f"<b>{i}</b>"
        country = SCRIPT if i == 5 else "FR"
        quantity = SCRIPT if i == 7 else "1"
        rows.append(f'{i},2025-03-{3 + i % 20:02d} 10:00,"{sku}",{quantity},9.5,"{country}"')
    orders.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page = tmp_path / "data.html"
    status = main(["inspect-data", str(orders), "-o", str(page), "--column", f"sku={column}"])
    err = capsys.readouterr().err
    assert status == 2  # the bad quantity is a data problem, listed on the page too
    assert f'"quantity": not a number ("{SCRIPT}")' in err
    text = _check_page(page, figures=False)
    assert f"<h1>fcsim — data: {tmp_path}/&lt;script&gt;alert(1)&lt;script&gt;.csv</h1>" in text
    assert "<td>&lt;b&gt;0&lt;/b&gt;</td>" in text  # a SKU code, in the top SKUs


def test_plotly_json_never_closes_its_script() -> None:
    """The report relies on plotly's JSON escaping `<` and `/`, even where a label is raw."""
    fig = go.Figure(go.Bar(x=[SCRIPT], y=[1], name=SCRIPT, hovertemplate=SCRIPT))
    fig.update_layout(title=SCRIPT)
    div = fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG, div_id="f")
    assert div.count("<script") == div.count("</script") == 1
    assert "alert(1)" in div and "<script>alert" not in div
