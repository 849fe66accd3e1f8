"""The HTTP side of the SPARQL 1.1 Protocol: parameters, bodies and error answers.

Every helper turns a malformed request into an :class:`HttpError` carrying the status and
a plain-text message, so the handler answers 4xx instead of failing.
"""

from __future__ import annotations

import io
import socket
import time
import urllib.parse
from collections.abc import Mapping, Sequence

from kg.sparql.negotiation import CONTENT_TYPES

DRAIN_SECONDS = 2.0


class HttpError(Exception):
    """An error answer: status code, plain-text message, optional extra headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def decode_params(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8",
                                      errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise HttpError(400, f"{where} is not valid percent-encoded UTF-8.") from None


def decode_text(body: bytes, where: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise HttpError(400, f"{where} is not valid UTF-8 (byte {err.start}); "
                        "send the query as UTF-8.") from None


def content_length(value: str | None) -> int:
    if value is None:
        raise HttpError(411, "a POST needs a Content-Length header.")
    try:
        length = int(value.strip())
    except ValueError:
        raise HttpError(400, f"invalid Content-Length {value!r}.") from None
    if length < 0:
        raise HttpError(400, f"invalid Content-Length {value!r}.")
    return length


def drain(connection: socket.socket, stream: io.BufferedIOBase, limit: int,
           seconds: float = DRAIN_SECONDS) -> None:
    """Read and drop up to ``limit`` bytes, for at most ``seconds`` in total."""
    deadline = time.monotonic() + seconds
    remaining = limit
    while remaining > 0:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        connection.settimeout(left)
        chunk = stream.read1(min(remaining, 65536))
        if not chunk:
            return
        remaining -= len(chunk)


def group(params: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    return grouped


def single_query(fields: Mapping[str, list[str]], body_query: str | None) -> str:
    queries = list(fields.get("query", []))
    if body_query is not None:
        queries.append(body_query)
    if not queries:
        raise HttpError(400, "missing query: pass ?query=... (URL-encoded), a form field "
                        "query=..., or POST the query as application/sparql-query.")
    if len(queries) > 1:
        raise HttpError(400, "more than one query was given; send exactly one.")
    if not queries[0].strip():
        raise HttpError(400, "the query is empty.")
    return queries[0]


def forced_format(fields: Mapping[str, list[str]]) -> str | None:
    values = fields.get("format")
    if not values:
        return None
    fmt = values[-1].lower()
    if fmt not in CONTENT_TYPES:
        raise HttpError(400, f"unknown format {fmt!r}; choose one of "
                        f"{', '.join(CONTENT_TYPES)}.")
    return fmt


def update_refused() -> HttpError:
    return HttpError(403, "this SPARQL endpoint is read-only: SPARQL Update is not "
                     "accepted. Send a query (SELECT, ASK, CONSTRUCT, DESCRIBE).")
