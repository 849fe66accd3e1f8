"""Where the triples go: a pyoxigraph store with one named graph per source day.

Each (source file, day) pair gets its own named graph, so re-reading a corrected
file replaces exactly what it said before, and a paper that several days feature
stays supported by the days that still list it. The dataset everyone sees
(exports, queries) is the union of those graphs plus a VoID description.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import vocab as v
from kg.iris import Minter
from kg.mapping import digest_triples
from kg.records import Digest
from kg.void import void_triples

if TYPE_CHECKING:
    import rdflib

_SORTED_UNION = """
SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }
ORDER BY ?s (?p != rdf:type) ?p ?o
"""


class GraphStore:
    """The working graph: in memory (``path=None``) or on disk (an Oxigraph store)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 base: str = v.DEFAULT_BASE) -> None:
        self.path = Path(path) if path is not None else None
        self.minter = Minter(base)
        self.store = ox.Store(str(self.path)) if self.path is not None else ox.Store()

    @property
    def base(self) -> str:
        return self.minter.base

    def load(self, digests: Iterable[Digest]) -> list[ox.NamedNode]:
        """Add digests, replacing what the same source said about the same day.

        Graphs written earlier in this call are extended, not replaced, so two
        inputs with one file name both count. Returns the graphs written.
        """
        written: dict[ox.NamedNode, None] = {}
        for digest in digests:
            graph = self.minter.day_graph(digest.source.name, digest.day)
            if graph not in written:
                if self._has_graph(graph):
                    self.store.remove_graph(graph)
                written[graph] = None
            self.store.bulk_extend(
                ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in digest_triples(digest, self.minter)
            )
        self.refresh_void()
        return list(written)

    def _has_graph(self, graph: ox.NamedNode) -> bool:
        return self.store.contains_named_graph(graph)

    def refresh_void(self) -> None:
        """Recompute the VoID description of the union of the day graphs."""
        graph = self.minter.void_graph
        if self._has_graph(graph):
            self.store.remove_graph(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph)
                 for t in void_triples(self.store, self.minter)]
        self.store.extend(quads)

    def triples(self) -> Iterator[ox.Triple]:
        """The union of all graphs, without duplicates, in a canonical order.

        The order (subject, type first, predicate, object) makes the written files
        byte-identical for identical input and groups each subject's triples.
        """
        for solution in self.store.query(_SORTED_UNION, prefixes=v.PREFIXES):
            yield ox.Triple(solution["s"], solution["p"], solution["o"])

    def serialize(self, output: io.BufferedIOBase | None = None, *,
                  format: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes | None:
        """Write the union graph (Turtle/N-Triples/JSON-LD) or the dataset (TriG/N-Quads)."""
        if format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            data: Iterable = sorted(self.store, key=_quad_key)
        else:
            data = self.triples()
        plain = format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
        prefixes = None if plain else v.all_prefixes(self.base)
        return ox.serialize(data, output, format, prefixes=prefixes)

    def to_rdflib(self) -> rdflib.Graph:
        """The union graph as an ``rdflib.Graph`` with the project's prefixes bound."""
        import rdflib

        graph = rdflib.Graph()
        graph.parse(data=self.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
        for prefix, namespace in v.all_prefixes(self.base).items():
            graph.bind(prefix, namespace, replace=True)
        return graph

    def __len__(self) -> int:
        return len(self.store)

    def flush(self) -> None:
        if self.path is not None:
            self.store.flush()


def _quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))
