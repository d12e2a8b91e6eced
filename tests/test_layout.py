"""The architecture as rules: who may import whom (read from the source, not from running it)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _unit(module: str) -> str:
    """The unit a module belongs to: ``matcher.decision.guards`` → ``matcher.decision``."""
    parts = module.split(".")
    return ".".join(parts[:3] if parts[:2] == ["matcher", "lab"] else parts[:2])


def imports() -> dict[str, set[str]]:
    """unit → units it imports (first-party only)."""
    graph: dict[str, set[str]] = {}
    for package in ("matcher", "streams"):
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(
                ".__init__"
            )
            deps = graph.setdefault(_unit(module), set())
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    if name.split(".")[0] in ("matcher", "streams") and _unit(name) != _unit(
                        module
                    ):
                        deps.add(_unit(name))
    return graph


def test_library_imports_no_kafka_and_no_service_code() -> None:
    for path in (ROOT / "matcher").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                for name in names:
                    assert name.split(".")[0] not in ("faststream", "aiokafka", "streams"), path


def test_serving_core_never_imports_the_lab() -> None:
    graph = imports()
    core = [u for u in graph if u.startswith("matcher") and not u.startswith("matcher.lab")]
    assert core and all(not any(d.startswith("matcher.lab") for d in graph[u]) for u in core)


def test_no_import_cycles_between_subpackages() -> None:
    graph = imports()
    done: set[str] = set()

    def visit(unit: str, path: tuple[str, ...]) -> None:
        assert unit not in path, " → ".join((*path, unit))
        if unit in done:
            return
        for dep in graph.get(unit, ()):
            visit(dep, (*path, unit))
        done.add(unit)

    for unit in graph:
        visit(unit, ())
