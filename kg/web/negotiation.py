"""Choose a representation from ``Accept`` (RFC 9110 q-values), a suffix or ``format=``.

The node documents: HTML for browsers, and the three RDF syntaxes linked-data
clients ask for.  A document path carries its suffix (``/paper/X.ttl``), so links
and ``curl`` can name a representation without headers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyoxigraph as ox

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
    """The representation for an ``Accept`` header; ``None`` when nothing is acceptable."""
    if accept is None or not accept.strip():
        return offered[0][1]
    ranges = list(_ranges(accept))
    best: tuple[float, str] | None = None
    for media, name in offered:
        quality = _quality(media, ranges)
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, name)
    return best[1] if best else None


def _ranges(accept: str) -> Iterator[tuple[str, float]]:
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media:
            yield media.lower(), quality


def _quality(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    """The q of the most specific range matching ``media`` (0 when none does)."""
    major = media.split("/")[0]
    rank, quality = -1, 0.0
    for pattern, q in ranges:
        this = 2 if pattern == media else 1 if pattern == f"{major}/*" else (
            0 if pattern == "*/*" else -1)
        if this > rank:
            rank, quality = this, q
    return quality
