"""The package's shape: folders follow the data flow, no layer imports a later one, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import movierec

PACKAGE = Path(movierec.__file__).parent

# In data-flow order; a module may import its own layer and earlier ones only.
LAYERS: list[set[str]] = [
    {"movierec", "movierec.settings", "movierec.errors", "movierec.records", "movierec.likes"},
    {"movierec.sources", "movierec.text"},
    {"movierec.vectors", "movierec.classifier"},
    {"movierec.database"},
    {"movierec.pipeline"},
    {"movierec.query"},
    {"movierec.bench", "movierec.web"},
    {"movierec.cli", "movierec.__main__"},
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """movierec modules ``path`` imports at run time (function-level imports included)."""
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            return
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("movierec"))
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("movierec")
        ):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                out.add(candidate if candidate in modules else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return out


def _layer(module: str) -> int:
    """The layer of the longest name in LAYERS that ``module`` is or lies under."""
    matches = [
        (len(name), i)
        for i, names in enumerate(LAYERS)
        for name in names
        if module == name or module.startswith(name + ".")
    ]
    return max(matches)[1] if matches else -1


def test_every_module_is_in_a_layer() -> None:
    for module in _modules():
        assert _layer(module) >= 0, module


def test_no_module_imports_a_later_layer() -> None:
    modules = _modules()
    wrong = [
        f"{module} imports {target}"
        for module, path in modules.items()
        for target in _imports(path, modules)
        if _layer(target) > _layer(module)
    ]
    assert wrong == []


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {m: _imports(p, modules) - {m} for m, p in modules.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_the_folders_show_the_flow() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert {
        "sources",
        "text",
        "vectors",
        "pipeline",
        "database",
        "query",
        "cli",
        "bench",
    } <= folders
    flat = [p.name for p in PACKAGE.glob("*.py")]
    assert len(flat) <= 8, flat


def test_migrations_import_no_application_code() -> None:
    versions = PACKAGE.parent / "migrations" / "versions"
    for path in versions.glob("*.py"):
        imported = _imports(path, _modules())
        assert imported == set(), f"{path.name} imports {sorted(imported)}"
