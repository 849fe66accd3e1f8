"""The one table of RDF file formats: option name, file suffix, media type, parser/writer.

Build, export, ``kg push`` and the SPARQL server all look formats up here, so a
format's suffix and media type are spelled once. ``quads`` marks the formats that
carry the day graphs (TriG, N-Quads) rather than their union, which needs a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True, slots=True)
class Format:
    """One RDF serialisation as paperkg writes it."""

    name: str
    suffix: str
    media_type: str
    oxigraph: ox.RdfFormat
    quads: bool = False

    @property
    def filename(self) -> str:
        """The file ``kg build`` and ``kg export`` write in this format."""
        return "graph" + self.suffix


#: Output formats by option name (``-f NAME``).
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("turtle", ".ttl", "text/turtle", ox.RdfFormat.TURTLE),
    Format("nt", ".nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    Format("jsonld", ".jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    Format("trig", ".trig", "application/trig", ox.RdfFormat.TRIG, quads=True),
    Format("nq", ".nq", "application/n-quads", ox.RdfFormat.N_QUADS, quads=True),
    Format("owl", ".owl.ttl", "text/turtle", ox.RdfFormat.TURTLE),
)}

#: Suffixes readers accept beyond the ones above (spelling variants).
_ALIASES = {".turtle": "turtle", ".ntriples": "nt", ".nquads": "nq", ".json": "jsonld"}


def by_name(name: str) -> Format:
    """The format called ``name``; ``ValueError`` names the choices otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown RDF format {name!r}; choose one of "
                         f"{', '.join(FORMATS)}") from None


def for_path(path: str | Path) -> Format | None:
    """The format a file's name says it is in (``None`` when the suffix is unknown)."""
    name = Path(path).name.lower()
    for fmt in FORMATS.values():
        if fmt.name != "owl" and name.endswith(fmt.suffix):
            return fmt
    alias = _ALIASES.get(Path(name).suffix)
    return FORMATS[alias] if alias else None
