"""Writing a graph to files, one per format of :mod:`kg.export.formats`, each atomically.

Every triple file gets the data graph's OWL header (:mod:`kg.graph.serialize`). JSON-LD
is written compact with the shipped context (:mod:`kg.export.jsonld`), and the ``owl``
profile is the OWL 2 DL form (:mod:`kg.export.owl`); the rest is what
``GraphStore.serialize`` writes, byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.export.formats import FORMATS, Format, by_name
from kg.graph.iris import Minter
from kg.graph.lines import read_triples
from kg.graph.serialize import with_header, write_turtle
from kg.graph.serialize import write_triples as write_plain
from kg.graph.store import GraphStore
from kg.support.atomic import atomic_writer

#: Formats written from the day graphs rather than the union: these need a store.
QUAD_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.quads)


def write_triples(data: Iterable[ox.Triple], description: Iterable[ox.Triple],
                  output: BinaryIO, fmt: Format, base: str) -> None:
    """Write the union graph ``data`` and its VoID ``description`` in triple format ``fmt``."""
    dataset = Minter(base).dataset
    if fmt.name == "owl":
        from kg.export.owl import owl_triples

        write_turtle(owl_triples(with_header(dataset, data)), output, base)
    elif fmt.name == "jsonld":
        from kg.export.jsonld import write_jsonld

        write_jsonld(with_header(dataset, chain(data, description)), output, base)
    else:
        write_plain(with_header(dataset, chain(data, description)), output, fmt.oxigraph, base)


def write_outputs(store: GraphStore, directory: str | os.PathLike[str],
                  formats: Sequence[str] = ("turtle",), *,
                  union: Path | None = None) -> list[Path]:
    """Write the graph in each format into ``directory``, each file atomically.

    ``union`` is a file of the union's sorted lines matching the store
    (:mod:`kg.engine.union`): triple formats then read it instead of sorting
    the store's union again. An unknown format name is a ``ValueError`` naming
    the choices, before any file.
    """
    for name in formats:
        by_name(name)
    written = []
    for name in dict.fromkeys(formats):
        fmt = by_name(name)
        path = Path(directory) / fmt.filename
        with atomic_writer(path) as handle:
            if fmt.quads:
                store.serialize(handle, format=fmt.oxigraph)
            else:
                data = read_triples(union) if union is not None else store.data_triples()
                write_triples(data, store.void(), handle, fmt, store.base)
        written.append(path)
    return written
