"""No import cycles inside ie/ and training/ (module-level and function-level imports both count).

A cycle is a pair of modules each reachable from the other in the graph of absolute imports; a
package importing its own submodules and a submodule importing its package are not edges.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ie", "training")

# Pairs known to import each other, to be untangled; the list only ever shrinks.
ALLOWED: set[tuple[str, str]] = set()


def _module_files() -> dict[str, Path]:
    mods = {}
    for package in PACKAGES:
        for f in (ROOT / package).rglob("*.py"):
            name = ".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            mods[name] = f
    return mods


def import_graph() -> dict[str, set[str]]:
    """Module name -> the project modules it imports anywhere in its source."""
    mods = _module_files()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                names = []
            for target in names:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != m and not m.startswith(target + "."):
                    graph[m].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Every (a, b) pair, sorted, with an edge a -> b and a path b -> ... -> a."""

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for w in graph[todo.pop()]:
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        return seen

    reachable = {m: reach(m) for m in graph}
    return {tuple(sorted((a, b))) for a in graph for b in graph[a] if a in reachable[b]}


def test_the_graph_sees_the_packages():
    graph = import_graph()
    assert "ie.pipeline" in graph and "training.synth.corpus" in graph
    assert "ie.records" in graph["ie.pipeline"]


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {
        ("a", "b"),
        ("b", "c"),
        ("a", "c"),
    }


def test_no_import_cycles():
    found = cycles(import_graph())
    assert found - ALLOWED == set(), f"import cycles: {sorted(found - ALLOWED)}"
