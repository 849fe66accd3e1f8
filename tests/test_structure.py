"""The package's shape: every module imports alone, imports run one way, no cycles.

The pipeline runs read → graph → engine → export/view/sparql → cli. A module
that imports against that direction (the reader reaching into the store, the
library reaching into the command line) is what makes a change in one stage
break another, so the direction is checked here from the source, not trusted.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import networkx as nx
import pytest

import kg

PACKAGE = Path(kg.__file__).resolve().parent

#: Sub-package (or module) → the sub-packages it must never import.
FORBIDDEN: dict[str, frozenset[str]] = {
    "kg.support": frozenset({"kg.records", "kg.read", "kg.graph", "kg.engine", "kg.export",
                             "kg.view", "kg.sparql", "kg.cli"}),
    "kg.records": frozenset({"kg.read", "kg.graph", "kg.engine", "kg.export", "kg.view",
                             "kg.sparql", "kg.cli"}),
    "kg.read": frozenset({"kg.graph", "kg.engine", "kg.export", "kg.view", "kg.sparql",
                          "kg.cli"}),
    "kg.graph": frozenset({"kg.engine", "kg.export", "kg.view", "kg.sparql", "kg.cli"}),
}
#: The only modules outside kg.cli allowed to import it.
CLI_USERS = frozenset({"kg.__main__"})


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(source: str, known: set[str], *, top_level_only: bool = False) -> set[str]:
    """The kg modules (of ``known``) that ``source`` imports, anywhere or at module level."""
    tree = ast.parse(source)
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
    return {name for name in found if name in known}


def violations(name: str, imported: set[str]) -> list[str]:
    """Why ``name`` importing ``imported`` breaks the one-way direction (empty: it does not)."""
    problems = []
    for stage, banned in FORBIDDEN.items():
        if name == stage or name.startswith(stage + "."):
            problems += [f"{name} imports {target}" for target in sorted(imported)
                         if any(target == b or target.startswith(b + ".") for b in banned)]
    if not (name == "kg.cli" or name.startswith("kg.cli.") or name in CLI_USERS):
        problems += [f"{name} imports the command line ({target})" for target in sorted(imported)
                     if target == "kg.cli" or target.startswith("kg.cli.")]
    return problems


def test_package_has_the_stages() -> None:
    assert {"kg.read", "kg.graph", "kg.engine", "kg.export", "kg.view", "kg.sparql",
            "kg.cli", "kg.support", "kg.records"} <= set(modules())


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    """A cycle shows up as a partially initialised module when one is imported first."""
    names = [name for name in modules() if name != "kg.__main__"]  # that one runs the CLI

    def attempt(name: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True,
                              text=True, timeout=120, check=False)
        lines = done.stderr.strip().splitlines()
        return name, lines[-1] if done.returncode else ""

    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = {name: error for name, error in pool.map(attempt, names) if error}
    assert failed == {}
    assert len(names) > 40


def test_the_api_is_loaded_on_first_use() -> None:
    """``import kg`` runs for every process of the package (query workers, the page's
    process): it must not load the engines, and every name it exports must resolve."""
    probe = ("import sys, kg.sparql.sandbox; "
             "print(sorted(m for m in ('kg.engine.add', 'kg.engine.build', 'kg.people.links')"
             " if m in sys.modules)); import kg; "
             "print(all(getattr(kg, name) is not None for name in kg.__all__))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["[]", "True"]


def test_imports_run_one_way() -> None:
    known = set(modules())
    problems = [problem for name, path in modules().items()
                for problem in violations(name, imports(path.read_text(), known))]
    assert problems == []


def test_no_import_cycle_at_module_level() -> None:
    """Lazy imports inside functions may point back (they run after loading); module-level
    ones may not, or which module loads first decides whether the import works."""
    known = set(modules())
    graph: nx.DiGraph[str] = nx.DiGraph()
    for name, path in modules().items():
        graph.add_node(name)
        graph.add_edges_from((name, target)
                             for target in imports(path.read_text(), known, top_level_only=True)
                             if target != name)
    assert list(nx.simple_cycles(graph)) == []


@pytest.mark.parametrize(("name", "source", "expected"), [
    ("kg.read.markdown", "from kg.graph import vocab as v",
     ["kg.read.markdown imports kg.graph.vocab"]),
    ("kg.graph.mapping", "def f():\n    from kg.view.draw import write_view_html",
     ["kg.graph.mapping imports kg.view.draw"]),
    ("kg.view.stats", "import kg.cli.common",
     ["kg.view.stats imports the command line (kg.cli.common)"]),
    ("kg.support.atomic", "from kg.records import Digest",
     ["kg.support.atomic imports kg.records"]),
    ("kg.engine.build", "from kg.graph.store import GraphStore\nfrom kg.read import parse", []),
    ("kg.__main__", "from kg.cli import main", []),
])
def test_the_direction_check_catches_a_wrong_import(name: str, source: str,
                                                    expected: list[str]) -> None:
    assert violations(name, imports(source, set(modules()))) == expected


def test_the_cycle_check_sees_module_level_imports_only() -> None:
    known = set(modules())
    source = "import kg.graph.vocab\ndef later():\n    import kg.view.draw\n"
    assert imports(source, known, top_level_only=True) == {"kg.graph.vocab"}
    assert imports(source, known) == {"kg.graph.vocab", "kg.view.draw"}


def test_edge_kinds_are_named_after_their_vocabulary_terms(examples_dir: Path) -> None:
    """Views compare edge names from the table, never strings of their own."""
    from kg.graph.kinds import EDGE_BY_PREDICATE, EDGE_KINDS, FEATURED, KINDS
    from kg.view.projection import project

    for edge in (*EDGE_KINDS, FEATURED):
        assert edge.name == edge.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    assert len(EDGE_BY_PREDICATE) == len(EDGE_KINDS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", kind.colour) for kind in KINDS)
    view = project(kg.build([examples_dir]).store, days=True)
    labels = {label for *_, label in view.edges(data="label")}
    assert labels <= {edge.name for edge in (*EDGE_KINDS, FEATURED)}
    assert {"creator", "subject", "hasRepository", "isPartOf"} <= labels


def test_every_ontology_term_of_ours_is_in_the_vocabulary() -> None:
    """The other direction of tests/test_graph.py: a ``pkg:`` term declared in
    ontology/paperkg.ttl but missing from kg.graph.vocab could only be written as a string."""
    import pyoxigraph as ox

    from kg.graph import vocab
    from kg.support.resources import ontology_text

    namespace = vocab.NAMESPACES["pkg"]
    declared = {quad.subject.value
                for quad in ox.parse(ontology_text(), format=ox.RdfFormat.TURTLE)
                if quad.predicate == vocab.TYPE and isinstance(quad.subject, ox.NamedNode)
                and quad.subject.value.startswith(namespace) and quad.subject.value != namespace}
    terms = {term.value for term in vocab.declared_terms().values()}
    assert declared - terms == set()
    assert len(declared) > 5
