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

    def triples(self) -> list[ox.Triple]:
        """The VoID description of what was counted."""
        return list(describe(
            self.minter, {_iri(p): n for p, n in self.properties.items()},
            {_term(c): n for c, n in self.classes.items()},
            Distinct(self.subjects, len(self.objects), self.entities),
            sorted((_term(s) for s in self.sources), key=str)))


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
