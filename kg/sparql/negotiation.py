"""Content negotiation: which result format answers an ``Accept`` header (RFC 9110).

SELECT/ASK -> SPARQL JSON (default), XML, CSV, TSV, ``text/plain`` (aligned table);
CONSTRUCT/DESCRIBE -> Turtle (default), N-Triples.  Nothing acceptable -> 406.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

SELECT_MEDIA: tuple[tuple[str, str], ...] = (
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/plain", "table"),
    ("text/markdown", "markdown"),
)
"""Media types for SELECT/ASK in server preference order (first = default)."""

GRAPH_MEDIA: tuple[tuple[str, str], ...] = (
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/x-turtle", "turtle"),
    ("text/plain", "ntriples"),
)
"""Media types for CONSTRUCT/DESCRIBE in server preference order (first = default)."""

CONTENT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "table": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
}


def not_acceptable(accept: str | None) -> str:
    offered = sorted({media for media, _ in (*SELECT_MEDIA, *GRAPH_MEDIA)})
    return (f"cannot produce any type in Accept: {accept!r}. Available: "
            f"{', '.join(offered)}.")


def negotiate(accept: str | None, offered: Sequence[tuple[str, str]]) -> str | None:
    """Pick the format for an ``Accept`` header (RFC 9110 q-values and wildcards).

    Each offered type gets the q of the most specific matching range; the highest q wins,
    ties go to the server's order.  ``None`` means nothing acceptable (-> 406).
    """
    if accept is None or not accept.strip():
        return offered[0][1]
    ranges = list(_parse_accept(accept))
    best: tuple[float, int, str] | None = None
    for position, (media, fmt) in enumerate(offered):
        quality = _quality(media, ranges)
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, position, fmt)
    return best[2] if best else None


def _parse_accept(accept: str) -> Iterator[tuple[str, float]]:
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        yield media.lower(), quality


def _quality(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    kind = media.split("/")[0]
    specificity, quality = -1, 0.0
    for pattern, q in ranges:
        rank = 2 if pattern == media else 1 if pattern == f"{kind}/*" else (
            0 if pattern == "*/*" else -1)
        if rank > specificity:
            specificity, quality = rank, q
    return quality
