"""paperkg: knowledge graphs from daily ML-paper digests.

The Python API mirrors the command line::

    import kg
    graph = kg.build_graph(["digests/"])          # an rdflib.Graph
    result = kg.build(["digests/"])               # store + parse report
    result.store.serialize()                      # Turtle bytes
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.build import AddResult, BuildResult, Inputs, add, build, write_outputs
from kg.parse import ParseResult, parse_inputs
from kg.records import Diagnostic, Digest, Entry, Link, LinkKind
from kg.store import GraphStore
from kg.vocab import DEFAULT_BASE

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "DEFAULT_BASE", "AddResult", "BuildResult", "Diagnostic", "Digest", "Entry", "GraphStore",
    "Link", "LinkKind", "ParseResult", "add", "build", "build_graph", "parse_inputs",
    "write_outputs",
]
__version__ = "0.1.0"


def build_graph(inputs: Inputs, *, base: str = DEFAULT_BASE) -> rdflib.Graph:
    """Build the graph of the given digests and return it as an ``rdflib.Graph``."""
    return build(inputs, base=base).store.to_rdflib()
