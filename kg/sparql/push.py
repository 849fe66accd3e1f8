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
bounds the whole request as well as each socket operation, so a server that trickles
its answer a byte at a time cannot hold the upload past it.  Every failure becomes
:class:`PushError` with a plain message that says what to check.

A ``201 Created`` proves nothing: Virtuoso 7.2 answers it to a chunked upload and
stores nothing.  So every push is verified: the triples in the target graph are
counted through the store's SPARQL endpoint (derived from the Graph Store URL for
Oxigraph, Fuseki, GraphDB and Virtuoso, or given as ``query_url``) and a count that
differs from what was sent is a :class:`PushError`.  For Virtuoso's
``/sparql-graph-crud`` the graph goes in its own ``graph-uri`` parameter.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.export.formats import FORMATS, for_path

N_TRIPLES = FORMATS["nt"].media_type
#: Files sent as they are (with their own media type); datasets go as N-Triples of the union.
_AS_IS = ("turtle", "nt")
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
    #: Distinct triples sent, and those the server's SPARQL endpoint counts in the graph
    #: afterwards (``None``: no query endpoint known, nothing verified).
    triples_sent: int = 0
    triples_stored: int | None = None


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
    chunked: bool = False,
    query_url: str | None = None,
    verify: bool = True,
) -> PushResult:
    """Upload ``source`` into ``graph`` (``None`` = the default graph) at ``endpoint_url``.

    ``replace=True`` uses PUT (the graph ends up equal to ``source``), ``False`` uses POST
    (triples are added).  ``headers`` adds e.g. ``Authorization``.  ``chunked=True``
    streams without a Content-Length (not every store reads such a body).  Then the
    graph is counted through ``query_url`` (default: derived from ``endpoint_url``).
    Raises :class:`PushError`.
    """
    url = target_url(endpoint_url, graph)
    method = "PUT" if replace else "POST"
    sent_triples = _distinct_triples(source)
    with _open_payload(source, chunked) as payload:
        request = urllib.request.Request(url, data=payload.body, method=method,
                                         headers=_request_headers(payload, headers))
        status = _send(request, timeout, endpoint_url)
        sent = payload.length if payload.length is not None else payload.counter.sent
    result = PushResult(url=url, method=method, status=status,
                        content_type=payload.content_type, bytes_sent=sent,
                        triples_sent=sent_triples)
    counter_url = query_url or sparql_url(endpoint_url)
    if not verify or counter_url is None:
        return result
    stored = count_triples(counter_url, graph, timeout=timeout, headers=headers)
    if stored < sent_triples or (replace and stored != sent_triples):
        where = f"graph <{graph}>" if graph else "the default graph"
        raise PushError(
            f"{method} {url} answered HTTP {status}, but {where} holds {stored:,} triples "
            f"where {sent_triples:,} were sent ({counter_url}): the store did not keep the "
            "upload.\nCheck: the store's log; servers that ignore chunked bodies "
            "(Virtuoso) need chunked=False.", status=status)
    return PushResult(url=url, method=method, status=status,
                      content_type=payload.content_type, bytes_sent=sent,
                      triples_sent=sent_triples, triples_stored=stored)


def sparql_url(gsp_url: str) -> str | None:
    """The SPARQL query endpoint beside a store's Graph Store URL, where the layout is known.

    Oxigraph ``/store`` → ``/query``; Fuseki ``/DATASET/data`` → ``/DATASET/sparql``;
    GraphDB ``/repositories/R/rdf-graphs/service`` → ``/repositories/R``; Virtuoso
    ``/sparql-graph-crud[-auth]`` → ``/sparql``.
    """
    parts = urllib.parse.urlsplit(gsp_url)
    path = parts.path.rstrip("/")
    for suffix, replacement in (("/store", "/query"), ("/sparql-graph-crud-auth", "/sparql"),
                                ("/sparql-graph-crud", "/sparql"), ("/rdf-graphs/service", ""),
                                ("/data", "/sparql")):
        if path.endswith(suffix):
            path = path[:-len(suffix)] + replacement
            return urllib.parse.urlunsplit(parts._replace(path=path, query="", fragment=""))
    return None


def count_triples(query_url: str, graph: str | None, *, timeout: float = 60.0,
                  headers: Mapping[str, str] | None = None) -> int:
    """Triples in ``graph`` (``None``: the default graph) by the store's SPARQL endpoint."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    body = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"})
    request = urllib.request.Request(
        query_url, data=body.encode("ascii"), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json", **(headers or {})})
    try:
        with _Deadline(timeout) as deadline, \
                deadline.opener.open(request, timeout=timeout) as response:
            document = json.loads(response.read())
        return int(document["results"]["bindings"][0]["n"]["value"])
    except urllib.error.HTTPError as err:
        raise PushError(f"cannot verify the upload: {query_url} answered {err.code} "
                        f"{err.reason}; pass the store's SPARQL query URL.",
                        status=err.code) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
        raise PushError(f"cannot verify the upload through {query_url}: {err}") from None
    except (ValueError, KeyError, IndexError) as err:
        raise PushError(f"cannot verify the upload: {query_url} did not answer SPARQL "
                        f"JSON results ({err}).") from None


def _distinct_triples(source: str | os.PathLike[str] | ox.Store) -> int:
    """How many distinct triples ``source`` sends (what a replaced graph must hold)."""
    if isinstance(source, ox.Store):
        return sum(1 for _ in source.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    path = Path(source)
    fmt = for_path(path)
    if fmt is None or not (fmt.name in _AS_IS or fmt.quads) or not path.is_file():
        return 0  # the payload reports the problem
    scratch = ox.Store()
    try:
        scratch.bulk_load(path=str(path), format=fmt.oxigraph, to_graph=ox.DefaultGraph())
    except SyntaxError:
        return 0  # sent as is; the server reports the syntax error
    rows = scratch.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }",
                         use_default_graph_as_union=True)
    return sum(1 for _ in rows) if isinstance(rows, ox.QuerySolutions) else 0


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
        name = "graph-uri" if _is_virtuoso(parts.path) else "graph"
        extra = f"{name}=" + urllib.parse.quote(graph, safe="")
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=query, fragment=""))


def _is_virtuoso(path: str) -> bool:
    """Virtuoso's Graph Store endpoint, which names the graph ``graph-uri``."""
    return path.rstrip("/").endswith(("/sparql-graph-crud", "/sparql-graph-crud-auth"))


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
        fmt = for_path(path)
        if fmt is not None and fmt.name in _AS_IS:
            handle = self.stack.enter_context(path.open("rb"))
            return _Payload(fmt.media_type, handle, path.stat().st_size, counter)
        if fmt is not None and fmt.quads:
            return self._triples(_file_triples(path, fmt.oxigraph), counter)
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
            yield ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES) or b""
            pending = []
    if pending:
        yield ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES) or b""


def _request_headers(payload: _Payload, extra: Mapping[str, str] | None) -> dict[str, str]:
    headers = {"Content-Type": payload.content_type, "Accept": "text/plain, */*;q=0.5"}
    if payload.length is not None:
        headers["Content-Length"] = str(payload.length)
    headers.update(extra or {})
    return headers


# ------------------------------------------------------------------------------ sending


def _send(request: urllib.request.Request, timeout: float, endpoint_url: str) -> int:
    """Perform the request; map every failure to a PushError that says what to check."""
    deadline = _Deadline(timeout)
    try:
        with deadline, deadline.opener.open(request, timeout=timeout) as response:
            response.read(_ERROR_BODY_CHARS)
            return int(response.status)
    except urllib.error.HTTPError as err:
        raise _http_error(err, request) from None
    except urllib.error.URLError as err:
        reason = TimeoutError() if deadline.expired else err.reason
        raise _connection_error(reason, endpoint_url, timeout) from None
    except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as err:
        reason = TimeoutError() if deadline.expired else err
        raise _connection_error(reason, endpoint_url, timeout) from None


class _Deadline:
    """A whole-request time limit: when it passes, the request's sockets are shut down.

    Socket timeouts bound each read and write; a server that sends a byte every few
    seconds never trips them. This watchdog closes the connection at the deadline, so
    the blocked call fails at once and :attr:`expired` tells why.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.connections: list[http.client.HTTPConnection] = []
        self.opener = urllib.request.build_opener(
            _NoRedirect(), _WatchedHttp(self.connections), _WatchedHttps(self.connections))
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        self.expired = True
        for connection in self.connections:
            if connection.sock is not None:
                with contextlib.suppress(OSError):
                    connection.sock.shutdown(socket.SHUT_RDWR)


class _WatchedHttp(urllib.request.HTTPHandler):
    def __init__(self, connections: list[http.client.HTTPConnection]) -> None:
        super().__init__()
        self.connections = connections

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connect(host: str, **kwargs: object) -> http.client.HTTPConnection:
            connection = http.client.HTTPConnection(host, **kwargs)  # type: ignore[arg-type]
            self.connections.append(connection)
            return connection
        return self.do_open(connect, req)


class _WatchedHttps(urllib.request.HTTPSHandler):
    def __init__(self, connections: list[http.client.HTTPConnection]) -> None:
        super().__init__()
        self.connections = connections

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connect(host: str, **kwargs: object) -> http.client.HTTPSConnection:
            connection = http.client.HTTPSConnection(host, **kwargs)  # type: ignore[call-overload]
            self.connections.append(connection)
            return connection
        return self.do_open(connect, req,
                            context=getattr(self, "_context", None))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never re-send an upload elsewhere silently; report the redirect instead."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


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

