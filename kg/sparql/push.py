"""Load the graph into a running triple store with the SPARQL 1.1 Graph Store Protocol.

``push(source, gsp_url, graph=IRI)`` sends ``PUT`` (replace the graph, the default) or
``POST`` (merge into it) to ``gsp_url?graph=<IRI>`` (or ``gsp_url?default`` for the
default graph).  The URL is the store's *Graph Store Protocol* endpoint, which is not
its query endpoint and differs between stores:

* Oxigraph server: ``http://localhost:7878/store``
* Apache Jena Fuseki: ``http://localhost:3030/<dataset>/data``
* GraphDB: ``http://localhost:7200/repositories/<repo>/rdf-graphs/service``
* Blazegraph, Virtuoso, Stardog: see their docs (Virtuoso: ``/sparql-graph-crud``)

``source`` is a Turtle (``.ttl``) or N-Triples (``.nt``) file, sent as is with its
length; a TriG/N-Quads file is sent as N-Triples of the union of its graphs (GSP
transfers one graph; graph names are dropped), a pyoxigraph ``Store`` as N-Triples of
its default graph, where :class:`kg.graph.store.GraphStore` keeps the union.  A store is streamed
in batches with chunked transfer encoding, so memory stays flat for large graphs; use
``chunked=False`` for servers that refuse chunked uploads (the data is then spooled to a
temporary file first to learn its length).  Triples present in several graphs are sent
once per graph in a dataset file; the server keeps one copy.

Only the standard library's urllib is used: one request, no retries.  ``timeout``
bounds each socket operation (connect, each send, waiting for the answer), not the
whole upload.  Every failure becomes :class:`PushError` with a plain message that says
what to check.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
_AS_IS = {".ttl": TURTLE, ".turtle": TURTLE, ".nt": N_TRIPLES, ".ntriples": N_TRIPLES}
_DATASETS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
             ".nquads": ox.RdfFormat.N_QUADS}
_BATCH = 10_000
_ERROR_BODY_CHARS = 2_000
GSP_HINT = ("the Graph Store Protocol URL of the store (Oxigraph: http://host:7878/store, "
            "Fuseki: http://host:3030/<dataset>/data, GraphDB: "
            "http://host:7200/repositories/<repo>/rdf-graphs/service)")


class PushError(Exception):
    """The upload failed; ``str(err)`` says what happened and what to check."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PushResult:
    """What was sent where, and what the server answered."""

    url: str
    method: str
    status: int
    content_type: str
    bytes_sent: int


@dataclass
class _Payload:
    """A request body: bytes-producing iterable or file, its length if known."""

    content_type: str
    body: Iterable[bytes] | BinaryIO
    length: int | None
    counter: _Counter


class _Counter:
    """Counts bytes as urllib pulls them from an iterable body."""

    def __init__(self) -> None:
        self.sent = 0

    def wrap(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.sent += len(chunk)
            yield chunk


def push(
    source: str | os.PathLike[str] | ox.Store,
    endpoint_url: str,
    *,
    graph: str | None,
    replace: bool = True,
    timeout: float = 60.0,
    headers: Mapping[str, str] | None = None,
    chunked: bool = True,
) -> PushResult:
    """Upload ``source`` into ``graph`` (``None`` = the default graph) at ``endpoint_url``.

    ``replace=True`` uses PUT (the graph ends up equal to ``source``), ``False`` uses POST
    (triples are added).  ``headers`` adds e.g. ``Authorization``.  Raises
    :class:`PushError`.
    """
    url = target_url(endpoint_url, graph)
    method = "PUT" if replace else "POST"
    with _open_payload(source, chunked) as payload:
        request = urllib.request.Request(url, data=payload.body, method=method,  # type: ignore[arg-type]
                                         headers=_request_headers(payload, headers))
        status = _send(request, timeout, endpoint_url)
        sent = payload.length if payload.length is not None else payload.counter.sent
    return PushResult(url=url, method=method, status=status,
                      content_type=payload.content_type, bytes_sent=sent)


def target_url(endpoint_url: str, graph: str | None) -> str:
    """``endpoint_url`` with ``graph=<IRI>`` or ``default`` appended (GSP indirect form)."""
    parts = urllib.parse.urlsplit(endpoint_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"{endpoint_url!r} is not an http(s) URL; pass {GSP_HINT}.")
    if graph is None:
        extra = "default"
    else:
        try:
            ox.NamedNode(graph)
        except ValueError:
            raise PushError(f"graph name {graph!r} is not an absolute IRI.") from None
        extra = "graph=" + urllib.parse.quote(graph, safe="")
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=query, fragment=""))


# ---------------------------------------------------------------------------- payloads


class _PayloadContext:
    """Context manager owning the files a payload needs (closed/removed on exit)."""

    def __init__(self, source: str | os.PathLike[str] | ox.Store, chunked: bool) -> None:
        self.source = source
        self.chunked = chunked
        self.stack = contextlib.ExitStack()

    def __enter__(self) -> _Payload:
        counter = _Counter()
        if isinstance(self.source, ox.Store):
            return self._triples(_store_triples(self.source), counter)
        path = Path(self.source)
        if not path.is_file():
            raise PushError(f"cannot read {str(path)!r}: no such file.")
        suffix = path.suffix.lower()
        if suffix in _AS_IS:
            handle = self.stack.enter_context(path.open("rb"))
            return _Payload(_AS_IS[suffix], handle, path.stat().st_size, counter)
        if suffix in _DATASETS:
            return self._triples(_file_triples(path, _DATASETS[suffix]), counter)
        raise PushError(f"cannot push {path.name!r}: use a .ttl, .nt, .trig or .nq file.")

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    def _triples(self, triples: Iterable[ox.Triple], counter: _Counter) -> _Payload:
        chunks = _ntriples_chunks(triples)
        if self.chunked:
            return _Payload(N_TRIPLES, counter.wrap(chunks), None, counter)
        spool = self.stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (ExitStack)
        for chunk in chunks:
            spool.write(chunk)
        length = spool.tell()
        spool.seek(0)
        return _Payload(N_TRIPLES, spool, length, counter)


def _open_payload(source: str | os.PathLike[str] | ox.Store, chunked: bool) -> _PayloadContext:
    return _PayloadContext(source, chunked)


def _store_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """The default graph: the set union of the day graphs in a ``GraphStore``."""
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield quad.triple


def _file_triples(path: Path, fmt: ox.RdfFormat) -> Iterator[ox.Triple]:
    try:
        for quad in ox.parse(path=path, format=fmt):
            yield quad.triple
    except SyntaxError as err:
        raise PushError(f"{path.name} is not valid {fmt.name}: {err}") from None


def _ntriples_chunks(triples: Iterable[ox.Triple], batch: int = _BATCH) -> Iterator[bytes]:
    """N-Triples bytes in batches, serialized by pyoxigraph (canonical escaping)."""
    pending: list[ox.Triple] = []
    for triple in triples:
        pending.append(triple)
        if len(pending) >= batch:
            yield ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES)
            pending = []
    if pending:
        yield ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES)


def _request_headers(payload: _Payload, extra: Mapping[str, str] | None) -> dict[str, str]:
    headers = {"Content-Type": payload.content_type, "Accept": "text/plain, */*;q=0.5"}
    if payload.length is not None:
        headers["Content-Length"] = str(payload.length)
    headers.update(extra or {})
    return headers


# ------------------------------------------------------------------------------ sending


def _send(request: urllib.request.Request, timeout: float, endpoint_url: str) -> int:
    """Perform the request; map every failure to a PushError that says what to check."""
    try:
        with _opener().open(request, timeout=timeout) as response:
            response.read(_ERROR_BODY_CHARS)
            return int(response.status)
    except urllib.error.HTTPError as err:
        raise _http_error(err, request) from None
    except urllib.error.URLError as err:
        raise _connection_error(err.reason, endpoint_url, timeout) from None
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as err:
        raise _connection_error(err, endpoint_url, timeout) from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never re-send an upload elsewhere silently; report the redirect instead."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect())


def _http_error(err: urllib.error.HTTPError, request: urllib.request.Request) -> PushError:
    detail = _server_message(err)
    where = f"{request.get_method()} {request.full_url}"
    advice = _ADVICE.get(err.code) or (
        "the server failed; check its log." if err.code >= 500 else "check the request.")
    if 300 <= err.code < 400:
        advice = (f"the server redirects to {err.headers.get('Location')!r}; "
                  "pass that URL instead.")
    text = f"{where} failed: the server answered {err.code} {err.reason}"
    text += f": {detail}" if detail else "."
    return PushError(f"{text}\nCheck: {advice}", status=err.code)


_ADVICE: dict[int, str] = {
    400: "the server could not use the data (see its message above).",
    401: "the store needs credentials; pass headers={'Authorization': ...}.",
    403: "the store refuses writes (read-only server, or missing permissions).",
    404: f"that the URL is {GSP_HINT}.",
    405: f"that the URL is {GSP_HINT}, not the query endpoint.",
    411: "the server needs a Content-Length; retry with chunked=False.",
    413: "the upload is larger than the server accepts; raise its limit.",
    415: "the server does not accept this RDF syntax; try an N-Triples (.nt) file.",
}


def _server_message(err: urllib.error.HTTPError) -> str:
    try:
        raw = err.read(_ERROR_BODY_CHARS)
    except (OSError, http.client.HTTPException):
        return ""
    return " ".join(raw.decode("utf-8", errors="replace").split())


def _connection_error(reason: object, endpoint_url: str, timeout: float) -> PushError:
    host = urllib.parse.urlsplit(endpoint_url).netloc
    if isinstance(reason, TimeoutError | socket.timeout):
        return PushError(f"no answer from {host} within {timeout:g} s; check that the store "
                         "is healthy, or raise the timeout for large uploads.")
    if isinstance(reason, ConnectionRefusedError):
        return PushError(f"could not connect to {host} (connection refused): check that the "
                         f"triple store is running and that {endpoint_url} is {GSP_HINT}.")
    if isinstance(reason, socket.gaierror):
        return PushError(f"unknown host in {endpoint_url}: check the host name.")
    if isinstance(reason, ConnectionError | http.client.HTTPException):
        return PushError(f"the connection to {host} broke during the upload ({reason}); "
                         "the server may have rejected the request early (size or auth "
                         "limits): check its log.")
    return PushError(f"could not reach {endpoint_url}: {reason}; check the URL and that "
                     "the store is running.")

