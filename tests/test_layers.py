"""The layers import one way (#13, docs/architecture.md), and no two modules import each other.

Read from the source with ast, so a late import inside a function counts as much as one at
the top, and an `if TYPE_CHECKING:` import counts too (a type is a dependency all the same),
with one exception (TYPE_ONLY): a handler may name the ORM rows a service returns,
`storage.models` under `if TYPE_CHECKING:` only, never at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("bot", "handlers", "storage")

# Each layer and the layers it may import (besides itself). Most specific prefix wins.
LAYERS: dict[str, tuple[str, ...]] = {
    "bot.domain": (),
    "bot.demo": ("bot.domain",),
    "storage": ("bot.domain",),
    "bot.intake": ("bot.domain",),
    "bot.render": ("bot.domain",),
    "bot.services": ("storage", "bot.render", "bot.intake", "bot.domain", "bot.demo"),
    "handlers": ("bot.services", "bot.render", "bot.domain"),
    "bot.app": ("bot", "handlers", "storage"),
    "bot": ("bot.app",),  # bot/__main__.py
}


# (layer, module) a layer may import under `if TYPE_CHECKING:` only.
TYPE_ONLY = {("handlers", "storage.models")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for top in PROJECT:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """The import statements inside an `if TYPE_CHECKING:` block."""
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            for stmt in node.body:
                found.update(
                    n for n in ast.walk(stmt) if isinstance(n, ast.Import | ast.ImportFrom)
                )
    return found


def imports(name: str, path: Path, *, run_time: bool = False) -> Iterator[str]:
    """The project modules `name` imports (absolute and relative); with `run_time`, leaving
    out those imported under `if TYPE_CHECKING:`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree) if run_time else set()
    for node in ast.walk(tree):
        if node in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            for alias in node.names:
                yield f"{base}.{alias.name}"


def layer_of(name: str) -> str | None:
    best = None
    for layer in LAYERS:
        if (name == layer or name.startswith(layer + ".")) and (
            best is None or len(layer) > len(best)
        ):
            best = layer
    return best


def within(name: str, layers: tuple[str, ...]) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in layers)


def edges(*, run_time: bool = False) -> dict[str, set[str]]:
    found = modules()
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        targets = set()
        for target in imports(name, path, run_time=run_time):
            if target in found and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def test_every_module_has_a_layer() -> None:
    assert [name for name in modules() if layer_of(name) is None] == []


def test_layers_import_one_way() -> None:
    wrong = []
    run_time = edges(run_time=True)
    for name, targets in edges().items():
        layer = layer_of(name)
        assert layer is not None
        allowed = (layer, *LAYERS[layer])
        for target in sorted(targets):
            if within(target, allowed) or target in ("bot", "handlers", "storage"):
                continue
            if (layer, target) in TYPE_ONLY and target not in run_time[name]:
                continue
            wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_no_cycles_between_modules() -> None:
    graph = edges()
    # Packages import their own modules (handlers/__init__ registers every handler module):
    # only edges between modules count.
    graph = {
        name: {t for t in targets if not name.startswith(t + ".") and not t.startswith(name + ".")}
        for name, targets in graph.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []
