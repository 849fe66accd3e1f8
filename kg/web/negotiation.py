"""Choose a representation from ``Accept`` (RFC 9110 q-values), a suffix or ``format=``.

The node documents: HTML for browsers, and the three RDF syntaxes linked-data
clients ask for.  A document path carries its suffix (``/paper/X.ttl``), so links
and ``curl`` can name a representation without headers.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from kg.sparql.negotiation import negotiate as negotiate_media

#: representation name -> (suffix, media type)
DOCUMENTS: dict[str, tuple[str, str]] = {
    "html": (".html", "text/html; charset=utf-8"),
    "turtle": (".ttl", "text/turtle; charset=utf-8"),
    "ntriples": (".nt", "application/n-triples"),
    "jsonld": (".jsonld", "application/ld+json"),
}
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
#: Accept media ranges in server preference order (first = default for ``*/*``).
OFFERED: tuple[tuple[str, str], ...] = (
    ("text/html", "html"),
    ("application/xhtml+xml", "html"),
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
)
FORMAT_NAMES: dict[str, str] = {
    "html": "html", "ttl": "turtle", "turtle": "turtle", "nt": "ntriples",
    "ntriples": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld",
}


def split_suffix(path: str) -> tuple[str, str | None]:
    """``/paper/X.ttl`` -> (``/paper/X``, ``turtle``); no known suffix -> (path, None)."""
    for name, (suffix, _) in DOCUMENTS.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], name
    return path, None


def negotiate(accept: str | None, offered: Sequence[tuple[str, str]] = OFFERED) -> str | None:
    """The representation for an ``Accept`` header; ``None`` when nothing is acceptable.

    The same RFC 9110 rules as the SPARQL endpoint's, over the documents offered here.
    """
    return negotiate_media(accept, offered)
