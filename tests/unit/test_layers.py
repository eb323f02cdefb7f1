"""The layers of ``src/jingwu``, kept by walking every import statement (function-local ones
included; ``if TYPE_CHECKING:`` blocks left out, as they never run).

- Pure cores (the rules: clocks, Merkle proofs, KPI formulas, roles…) reach neither
  SQLAlchemy nor FastAPI/Starlette nor ``jingwu.db`` nor ``jingwu.web``, even indirectly.
- Services, queries and jobs never reach the web layer.
- Only ``jingwu/registry.py`` imports Jingwu modules by name (``importlib``).
- No import cycles between modules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
FRAMEWORKS = {"sqlalchemy", "fastapi", "starlette"}

# The pure cores. Not pure (they read the database), so not listed: workorders.escalation
# (the ladder is loaded with SQLAlchemy; its rules could move to a module of their own).
PURE = [
    "jingwu.errors",
    "jingwu.cards",
    "jingwu.i18n",
    "jingwu.accounts.principal",
    "jingwu.accounts.roles",
    "jingwu.security.totp",
    "jingwu.security.pii",
    "jingwu.org.standard",
    "jingwu.org.codes",
    *(
        f"jingwu.workorders.{m}"
        for m in ("clocks", "sla", "states", "guards", "triage", "codes", "draw", "vocab")
    ),
    "jingwu.workorders.catalogue",
    *(
        f"jingwu.evidence.{m}"
        for m in ("merkle", "note", "checkpoint", "entry", "tiles", "tlogproof", "verify")
    ),
    "jingwu.evidence.bundle",
    "jingwu.evidence.cosignature",
    *(
        f"jingwu.analytics.{m}"
        for m in ("heatcube", "grid", "forecast", "baselines", "etas", "ours", "features")
    ),
    *(
        f"jingwu.analytics.{m}"
        for m in ("metrics", "backtest", "choice", "locate", "timeline", "synthetic", "registry")
    ),
    *(
        f"jingwu.iot.{m}"
        for m in ("rules", "engine", "payload", "classes", "density", "gaps", "topics", "ruleset")
    ),
    "jingwu.iot.explain",
    "jingwu.viewport",
    "jingwu.patrols.tracks",
    *(
        f"jingwu.coverage.{m}"
        for m in ("network", "travel", "isochrone", "residents", "geojson", "response")
    ),
    *(f"jingwu.evaluation.whitepaper.{m}" for m in ("charts", "tally", "specs")),
    "jingwu.rollout.plan",
    "jingwu.rollout.planfile",
    *(f"jingwu.open311.{m}" for m in ("spec", "formats", "catalogue")),
    "jingwu.sunshine.suppress",
    "jingwu.sunshine.dataset",
]

# Known cycles, each to be removed by the engineer named (then delete the entry).
KNOWN_CYCLES: list[set[str]] = []


class Graph:
    """The import graph of the packages under ``src``: module -> modules and libraries."""

    def __init__(self, src: Path, package: str = "jingwu") -> None:
        self.files = {self._name(src, p): p for p in (src / package).rglob("*.py")}
        self.edges = {name: self._imports(name, path) for name, path in self.files.items()}
        self.dynamic = {
            name
            for name, path in self.files.items()
            if _uses_importlib(ast.parse(path.read_text()))
        }

    @staticmethod
    def _name(src: Path, path: Path) -> str:
        parts = list(path.relative_to(src).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def _imports(self, name: str, path: Path) -> set[str]:
        found: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _statements(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in self.files else base
                    for a in node.names
                ]
            for target in targets:
                found |= self._with_parents(target)
        return found

    def _with_parents(self, target: str) -> set[str]:
        parts = target.split(".")
        if parts[0] not in {n.split(".")[0] for n in self.files}:
            return {parts[0]}  # a library: its top-level name
        return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & set(self.files)

    def reach(self, start: str) -> set[str]:
        """Everything ``start`` imports, directly or not."""
        seen: set[str] = set()
        todo = [start]
        while todo:
            for target in self.edges.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    def cycles(self) -> list[set[str]]:
        """The strongly connected components of more than one module (Tarjan)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        out: list[set[str]] = []

        def visit(v: str) -> None:
            index[v] = low[v] = len(index)
            stack.append(v)
            for w in self.edges[v] & set(self.files):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                component = set()
                while True:
                    w = stack.pop()
                    component.add(w)
                    if w == v:
                        break
                if len(component) > 1:
                    out.append(component)

        for v in sorted(self.files):
            if v not in index:
                visit(v)
        return out


def _statements(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for other in node.orelse:
                yield from _statements(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _statements(node)


def _uses_importlib(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.startswith("importlib") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("importlib"):
            return True
        if isinstance(node, ast.Name) and node.id == "__import__":
            return True
    return False


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph(SRC)


def _forbidden_for_cores(graph: Graph, module: str) -> list[str]:
    reached = graph.reach(module)
    return sorted(
        r for r in reached if r in FRAMEWORKS or r == "jingwu.db" or r.startswith("jingwu.web")
    )


def test_the_walker_sees_function_local_imports(graph: Graph) -> None:
    assert "jingwu.runtime" in graph.edges["jingwu.cli.context"]  # inside a method
    assert "sqlalchemy" in graph.reach("jingwu.workorders.service")


def test_pure_cores_reach_no_database_and_no_web(graph: Graph) -> None:
    cores = [*PURE, *(n for n in graph.files if n.endswith(".permissions"))]
    assert len([n for n in cores if n.endswith(".permissions")]) >= 4
    missing = [n for n in cores if n not in graph.files]
    assert not missing, f"renamed or removed: {missing}"
    impure = {n: bad for n in cores if (bad := _forbidden_for_cores(graph, n))}
    assert not impure, impure


def test_services_queries_and_jobs_never_reach_the_web_layer(graph: Graph) -> None:
    kinds = ("service", "queries", "jobs", "reports", "sweep")
    lower = [n for n in graph.files if n.rpartition(".")[2].startswith(kinds)]
    assert len(lower) > 20
    reaching = {
        n: sorted(
            r
            for r in graph.reach(n)
            if r.startswith("jingwu.web") or r in FRAMEWORKS - {"sqlalchemy"}
        )
        for n in lower
    }
    assert not {n: r for n, r in reaching.items() if r}


def test_only_the_registry_imports_modules_by_name(graph: Graph) -> None:
    assert graph.dynamic == {"jingwu.registry"}


def test_there_are_no_import_cycles(graph: Graph) -> None:
    unexpected = [c for c in graph.cycles() if c not in KNOWN_CYCLES]
    assert not unexpected, unexpected


def test_the_walker_finds_a_hidden_cycle_and_an_impure_core(tmp_path: Path) -> None:
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "core.py").write_text("from demo import helper\n")
    (pkg / "helper.py").write_text(
        "import json\n\ndef f():\n    from demo.core import g\n    import sqlalchemy\n"
    )
    (pkg / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import fastapi\n"
    )
    g = Graph(tmp_path, "demo")
    assert g.cycles() == [{"demo.core", "demo.helper"}]
    assert "sqlalchemy" in g.reach("demo.core")
    assert "fastapi" not in g.reach("demo.typed")


# Subtree tests by hand (a unit's path compared as a string) bypass the one scope API.
_PATH_COMPARISON = re.compile(r"(?:\bUnit\.path|\bunit_path)\.startswith\(|\bcovers_path\b")


def test_only_the_scope_module_compares_unit_paths() -> None:
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted((SRC / "jingwu").rglob("*.py"))
        if path.name != "scope.py" or path.parent.name != "accounts"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _PATH_COMPARISON.search(line)
    ]
    assert found == [], "use accounts.scope (subtree, unit_in_scope, in_scope)"
