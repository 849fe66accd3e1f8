"""``kg build`` and ``kg.build()``: digests → mapped lines → sorted union → files and store.

One engine for the command line and the Python API. Why lines: holding every
day graph and the union in an in-memory Oxigraph store cost ~50 bytes of index
per quad several times over (4.9 GB at 100k papers). Here the mapping's triples
become N-Triples lines (:mod:`kg.graph.lines`); an external sort with
de-duplication yields the union in its canonical order, written once to a
temporary file while the VoID counts are taken (:class:`kg.graph.void.LineCounter`).
Turtle, N-Triples and JSON-LD are serialised from that file by pyoxigraph.

The store (on disk in the output folder, or in memory for the API without one)
is loaded by :class:`kg.engine.loader.BatchLoader` in bounded batches on a second
thread: the day graphs' quads as they are mapped, the union's lines as the sort
yields them, so Oxigraph's loader (Rust, without the GIL) runs beside the Python
mapping and sort, and its memory is that of a batch, not of the whole build.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from pathlib import Path

import pyoxigraph as ox

from kg.engine import page_job, splice
from kg.engine.loader import BatchLoader
from kg.engine.outputs import QUAD_FORMATS, write_outputs, write_triples
from kg.engine.result import BuildResult
from kg.engine.union import keep as keep_union
from kg.engine.union import keep_people
from kg.engine.workspace import Workspace
from kg.export.formats import FORMATS
from kg.graph import vocab as v
from kg.graph.facts import UnionFacts
from kg.graph.iris import Minter
from kg.graph.lines import TYPE, read_triples, sorted_unique
from kg.graph.listings import conflicting_listings
from kg.graph.mapping import digest_spo
from kg.graph.spellings import fold_lines
from kg.graph.store import GraphStore, triple_key
from kg.graph.void import LineCounter
from kg.people.hook import refresh_people, start_people
from kg.read.parse import parse_inputs
from kg.records import Digest
from kg.support.atomic import atomic_writer
from kg.view.outline import outline_of

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
    in an input folder). A build into ``output`` keeps, of the digests it read, only
    their counts and warnings (:meth:`ParseResult.release`, each digest let go of
    once mapped); the in-memory build returns them whole.
    """
    Minter(base)  # rejects a bad base before anything is read
    names = [os.fspath(item) for item in inputs]
    curation = start_people(people, names)
    parsed = parse_inputs(names, progress=progress)
    # A Minter of its own: it caches every person's IRI, which nothing after needs.
    parsed.diagnostics.extend(conflicting_listings(parsed.digests, Minter(base)))
    facts = UnionFacts()
    if output is None:
        with tempfile.TemporaryDirectory(prefix="paperkg-") as tmp:
            graph, _, _ = _map_and_load(parsed.digests, Path(tmp), base,
                                        target=None, formats=(), facts=facts)
        assert graph is not None
        refresh_people(graph, curation, parsed, facts)
        return BuildResult(graph, parsed, None, base)

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    workspace = Workspace(out)
    formats = list(dict.fromkeys(formats))
    quad_formats = [name for name in formats if name in QUAD_FORMATS]
    target: Workspace | bool | None = workspace if store else (
        None if html or quad_formats else False)
    # A big graph's page is drawn by a second process (kg.engine.page_job), which
    # imports while this one maps and draws while it links people and indexes.
    page = page_job.launch(out) if html and store \
        and page_job.worth_it_for_rows(parsed.rows) else None
    digests = parsed.digests
    parsed.release()  # only the counts are needed once the digests are mapped
    try:
        with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
            graph, description, written = _map_and_load(
                _drained(digests), Path(tmp), base, target=target,
                formats=[name for name in formats if name not in QUAD_FORMATS], out=out,
                facts=facts)
        result = BuildResult(graph, parsed, description, base, written)
        if page is not None and not facts.complete:
            # Too big for facts: the page reads the store, and two processes doing
            # that and the people links at once would add their peaks.
            page.cancel()
            page = None
        if graph is not None:
            if page is not None:
                # The page's process reads no facts: it is given their outline.
                page_job.keep_outline(out, graph.union_token() or "",
                                      outline_of(graph.store, facts))
                page.draw(graph)
            state = refresh_people(graph, curation, parsed, facts)
            if store:  # for the next kg add (kg.engine.union)
                keep_people(out, graph.union_token(), state)
            # Not kept alive beside the page: past the facts' limit it reads the store,
            # and the two would add up (100k papers: 0.3 GB and 0.5 GB).
            del state
            written.extend(write_outputs(graph, out, quad_formats))
        index = None
        if store and graph is not None:
            from kg.web.search import SEARCH_FILE, update_index

            index = update_index(graph.store, out / SEARCH_FILE, graph.union_token() or "")
        if graph is not None and html:
            notes = page.finish() if page is not None else None
            if notes is None:  # a graph too small for a second process, or it failed
                notes = page_job.draw_page(out, graph, facts=facts)
            result.notes = notes
            written.append(workspace.page_path)
    finally:
        if page is not None:
            page.cancel()  # after finish(), only makes sure nothing is left behind
    if store:
        written.append(workspace.store_path)
        if index is not None:
            written.append(index)
        if graph is not None:
            # Flushed, so a reader's open replays no log (100k papers: 30 s and 1.9 GB
            # at every read-only open otherwise, as kg query and kg serve open it).
            graph.close()
    workspace.write_warnings(parsed.diagnostics)
    return result


def _drained(digests: list[Digest]) -> Iterator[Digest]:
    """The digests in order, each let go of once the mapping moves past it (the
    list ends empty): at 100k papers they are 0.25 GB that the sort's merge, the
    load and the people links would otherwise hold on top of their own."""
    digests.reverse()
    while digests:
        yield digests.pop()


def _map_and_load(digests: Iterable[Digest], tmp: Path, base: str, *,
                  target: Workspace | bool | None, formats: Sequence[str],
                  facts: UnionFacts, out: Path | None = None
                  ) -> tuple[GraphStore | None, list[ox.Triple], list[Path]]:
    """Map, sort, write ``formats`` into ``out`` and load the store ``target`` asks for.

    ``target`` is a workspace (its working store is replaced), ``None`` (an
    in-memory store) or ``False`` (no store at all). Every union line also goes to
    ``facts``, for the people links and the page (:mod:`kg.graph.facts`).
    """
    minter = Minter(base)
    union = tmp / "union.nt"
    counter = LineCounter(minter, facts)
    fresh = target.fresh_store() if isinstance(target, Workspace) else None
    loading = GraphStore(fresh, base=base) if target is not False else None
    written: list[Path] = []
    with BatchLoader(loading.store) if loading is not None else nullcontext() as loader:
        with open(union, "w", encoding="utf-8", newline="\n") as union_file:
            for line in fold_lines(sorted_unique(_lines(digests, minter, loader), tmp), base):
                counter.add(line)
                union_file.write(line)
                if loader is not None:
                    loader.add(line)
        facts.finish()
        if loader is not None:
            loader.flush()  # the last batch loads while the files are written
        description = sorted(counter.triples(), key=triple_key)
        for name in formats:
            assert out is not None
            path = out / FORMATS[name].filename
            with atomic_writer(path) as handle:
                write_triples(read_triples(union), description, handle, FORMATS[name], base)
            written.append(path)
    if loading is not None:
        loading.store_void(description)  # the store holds what graph.ttl holds
        if fresh is not None and out is not None:
            keep_union(loading, union, out)  # for the next kg add (kg.engine.union)
    if out is not None and "turtle" in formats:  # for the next kg add (kg.engine.splice)
        token = loading.union_token() if loading is not None and fresh is not None else None
        splice.record(out, token, base, description)
    if loading is None or fresh is None:
        return loading, description, written
    assert isinstance(target, Workspace)
    loading.close()
    del loading, loader  # no handle on the fresh store may survive its swap
    target.install(fresh)
    return target.open(base=base), description, written


def _lines(digests: Iterable[Digest], minter: Minter, loader: BatchLoader | None
           ) -> Iterator[str]:
    """Union lines (:func:`kg.graph.lines.triple_line`); day-graph quads go to ``loader``.

    ``str()`` of a term costs more than the rest of a line, so predicates (a few
    dozen vocabulary terms) are turned into text once, and a subject once for the
    run of triples the mapping yields about it.
    """
    predicates: dict[ox.NamedNode, str] = {}
    last: object = None
    subject = ""
    for digest in digests:
        graph = str(minter.day_graph(digest.source.key, digest.day))
        for s, p, o in digest_spo(digest, minter):
            if s is not last:
                last, subject = s, str(s)
            predicate = predicates.get(p) or predicates.setdefault(p, str(p))
            obj = str(o)
            if loader is not None:
                loader.add(f"{subject} {predicate} {obj} {graph} .\n")
            yield f"{subject}{chr(9) if predicate == TYPE else ' '}{predicate} {obj} .\n"
