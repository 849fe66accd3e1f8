"""``kg build`` without an in-memory store: mapping → sorted lines → files and store.

Why: holding every day graph and the union in an in-memory Oxigraph store cost
~50 bytes of index per quad several times over (4.9 GB at 100k papers), and
copying it to disk afterwards took longer than the build. Here the mapping's
triples become N-Triples lines (:mod:`kg.lines`); an external sort with
de-duplication yields the union in its canonical order, which is written once to
a temporary file while the VoID counts are taken (:class:`kg.void.LineCounter`).
Turtle, N-Triples and JSON-LD are serialised from that file by pyoxigraph; the
on-disk working store is bulk-loaded from it and from the day graphs' N-Quads.
Memory is bounded by the parsed digests, one sort chunk and the distinct-object set.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg import vocab as v
from kg.atomic import atomic_writer
from kg.iris import Minter
from kg.lines import TYPE, read_triples, sorted_unique
from kg.mapping import digest_spo
from kg.parse import ParseResult, parse_inputs
from kg.records import Digest
from kg.store import GraphStore, output_prefixes, triple_key
from kg.void import LineCounter
from kg.workspace import Workspace

#: Formats written from the day graphs rather than the union: these need a store.
QUAD_FORMATS = ("trig", "nq")


@dataclass(slots=True)
class StreamBuild:
    """What a streamed build read and wrote; ``store`` is set if one was needed."""

    parsed: ParseResult
    description: list[ox.Triple]
    written: list[Path]
    store: GraphStore | None


def build_to_files(inputs: Sequence[str | os.PathLike[str]], directory: str | os.PathLike[str],
                   formats: Sequence[str] = ("turtle",), *, base: str = v.DEFAULT_BASE,
                   store: bool = True, html: bool = False,
                   progress: bool | None = False) -> StreamBuild:
    """Parse digests and write the graph files (and the working store) into ``directory``.

    Each file is written atomically and the store is swapped in whole, as before.
    With ``html`` (or a TriG/N-Quads format) a store is returned to draw from: the
    working store, or without ``store`` an in-memory one.
    """
    from kg.build import FORMATS, write_outputs

    parsed = parse_inputs([os.fspath(item) for item in inputs], progress=progress)
    minter = Minter(base)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    formats = list(dict.fromkeys(formats))
    quad_formats = [name for name in formats if name in QUAD_FORMATS]
    need_quads = store or html or bool(quad_formats)
    written: list[Path] = []
    graph: GraphStore | None = None
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        union, quads = Path(tmp) / "union.nt", Path(tmp) / "quads.nq"
        counter = LineCounter(minter)
        with (open(quads, "w", encoding="utf-8", newline="\n") if need_quads
              else nullcontext()) as quad_file, \
                open(union, "w", encoding="utf-8", newline="\n") as union_file:
            for line in sorted_unique(_lines(parsed.digests, minter, quad_file), tmp):
                counter.add(line)
                union_file.write(line)
        description = sorted(counter.triples(), key=triple_key)
        for name in formats:
            filename, rdf_format = FORMATS[name]
            if name in QUAD_FORMATS:
                continue
            path = out / filename
            with atomic_writer(path) as handle:
                ox.serialize(chain(read_triples(union), description), handle, rdf_format,
                             prefixes=output_prefixes(rdf_format, base))
            written.append(path)
        if store:
            workspace = Workspace(out)
            fresh = workspace.fresh_store()
            _load(GraphStore(fresh, base=base), quads, union).close()
            workspace.install(fresh)
            graph = workspace.open(base=base)
        elif need_quads:
            graph = _load(GraphStore(base=base), quads, union)
    if graph is not None:
        graph.remember_void(description)
        written.extend(write_outputs(graph, out, quad_formats))
    return StreamBuild(parsed, description, written, graph)


def _load(graph: GraphStore, quads: Path, union: Path) -> GraphStore:
    graph.store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    graph.store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES)
    return graph


def _lines(digests: list[Digest], minter: Minter, quad_file: IO[str] | None) -> Iterator[str]:
    """Union lines (see :func:`kg.lines.triple_line`); day-graph quads go to ``quad_file``."""
    for digest in digests:
        graph = str(minter.day_graph(digest.source.name, digest.day))
        for s, p, o in digest_spo(digest, minter):
            subject, predicate, obj = str(s), str(p), str(o)
            if quad_file is not None:
                quad_file.write(f"{subject} {predicate} {obj} {graph} .\n")
            yield f"{subject}{chr(9) if predicate == TYPE else ' '}{predicate} {obj} .\n"
