"""Writing a store's graph to files, one per RDF format, each atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.graph.store import GraphStore
from kg.support.atomic import atomic_writer

#: Output formats: option name → (file name, pyoxigraph format).
FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "turtle": ("graph.ttl", ox.RdfFormat.TURTLE),
    "nt": ("graph.nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("graph.jsonld", ox.RdfFormat.JSON_LD),
    "trig": ("graph.trig", ox.RdfFormat.TRIG),
    "nq": ("graph.nq", ox.RdfFormat.N_QUADS),
}

#: Formats written from the day graphs rather than the union: these need a store.
QUAD_FORMATS = ("trig", "nq")


def write_outputs(store: GraphStore, directory: str | os.PathLike[str],
                  formats: Sequence[str] = ("turtle",)) -> list[Path]:
    """Write the graph in each format into ``directory``, each file atomically."""
    written = []
    for name in dict.fromkeys(formats):
        filename, rdf_format = FORMATS[name]
        path = Path(directory) / filename
        with atomic_writer(path) as handle:
            store.serialize(handle, format=rdf_format)
        written.append(path)
    return written
