"""The layers a reader can draw (docs/architecture.md): each app imports only apps below it,
and no module imports itself back through others. Tests and migrations are left out: tests
may use anything, and migrations are frozen."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lower number = lower layer. Apps on one line of the docs share no import in either direction.
LAYERS = {
    "core": 0,
    "audit": 1,
    "accounts": 2,
    "people": 3,
    "activity": 4,
    "pathways": 5,
    "reporting": 6,
    "plan": 7,
    "demo": 8,
    "sentier": 9,
}


def _modules():
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            name = ".".join(parts)[: -len(".py")].removesuffix(".__init__")
            yield name, path


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _graph():
    modules = dict(_modules())
    graph = defaultdict(set)
    for name, path in modules.items():
        for target in _imports(path):
            if target in modules and target != name:
                graph[name].add(target)
    return modules, graph


def test_apps_import_only_lower_layers():
    modules, graph = _graph()
    upward = sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        for target in targets
        if LAYERS[target.split(".")[0]] > LAYERS[source.split(".")[0]]
        or (
            target.split(".")[0] != source.split(".")[0]
            and LAYERS[target.split(".")[0]] == LAYERS[source.split(".")[0]]
        )
    )
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_no_import_cycles_between_modules():
    modules, graph = _graph()
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(stack[stack.index(target) :] + [target]))
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = "done"

    for name in sorted(modules):
        if name not in state:
            visit(name, [])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
