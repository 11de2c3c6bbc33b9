"""The package's layout: no import circle between scaffolder's modules (lazy imports too)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "scaffolder"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Every module of scaffolder -> the scaffolder modules it imports, wherever in its code."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                base = node.module
                if node.level:  # relative: from its package
                    package = name.rsplit(".", node.level if path.stem != "__init__" else 0)[0]
                    base = f"{package}.{base}" if base else package
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found = []
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph[node]):
                if nxt == start:
                    found.append(path)
                elif nxt not in path and nxt > start:  # each circle once, from its least node
                    stack.append((nxt, [*path, nxt]))
    return found


def package_parents(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Leave out "a package imports its own submodule" edges' mirror: a submodule importing
    its package's __init__ for a name is not a circle of modules that own jobs."""
    return {
        name: {m for m in targets if not name.startswith(f"{m}.")}
        for name, targets in graph.items()
    }


def test_no_module_of_scaffolder_imports_itself_through_others() -> None:
    assert cycles(package_parents(imports())) == []


def test_the_finder_sees_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_only_the_engines_package_imports_copier_and_cookiecutter() -> None:
    engines = {"copier", "cookiecutter", "plumbum"}
    importers = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(name.split(".")[0] in engines for name in names):
                importers.add(path.relative_to(PACKAGE).parts[0])
    assert importers == {"engines"}
