"""Writing triples as paperkg's files do: the OWL header, and Turtle old parsers read.

Every triple file starts with the data graph's OWL header (``owl:imports`` of the
ontology), so Protégé and reasoners open ``graph.ttl`` alone with typed properties.

Oxigraph writes an IRI such as ``.../person/mette-thun%C3%B8`` as the prefixed name
``person:mette-thun\\%C3\\%B8``: valid Turtle 1.1, but OWL API 3.4 (Protégé, Pellet)
rejects the ``\\%`` escape, so :func:`write_turtle` writes those IRIs in full.
The store and the build both write through here, so their files stay byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import BinaryIO, cast

import pyoxigraph as ox

from kg.graph import vocab as v

# A string literal (escapes included) or a run of anything else on one Turtle line.
_LITERAL_OR_TEXT = re.compile(r'("(?:[^"\\]|\\.)*")|([^"]+)')
_ESCAPED = re.compile(r"\\(.)")


def ontology_header(dataset: ox.NamedNode) -> list[ox.Triple]:
    """The triples that make a data file an OWL ontology importing paperkg's."""
    return [ox.Triple(dataset, v.TYPE, v.OWL_ONTOLOGY),
            ox.Triple(dataset, v.OWL_IMPORTS, ox.NamedNode(v.ONTOLOGY_IRI))]


def with_header(dataset: ox.NamedNode, triples: Iterable[ox.Triple]) -> Iterable[ox.Triple]:
    """The header, then ``triples`` without it (a graph read back from a file has it)."""
    header = ontology_header(dataset)
    known = set(header)
    yield from header
    yield from (t for t in triples if t not in known)


def write_triples(triples: Iterable[ox.Triple], output: BinaryIO, format: ox.RdfFormat,
                  base: str) -> None:
    """Serialise ``triples`` in a triple ``format`` with the project's prefixes."""
    if format == ox.RdfFormat.TURTLE:
        write_turtle(triples, output, base)
    else:
        plain = format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
        ox.serialize(triples, output, format, prefixes=None if plain else turtle_prefixes(base))


def turtle_prefixes(base: str) -> dict[str, str]:
    """The prefixes every Turtle file of the graph declares."""
    return {**v.all_prefixes(base), "owl": v.NAMESPACES["owl"]}


def write_turtle(triples: Iterable[ox.Triple], output: BinaryIO, base: str) -> None:
    """Write Turtle with the project's prefixes and no ``\\%`` escapes in prefixed names."""
    prefixes = turtle_prefixes(base)
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
