"""docs/domain.md defines every topic code the project cites, and no file points to notes users
do not have.

The topic codes `D1`…`D20` are cited in scenario comments, schema descriptions (hence the
generated reference), module docstrings and docs; each must be a section of docs/domain.md (an
anchor `<a id="dN"></a>` followed by a heading `### DN ...`). Every link to `domain.md#...` must
reach an anchor of that page, and every link of that page to another page's section must reach
a heading of it. No project file may point to the internal notes fcsim was designed from: a
design, domain or style document named in capitals (`DOMAIN`, `DOMAIN.md`, ...), `../shared`,
their source articles (`seeds/`, "seed 001"), or "domain notes".

Project files are every text file under the repository except version control, caches, build
output, run results (`reports/*/`, `benchmarks/out/`), the vendored JavaScript of the report
(third-party code) and this file, whose patterns would match themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

DOMAIN_DOC = ROOT / "docs" / "domain.md"
CODE = re.compile(r"\bD(\d{1,2})\b")
CODE_ROOTS = ("fcsim", "scenarios", "docs", "README.md")
SECTION = re.compile(r'^<a id="d(\d+)"></a>\n### D(\d+) \S', re.MULTILINE)
FORBIDDEN = {
    "a design note named in capitals": re.compile(r"\b(?:DOMAIN|DESIGN|STYLE)\b"),
    "the shared notes folder": re.compile(r"\.\./shared\b|/work/shared\b"),
    "the source articles' files": re.compile(r"\bseeds/|(?<![A-Za-z])seeds?[ _]0\d\d(?!\d)"),
    "the project's notes": re.compile(r"\b(?:domain|design|style) notes\b", re.IGNORECASE),
}
SKIP_DIRS = {
    ".git",
    "__pycache__",
    ".venv",
    "venv",
    "build",
    "dist",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".hypothesis",
}
SKIP_PATHS = {"fcsim/report/vendor", "benchmarks/out", "tests/project/test_domain_doc.py"}


def project_files(root: Path = ROOT) -> Iterator[Path]:
    """Every text file of the project under `root`, in a stable order."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        parts = rel.parts
        if any(p in SKIP_DIRS or p.endswith(".egg-info") for p in parts):
            continue
        if any(rel.as_posix() == s or rel.as_posix().startswith(s + "/") for s in SKIP_PATHS):
            continue
        if parts[0] == "reports" and len(parts) > 2:  # run results, not project files
            continue
        if not path.is_file() or b"\0" in path.read_bytes()[:8192]:
            continue
        yield path


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def cited_codes(root: Path = ROOT) -> dict[int, list[str]]:
    """{code number: ["file:line", ...]} for every `D<n>` cited where codes are used."""
    out: dict[int, list[str]] = {}
    for path in project_files(root):
        rel = path.relative_to(root).as_posix()
        if not any(rel == r or rel.startswith(r + "/") for r in CODE_ROOTS):
            continue
        for i, line in enumerate(lines_of(path), 1):
            for m in CODE.finditer(line):
                out.setdefault(int(m[1]), []).append(f"{rel}:{i}")
    return out


def sections(doc: Path = DOMAIN_DOC) -> set[int]:
    """The code numbers that have a section (anchor and heading agreeing) in `doc`."""
    found = set()
    for m in SECTION.finditer(doc.read_text(encoding="utf-8")):
        assert m[1] == m[2], f'{doc.name}: <a id="d{m[1]}"> heads the section of D{m[2]}'
        found.add(int(m[1]))
    return found


def forbidden_mentions(root: Path = ROOT) -> list[str]:
    """Every "file:line: what it points to: the text" of a pointer to the internal notes."""
    out = []
    for path in project_files(root):
        for i, line in enumerate(lines_of(path), 1):
            for what, pattern in FORBIDDEN.items():
                m = pattern.search(line)
                if m:
                    out.append(f"{path.relative_to(root).as_posix()}:{i}: {what}: {m[0]!r}")
    return out


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    """The anchors of a Markdown page: explicit `<a id>` and its headings' (outside code)."""
    text = re.sub(r"^```.*?^```", "", doc.read_text(encoding="utf-8"), flags=re.S | re.M)
    out = set(re.findall(r'<a id="([^"]+)"></a>', text))
    out |= {github_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}
    return out


# ---------------------------------------------------------------- the repository


def test_every_cited_code_has_a_section_in_domain_md() -> None:
    cited = cited_codes()
    assert set(range(1, 21)) <= set(cited), "the codes D1-D20 are cited in the project"
    missing = {f"D{n}": where[:3] for n, where in sorted(cited.items()) if n not in sections()}
    assert not missing, f"codes without a section in docs/domain.md: {missing}"


def test_domain_md_has_one_section_per_code_in_order() -> None:
    text = DOMAIN_DOC.read_text(encoding="utf-8")
    numbers = [int(m[1]) for m in SECTION.finditer(text)]
    assert numbers == list(range(1, 21))


def test_no_project_file_points_to_the_internal_notes() -> None:
    found = forbidden_mentions()
    assert not found, "point to docs/domain.md instead:\n" + "\n".join(found)


def test_links_to_domain_md_reach_its_anchors() -> None:
    have = anchors(DOMAIN_DOC)
    bad = []
    for path in project_files():
        for i, line in enumerate(lines_of(path), 1):
            for anchor in re.findall(r"domain\.md#([\w-]+)", line):
                if anchor not in have:
                    bad.append(f"{path.relative_to(ROOT).as_posix()}:{i}: #{anchor}")
    assert not bad, "links to a section docs/domain.md does not have:\n" + "\n".join(bad)


def test_domain_md_links_reach_their_pages_and_sections() -> None:
    text = DOMAIN_DOC.read_text(encoding="utf-8")
    bad = []
    for target, anchor in re.findall(r"\]\(([\w./-]*?)(?:#([\w-]+))?\)", text):
        page = DOMAIN_DOC if not target else (DOMAIN_DOC.parent / target).resolve()
        if not page.exists():
            bad.append(f"{target}: no such page")
        elif anchor and page.suffix == ".md" and anchor not in anchors(page):
            bad.append(f"{target or 'domain.md'}#{anchor}: no such section")
    assert not bad, "\n".join(bad)


def test_the_docs_lists_link_domain_md() -> None:
    assert "](docs/domain.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](domain.md)" in (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the checks can fail


def _tree(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "line",
    [
        'cutoff: "16:00"   # typical cutoff (DOMAIN)',
        "# Figures come from DOMAIN.md",
        "(DESIGN principle 1)",
        "see ../shared/STYLE.md",
        "# sources in seeds/000.txt",
        "# as quoted in seed 001 (D10)",
        "def seed_001_schedule() -> list[CompensationStep]:",
        "the public sources summarised in the project's domain notes",
    ],
)
def test_a_new_pointer_to_the_notes_is_caught(tmp_path: Path, line: str) -> None:
    root = _tree(tmp_path, {"scenarios/x.yaml": f"name: x\n{line}\n"})
    found = forbidden_mentions(root)
    assert found and all(f.startswith("scenarios/x.yaml:2: ") for f in found), found


def test_what_the_scan_leaves_out(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "docs/ok.md": "see docs/domain.md#d12, seed 20261123, --seed 7, the y domain\n",
            ".git/config": "DOMAIN\n",
            "reports/default/index.html": "DOMAIN\n",
            "fcsim/report/vendor/plotly.min.js": "DOMAIN\n",
            "scenarios/data/orders.parquet": b"PAR1\0DOMAIN",
        },
    )
    assert forbidden_mentions(root) == []


def test_a_code_without_a_section_is_caught(tmp_path: Path) -> None:
    doc = '<a id="d1"></a>\n### D1 Inbound\n\ntext\n\n<a id="d2"></a>\n### D2 Storage\n'
    root = _tree(
        tmp_path,
        {
            "docs/domain.md": doc,
            "fcsim/x.py": '"""Receiving (D1), storage (D2), new (D21); D+2 is a promise."""\n',
            "tests/y.py": "# D33 outside the cited folders\n",
        },
    )
    assert sections(root / "docs" / "domain.md") == {1, 2}
    assert cited_codes(root) == {
        1: ["docs/domain.md:2", "fcsim/x.py:1"],
        2: ["docs/domain.md:7", "fcsim/x.py:1"],
        21: ["fcsim/x.py:1"],
    }


def test_a_section_whose_anchor_and_heading_disagree_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "domain.md"
    doc.write_text('<a id="d3"></a>\n### D4 Order intake\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="D4"):
        sections(doc)


def test_github_anchors() -> None:
    assert github_anchor("A warehouse (D1–D6)") == "a-warehouse-d1d6"
    assert github_anchor("Sizing: `fcsim size`") == "sizing-fcsim-size"
    assert github_anchor("Intake and inventory (D3, D4)") == "intake-and-inventory-d3-d4"
