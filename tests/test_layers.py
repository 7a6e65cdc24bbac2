"""The package's layers: each module imports only modules of its own layer or below, and
no import cycle exists, not even one hidden in a function or behind ``TYPE_CHECKING``.

The imports are read from the source (``ast``), not by importing, so that an
import inside a function counts as much as one at the top. A new module must
be given a layer here: where it sits says what it may use.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "clearleaf"

#: From the bottom up. A pattern ending in ".*" takes every module below that package.
LAYERS: tuple[tuple[str, ...], ...] = (
    # Foundations: diagnostics, the values formats constrain, the AST and source-map
    # helpers, the registry of editions, settings, and the PDF and file helpers that
    # know no document.
    (
        "clearleaf",
        "clearleaf.errors",
        "clearleaf.values",
        "clearleaf.ast",
        "clearleaf.sourcemap",
        "clearleaf.context",
        "clearleaf.editions",
        "clearleaf.i18n",
        "clearleaf.louis",
        "clearleaf.speech",
        "clearleaf.braille",
        "clearleaf.outputs",
        "clearleaf.workers",
        "clearleaf.fragment",
        "clearleaf.imposition",
        "clearleaf.formats.pdftags",
        "clearleaf.formats.tables",
        "clearleaf.formats.weasyprint_ffi",
        "clearleaf.formats._weasyprint_cdef",
    ),
    # Reading a source: limits, characters, front matter, pandoc, raw HTML, outline,
    # links, fonts.
    (
        "clearleaf.limits",
        "clearleaf.characters",
        "clearleaf.metadata",
        "clearleaf.config",
        "clearleaf.pandoc",
        "clearleaf.assets",
        "clearleaf.rawhtml",
        "clearleaf.sanitize",
        "clearleaf.outline",
        "clearleaf.targets",
        "clearleaf.fonts",
    ),
    # The document.
    ("clearleaf.document",),
    # The checks and the figures they rest on.
    ("clearleaf.readability", "clearleaf.conformance", "clearleaf.a11y", "clearleaf.a11y.*"),
    # What the checks hand forward: the verdict, the back matter, the page it is set in.
    ("clearleaf.verdict", "clearleaf.colophon", "clearleaf.page"),
    # The editions.
    ("clearleaf.formats", "clearleaf.formats.*"),
    # The phases of a build.
    (
        "clearleaf.plan",
        "clearleaf.report",
        "clearleaf.sarif",
        "clearleaf.junit",
        "clearleaf.incremental",
        "clearleaf.scheduler",
        "clearleaf.catalogue",
    ),
    # The build, rebuilding on change, and making a project or a source.
    ("clearleaf.build", "clearleaf.watch", "clearleaf.serve", "clearleaf.project"),
    # The command line.
    ("clearleaf.cli", "clearleaf.__main__"),
)

#: Modules that may import inside functions, and why: the command line
#: imports a command's machinery only when that command runs, so that
#: ``--help`` and ``--version`` answer at once.
LAZY = {"clearleaf.cli"}


@dataclass(frozen=True)
class Import:
    """One import of a module of the package by another."""

    importer: str
    imported: str
    line: int
    #: Inside a function, or behind ``if TYPE_CHECKING:``.
    hidden: bool


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root``, by dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(root: Path) -> Iterator[Import]:
    """Every import of one module of the package at ``root`` by another."""
    known = modules(root)
    package = root.name
    for name, path in known.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield from _walk(tree, name, here, package, known, hidden=False)


def _walk(
    node: ast.AST, name: str, here: str, package: str, known: Mapping[str, Path], hidden: bool
) -> Iterator[Import]:
    for child in ast.iter_child_nodes(node):
        inner = hidden or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            inner = True
        targets: list[str] = []
        if isinstance(child, ast.Import):
            targets = [alias.name for alias in child.names]
        elif isinstance(child, ast.ImportFrom):
            base = child.module or ""
            if child.level:
                parts = here.split(".")[: len(here.split(".")) - child.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # "from clearleaf import ast" imports the module clearleaf.ast.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in child.names
            ]
        for target in targets:
            if (target == package or target.startswith(package + ".")) and target != name:
                yield Import(name, target, getattr(child, "lineno", 0), inner)
        yield from _walk(child, name, here, package, known, inner)


def layer_of(name: str, layers: tuple[tuple[str, ...], ...] = LAYERS) -> int | None:
    """The index of the layer ``name`` belongs to, or None."""
    for index, layer in enumerate(layers):
        for pattern in layer:
            if name == pattern or (pattern.endswith(".*") and name.startswith(pattern[:-1])):
                return index
    return None


def upward(found: list[Import], layers: tuple[tuple[str, ...], ...] = LAYERS) -> list[str]:
    """The imports of a module of a higher layer, as messages."""
    problems = []
    for item in found:
        low, high = layer_of(item.importer, layers), layer_of(item.imported, layers)
        if low is not None and high is not None and high > low:
            problems.append(f"{item.importer}:{item.line} imports {item.imported}, a layer above")
    return problems


def cycles(found: list[Import]) -> list[list[str]]:
    """Every import cycle (Tarjan's strongly connected components of two or more)."""
    graph: dict[str, set[str]] = {}
    for item in found:
        graph.setdefault(item.importer, set()).add(item.imported)
        graph.setdefault(item.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


# -- the package --------------------------------------------------------------------


def test_every_module_has_a_layer() -> None:
    assert [name for name in modules(PACKAGE) if layer_of(name) is None] == []


def test_no_module_imports_a_module_above_it() -> None:
    assert upward(list(imports(PACKAGE))) == []


def test_no_import_cycle_exists() -> None:
    assert cycles(list(imports(PACKAGE))) == []


def test_imports_inside_functions_only_where_a_command_loads_late() -> None:
    hidden = [
        f"{item.importer}:{item.line} imports {item.imported}"
        for item in imports(PACKAGE)
        if item.hidden and item.importer not in LAZY
    ]
    assert hidden == []


# -- the checks themselves fail on a package that breaks the rules ----------------------


@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    """A package whose bottom module imports its top one, inside a function."""
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (root / "low.py").write_text(
        "def late():\n    from pkg.sub import top\n    return top\n", encoding="utf-8"
    )
    (root / "sub" / "top.py").write_text("from .. import low\n", encoding="utf-8")
    (root / "other.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.low\n",
        encoding="utf-8",
    )
    return root


def test_the_checks_find_upward_imports_cycles_and_hidden_imports(tangled: Path) -> None:
    layers = (("pkg", "pkg.low", "pkg.other"), ("pkg.sub", "pkg.sub.*"))
    found = list(imports(tangled))
    assert upward(found, layers) == ["pkg.low:2 imports pkg.sub.top, a layer above"]
    assert cycles(found) == [["pkg.low", "pkg.sub.top"]]
    assert sorted((item.importer, item.imported) for item in found if item.hidden) == [
        ("pkg.low", "pkg.sub.top"),
        ("pkg.other", "pkg.low"),
    ]
