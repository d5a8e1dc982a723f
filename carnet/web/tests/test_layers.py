"""The apps stand on one another without cycles; carnet/core, the ground floor, on none.

Every ``import`` of the apps' code counts (tests and migrations aside), including one inside
a function: a cycle is broken by moving code, not by importing late.
"""

import ast
from pathlib import Path

import pytest

CARNET = Path(__file__).resolve().parents[2]
APPS = sorted(p.name for p in CARNET.iterdir() if (p / "__init__.py").exists())


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "carnet" and len(parts) > 1:
                found.add(parts[1])
    return found


def app_graph() -> dict[str, set[str]]:
    graph = {app: set() for app in APPS}
    for app in APPS:
        for path in (CARNET / app).rglob("*.py"):
            relative = path.relative_to(CARNET / app).parts
            if "tests" in relative or "migrations" in relative:
                continue
            graph[app] |= _imported_apps(path) - {app}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state:
                found = visit(target, [*trail, target])
                if found:
                    return found
        state[node] = "done"
        return None

    for app in sorted(graph):
        if app not in state:
            found = visit(app, [app])
            if found:
                return found
    return None


class TestLayers:
    def test_core_imports_no_other_app(self):
        assert app_graph()["core"] == set()

    def test_no_import_cycle_between_apps(self):
        cycle = find_cycle(app_graph())
        assert cycle is None, " → ".join(cycle)

    def test_nothing_stands_on_the_top_floor(self):
        graph = app_graph()
        assert [app for app, targets in graph.items() if "web" in targets] == []

    @pytest.mark.parametrize(
        ("graph", "cycle"),
        [
            ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
            ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
            ({"a": {"b"}, "b": set()}, None),
        ],
    )
    def test_the_cycle_finder_finds_cycles(self, graph, cycle):
        assert find_cycle(graph) == cycle


class TestPassportFloor:
    """The passeport professionnel stands above the PFMP and below the transfers."""

    BELOW = {
        "core", "audit", "referentials", "directory", "documents", "accounts",
        "establishments", "imports", "inspection", "scenarios", "evaluations", "pfmp",
    }  # fmt: skip

    def test_passport_imports_only_the_floors_below(self):
        assert app_graph()["passport"] - self.BELOW == set()

    def test_the_floors_below_do_not_import_the_passport(self):
        graph = app_graph()
        assert [app for app in self.BELOW if "passport" in graph[app]] == []
