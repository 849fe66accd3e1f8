"""Writing a graph to files, one per format of :mod:`kg.export.formats`, each atomically.

Every triple file gets the data graph's OWL header (``owl:imports`` of the ontology),
so Protégé and reasoners open ``graph.ttl`` alone with typed properties. The header
belongs to files, not to the store: ``GraphStore.serialize`` and queries do not see it.
JSON-LD is written compact with the shipped context (:mod:`kg.export.jsonld`), and
the ``owl`` profile is the OWL 2 DL form (:mod:`kg.export.owl`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from io import BufferedIOBase
from itertools import chain
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox

from kg.export.formats import FORMATS, Format
from kg.graph import vocab as v
from kg.graph.store import GraphStore, output_prefixes
from kg.support.atomic import atomic_writer

#: Formats written from the day graphs rather than the union: these need a store.
QUAD_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.quads)


def ontology_header(dataset: ox.NamedNode) -> list[ox.Triple]:
    """The triples that make a data file an OWL ontology importing paperkg's."""
    return [ox.Triple(dataset, v.TYPE, v.OWL_ONTOLOGY),
            ox.Triple(dataset, v.OWL_IMPORTS, ox.NamedNode(v.ONTOLOGY_IRI))]


def write_triples(data: Iterable[ox.Triple], description: Iterable[ox.Triple],
                  output: BinaryIO, fmt: Format, base: str) -> None:
    """Write the union graph ``data`` and its VoID ``description`` in triple format ``fmt``."""
    from kg.graph.iris import Minter

    header = ontology_header(Minter(base).dataset)
    known = set(header)
    data = (t for t in data if t not in known)  # a graph read back from a file has them
    if fmt.name == "owl":
        from kg.export.owl import owl_triples, write_turtle

        write_turtle(owl_triples(chain(header, data)), output, base)
    elif fmt.name == "jsonld":
        from kg.export.jsonld import write_jsonld

        write_jsonld(chain(header, data, description), output, base)
    elif fmt.name == "turtle":
        from kg.export.owl import write_turtle

        write_turtle(chain(header, data, description), output, base)
    else:
        ox.serialize(chain(header, data, description), output, fmt.oxigraph,
                     prefixes=output_prefixes(fmt.oxigraph, base))


def write_outputs(store: GraphStore, directory: str | os.PathLike[str],
                  formats: Sequence[str] = ("turtle",)) -> list[Path]:
    """Write the graph in each format into ``directory``, each file atomically."""
    written = []
    for name in dict.fromkeys(formats):
        fmt = FORMATS[name]
        path = Path(directory) / fmt.filename
        with atomic_writer(path) as handle:
            if fmt.quads:
                store.serialize(cast(BufferedIOBase, handle), format=fmt.oxigraph)
            else:
                write_triples(store.data_triples(), store.void(), handle, fmt, store.base)
        written.append(path)
    return written
