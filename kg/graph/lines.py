"""The union graph as sorted N-Triples lines: one canonical order for every export.

Why lines: a build never needs the whole graph in a store to write it. Each
triple becomes one N-Triples line (pyoxigraph's ``str()`` of its terms, which is
canonical N-Triples), the lines are sorted with duplicates dropped (an external
sort in bounded chunks), and pyoxigraph's serialisers read the sorted file back.
Sorting whole lines groups every subject's triples, so the Turtle writer can
nest them under one subject.

``rdf:type`` first within a subject: a type line separates subject and predicate
with a tab, every other line with a space. Tab sorts before space and both are
N-Triples whitespace, so the order key is the line itself and nothing needs
stripping. The build path (:mod:`kg.engine.build`) and exports from a store
(:meth:`kg.graph.store.GraphStore.serialize`) both go through :func:`triple_line` and
:func:`sorted_unique`, which makes their outputs byte-identical.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab as v

TYPE = str(v.TYPE)
#: Lines sorted in memory at a time (~100-200 bytes each): bounds the sort's memory.
CHUNK_LINES = 400_000


def triple_line(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line from N-Triples terms; type lines get the tab separator."""
    return f"{subject}{chr(9) if predicate == TYPE else ' '}{predicate} {obj} .\n"


def store_lines(store: ox.Store) -> Iterator[str]:
    """The default graph of a store as lines (in no particular order)."""
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield triple_line(str(quad.subject), str(quad.predicate), str(quad.object))


def sorted_unique(lines: Iterable[str], workdir: str | os.PathLike[str] | None = None,
                  chunk: int = CHUNK_LINES) -> Iterator[str]:
    """The lines sorted, each once: chunks sorted in memory, spilled, then merged.

    Memory holds one chunk at a time (plus a read buffer per spilled chunk).
    """
    source = iter(lines)
    first = sorted(set(islice(source, chunk)))
    second = sorted(set(islice(source, chunk)))
    if not second:
        yield from first
        return
    with tempfile.TemporaryDirectory(dir=workdir, prefix=".sort-") as tmp:
        runs: list[Path] = []

        def spill(block: list[str]) -> None:
            path = Path(tmp) / f"run-{len(runs)}.nt"
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.writelines(block)
            runs.append(path)

        spill(first)
        del first
        spill(second)
        del second
        while block := sorted(set(islice(source, chunk))):
            spill(block)
        del block
        handles = [open(path, encoding="utf-8", newline="\n") for path in runs]  # noqa: SIM115
        try:
            previous = None
            for line in heapq.merge(*handles):
                if line != previous:
                    yield line
                    previous = line
        finally:
            for handle in handles:
                handle.close()


def write_sorted(store: ox.Store, path: str | os.PathLike[str]) -> None:
    """Write a store's default graph to ``path`` as sorted unique lines."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(sorted_unique(store_lines(store), Path(path).parent))


def read_triples(path: str | os.PathLike[str]) -> Iterator[ox.Triple]:
    """The triples of a sorted line file, in file order, parsed lazily by pyoxigraph."""
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
        yield quad.triple
