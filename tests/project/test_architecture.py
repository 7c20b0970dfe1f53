"""The package's shape: no import cycle between the modules of `fcsim`, and only the layers at
its top.

The import graph is read from the source with `ast` (nothing is imported): every `import` and
`from ... import` of a module, at the top or inside a function, relative imports resolved
against the module's package. Imports under `if TYPE_CHECKING:` are left out: they never run.
An edge goes to the module named, or to the module `from X import name` takes `name` from.
Imports through `importlib.import_module` (how `fcsim.cli` finds its commands) are not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import networkx as nx
import pytest

from conftest import ROOT

PACKAGE = ROOT / "fcsim"
LAYERS = (
    "core",
    "scenario",
    "history",
    "model",
    "policies",
    "experiment",
    "regression",
    "report",
    "commands",
    "validation",
)
TOP_FILES = ("__init__.py", "__main__.py", "cli.py")
OPTIONAL_TOP_FILES = ("py.typed",)
KNOWN_STRAYS: dict[str, str] = {}
"""Entries at the top of fcsim/ that should not be there, each with why; fixed, it goes."""


def module_sources(package: Path = PACKAGE) -> dict[str, tuple[str, bool]]:
    """{dotted module name: (source, is a package's `__init__`)} of every module under `package`."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        is_init = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_init else parts)
        out[name] = (path.read_text(encoding="utf-8"), is_init)
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under `node`, except in the body of `if TYPE_CHECKING:`."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        children: list[ast.AST] = [node.test, *node.orelse]
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        yield from _imports(child)


def _base(module: str, is_init: bool, stmt: ast.ImportFrom) -> str:
    """The absolute module that `from [.]*X import ...` in `module` starts from."""
    if stmt.level == 0:
        return stmt.module or ""
    package = module.split(".") if is_init else module.split(".")[:-1]
    if stmt.level - 1 >= len(package):
        raise ValueError(f"{module}: relative import beyond the top package")
    anchor = package[: len(package) - (stmt.level - 1)]
    return ".".join([*anchor, *([stmt.module] if stmt.module else [])])


def imported_modules(module: str, source: str, is_init: bool, known: set[str]) -> set[str]:
    """The modules of `known` that `module` imports."""
    out = set()
    for stmt in _imports(ast.parse(source, filename=module)):
        if isinstance(stmt, ast.Import):
            targets = [alias.name for alias in stmt.names]
        else:
            base = _base(module, is_init, stmt)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in stmt.names
            ]
        for target in targets:
            # `import fcsim.a.b` names fcsim.a.b; an attribute path falls back to its module
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                out.add(target)
    return out


def import_graph(sources: Mapping[str, tuple[str, bool]]) -> nx.DiGraph:
    """Directed graph: an edge A -> B when module A imports module B."""
    graph = nx.DiGraph()
    graph.add_nodes_from(sources)
    known = set(sources)
    for module, (source, is_init) in sources.items():
        for target in imported_modules(module, source, is_init, known):
            graph.add_edge(module, target)
    return graph


def import_cycles(graph: nx.DiGraph) -> list[list[str]]:
    """One cycle per group of modules that import each other, shortest groups first."""
    cycles = []
    for group in nx.strongly_connected_components(graph):
        if len(group) > 1:
            path = [a for a, _ in nx.find_cycle(graph.subgraph(group))]
            start = path.index(min(path))  # the same cycle named the same way on every run
            path = path[start:] + path[:start]
            cycles.append([*path, path[0]])
    return sorted(cycles, key=lambda c: (len(c), c))


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return import_graph(module_sources())


def test_the_graph_holds_every_module_and_its_imports(graph: nx.DiGraph) -> None:
    assert len(graph) >= 100
    assert {f"fcsim.{layer}" for layer in LAYERS} <= set(graph)
    assert graph.has_edge("fcsim.cli", "fcsim.commands")  # the outermost layer's imports
    assert graph.number_of_edges() >= 2 * len(graph)  # the reader found imports everywhere


def test_no_import_cycle_between_modules(graph: nx.DiGraph) -> None:
    cycles = import_cycles(graph)
    assert not cycles, "import cycles between modules of fcsim:\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in cycles
    )


def _top_entries() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}


def test_the_top_of_the_package_holds_only_the_layers() -> None:
    entries = _top_entries()
    stray = entries - {*TOP_FILES, *OPTIONAL_TOP_FILES, *LAYERS} - set(KNOWN_STRAYS)
    assert not stray, f"not a layer, at the top of fcsim/: {sorted(stray)}"
    missing = {*TOP_FILES, *LAYERS} - entries
    assert not missing, f"missing at the top of fcsim/: {sorted(missing)}"
    not_packages = [name for name in LAYERS if not (PACKAGE / name / "__init__.py").is_file()]
    assert not not_packages, f"layers that are not packages: {not_packages}"


@pytest.mark.xfail(bool(KNOWN_STRAYS), reason="; ".join(KNOWN_STRAYS.values()), strict=True)
def test_no_known_stray_is_left_at_the_top() -> None:
    # Fails (xfail) while a known stray is there; once it is gone the test passes, which
    # (strict) is an error that says to take it out of KNOWN_STRAYS.
    left = sorted(set(KNOWN_STRAYS) & _top_entries())
    assert not left, f"at the top of fcsim/, not a layer: {left}"


# --------------------------------------------------------------------------- the reader itself


def _graph_of(**modules: str) -> nx.DiGraph:
    """Graph of made-up modules: `a_b=SOURCE` is module `a.b`, `a_b__init=SOURCE` package `a.b`."""
    sources = {}
    for key, source in modules.items():
        name, is_init = key.removesuffix("__init"), key.endswith("__init")
        sources[name.replace("_", ".")] = (source, is_init)
    return import_graph(sources)


def test_relative_and_function_level_imports_make_edges() -> None:
    g = _graph_of(
        pkg__init="from .a import thing\n",
        pkg_a="def f():\n    from . import b\n    return b\n",
        pkg_b="from pkg.sub import c\nimport pkg.sub.c as cc\n",
        pkg_sub__init="",
        pkg_sub_c="from .. import a\n",
    )
    assert set(g.edges) == {
        ("pkg", "pkg.a"),
        ("pkg.a", "pkg.b"),
        ("pkg.b", "pkg.sub.c"),
        ("pkg.sub.c", "pkg.a"),
    }
    assert import_cycles(g) == [["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]]


def test_type_checking_imports_are_left_out() -> None:
    g = _graph_of(
        pkg__init="",
        pkg_a="from pkg import b\n",
        pkg_b=(
            "import typing\nfrom typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from pkg import a\nelse:\n    from pkg import c\n"
            "if typing.TYPE_CHECKING:\n    import pkg.a\n"
        ),
        pkg_c="",
    )
    assert set(g.edges) == {("pkg.a", "pkg.b"), ("pkg.b", "pkg.c")}
    assert import_cycles(g) == []
