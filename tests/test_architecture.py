"""The code's shape, checked: dependencies point one way with no cycle, functions stay short and
simple, and views leave reads to selectors. See docs/architecture.md."""

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workshops"
# Generated or data, not code anyone reads as logic.
EXCLUDED = ("workshops/migrations/", "workshops/demo_content.py")
MAX_FUNCTION_LINES = 60
MAX_COMPLEXITY = 20
# What a view may not call: these are reads (or writes) that belong in selectors and services.
ORM_METHODS = {
    "aggregate",
    "annotate",
    "exclude",
    "filter",
    "get_or_create",
    "prefetch_related",
    "select_related",
    "update_or_create",
    "values",
    "values_list",
}


def _source_files():
    files = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(EXCLUDED):
            files.append(path)
    return files


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in _source_files()}


def _resolve(module, node):
    """The workshops modules an import statement (anywhere in the file) brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    names = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        names.append(candidate if candidate in MODULES else base)
    return names


def _import_graph():
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets.update(t for t in _resolve(module, node) if t in MODULES and t != module)
        graph[module] = targets
    return graph


def _cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _imports_of(prefix, graph):
    return {
        (module, target)
        for module, targets in graph.items()
        if module.startswith(prefix)
        for target in targets
    }


def test_architecture_no_module_imports_another_that_imports_it_back():
    assert _cycles(_import_graph()) == []


def test_architecture_a_cycle_is_found_when_there_is_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("workshops.selectors", ("workshops.services", "workshops.views", "workshops.forms")),
        ("workshops.services", ("workshops.tasks", "workshops.views", "workshops.forms")),
        ("workshops.models", ("workshops.selectors", "workshops.services", "workshops.views")),
        ("workshops.rules", ("workshops.models",)),
        ("workshops.scope", ("workshops.models",)),
    ],
)
def test_architecture_imports_point_one_way(layer, forbidden):
    wrong = sorted(
        (module, target)
        for module, target in _imports_of(layer, _import_graph())
        if target.startswith(forbidden)
    )
    assert wrong == []


def _functions(tree):
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_architecture_no_function_is_longer_than_sixty_lines():
    long = [
        f"{module}.{function.name}: {function.end_lineno - function.lineno + 1} lines"
        for module, path in MODULES.items()
        for function in _functions(ast.parse(path.read_text()))
        if function.end_lineno - function.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_architecture_no_function_is_too_complex():
    complex_ = [
        f"{module}.{block.name}: {block.complexity}"
        for module, path in MODULES.items()
        for block in cc_visit(path.read_text())
        if block.complexity > MAX_COMPLEXITY
    ]
    assert complex_ == []


def test_architecture_views_leave_reads_to_selectors():
    calls = []
    for module, path in MODULES.items():
        if not module.startswith("workshops.views"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and (
                node.attr == "objects" or node.attr in ORM_METHODS
            ):
                calls.append(f"{module}:{node.lineno} .{node.attr}")
    assert calls == []
