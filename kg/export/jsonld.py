"""Compact JSON-LD: one node object per subject, with the shipped ``@context``.

The context (``ontology/context.jsonld``, published as :data:`CONTEXT_IRI`) declares
the project's prefixes and a short term per property: object properties coerce to
IRIs, ``datePublished`` to ``xsd:date``. A value is written under a term only when the
term's coercion fits it exactly, otherwise under the property's compact IRI with a
full value object, so the document always expands back to the very same triples.
The context is written inline too, so offline tools need not fetch it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg.graph import vocab as v

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
CONTEXT_IRI = v.DEFAULT_BASE + "ontology/context.jsonld"

# Properties whose values are IRIs (owl:ObjectProperty in the ontology).
_OBJECT_PROPERTIES = (
    v.CREATOR, v.QUALIFIED_ATTRIBUTION, v.AGENT, v.SUBJECT, v.IN_SCHEME, v.HAS_REPOSITORY,
    v.HAS_MODEL, v.HAS_DATASET, v.HAS_SPACE, v.HAS_COLLECTION, v.MENTIONS_ACCOUNT, v.PAGE,
    v.HAS_OWNER, v.ABOUT, v.IS_PART_OF, v.WAS_DERIVED_FROM, v.URL, v.CODE_REPOSITORY,
    v.SAME_AS, v.OWL_IMPORTS, v.VOID_CLASS_PARTITION, v.VOID_PROPERTY_PARTITION,
    v.VOID_CLASS, v.VOID_PROPERTY, v.VOID_VOCABULARY)
_DATATYPE_PROPERTIES = (
    v.TITLE, v.IDENTIFIER, v.AUTHOR_POSITION, v.NAME, v.PREF_LABEL, v.ACCOUNT_NAME,
    v.TEXT, v.LABEL, v.DESCRIPTION, v.HAS_ARXIV_ID, v.VOID_TRIPLES, v.VOID_ENTITIES,
    v.VOID_CLASSES, v.VOID_PROPERTIES, v.VOID_DISTINCT_SUBJECTS, v.VOID_DISTINCT_OBJECTS,
    v.VOID_URI_SPACE)
_TYPED = {v.DATE_PUBLISHED: v.XSD_DATE}


def _prefixes(base: str) -> dict[str, str]:
    return {**v.all_prefixes(base), "owl": v.NAMESPACES["owl"]}


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            rest = iri[len(namespace):]
            if rest and not rest.startswith("//"):
                best = prefix
    return f"{best}:{iri[len(prefixes[best]):]}" if best else iri


def context(base: str = v.DEFAULT_BASE) -> dict[str, Any]:
    """The ``@context`` for a graph minted under ``base`` (prefixes, then terms)."""
    prefixes = _prefixes(base)
    terms: dict[str, Any] = dict(sorted(prefixes.items()))
    properties = [*_OBJECT_PROPERTIES, *_DATATYPE_PROPERTIES, *_TYPED]
    locals_ = [p.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for p in properties]
    for prop, local in zip(properties, locals_, strict=True):
        if locals_.count(local) > 1 or local in terms:
            continue  # ambiguous: the compact IRI is the key
        definition: dict[str, str] = {"@id": _curie(prop.value, prefixes)}
        if prop in _OBJECT_PROPERTIES:
            definition["@type"] = "@id"
        elif prop in _TYPED:
            definition["@type"] = _curie(_TYPED[prop].value, prefixes)
        terms[local] = definition
    return terms


def context_document(base: str = v.DEFAULT_BASE) -> str:
    """The context file as shipped in ``ontology/context.jsonld``."""
    return json.dumps({"@context": context(base)}, indent=2, ensure_ascii=False) + "\n"


class _Compactor:
    def __init__(self, base: str) -> None:
        self.prefixes = _prefixes(base)
        self.context = context(base)
        self.terms: dict[str, tuple[str, str | None]] = {}  # property IRI -> (term, coercion)
        for term, definition in self.context.items():
            if isinstance(definition, dict):
                iri = self.expand(definition["@id"])
                kind = definition.get("@type")
                self.terms[iri] = (term, None if kind is None else self.expand(kind)
                                   if kind != "@id" else "@id")

    def expand(self, curie: str) -> str:
        prefix, _, rest = curie.partition(":")
        return self.prefixes[prefix] + rest if prefix in self.prefixes else curie

    def ref(self, term: ox.NamedNode | ox.BlankNode) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return _curie(term.value, self.prefixes)

    def value(self, term: Term) -> Any:
        if not isinstance(term, ox.Literal):
            return {"@id": self.ref(term)}  # type: ignore[arg-type]
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == v.NAMESPACES["xsd"] + "string":
            return term.value
        if datatype == v.XSD_INTEGER.value and term.value == str(_int(term.value)):
            return _int(term.value)
        return {"@value": term.value, "@type": _curie(datatype, self.prefixes)}

    def entries(self, predicate: str, objects: list[Term]) -> tuple[str, Any]:
        term, coercion = self.terms.get(predicate, ("", None))
        if coercion == "@id" and all(not isinstance(o, ox.Literal) for o in objects):
            values: list[Any] = [self.ref(o) for o in objects]  # type: ignore[arg-type]
        elif coercion and all(isinstance(o, ox.Literal) and o.datatype.value == coercion
                              for o in objects):
            values = [o.value for o in objects if isinstance(o, ox.Literal)]
        else:
            if not term or coercion is not None:
                term = _curie(predicate, self.prefixes)
            values = [self.value(o) for o in objects]
        return term, values[0] if len(values) == 1 else values


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def write_jsonld(triples: Iterable[ox.Triple], output: BinaryIO, base: str) -> None:
    """Write ``triples`` as one compact JSON-LD document (subjects in first-seen order)."""
    compactor = _Compactor(base)
    nodes: dict[str, dict[str, list[Term]]] = {}
    for triple in triples:
        node = nodes.setdefault(compactor.ref(triple.subject), {})  # type: ignore[arg-type]
        node.setdefault(triple.predicate.value, []).append(triple.object)
    output.write(b'{\n"@context": ')
    output.write(json.dumps(compactor.context, ensure_ascii=False).encode("utf-8"))
    output.write(b',\n"@graph": [')
    for index, (subject, properties) in enumerate(nodes.items()):
        obj: dict[str, Any] = {"@id": subject}
        types = properties.pop(v.TYPE.value, [])
        if types:
            names = [compactor.ref(t) for t in types]  # type: ignore[arg-type]
            obj["@type"] = names[0] if len(names) == 1 else names
        for predicate, objects in properties.items():
            key, value = compactor.entries(predicate, objects)
            obj[key] = value
        output.write(b"\n" if index == 0 else b",\n")
        output.write(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
    output.write(b"\n]\n}\n")
