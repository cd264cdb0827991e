"""The layout is the map: imports point down, nothing imports in a cycle, and the map stays true.

- the import-linter contracts in pyproject.toml (layers, independent siblings, forbidden
  imports) hold;
- no module imports another in a cycle, counting every import: at module level, under
  ``TYPE_CHECKING`` and inside functions (import-linter only sees what it sees);
- every subpackage says in its docstring what it is for and what it may import, and
  docs/architecture.md names exactly the subpackages, in the contract's order;
- functions stay short enough to hold in mind, and no module reaches a private name of another.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import networkx as nx
import pytest

from .conftest import ROOT

SRC = ROOT / "src" / "lbpgraph"
MAX_FUNCTION_LINES = 60
SUBPACKAGES = sorted(p.parent.name for p in SRC.glob("*/__init__.py"))


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every lbpgraph module ``module`` imports, wherever the import statement stands."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            names = [f"{target}.{alias.name}" for alias in node.names]
            found.update(name if name in modules else target for name in names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    resolved = set()
    for name in found:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in modules and name != module:
            resolved.add(name)
    return resolved


def import_graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    for module, path in modules.items():
        graph.add_node(module)
        graph.add_edges_from((module, target) for target in _imported(module, path, modules))
    return graph


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _layers() -> list[list[str]]:
    [layers] = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    return [[m.strip().removeprefix("lbpgraph.") for m in re.split(r"[|:]", line)] for line in layers]


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from importlinter.cli import lint_imports
    monkeypatch.chdir(ROOT)
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    graph = import_graph()
    assert graph.number_of_edges() > 100
    assert list(nx.simple_cycles(graph)) == []


def test_the_import_graph_sees_imports_inside_functions_and_type_checking_blocks() -> None:
    graph = import_graph()
    assert graph.has_edge("lbpgraph.project", "lbpgraph.build.pipeline")  # imported inside Project._publish
    assert graph.has_edge("lbpgraph.analysis.trace", "lbpgraph.stores.base")  # under TYPE_CHECKING


def test_every_subpackage_is_a_layer_and_says_what_it_may_import() -> None:
    layered = {m for line in _layers() for m in line}
    assert set(SUBPACKAGES) <= layered, "a subpackage that is in no layer of pyproject.toml"
    assert layered - set(SUBPACKAGES) <= {"__main__", "docs", "cli", "project"}
    for name in SUBPACKAGES:
        doc = ast.get_docstring(ast.parse((SRC / name / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"lbpgraph.{name} does not say what it may import"


def test_the_architecture_diagram_names_exactly_the_layers_in_their_order() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagram = text.split("```text\n", 1)[1].split("```", 1)[0]
    rows = [re.findall(r"\b(__main__|[a-z]+)\b(?=/| \()", line) for line in diagram.splitlines()]
    assert [r for r in rows if r] == _layers(), "docs/architecture.md's diagram no longer matches the contract"


def _functions() -> list[tuple[str, int, int]]:
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((f"{path.relative_to(SRC)}:{node.lineno} {node.name}", node.lineno, node.end_lineno or 0))
    return found


def test_no_function_is_longer_than_a_reader_can_hold() -> None:
    long = [f"{where} ({end - start + 1} lines)" for where, start, end in _functions()
            if end - start + 1 > MAX_FUNCTION_LINES]
    assert long == []


# http.client keeps its header limit in a module constant, the only setting there is (see stores/sparql.py)
ALLOWED_PRIVATE = {("stores/sparql.py", "_MAXHEADERS")}


@pytest.mark.parametrize("folder", ["src", "tests", "benchmarks"])
def test_no_private_name_is_imported_from_another_module(folder: str) -> None:
    found = []
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("lbpgraph", ".")) | bool(node.level):
                found += [f"{path.relative_to(ROOT)}: {alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == []


def test_no_module_reaches_a_private_attribute_of_another_object() -> None:
    """``x._name`` only on ``self`` or ``cls``: what a class keeps private, others do not touch."""
    found = []
    for path in SRC.rglob("*.py"):
        rel = str(path.relative_to(SRC))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                    and (rel, node.attr) not in ALLOWED_PRIVATE):
                found.append(f"{rel}:{node.lineno} .{node.attr}")
    assert found == []
