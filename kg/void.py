"""A VoID description of the graph: sizes, classes, properties, sources.

Computed inside the store with SPARQL aggregates (fast in Oxigraph) over the
union graph, and rewritten after every load so it never goes stale.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from kg import vocab as v
from kg.iris import Minter

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


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=v.XSD_INTEGER)


def void_triples(store: ox.Store, minter: Minter) -> Iterator[ox.Triple]:
    """Triples describing the store's union (default) graph."""
    dataset = minter.dataset
    yield ox.Triple(dataset, v.TYPE, v.VOID_DATASET)
    yield ox.Triple(dataset, v.TITLE, ox.Literal("paperkg knowledge graph of paper digests"))
    yield ox.Triple(dataset, v.VOID_URI_SPACE, ox.Literal(minter.base))
    for namespace in sorted({v.NAMESPACES[p] for p in ("schema", "dcterms", "fabio", "skos",
                                                        "foaf", "prov", "sioc", "fair4ml")}
                            | {v.ONTOLOGY_IRI}):
        yield ox.Triple(dataset, v.VOID_VOCABULARY, ox.NamedNode(namespace))

    properties = {row["p"]: int(row["n"].value)
                  for row in store.query(_PROPERTIES, prefixes=v.PREFIXES)}
    classes = {row["c"]: int(row["n"].value)
               for row in store.query(_CLASSES, prefixes=v.PREFIXES)}
    distinct = _DISTINCT.replace("BASE", str(ox.Literal(minter.base)))
    counts = next(iter(store.query(distinct, prefixes=v.PREFIXES)))
    yield ox.Triple(dataset, v.VOID_TRIPLES, _int(sum(properties.values())))
    yield ox.Triple(dataset, v.VOID_ENTITIES, _int(int(counts["entities"].value)))
    yield ox.Triple(dataset, v.VOID_DISTINCT_SUBJECTS, _int(int(counts["subjects"].value)))
    yield ox.Triple(dataset, v.VOID_DISTINCT_OBJECTS, _int(int(counts["objects"].value)))
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
    for row in store.query(_SOURCES, prefixes=v.PREFIXES):
        yield ox.Triple(dataset, v.WAS_DERIVED_FROM, row["src"])


def class_counts(description: list[ox.Triple]) -> dict[str, int]:
    """Entities per class IRI, read from a VoID description."""
    classes: dict[ox.Term, str] = {}
    entities: dict[ox.Term, int] = {}
    for triple in description:
        if triple.predicate == v.VOID_CLASS:
            classes[triple.subject] = triple.object.value
        elif triple.predicate == v.VOID_ENTITIES:
            entities[triple.subject] = int(triple.object.value)
    return {cls: entities.get(node, 0) for node, cls in classes.items()}


def triple_count(description: list[ox.Triple], minter: Minter) -> int:
    """The number of data triples, read from a VoID description."""
    for triple in description:
        if triple.subject == minter.dataset and triple.predicate == v.VOID_TRIPLES:
            return int(triple.object.value)
    return 0
