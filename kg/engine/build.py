"""``kg build`` and ``kg.build()``: digests → mapped lines → sorted union → files and store.

One engine for the command line and the Python API. Why lines: holding every
day graph and the union in an in-memory Oxigraph store cost ~50 bytes of index
per quad several times over (4.9 GB at 100k papers). Here the mapping's triples
become N-Triples lines (:mod:`kg.graph.lines`); an external sort with
de-duplication yields the union in its canonical order, written once to a
temporary file while the VoID counts are taken (:class:`kg.graph.void.LineCounter`).
Turtle, N-Triples and JSON-LD are serialised from that file by pyoxigraph; the
store (on disk in the output folder, or in memory for the API without one) is
bulk-loaded from it and from the day graphs' N-Quads.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import chain
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.engine.outputs import FORMATS, QUAD_FORMATS, write_outputs
from kg.engine.result import BuildResult
from kg.engine.workspace import Workspace
from kg.graph import vocab as v
from kg.graph.iris import Minter
from kg.graph.lines import TYPE, read_triples, sorted_unique
from kg.graph.mapping import digest_spo
from kg.graph.store import GraphStore, output_prefixes, triple_key
from kg.graph.void import LineCounter
from kg.people.hook import refresh_people, start_people
from kg.read.parse import parse_inputs
from kg.records import Digest
from kg.support.atomic import atomic_writer

Inputs = Iterable[str | os.PathLike[str]]


def build(inputs: Inputs, output: str | os.PathLike[str] | None = None, *,
          formats: Sequence[str] = ("turtle",), base: str = v.DEFAULT_BASE,
          store: bool = True, html: bool = True,
          progress: bool | None = False,
          people: str | os.PathLike[str] | None = None) -> BuildResult:
    """Build the graph of digests (files, directories, globs, ``-`` for stdin).

    Without ``output`` the graph is returned in an in-memory store and nothing is
    written. With it, ``output`` gets ``graph.ttl`` (and any other ``formats``),
    ``graph.html`` (``html``), ``warnings.log`` and, with ``store``, the working
    store that ``kg add``, ``kg query`` and ``kg serve`` use; each file is written
    atomically and the store is swapped in whole, so a killed build leaves the
    previous output as it was. ``progress=None`` shows progress on a terminal.
    ``people`` is the curation file of :mod:`kg.people` (default: ``people.csv``
    in an input folder).
    """
    Minter(base)  # reject a bad base before reading anything
    names = [os.fspath(item) for item in inputs]
    curation = start_people(people, names)
    parsed = parse_inputs(names, progress=progress)
    if output is None:
        with tempfile.TemporaryDirectory(prefix="paperkg-") as tmp:
            graph, description, _ = _map_and_load(parsed.digests, Path(tmp), base,
                                                  target=None, formats=())
        assert graph is not None
        graph.remember_void(description)
        refresh_people(graph, curation, parsed)
        return BuildResult(graph, parsed, None, base)

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    workspace = Workspace(out)
    formats = list(dict.fromkeys(formats))
    quad_formats = [name for name in formats if name in QUAD_FORMATS]
    target: Workspace | bool | None = workspace if store else (
        None if html or quad_formats else False)
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        graph, description, written = _map_and_load(
            parsed.digests, Path(tmp), base, target=target,
            formats=[name for name in formats if name not in QUAD_FORMATS], out=out)
    result = BuildResult(graph, parsed, description, base, written)
    if graph is not None:
        graph.remember_void(description)
        refresh_people(graph, curation, parsed)
        written.extend(write_outputs(graph, out, quad_formats))
        if html:
            from kg.view.draw import write_view_html

            result.notes = write_view_html(graph, workspace.page_path)
            written.append(workspace.page_path)
    if store:
        written.append(workspace.store_path)
    workspace.write_warnings(parsed.diagnostics)
    return result


def _map_and_load(digests: list[Digest], tmp: Path, base: str, *,
                  target: Workspace | bool | None, formats: Sequence[str],
                  out: Path | None = None
                  ) -> tuple[GraphStore | None, list[ox.Triple], list[Path]]:
    """Map, sort, write ``formats`` into ``out`` and load the store ``target`` asks for.

    ``target`` is a workspace (its working store is replaced), ``None`` (an
    in-memory store) or ``False`` (no store at all).
    """
    minter = Minter(base)
    union, quads = tmp / "union.nt", tmp / "quads.nq"
    counter = LineCounter(minter)
    need_quads = target is not False
    with (open(quads, "w", encoding="utf-8", newline="\n") if need_quads
          else nullcontext()) as quad_file, \
            open(union, "w", encoding="utf-8", newline="\n") as union_file:
        for line in sorted_unique(_lines(digests, minter, quad_file), tmp):
            counter.add(line)
            union_file.write(line)
    description = sorted(counter.triples(), key=triple_key)
    written: list[Path] = []
    for name in formats:
        assert out is not None
        filename, rdf_format = FORMATS[name]
        path = out / filename
        with atomic_writer(path) as handle:
            ox.serialize(chain(read_triples(union), description), handle, rdf_format,
                         prefixes=output_prefixes(rdf_format, base))
        written.append(path)
    graph: GraphStore | None = None
    if isinstance(target, Workspace):
        fresh = target.fresh_store()
        _load(GraphStore(fresh, base=base), quads, union).close()
        target.install(fresh)
        graph = target.open(base=base)
    elif target is None:
        graph = _load(GraphStore(base=base), quads, union)
    return graph, description, written


def _load(graph: GraphStore, quads: Path, union: Path) -> GraphStore:
    graph.store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    graph.store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES)
    return graph


def _lines(digests: list[Digest], minter: Minter, quad_file: IO[str] | None) -> Iterator[str]:
    """Union lines (see :func:`kg.graph.lines.triple_line`); day-graph quads go to ``quad_file``."""
    for digest in digests:
        graph = str(minter.day_graph(digest.source.name, digest.day))
        for s, p, o in digest_spo(digest, minter):
            subject, predicate, obj = str(s), str(p), str(o)
            if quad_file is not None:
                quad_file.write(f"{subject} {predicate} {obj} {graph} .\n")
            yield f"{subject}{chr(9) if predicate == TYPE else ' '}{predicate} {obj} .\n"
