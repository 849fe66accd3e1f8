"""Where the triples go: an Oxigraph store with one named graph per source day.

Each (source file, day) pair gets its own named graph, so reading a corrected
file again replaces exactly what it said before, and a paper that several days
feature stays supported by the days that still list it. The default graph holds
the set union of the named graphs, maintained inside Oxigraph with SPARQL Update
on every load: queries and exports read it directly with set semantics (Oxigraph's
own union-of-graphs view is a bag and would count a triple once per graph).

The store is in memory (the Python API's default) or on disk (the command line's
working graph, see :mod:`kg.engine.workspace`). The source files behind each graph, with
their SHA-256, are in the graphs themselves, so they double as the manifest of
what has been ingested.
"""

from __future__ import annotations

import io
import itertools
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, cast

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.iris import Minter
from kg.graph.lines import read_triples, sorted_unique, triple_line
from kg.graph.mapping import digest_quads
from kg.graph.serialize import ontology_header, with_header, write_triples
from kg.graph.spellings import FOLDED, fold_update, is_folded
from kg.graph.void import Standing, void_triples
from kg.records import Digest

if TYPE_CHECKING:
    import rdflib

# Remove from the union what only graph OLD supports, then the graph itself. One
# such block per replaced graph, the VoID removal and the new data go into ONE
# update request, which Oxigraph applies as one transaction.
_RETRACT = """
DELETE { ?s ?p ?o } WHERE {
  GRAPH OLD { ?s ?p ?o }
  FILTER NOT EXISTS { GRAPH ?other { ?s ?p ?o } FILTER (?other != OLD) }
} ;
DROP SILENT GRAPH OLD ;
"""
# The VoID description sits in the union (so queries and pushes see what graph.ttl
# holds) and in its own named graph (so it can be told apart and replaced).
_DROP_VOID = """
DELETE { ?s ?p ?o } WHERE { GRAPH VOID { ?s ?p ?o } } ;
DROP SILENT GRAPH VOID ;
"""
_MERGE = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?g { %s } }"
_MANIFEST = """
SELECT ?g ?name ?sha ?date WHERE { GRAPH ?g {
  ?day prov:wasDerivedFrom ?src ; schema:datePublished ?date .
  ?src rdfs:label ?name ; dcterms:identifier ?sha } }
"""
# Digest entries per day graph: most of the manifest's cost, read apart.
_ENTRY_COUNTS = """
SELECT ?g (COUNT(DISTINCT ?entry) AS ?entries) WHERE { GRAPH ?g {
  ?day prov:wasDerivedFrom ?src . ?entry schema:isPartOf ?day } }
GROUP BY ?g
"""
# One listing's authors in each day graph that has it (GraphStore.listed_authors).
_LISTED = f"""SELECT ?g ?pos ?p WHERE {{ GRAPH ?g {{
  ENTRY {v.QUALIFIED_ATTRIBUTION} ?a . ?a {v.AGENT} ?p ; {v.AUTHOR_POSITION} ?pos }} }}"""
# Store settings live in a graph of their own, outside the union.
_SETTINGS = ox.NamedNode("urn:paperkg:settings")
# The union's generation: a fresh token with every change of the union, written in the
# same transaction, so a copy of the union kept outside the store (the sorted lines of
# kg.engine.union) can tell whether it still matches.
_UNION = ox.NamedNode("urn:paperkg:settings#union")
_SET_TOKEN = """
DELETE WHERE { GRAPH SETTINGS { UNION ID ?token } } ;
INSERT DATA { GRAPH SETTINGS { UNION ID TOKEN } } ;
"""
#: Stores of this layout (graphs keyed by source path, VoID stored) say so in settings.
STORE_FORMAT = "paperkg store format 2: day graphs keyed by source path, VoID stored"


class StoreError(Exception):
    """A store that cannot be opened or used as asked (message is user-facing)."""


@dataclass(slots=True)
class UnionChange:
    """What one :meth:`GraphStore.load` did to the union, as N-Triples lines.

    ``touched`` holds every line the load may have changed (the retracted graphs'
    triples and the new ones); ``present`` those of them the union holds afterwards.
    A sorted copy of the union before the load, minus ``touched``, plus ``present``,
    is the union after it. ``before`` and ``after`` say which touched lines and terms
    the union's data held on either side of the load, which is all the VoID counts
    need to follow it (:meth:`kg.graph.void.Counts.apply`). ``graphs`` names the day
    graphs the load retracted or wrote. ``token`` is the union generation the load
    wrote.
    """

    token: str
    touched: set[str] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)
    present: set[str] = field(default_factory=set)
    before: Standing = field(default_factory=lambda: Standing(set(), set(), set(), set()))
    after: Standing = field(default_factory=lambda: Standing(set(), set(), set(), set()))


@dataclass(frozen=True, slots=True)
class Ingested:
    """One manifest line: a source file's day, the graph holding it, the file's hash.

    ``source`` is the file's identity key (its resolved path); ``name`` its label.
    """

    source: str
    day: str
    sha256: str
    graph: str
    name: str = ""
    entries: int = 0


#: Read-only opens retried while a writer compacts (about 1.5 s in all, see below).
_READ_ONLY_TRIES = 7


def open_read_only(path: str | os.PathLike[str]) -> ox.Store:
    """Open an on-disk store without taking its write lock.

    RocksDB lists the table files, then opens them; a writer compacting at that moment
    deletes some in between and the open fails ("No such file ... .sst", sometimes
    reported as a corrupt MANIFEST). That is transient, so retry with a short backoff;
    a folder that is not a store (no ``CURRENT``) fails at once.
    """
    attempt = 0
    while True:
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError):
            attempt += 1
            if attempt == _READ_ONLY_TRIES or not (Path(path) / "CURRENT").exists():
                raise
            time.sleep(0.025 * 2 ** (attempt - 1))


#: Quads a replacement writes per transaction into an empty graph (GraphStore.replace_graph).
REPLACE_BATCH = 50_000


class GraphStore:
    """The working graph: in memory (``path=None``) or on disk (an Oxigraph store).

    An on-disk store remembers its base IRI; opening it with another base is an error.
    ``read_only`` opens an on-disk store without taking its write lock, so queries
    and servers can share it with one writer.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 base: str | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = open_read_only(self.path)
            else:
                self.store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from None
        stored = self._stored_base()
        if stored and not self._current_format():
            raise StoreError(f"the store at {self.path} was made by an older paperkg release "
                             "(sources known by file name); rebuild it with kg build")
        if stored and base and stored != base:
            raise StoreError(f"the store at {self.path} was built with base {stored}, "
                             f"not {base}; rebuild it with kg build to change the base")
        self.minter = Minter(stored or base or v.DEFAULT_BASE)
        if not stored and not read_only and self.path is not None:
            self.store.extend([
                ox.Quad(_SETTINGS, v.VOID_URI_SPACE, ox.Literal(self.base), _SETTINGS),
                ox.Quad(_SETTINGS, v.DESCRIPTION, ox.Literal(STORE_FORMAT), _SETTINGS)])
        self._void: list[ox.Triple] | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, base: str | None = None) -> GraphStore:
        """An in-memory store holding a graph file written by ``kg build``.

        TriG and N-Quads keep their named graphs (and the union is rebuilt from
        them); Turtle, N-Triples, JSON-LD and RDF/XML are the union already.
        Raises ``ValueError`` (unknown extension) or ``SyntaxError`` (bad file).
        """
        rdf_format = ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".") or "ttl")
        if rdf_format is None:
            raise ValueError(f"{path}: unknown RDF file extension")
        graph = cls(base=base)
        graph.store.bulk_load(path=str(path), format=rdf_format)
        void = [graph.minter.void_graph] if graph.has_void() else []
        graph._merge([*graph.graphs(), *void])  # a TriG file's VoID graph joins the union
        return graph

    @property
    def base(self) -> str:
        return self.minter.base

    def _stored_base(self) -> str | None:
        for quad in self.store.quads_for_pattern(_SETTINGS, v.VOID_URI_SPACE, None, _SETTINGS):
            return quad.object.value if isinstance(quad.object, ox.Literal) else None
        return None

    def load(self, digests: Iterable[Digest], *, replacing: Iterable[str] = (),
             change: UnionChange | None = None,
             manifest: Iterable[Ingested] | None = None) -> list[str]:
        """Add digests, replacing what their source files said before.

        Every graph of a source (by key, see :class:`~kg.records.Source`) named in
        ``replacing`` or among the digests' sources is retracted (a day dropped
        from a corrected file disappears too). Retraction, the new day graphs,
        their share of the union and the VoID description are written in one
        transaction. Returns the names of the graphs written.

        On disk, retraction, the new day graphs and their share of the union go
        into one update request, which Oxigraph applies as one transaction: a
        killed run leaves the old facts or the new ones. The VoID description is
        removed in that transaction and written in a second one (a store killed
        between the two has none, and :meth:`refresh_void` restores it).

        Every load gives the union a new generation token (:meth:`union_token`).
        With ``change``, the load records what it did to the union there (see
        :class:`UnionChange`) and leaves the VoID description out: the caller
        computes it from the new union and stores it (:meth:`store_void`).
        ``manifest`` is :meth:`manifest`, if the caller has just read it (on a year's
        store the query takes 0.04 s).
        """
        digests = list(digests)
        keys = {d.source.key for d in digests} | set(replacing)
        written: dict[ox.NamedNode, None] = {}
        quads: Iterable[ox.Quad] = self._quads(digests, written)
        if self.path is None and self.is_empty():
            # Fastest path, for a fresh in-memory store: no transaction, and the union
            # is derived inside Oxigraph afterwards.
            self.store.bulk_extend(quads)
            self._merge(list(written))
            self._fold(self._spelled(ox.DefaultGraph()))
            self.refresh_void()
            return [g.value for g in written]
        stored = self.manifest(entries=False) if manifest is None else manifest
        old = {item.graph for item in stored if item.source in keys}
        token = change.token if change is not None else uuid.uuid4().hex
        request = "".join(_RETRACT.replace("OLD", f"<{graph}>") for graph in sorted(old))
        request += _DROP_VOID.replace("VOID", str(self.minter.void_graph))
        request += _SET_TOKEN.replace("SETTINGS", str(_SETTINGS)).replace(
            "UNION", str(_UNION)).replace("ID", str(v.IDENTIFIER)).replace(
            "TOKEN", str(ox.Literal(token)))
        quads = list(quads)
        spelled = {q.subject for q in quads
                   if isinstance(q.subject, ox.NamedNode)
                   and is_folded(self.minter.base, q.subject.value, q.predicate)}
        for graph in sorted(old):
            spelled |= self._spelled(ox.NamedNode(graph))
        touched: dict[str, ox.Triple] = {}
        if change is not None:
            for graph in sorted(old):
                _by_line(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)),
                         touched)
            _by_line(quads, touched)
            for subject in spelled:  # the union spellings a refold may swap (kg.graph.spellings)
                for predicate in FOLDED:
                    _by_line(self.store.quads_for_pattern(subject, predicate, None, None),
                             touched)
            change.touched.update(touched)
            change.graphs.update(old, (graph.value for graph in written))
            change.before = _standing(self.store, touched, self._stored_void_set())
        request += "INSERT DATA {\n" + "".join(_data_lines(quads)) + "} ;\n"
        request += fold_update(spelled)
        self.store.update(request.rstrip().rstrip(";"))
        self._void = None
        if change is None:
            self.refresh_void()
            return [g.value for g in written]
        change.after = _standing(self.store, touched, set())  # the load dropped the VoID
        change.present.update(change.after.lines)
        return [g.value for g in written]

    def union_token(self) -> str | None:
        """The union's generation: changes with every load (and every build's store)."""
        for quad in self.store.quads_for_pattern(_UNION, v.IDENTIFIER, None, _SETTINGS):
            return quad.object.value if isinstance(quad.object, ox.Literal) else None
        return None

    def set_union_token(self, token: str) -> None:
        """Give the union a generation token (the build, for the union file it keeps)."""
        self.store.update(_SET_TOKEN.replace("SETTINGS", str(_SETTINGS)).replace(
            "UNION", str(_UNION)).replace("ID", str(v.IDENTIFIER)).replace(
            "TOKEN", str(ox.Literal(token))).rstrip().rstrip(";"))

    def refresh_void(self) -> None:
        """Compute the VoID description of the union and store it (union and own graph)."""
        self.drop_void()
        description = sorted(void_triples(self.store, self.minter), key=triple_key)
        self.store_void(description)

    def drop_void(self) -> None:
        """Take the VoID description out of the store (union and own graph), as a load
        killed between its two transactions leaves it."""
        self.store.update(_DROP_VOID.replace("VOID", str(self.minter.void_graph))
                          .rstrip().rstrip(";"))
        self._void = None

    def store_void(self, description: list[ox.Triple]) -> None:
        """Put a VoID description computed elsewhere (the streaming build) into the store.

        The files' ontology header goes with it, so a query over the store counts
        what ``graph.ttl`` holds, triple for triple.
        """
        void = self.minter.void_graph
        described = sorted({*description, *ontology_header(self.minter.dataset)},
                           key=triple_key)
        self.store.extend([*(ox.Quad(t.subject, t.predicate, t.object, void)
                             for t in described),
                           *(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                             for t in described)])
        self._void = described

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Make the named ``graph`` hold exactly ``quads`` (all in ``graph``), writing
        only what differs: a graph rebuilt by every add (the people links) mostly stays
        as it was. What went is deleted in one transaction, what is new inserted in a
        second (``extend``: a SPARQL request of every new quad costs twice the memory);
        a run killed between the two leaves a graph the next replacement repairs.

        An empty graph (a build's) has nothing to compare with: ``quads`` are written
        as they come, :data:`REPLACE_BATCH` at a time, by Oxigraph's bulk loader. At
        100k papers (a million quads) one transaction grew the store's memory by
        0.75 GB and took 11-21 s, and the set of quads took 0.8 GB more; this way the
        refresh peaks 0.7 GB lower and writes in 6 s. A run killed part way leaves a
        graph that the next replacement repairs as above.
        """
        if next(iter(self.store.quads_for_pattern(None, None, None, graph)), None) is None:
            stream = iter(quads)
            while batch := list(itertools.islice(stream, REPLACE_BATCH)):
                self.store.bulk_extend(batch)
            return
        new = set(quads)
        old = set(self.store.quads_for_pattern(None, None, None, graph))
        gone = sorted(old - new, key=str)
        if gone:
            self.store.update(f"DELETE DATA {{ GRAPH {graph} {{\n"
                              + "".join(f"{q.subject} {q.predicate} {q.object} .\n"
                                        for q in gone) + "} }")
        added = new - old
        if added:
            self.store.extend(sorted(added, key=str))

    def has_void(self) -> bool:
        return self.store.contains_named_graph(self.minter.void_graph)

    def _current_format(self) -> bool:
        return any(True for _ in self.store.quads_for_pattern(
            _SETTINGS, v.DESCRIPTION, ox.Literal(STORE_FORMAT), _SETTINGS))

    def _quads(self, digests: list[Digest], written: dict[ox.NamedNode, None]
               ) -> Iterator[ox.Quad]:
        for digest in digests:
            graph = self.minter.day_graph(digest.source.key, digest.day)
            written[graph] = None
            yield from digest_quads(digest, self.minter, graph)

    def _spelled(self, graph: ox.NamedNode | ox.DefaultGraph) -> set[ox.NamedNode]:
        """The platform nodes with spellings in ``graph`` (see :mod:`kg.graph.spellings`)."""
        return {q.subject for predicate in FOLDED
                for q in self.store.quads_for_pattern(None, predicate, None, graph)
                if isinstance(q.subject, ox.NamedNode)
                and is_folded(self.minter.base, q.subject.value, predicate)}

    def _fold(self, subjects: set[ox.NamedNode]) -> None:
        if subjects:
            self.store.update(fold_update(subjects).rstrip().rstrip(";"))

    def is_empty(self) -> bool:
        return not any(True for _ in self.graphs())

    def _merge(self, graphs: list[ox.NamedNode]) -> None:
        if graphs:
            self.store.update(_MERGE % " ".join(map(str, graphs)))

    def graphs(self) -> Iterator[ox.NamedNode]:
        """The day graphs (named graphs other than the store's settings)."""
        void = self.minter.void_graph
        for graph in self.store.named_graphs():
            if isinstance(graph, ox.NamedNode) and graph not in (_SETTINGS, void):
                yield graph

    def listed_authors(self, day: str, paper_key: str) -> dict[str, tuple[str, ...]]:
        """Source key -> the authors (person IRIs), in order, that each source's listing
        of the paper on that day gives (read from the day graphs)."""
        entry = self.minter.entry(day, paper_key)
        slots: dict[str, dict[int, str]] = {}
        rows = self.store.query(_LISTED.replace("ENTRY", str(entry)))
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            found = self.minter.graph_source(row["g"].value)
            if found is not None:
                slots.setdefault(found[0], {})[int(row["pos"].value)] = row["p"].value
        return {key: tuple(names[position] for position in sorted(names))
                for key, names in slots.items()}

    def manifest(self, *, entries: bool = True) -> list[Ingested]:
        """What has been ingested: source file, day, SHA-256 and graph, by file and day.

        ``entries=False`` leaves every day's entry count at 0: counting them is most
        of the cost (0.035 of 0.045 s on a year's store), and an add needs only the
        counts of the days it replaces (:meth:`entry_counts`)."""
        found = []
        solutions = self.store.query(_MANIFEST, prefixes=v.PREFIXES)
        assert isinstance(solutions, ox.QuerySolutions)
        counts = self.entry_counts() if entries else {}
        for row in solutions:
            graph = row["g"].value
            key = self.minter.graph_source(graph)
            found.append(Ingested(key[0] if key else row["name"].value, row["date"].value,
                                  row["sha"].value.removeprefix("sha256:"), graph,
                                  row["name"].value, counts.get(graph, 0)))
        return sorted(found, key=lambda item: (item.source, item.day))

    def entry_counts(self, graphs: Iterable[str] | None = None) -> dict[str, int]:
        """The number of digest entries in each of these day graphs (all of them by
        default; a day without entries counts 0)."""
        wanted = None if graphs is None else sorted(graphs)
        if wanted == []:
            return {}
        query = _ENTRY_COUNTS if wanted is None else restricted(_ENTRY_COUNTS, "g", wanted)
        solutions = self.store.query(query, prefixes=v.PREFIXES)
        assert isinstance(solutions, ox.QuerySolutions)
        counts = dict.fromkeys(wanted or (), 0)
        counts.update((row["g"].value, int(row["entries"].value)) for row in solutions)
        return counts

    def void(self) -> list[ox.Triple]:
        """The VoID description of the union graph: the stored one, or computed."""
        if self._void is None:
            if self.has_void():
                quads = self.store.quads_for_pattern(None, None, None, self.minter.void_graph)
                self._void = sorted((q.triple for q in quads), key=triple_key)
            else:
                self._void = sorted(void_triples(self.store, self.minter), key=triple_key)
        return self._void

    def _stored_void_set(self) -> set[ox.Triple]:
        if not self.has_void():
            return set()
        return {q.triple for q in self.store.quads_for_pattern(None, None, None,
                                                              self.minter.void_graph)}

    def triples(self) -> Iterator[ox.Triple]:
        """The union graph in a canonical order, then its VoID description.

        The order is that of sorted N-Triples lines (:mod:`kg.graph.lines`): subjects
        grouped, ``rdf:type`` first. The build path writes the same order, so files
        written from a store and from a build are byte-identical for identical input.
        """
        yield from self.data_triples()
        yield from self.void()

    def data_triples(self) -> Iterator[ox.Triple]:
        """The union graph alone, in the canonical order of :meth:`triples`."""
        void = {triple_line(str(t.subject), str(t.predicate), str(t.object))
                for t in self._stored_void_set()}
        lines = (triple_line(str(q.subject), str(q.predicate), str(q.object))
                 for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if void:
            lines = (line for line in lines if line not in void)
        with tempfile.TemporaryDirectory(prefix="paperkg-") as tmp:
            path = Path(tmp) / "union.nt"
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.writelines(sorted_unique(lines, tmp))
            yield from read_triples(path)

    def serialize(self, output: IO[bytes] | None = None, *,
                  format: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes | None:
        """Write the union graph and its VoID description (Turtle, N-Triples, JSON-LD...)
        or, for TriG and N-Quads, the day graphs it is the union of."""
        if format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            return ox.serialize(self._named_quads(), output, format,
                                prefixes=output_prefixes(format, self.base))
        # issue 14: the files' OWL header and Turtle without \% escapes (kg.graph.serialize)
        sink = io.BytesIO() if output is None else output
        write_triples(with_header(self.minter.dataset, self.triples()),
                      cast(BinaryIO, sink), format, self.base)
        return sink.getvalue() if isinstance(sink, io.BytesIO) and output is None else None

    def _named_quads(self) -> Iterator[ox.Quad]:
        for graph in sorted(self.graphs(), key=str):
            quads = self.store.quads_for_pattern(None, None, None, graph)
            yield from sorted(quads, key=lambda q: triple_key(q.triple))
        void = self.minter.void_graph
        for triple in self.void():
            yield ox.Quad(triple.subject, triple.predicate, triple.object, void)

    def to_rdflib(self) -> rdflib.Graph:
        """The union graph as an ``rdflib.Graph`` with the project's prefixes bound."""
        import rdflib

        graph = rdflib.Graph()
        graph.parse(data=self.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
        for prefix, namespace in v.all_prefixes(self.base).items():
            graph.bind(prefix, namespace, replace=True)
        return graph

    def __len__(self) -> int:
        """Triples in the union graph."""
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def close(self) -> None:
        """Flush an on-disk store to disk (in memory or read-only there is nothing to do)."""
        if self.path is not None and not self.read_only:
            self.store.flush()


def _data_lines(quads: Iterable[ox.Quad]) -> Iterator[str]:
    """SPARQL ``INSERT DATA`` lines: each quad in its graph and in the union."""
    for quad in quads:
        triple = f"{quad.subject} {quad.predicate} {quad.object} ."
        yield f"GRAPH {quad.graph_name} {{ {triple} }}\n{triple}\n"


def _by_line(quads: Iterable[ox.Quad], lines: dict[str, ox.Triple]) -> None:
    """Add quads' triples to ``lines``, keyed by union line (:func:`triple_line`)."""
    for quad in quads:
        lines[triple_line(str(quad.subject), str(quad.predicate), str(quad.object))] = \
            quad.triple


def _standing(store: ox.Store, touched: dict[str, ox.Triple], void: set[ox.Triple]
              ) -> Standing:
    """Which of the touched lines, and of their subjects, objects and sources, the
    union's data holds now (the stored VoID description, in the union too, is not data).

    A term is looked up by pattern and the first data quad answers, so the cost is
    a few lookups per touched line, whatever the size of the union.
    """
    union = ox.DefaultGraph()

    def held(quads: Iterator[ox.Quad]) -> bool:
        return any(quad.triple not in void for quad in quads)

    triples = touched.values()
    derived = v.WAS_DERIVED_FROM
    return Standing(
        {line for line, t in touched.items()
         if t not in void and ox.Quad(t.subject, t.predicate, t.object, union) in store},
        {str(s) for s in {t.subject for t in triples}
         if held(store.quads_for_pattern(s, None, None, union))},
        {str(o) for o in {t.object for t in triples}
         if held(store.quads_for_pattern(None, None, o, union))},
        {str(o) for o in {t.object for t in triples if t.predicate == derived}
         if held(store.quads_for_pattern(None, derived, o, union))})


def restricted(query: str, var: str, iris: Iterable[str]) -> str:
    """``query`` with ``?var`` bound to ``iris`` (a ``VALUES`` block) in every
    (sub)query's WHERE clause: how a reader asks about a few nodes only."""
    values = " ".join(f"<{iri}>" for iri in iris)
    return query.replace("WHERE {", f"WHERE {{ VALUES ?{var} {{ {values} }}")


def output_prefixes(format: ox.RdfFormat, base: str) -> dict[str, str] | None:
    """The prefixes to declare in a file of ``format`` (none in N-Triples and N-Quads)."""
    plain = format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    return None if plain else v.all_prefixes(base)


def triple_key(triple: ox.Triple) -> tuple[str, str, str]:
    """A sort key for triples (N-Triples form of each term)."""
    return (str(triple.subject), str(triple.predicate), str(triple.object))
