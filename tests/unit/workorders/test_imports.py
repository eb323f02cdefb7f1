"""The work-order package's imports: no cycles, no imports hidden inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import jingwu.workorders

PACKAGE = Path(jingwu.workorders.__file__).parent
PREFIX = "jingwu.workorders."


def _modules() -> dict[str, ast.Module]:
    return {
        PREFIX + path.stem: ast.parse(path.read_text(encoding="utf-8"))
        for path in PACKAGE.glob("*.py")
        if path.stem != "__init__"
    }


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        if node.module == "jingwu.workorders":
            return [PREFIX + alias.name for alias in node.names]
        return [node.module]
    return []


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {
            target
            for node in ast.walk(tree)
            for target in _imported(node)
            if target in modules and target != name
        }
        for name, tree in modules.items()
    }


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in graph[node]:
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_no_module_of_the_package_reaches_itself_through_its_imports() -> None:
    graph = _graph()
    cycles = [c for name in sorted(graph) if (c := _cycle_from(name, graph))]
    assert cycles == []


def test_no_function_imports_a_module_of_ours() -> None:
    hidden = []
    for name, tree in _modules().items():
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                found = [t for t in _imported(node) if t.startswith("jingwu")]
                hidden.extend(f"{name}.{fn.name}: {t}" for t in found)
    assert hidden == []
