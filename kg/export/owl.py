"""The OWL 2 DL profile of the graph (``-f owl``).

The OWL profile is for reasoners (HermiT, Pellet, Protégé): ``xsd:date`` is not in
the OWL 2 datatype map, so day dates become ``xsd:dateTime`` at midnight, and the VoID
description stays out (its property partitions name ``rdf:type`` and ``rdfs:label`` as
individuals, which OWL 2 DL forbids). SPARQL users keep ``xsd:date`` in ``graph.ttl``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.graph import vocab as v


def owl_triples(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """The triples with every ``xsd:date`` literal as the ``xsd:dateTime`` of its midnight."""
    for triple in triples:
        obj = triple.object
        if isinstance(obj, ox.Literal) and obj.datatype == v.XSD_DATE:
            obj = ox.Literal(obj.value + "T00:00:00", datatype=v.XSD_DATE_TIME)
            yield ox.Triple(triple.subject, triple.predicate, obj)
        else:
            yield triple
