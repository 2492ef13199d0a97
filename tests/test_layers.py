"""The package's imports keep to its layers (docs/architecture.md, "Layers").

Every module is read with `ast`: imports at module level and inside functions count alike (a
function-level import is still a dependency, only a later one); imports under
`if TYPE_CHECKING:` do not run and are left out. A subpackage (`checks/`, `project/`, ...) is one
node, so a cycle through two of its modules with an outside module shows as a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "timeoutlint"

# Lower numbers are lower layers: a unit may import its own layer or a lower one, never a higher.
LAYERS: dict[str, int] = {
    # Foundations: the finding and fix values, the Python, Redis and compose models, the catalog,
    # bounds.
    "timeoutlint": 0,
    "findings": 0,
    "fix_operations": 0,
    "python": 0,
    "redis": 0,
    "compose": 0,
    "byte_literals": 0,
    "catalog": 0,
    "catalog_cache": 0,
    "catalog_callsite": 0,
    "limits": 0,
    "parallel": 0,
    "interrupts": 0,
    "redact": 0,
    "ignore_patterns": 0,
    "safe_write": 0,
    "suppression": 0,
    "templates": 0,
    "version_option": 0,
    "progress": 0,
    # The inputs of a run: configuration, files, caches, the scan and the project context.
    "config": 1,
    "config_extend": 1,
    "config_tree": 1,
    "file_scopes": 1,
    "discovery": 1,
    "rule_packs": 1,
    "cache": 1,
    "file_memo": 1,
    "scan": 1,
    "project": 1,
    "checks": 2,
    "engine": 3,
    # Over the engine's findings: fixes and reports.
    "fixes": 4,
    "report": 4,
    "baseline": 4,
    "add_noqa": 4,
    "run": 5,
    "examples": 6,
    "cli": 7,
    "server": 7,
    "__main__": 7,
}


def _unit(module: str) -> str:
    """`timeoutlint.checks.base` -> `checks`; `timeoutlint` -> `timeoutlint`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str) -> list[tuple[str, int]]:
    """(imported module, line) of every import that runs, relative ones resolved."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((module, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["timeoutlint", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _edges() -> dict[tuple[str, str], str]:
    """(importing unit, imported unit) -> where the first such import is (`file:line`)."""
    edges: dict[tuple[str, str], str] = {}
    for module, path in _modules().items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for imported, line in _imports(tree, package):
            if imported != "timeoutlint" and not imported.startswith("timeoutlint."):
                continue
            source, target = _unit(module), _unit(imported)
            if source != target:
                where = f"{path.relative_to(PACKAGE.parent)}:{line}"
                edges.setdefault((source, target), where)
    return edges


def _cycles(edges: dict[tuple[str, str], str]) -> list[list[str]]:
    """The strongly connected components with more than one unit (Tarjan)."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
        graph.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def test_every_module_has_a_layer() -> None:
    units = {_unit(module) for module in _modules()}
    assert sorted(units - LAYERS.keys()) == []


def test_the_import_graph_has_no_cycle() -> None:
    edges = _edges()
    described = [
        " <-> ".join(component)
        + " ("
        + "; ".join(
            f"{s} -> {t} at {where}"
            for (s, t), where in sorted(edges.items())
            if s in component and t in component
        )
        + ")"
        for component in _cycles(edges)
    ]
    assert not described, "import cycles:\n" + "\n".join(described)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{where}: {source} (layer {LAYERS.get(source)}) imports {target} (layer {LAYERS.get(target)})"
        for (source, target), where in sorted(_edges().items())
        if LAYERS.get(source, 0) < LAYERS.get(target, 0)
    ]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def _documented_layers() -> dict[str, int]:
    """The layer table of docs/architecture.md ("Layers"): unit -> layer."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## Layers", 1)[1].split("\n## ", 1)[0]
    documented: dict[str, int] = {}
    for row in section.splitlines():
        cells = row.split("|")
        if len(cells) < 3 or not cells[1].strip()[:1].isdigit():
            continue
        layer = int(cells[1].split()[0])
        for unit in cells[2].split("`")[1::2]:
            documented[unit.rstrip("/")] = layer
    return documented


def test_the_architecture_page_shows_this_layer_table() -> None:
    # The package's own `__init__` (the version) is left out of the page.
    assert _documented_layers() == {u: n for u, n in LAYERS.items() if u != "timeoutlint"}
