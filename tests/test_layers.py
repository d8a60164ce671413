"""The packages import one way: kalliola (the core) ← families ← trainings, meetings ← programme.

Parsed from the source, so an import hidden anywhere in a module counts. docs/architecture.md
draws the same picture.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = "kalliola"
APPS = ("families", "trainings", "meetings")
TOP = "programme"
PRODUCTION = (CORE, *APPS, TOP)
# Development only: production code never imports these.
DEVELOPMENT = ("bench", "tests")
FIRST_PARTY = (*PRODUCTION, *DEVELOPMENT)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level == 0:
            return [node.module]
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        return [".".join([*base, *([node.module] if node.module else [])])]
    return []


def _source_files(packages):
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def _imports(packages):
    """(file, importing module, imported module, inside a function's name or None)."""
    for path in _source_files(packages):
        module = _module_name(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        functions = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    functions.setdefault(id(inner), node.name)
        for node in ast.walk(tree):
            for name in _imported(node, module, path.name == "__init__.py"):
                if name.split(".")[0] in FIRST_PARTY:
                    yield path, module, name, functions.get(id(node))


def _package_graph():
    graph = defaultdict(set)
    for path, module, name, _function in _imports(PRODUCTION):
        source, target = module.split(".")[0], name.split(".")[0]
        if source != target:
            graph[source].add((target, str(path.relative_to(ROOT))))
    return graph


def _find_circle(edges: dict[str, set[str]]) -> list[str] | None:
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
            if nxt not in state:
                found = visit(nxt, [*trail, nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_circle_between_packages():
    graph = _package_graph()
    edges = {source: {target for target, _path in targets} for source, targets in graph.items()}
    assert _find_circle(edges) is None, f"import circle: {' → '.join(_find_circle(edges))}"


def test_the_circle_finder_finds_a_circle():
    # The check above would pass on any graph if this helper never found anything.
    assert _find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_circle({"a": {"b"}, "b": {"c"}}) is None


def test_the_core_imports_no_app():
    upward = sorted(
        path for target, path in _package_graph().get(CORE, ()) if target in (*APPS, TOP)
    )
    assert upward == [], f"kalliola imports an app in: {upward}"


def test_no_app_imports_the_package_above_them():
    upward = sorted(
        (app, path)
        for app in APPS
        for target, path in _package_graph().get(app, ())
        if target == TOP
    )
    assert upward == [], upward


def test_production_code_never_imports_development_code():
    found = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path, _module, name, _function in _imports(PRODUCTION)
        if name.split(".")[0] in DEVELOPMENT
    )
    assert found == [], found


def test_no_project_import_inside_a_function():
    # An import in a function body is how a circle gets hidden. Only AppConfig.ready(), which
    # Django calls once every app is loaded, and migrations (frozen history) may import late.
    found = sorted(
        f"{path.relative_to(ROOT)}: {function}() imports {name}"
        for path, _module, name, function in _imports(PRODUCTION)
        if function is not None and function != "ready" and "migrations" not in path.parts
    )
    assert found == [], "\n".join(found)


def test_the_graph_sees_the_known_edges():
    # A parser that found no imports would pass every test above.
    graph = _package_graph()
    assert "families" in {target for target, _path in graph["trainings"]}
    assert {"families", "trainings", "meetings", "kalliola"} <= {
        target for target, _path in graph[TOP]
    }
