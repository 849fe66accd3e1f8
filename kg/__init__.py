"""paperkg: knowledge graphs from daily ML-paper digests.

The Python API is the library the command line is a thin layer over::

    import kg
    result = kg.build(["digests/"], "output")      # what `kg build digests/ -o output` does
    result = kg.build(["digests/"])                # in memory, nothing written
    result.store.serialize()                       # Turtle bytes
    graph = kg.build_graph(["digests/"])           # an rdflib.Graph
    kg.open("output").query("SELECT ...")          # a typed pandas DataFrame (extra: notebook)

The pipeline runs one way through the sub-packages: :mod:`kg.read` (digest files
to plain :mod:`kg.records`), :mod:`kg.graph` (records to triples and the store),
:mod:`kg.engine` (build and add, the output folder), then :mod:`kg.export`,
:mod:`kg.view` and :mod:`kg.sparql` over the result; :mod:`kg.cli` only parses
options and prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.graph.vocab import DEFAULT_BASE
from kg.support.lazy import attributes

if TYPE_CHECKING:
    import rdflib

    from kg.engine.add import AddResult, add
    from kg.engine.build import Inputs, build
    from kg.engine.outputs import write_outputs
    from kg.engine.result import BuildResult
    from kg.graph.store import GraphStore
    from kg.notebook import KnowledgeGraph, open
    from kg.read.parse import ParseResult, parse_inputs
    from kg.records import Diagnostic, Digest, Entry, Link, LinkKind

__all__ = [
    "DEFAULT_BASE", "AddResult", "BuildResult", "Diagnostic", "Digest", "Entry", "GraphStore",
    "KnowledgeGraph", "Link", "LinkKind", "ParseResult", "add", "build", "build_graph", "open",
    "parse_inputs", "write_outputs",
]
__version__ = "0.1.0"
_HOMES = {
    "AddResult": "kg.engine.add", "add": "kg.engine.add", "build": "kg.engine.build",
    "write_outputs": "kg.engine.outputs", "BuildResult": "kg.engine.result",
    "GraphStore": "kg.graph.store",
    "KnowledgeGraph": "kg.notebook", "open": "kg.notebook", "ParseResult": "kg.read.parse",
    "parse_inputs": "kg.read.parse", **{name: "kg.records" for name in (
        "Diagnostic", "Digest", "Entry", "Link", "LinkKind")},
}


# Loaded on first use: query workers and the page's process import the package too.
__getattr__ = attributes(__name__, _HOMES)


def build_graph(inputs: Inputs, *, base: str = DEFAULT_BASE) -> rdflib.Graph:
    """Build the graph of the given digests and return it as an ``rdflib.Graph``."""
    from kg.engine.build import build

    store = build(inputs, base=base).store
    assert store is not None  # an in-memory build always returns its store
    return store.to_rdflib()
