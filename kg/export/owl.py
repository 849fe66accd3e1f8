"""Turtle that old parsers read, and the OWL 2 DL profile of the graph (``-f owl``).

Oxigraph writes an IRI such as ``.../person/mette-thun%C3%B8`` as the prefixed name
``person:mette-thun\\%C3\\%B8``: valid Turtle 1.1, but OWL API 3.4 (Protégé, Pellet)
rejects the ``\\%`` escape, so :func:`write_turtle` writes those IRIs in full.

The OWL profile is for reasoners (HermiT, Pellet, Protégé): ``xsd:date`` is not in
the OWL 2 datatype map, so day dates become ``xsd:dateTime`` at midnight, and the VoID
description stays out (its property partitions name ``rdf:type`` and ``rdfs:label`` as
individuals, which OWL 2 DL forbids). SPARQL users keep ``xsd:date`` in ``graph.ttl``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO, cast

import pyoxigraph as ox

from kg.graph import vocab as v

# A string literal (escapes included) or a run of anything else on one Turtle line.
_LITERAL_OR_TEXT = re.compile(r'("(?:[^"\\]|\\.)*")|([^"]+)')
_ESCAPED = re.compile(r"\\(.)")


def owl_triples(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """The triples with every ``xsd:date`` literal as the ``xsd:dateTime`` of its midnight."""
    for triple in triples:
        obj = triple.object
        if isinstance(obj, ox.Literal) and obj.datatype == v.XSD_DATE:
            obj = ox.Literal(obj.value + "T00:00:00", datatype=v.XSD_DATE_TIME)
            yield ox.Triple(triple.subject, triple.predicate, obj)
        else:
            yield triple


def write_turtle(triples: Iterable[ox.Triple], output: BinaryIO, base: str) -> None:
    """Write Turtle with the project's prefixes and no ``\\%`` escapes in prefixed names."""
    prefixes = {**v.all_prefixes(base), "owl": v.NAMESPACES["owl"]}
    writer = _FullIris(output, prefixes)
    ox.serialize(triples, cast(BinaryIO, writer), ox.RdfFormat.TURTLE, prefixes=prefixes)
    writer.close()


class _FullIris:
    """A file wrapper that rewrites, line by line, prefixed names holding ``\\%``."""

    def __init__(self, output: BinaryIO, prefixes: dict[str, str]) -> None:
        self.output = output
        self.prefixes = prefixes
        self.pending = b""
        self.names = re.compile(r"(?<![^\s(\[,;])(" + "|".join(map(re.escape, prefixes))
                                + r"):(\S*\\%\S*)")

    def write(self, data: bytes) -> int:
        lines = (self.pending + bytes(data)).split(b"\n")
        self.pending = lines.pop()
        for line in lines:
            self.output.write(self._fix(line) + b"\n")
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.pending:
            self.output.write(self._fix(self.pending))
            self.pending = b""

    def _full(self, match: re.Match[str]) -> str:
        local = _ESCAPED.sub(r"\1", match[2])
        return f"<{self.prefixes[match[1]]}{local}>"

    def _fix(self, line: bytes) -> bytes:
        if b"\\%" not in line:
            return line
        text = line.decode("utf-8")
        return "".join(literal or self.names.sub(self._full, rest)
                       for literal, rest in _LITERAL_OR_TEXT.findall(text)).encode("utf-8")
