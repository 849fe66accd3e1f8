"""A VoID description of the graph: sizes, classes, properties, sources.

Computed inside a store with SPARQL aggregates (fast in Oxigraph) over the
union graph, or while a build streams the sorted union (:class:`LineCounter`,
no store at all), and rewritten after every load so it never goes stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.facts import UnionFacts
from kg.graph.iris import Minter

_PROPERTIES = """
SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p
"""
_CLASSES = """
SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s rdf:type ?c } GROUP BY ?c
"""
_DISTINCT = """
SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
       (COUNT(DISTINCT ?e) AS ?entities)
WHERE { ?s ?p ?o BIND(IF(STRSTARTS(STR(?s), BASE), ?s, ?unbound) AS ?e) }
"""
_SOURCES = "SELECT DISTINCT ?src WHERE { ?day prov:wasDerivedFrom ?src } ORDER BY ?src"


#: An RDF term as pyoxigraph gives it (its stubs name no common base class).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query, prefixes=v.PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=v.XSD_INTEGER)


def void_triples(store: ox.Store, minter: Minter) -> Iterator[ox.Triple]:
    """Triples describing the store's union (default) graph."""
    properties = {row["p"]: int(row["n"].value) for row in _select(store, _PROPERTIES)}
    classes = {row["c"]: int(row["n"].value) for row in _select(store, _CLASSES)}
    distinct = _DISTINCT.replace("BASE", str(ox.Literal(minter.base)))
    counts = next(iter(_select(store, distinct)))
    sources = [row["src"] for row in _select(store, _SOURCES)]
    return describe(minter, properties, classes, Distinct(
        int(counts["subjects"].value), int(counts["objects"].value),
        int(counts["entities"].value)), sources)


@dataclass(frozen=True, slots=True)
class Distinct:
    """Distinct subjects, distinct objects, and subjects minted under the base."""

    subjects: int
    objects: int
    entities: int


def describe(minter: Minter, properties: dict[ox.NamedNode, int],
             classes: dict[Term, int], distinct: Distinct,
             sources: Iterable[Term]) -> Iterator[ox.Triple]:
    """The VoID triples from counts, however they were taken (SPARQL or a line scan)."""
    dataset = minter.dataset
    yield ox.Triple(dataset, v.TYPE, v.VOID_DATASET)
    yield ox.Triple(dataset, v.TITLE, ox.Literal("paperkg knowledge graph of paper digests"))
    yield ox.Triple(dataset, v.VOID_URI_SPACE, ox.Literal(minter.base))
    for namespace in sorted({v.NAMESPACES[p] for p in ("schema", "dcterms", "fabio", "skos",
                                                        "foaf", "prov", "sioc", "fair4ml")}
                            | {v.ONTOLOGY_IRI}):
        yield ox.Triple(dataset, v.VOID_VOCABULARY, ox.NamedNode(namespace))
    yield ox.Triple(dataset, v.VOID_TRIPLES, _int(sum(properties.values())))
    yield ox.Triple(dataset, v.VOID_ENTITIES, _int(distinct.entities))
    yield ox.Triple(dataset, v.VOID_DISTINCT_SUBJECTS, _int(distinct.subjects))
    yield ox.Triple(dataset, v.VOID_DISTINCT_OBJECTS, _int(distinct.objects))
    yield ox.Triple(dataset, v.VOID_CLASSES, _int(len(classes)))
    yield ox.Triple(dataset, v.VOID_PROPERTIES, _int(len(properties)))
    for cls, n in classes.items():
        if not isinstance(cls, ox.NamedNode):
            continue
        partition = minter.class_partition(cls.value)
        yield ox.Triple(dataset, v.VOID_CLASS_PARTITION, partition)
        yield ox.Triple(partition, v.TYPE, v.VOID_DATASET)
        yield ox.Triple(partition, v.VOID_CLASS, cls)
        yield ox.Triple(partition, v.VOID_ENTITIES, _int(n))
    for prop, n in properties.items():
        partition = minter.property_partition(prop.value)
        yield ox.Triple(dataset, v.VOID_PROPERTY_PARTITION, partition)
        yield ox.Triple(partition, v.TYPE, v.VOID_DATASET)
        yield ox.Triple(partition, v.VOID_PROPERTY, prop)
        yield ox.Triple(partition, v.VOID_TRIPLES, _int(n))
    for source in sources:
        yield ox.Triple(dataset, v.WAS_DERIVED_FROM, source)


def class_counts(description: list[ox.Triple]) -> dict[str, int]:
    """Entities per class IRI, read from a VoID description."""
    classes: dict[Term, str] = {}
    entities: dict[Term, int] = {}
    for triple in description:
        if isinstance(triple.object, ox.Triple):
            continue
        if triple.predicate == v.VOID_CLASS:
            classes[triple.subject] = triple.object.value
        elif triple.predicate == v.VOID_ENTITIES:
            entities[triple.subject] = int(triple.object.value)
    return {cls: entities.get(node, 0) for node, cls in classes.items()}


def triple_count(description: list[ox.Triple], minter: Minter) -> int:
    """The number of data triples, read from a VoID description."""
    for triple in description:
        if triple.subject == minter.dataset and triple.predicate == v.VOID_TRIPLES \
                and isinstance(triple.object, ox.Literal):
            return int(triple.object.value)
    return 0


@dataclass(slots=True)
class Counts:
    """The counts a VoID description states, with terms as N-Triples text.

    Kept so a description can be carried forward: :meth:`of` reads a stored one
    back, :meth:`apply` moves it by what one load did to the union (a daily add
    then counts its own lines, not the whole union's), :meth:`triples` writes it.
    """

    properties: dict[str, int]
    classes: dict[str, int]
    sources: set[str]
    subjects: int
    objects: int
    entities: int

    @classmethod
    def of(cls, description: list[ox.Triple], minter: Minter) -> Counts | None:
        """The counts of a description :meth:`triples` wrote, or ``None`` when it
        does not state them all (a partial or foreign description)."""
        dataset = minter.dataset
        partitions: dict[Term, dict[ox.NamedNode, Term]] = {}
        stated: dict[ox.NamedNode, int] = {}
        sources: set[str] = set()
        for t in description:
            if t.subject == dataset:
                if t.predicate == v.WAS_DERIVED_FROM:
                    sources.add(str(t.object))
                elif isinstance(t.object, ox.Literal) and t.predicate in _STATED:
                    stated[t.predicate] = int(t.object.value)
            else:
                partitions.setdefault(t.subject, {})[t.predicate] = t.object
        properties: dict[str, int] = {}
        classes: dict[str, int] = {}
        for fields in partitions.values():
            prop, kind, n = fields.get(v.VOID_PROPERTY), fields.get(v.VOID_CLASS), None
            for key in (v.VOID_TRIPLES, v.VOID_ENTITIES):
                found = fields.get(key)
                n = int(found.value) if isinstance(found, ox.Literal) else n
            if n is None:
                continue
            if prop is not None:
                properties[str(prop)] = n
            elif kind is not None:
                classes[str(kind)] = n
        if set(stated) != _STATED or stated[v.VOID_CLASSES] != len(classes) \
                or stated[v.VOID_PROPERTIES] != len(properties) \
                or stated[v.VOID_TRIPLES] != sum(properties.values()):
            return None
        return cls(properties, classes, sources, stated[v.VOID_DISTINCT_SUBJECTS],
                   stated[v.VOID_DISTINCT_OBJECTS], stated[v.VOID_ENTITIES])

    def apply(self, before: Standing, after: Standing, base: str) -> None:
        """Move the counts by one load: ``before`` and ``after`` say which of the
        lines and terms it touched the union held before and after it."""
        for lines, sign in ((before.lines - after.lines, -1), (after.lines - before.lines, 1)):
            for line in lines:
                _, predicate, rest = line.split(None, 2)
                _bump(self.properties, predicate, sign)
                if predicate == _TYPE:
                    _bump(self.classes, rest[:-3], sign)
        prefix = f"<{base}"
        for gone, sign in ((before.subjects - after.subjects, -1),
                           (after.subjects - before.subjects, 1)):
            self.subjects += sign * len(gone)
            self.entities += sign * sum(1 for s in gone if s.startswith(prefix))
        self.objects += len(after.objects - before.objects) - len(before.objects - after.objects)
        self.sources = (self.sources - before.sources) | after.sources

    def triples(self, minter: Minter) -> list[ox.Triple]:
        """The VoID description of these counts."""
        return list(describe(
            minter, {_iri(p): n for p, n in self.properties.items()},
            {_term(c): n for c, n in self.classes.items()},
            Distinct(self.subjects, self.objects, self.entities),
            sorted((_term(s) for s in self.sources), key=str)))


@dataclass(slots=True)
class Standing:
    """Which of a load's touched lines and terms the union holds at one moment (as
    N-Triples text): lines, subjects, objects, and the sources (objects of
    ``prov:wasDerivedFrom``). Taken before and after the load for :meth:`Counts.apply`.
    """

    lines: set[str]
    subjects: set[str]
    objects: set[str]
    sources: set[str]


_STATED = frozenset({v.VOID_TRIPLES, v.VOID_ENTITIES, v.VOID_DISTINCT_SUBJECTS,
                     v.VOID_DISTINCT_OBJECTS, v.VOID_CLASSES, v.VOID_PROPERTIES})


def _bump(counts: dict[str, int], key: str, sign: int) -> None:
    n = counts.get(key, 0) + sign
    if n:
        counts[key] = n
    else:
        del counts[key]


class LineCounter:
    """Takes the VoID counts from sorted, de-duplicated union lines (:mod:`kg.graph.lines`).

    Distinct subjects need no set (sorted lines group them); distinct objects do:
    long objects (summaries) are kept as 16-byte digests to bound that set's memory.
    With ``facts``, the lines the people links and the page read are kept there on
    the same pass (:mod:`kg.graph.facts`): one split a line serves both.
    """

    def __init__(self, minter: Minter, facts: UnionFacts | None = None) -> None:
        self.minter = minter
        self.kept = frozenset(facts.pairs) if facts is not None else frozenset()
        self.keep: Callable[[str, str, str], None] = \
            facts.keep if facts is not None else _ignore
        self.properties: dict[str, int] = {}
        self.classes: dict[str, int] = {}
        self.objects: set[str | bytes] = set()
        self.sources: set[str] = set()
        self.subjects = 0
        self.entities = 0
        self._subject = ""
        self._base = f"<{minter.base}"

    def add(self, line: str) -> None:
        """Count one line (lines must arrive sorted and unique)."""
        subject, predicate, rest = line.split(None, 2)
        obj = rest[:-3]  # drop " .\n"
        if subject != self._subject:
            self._subject = subject
            self.subjects += 1
            self.entities += subject.startswith(self._base)
        properties = self.properties
        properties[predicate] = properties.get(predicate, 0) + 1
        if predicate in self.kept:
            self.keep(subject, predicate, obj)
        if predicate == _TYPE:
            self.classes[obj] = self.classes.get(obj, 0) + 1
        elif predicate == _DERIVED:
            self.sources.add(obj)
        self.objects.add(obj if len(obj) < 48 else
                         hashlib.blake2b(obj.encode(), digest_size=16).digest())

    def counts(self) -> Counts:
        """What was counted."""
        return Counts(self.properties, self.classes, self.sources, self.subjects,
                      len(self.objects), self.entities)

    def triples(self) -> list[ox.Triple]:
        """The VoID description of what was counted."""
        return self.counts().triples(self.minter)


def _ignore(subject: str, predicate: str, obj: str) -> None:
    """No facts to keep."""


_TYPE = str(v.TYPE)
_DERIVED = str(v.WAS_DERIVED_FROM)


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text[1:-1])


def _term(text: str) -> Term:
    if text.startswith("<"):
        return _iri(text)
    return next(iter(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES))).object
