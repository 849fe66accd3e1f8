"""A small read-only SPARQL 1.1 Protocol endpoint over the paperkg store.

Built on the standard library's ``ThreadingHTTPServer``: no extra dependency, and the
endpoint is meant for one user's notebook/YASGUI/SPARQLWrapper, not for the internet.

Protocol: ``GET /sparql?query=...``, ``POST /sparql`` with
``application/x-www-form-urlencoded`` (``query=...``) or ``application/sparql-query``
(the query as the body); ``default-graph-uri``/``named-graph-uri`` are honoured; a
non-standard ``format=`` parameter (json, xml, csv, tsv, table, markdown, turtle,
ntriples) overrides ``Accept`` for browsers.  ``GET /`` is a plain-text help page.

Content negotiation (``Accept``): SELECT/ASK -> SPARQL JSON (default), XML, CSV, TSV,
``text/plain`` (aligned table); CONSTRUCT/DESCRIBE -> Turtle (default), N-Triples.
Nothing acceptable -> 406.

Safety decisions:

* **Read-only.** ``update=`` fields and ``application/sparql-update`` bodies get 403;
  PUT/DELETE/PATCH get 405.  Queries go through :func:`kg.sparql.query.run_query`, which never
  calls ``Store.update`` and refuses ``SERVICE`` (it would let callers make this process
  send HTTP requests anywhere).
* **Bounded requests.** Bodies over ``max_body`` bytes -> 413 (without reading them into
  memory), no/invalid ``Content-Length`` -> 411/400, undecodable text -> 400, a client
  that stops sending -> 408 after ``socket_timeout`` seconds.  Unexpected errors are
  logged and answered with a plain 500, never with a traceback.
* **Bounded queries.** ``timeout`` (503 when exceeded), ``max_rows`` (the answer carries
  ``Paperkg-Truncated: true`` and ``Paperkg-Max-Rows``), at most ``max_concurrent``
  evaluations at a time including abandoned slow ones (503 when busy).  See
  :mod:`kg.sparql.query` for what a timeout can and cannot stop.
* **Loopback by default.** Binding elsewhere prints a warning to stderr.  While bound to
  loopback, requests whose ``Host`` header is not a loopback name are refused (403), so
  a web page cannot reach the endpoint through DNS rebinding.
* **CORS off by default** (``cors=False``), like ``oxigraph serve`` (which needs
  ``--cors``).  ``Access-Control-Allow-Origin: *`` is customary for public endpoints,
  but this one usually runs on a developer's machine, where it would let any web page
  the user visits read the local graph.  Pass ``cors=True`` for browser tools such as
  YASGUI.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import BinaryIO, TextIO

import pyoxigraph as ox

from kg import web
from kg.sparql.query import (
    QueryBusy,
    QueryError,
    QueryOutcome,
    QueryTimeout,
    UpdateRefused,
    run_query,
)
from kg.sparql.results import FormatError, render

SPARQL_PATH = "/sparql"
DRAIN_SECONDS = 2.0
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})

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


@dataclass(frozen=True)
class EndpointConfig:
    """Limits and options of one endpoint (all configurable through :func:`serve`)."""

    timeout: float | None = 30.0
    max_rows: int | None = 10_000
    max_body: int = 1_000_000
    prefixes: Mapping[str, str] = field(default_factory=dict)
    cors: bool = False
    max_concurrent: int = 2
    socket_timeout: float = 30.0
    use_default_graph_as_union: bool = False
    allowed_hosts: frozenset[str] | None = None


class HttpError(Exception):
    """An error answer: status code, plain-text message, optional extra headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


class SparqlHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that carries the store, config and evaluation slots."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        store: ox.Store,
        config: EndpointConfig,
        access_log: TextIO | None,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, SparqlRequestHandler)
        self.store = store
        self.config = config
        self.access_log = access_log
        self.slots = threading.BoundedSemaphore(max(config.max_concurrent, 1))
        self.allowed_hosts = config.allowed_hosts or _default_allowed_hosts(address[0])

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}"


# --------------------------------------------------------------------------- handler


class SparqlRequestHandler(BaseHTTPRequestHandler):
    """Maps HTTP requests to read-only queries; every failure becomes a plain 4xx/5xx."""

    server: SparqlHTTPServer
    server_version = "paperkg-sparql/0.1"
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s\n%(explain)s\n"
    _discard_after_answer = 0

    def setup(self) -> None:
        """Apply the socket timeout so a silent client cannot hold a thread forever."""
        self.timeout = self.server.config.socket_timeout
        super().setup()

    # --- HTTP methods -----------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch(self._handle_get)

    def do_POST(self) -> None:
        self._dispatch(self._handle_post)

    def do_OPTIONS(self) -> None:
        self._dispatch(self._handle_options)

    def do_PUT(self) -> None:
        self._dispatch(self._read_only)

    do_DELETE = do_PUT
    do_PATCH = do_PUT

    # --- plumbing ---------------------------------------------------------------------

    def _dispatch(self, handler: Callable[[], None]) -> None:
        """Run a handler; turn HttpError into its answer and anything else into a 500."""
        try:
            self._check_host()
            handler()
        except HttpError as err:
            self._send_text(err.status, err.message, err.headers)
        except (TimeoutError, ConnectionError):
            self.close_connection = True
        except Exception:  # a bug: log it server-side, never show a traceback
            self._log_error(traceback.format_exc())
            self._send_text(500, "internal error while answering the request; see the "
                            "server log")

    def _check_host(self) -> None:
        allowed = self.server.allowed_hosts
        host = self.headers.get("Host")
        if not allowed or host is None:
            return
        name = urllib.parse.urlsplit(f"//{host}").hostname or ""
        if name.lower() not in allowed:
            raise HttpError(403, f"Host {host!r} is not allowed: this endpoint is bound to "
                            "loopback and only answers requests addressed to a loopback "
                            "name (protection against DNS rebinding).")

    def _send_text(self, status: int, message: str,
                   headers: Mapping[str, str] | None = None) -> None:
        body = (message.rstrip("\n") + "\n").encode("utf-8")
        self._send(status, body, "text/plain; charset=utf-8", headers)

    def _send(self, status: int, body: bytes, content_type: str,
              headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Accept")
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log = self.server.access_log
        if log is not None:
            log.write(f"{self.address_string()} - [{self.log_date_time_string()}] "
                      f"{format % args}\n")

    def _log_error(self, text: str) -> None:
        sys.stderr.write(text)

    # --- routes -----------------------------------------------------------------------

    def _route(self) -> tuple[str, list[tuple[str, str]]]:
        """Path and decoded URL parameters; bad percent-encoding is a 400."""
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, _decode_params(parts.query, "the URL query string")

    def _handle_get(self) -> None:
        path, params = self._route()
        page = None if path.rstrip("/") == SPARQL_PATH else web.respond(  # kg.web pages
            self.server.store, self.command, path, params, dict(self.headers.items()))
        if page is not None:
            self._send(page.status, page.body, page.content_type, page.headers)
            return
        if path in ("/", ""):
            self._send_text(200, help_text(self.server))
            return
        self._require_sparql_path(path)
        self._answer(params, query=None)

    def _handle_post(self) -> None:
        path, params = self._route()
        self._require_sparql_path(path)
        content_type = self.headers.get_content_type()
        body = self._read_body()
        if content_type == "application/x-www-form-urlencoded":
            params += _decode_params(_decode_text(body, "the form body"), "the form body")
            self._answer(params, query=None)
        elif content_type == "application/sparql-query":
            self._answer(params, query=_decode_text(body, "the query body"))
        elif content_type == "application/sparql-update":
            raise _update_refused()
        else:
            raise HttpError(415, f"unsupported Content-Type {content_type!r}: send "
                            "application/x-www-form-urlencoded (query=...) or "
                            "application/sparql-query.")

    def _handle_options(self) -> None:
        headers = {"Allow": "GET, POST, OPTIONS"}
        if self.server.config.cors:
            headers |= {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                        "Access-Control-Allow-Headers": "Accept, Content-Type",
                        "Access-Control-Max-Age": "600"}
        self._send(204, b"", "text/plain; charset=utf-8", headers)

    def _read_only(self) -> None:
        raise HttpError(405, "this SPARQL endpoint is read-only: use GET or POST queries.",
                        {"Allow": "GET, POST, OPTIONS"})

    def _require_sparql_path(self, path: str) -> None:
        if path.rstrip("/") != SPARQL_PATH:
            raise HttpError(404, f"no such resource {path!r}; the SPARQL endpoint is at "
                            f"{SPARQL_PATH} (see / for help).")

    def _read_body(self) -> bytes:
        """Read exactly Content-Length bytes, refusing oversized or unsized bodies."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise HttpError(411, "chunked request bodies are not supported; send a "
                            "Content-Length header.")
        length = _content_length(self.headers.get("Content-Length"))
        limit = self.server.config.max_body
        if length > limit:
            self.close_connection = True
            self._discard_after_answer = length
            raise HttpError(413, f"request body of {length} bytes is over the limit of "
                            f"{limit} bytes; shorten the query.")
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            self.close_connection = True
            raise HttpError(408, "timed out while reading the request body.") from None
        if len(body) != length:
            self.close_connection = True
            raise HttpError(400, f"request body ended after {len(body)} of {length} bytes.")
        return body

    # --- the query itself -------------------------------------------------------------

    def _answer(self, params: list[tuple[str, str]], query: str | None) -> None:
        """Run the query named by ``params``/``query`` and send it in a negotiated format."""
        fields = _group(params)
        if "update" in fields:
            raise _update_refused()
        query = _single_query(fields, query)
        forced = _forced_format(fields)
        accept = self.headers.get("Accept")
        select_fmt = forced or negotiate(accept, SELECT_MEDIA)
        graph_fmt = forced or negotiate(accept, GRAPH_MEDIA)
        if select_fmt is None and graph_fmt is None:
            raise _not_acceptable(accept)
        outcome = self._evaluate(query, fields)
        fmt = graph_fmt if outcome.kind == "graph" else select_fmt
        if fmt is None:
            raise _not_acceptable(accept)
        self._send_outcome(outcome, fmt)

    def _evaluate(self, query: str, fields: Mapping[str, list[str]]) -> QueryOutcome:
        config = self.server.config
        try:
            return run_query(
                self.server.store, query, prefixes=config.prefixes,
                timeout=config.timeout, max_rows=config.max_rows,
                use_default_graph_as_union=config.use_default_graph_as_union,
                default_graphs=fields.get("default-graph-uri"),
                named_graphs=fields.get("named-graph-uri"),
                slots=self.server.slots,
            )
        except UpdateRefused as err:
            raise HttpError(403, str(err)) from None
        except (QueryTimeout, QueryBusy) as err:
            raise HttpError(503, str(err), {"Retry-After": "5"}) from None
        except QueryError as err:
            raise HttpError(400, str(err)) from None

    def _send_outcome(self, outcome: QueryOutcome, fmt: str) -> None:
        try:
            body = render(outcome, fmt, prefixes=self.server.config.prefixes)
        except FormatError as err:
            raise HttpError(406, str(err)) from None
        headers = {}
        if outcome.truncated:
            headers = {"Paperkg-Truncated": "true",
                       "Paperkg-Max-Rows": str(outcome.max_rows)}
        self._send(200, body, CONTENT_TYPES[fmt], headers)

    def finish(self) -> None:
        """After a 413, drain (boundedly) what the client still sends so it sees the answer.

        Closing a socket with unread data makes the kernel send a reset, and most clients
        then report "connection reset" instead of our 413.
        """
        with contextlib.suppress(OSError):
            if self._discard_after_answer:
                self.wfile.flush()
                _drain(self.connection, self.rfile,
                       min(self._discard_after_answer, 4 * self.server.config.max_body))
        with contextlib.suppress(OSError):
            super().finish()


# --------------------------------------------------------------------- request parsing


def _decode_params(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8",
                                      errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise HttpError(400, f"{where} is not valid percent-encoded UTF-8.") from None


def _decode_text(body: bytes, where: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise HttpError(400, f"{where} is not valid UTF-8 (byte {err.start}); "
                        "send the query as UTF-8.") from None


def _content_length(value: str | None) -> int:
    if value is None:
        raise HttpError(411, "a POST needs a Content-Length header.")
    try:
        length = int(value.strip())
    except ValueError:
        raise HttpError(400, f"invalid Content-Length {value!r}.") from None
    if length < 0:
        raise HttpError(400, f"invalid Content-Length {value!r}.")
    return length


def _drain(connection: socket.socket, stream: BinaryIO, limit: int,
           seconds: float = DRAIN_SECONDS) -> None:
    """Read and drop up to ``limit`` bytes, for at most ``seconds`` in total."""
    deadline = time.monotonic() + seconds
    remaining = limit
    while remaining > 0:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        connection.settimeout(left)
        chunk = stream.read1(min(remaining, 65536))  # type: ignore[attr-defined]
        if not chunk:
            return
        remaining -= len(chunk)


def _group(params: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    return grouped


def _single_query(fields: Mapping[str, list[str]], body_query: str | None) -> str:
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


def _forced_format(fields: Mapping[str, list[str]]) -> str | None:
    values = fields.get("format")
    if not values:
        return None
    fmt = values[-1].lower()
    if fmt not in CONTENT_TYPES:
        raise HttpError(400, f"unknown format {fmt!r}; choose one of "
                        f"{', '.join(CONTENT_TYPES)}.")
    return fmt


def _update_refused() -> HttpError:
    return HttpError(403, "this SPARQL endpoint is read-only: SPARQL Update is not "
                     "accepted. Send a query (SELECT, ASK, CONSTRUCT, DESCRIBE).")


def _not_acceptable(accept: str | None) -> HttpError:
    offered = sorted({media for media, _ in (*SELECT_MEDIA, *GRAPH_MEDIA)})
    return HttpError(406, f"cannot produce any type in Accept: {accept!r}. Available: "
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


# ------------------------------------------------------------------------ running it


def is_loopback(host: str) -> bool:
    """True for loopback addresses/names; unknown host names count as not loopback."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _default_allowed_hosts(host: str) -> frozenset[str] | None:
    """Host-header allow-list when bound to loopback (DNS-rebinding guard), else none."""
    if not is_loopback(host):
        return None
    return frozenset({"localhost", "127.0.0.1", "::1", host.strip("[]").lower()})


def make_server(
    store: ox.Store,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    access_log: TextIO | None = sys.stderr,
    **options: object,
) -> SparqlHTTPServer:
    """Bind (without serving yet); ``options`` are :class:`EndpointConfig` fields.

    Warns on stderr when ``host`` is not a loopback address.
    """
    config = EndpointConfig(**options)  # type: ignore[arg-type]
    if not is_loopback(host):
        sys.stderr.write(
            f"warning: the SPARQL endpoint is bound to {host!r}, which is not loopback: "
            "other machines can query it. Use host='127.0.0.1' unless that is intended.\n")
    return SparqlHTTPServer((host, port), store, config, access_log)


def serve(
    store: ox.Store,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    timeout: float | None = 30.0,
    max_rows: int | None = 10_000,
    prefixes: Mapping[str, str] | None = None,
    max_body: int = 1_000_000,
    cors: bool = False,
    max_concurrent: int = 2,
    access_log: TextIO | None = sys.stderr,
) -> None:
    """Serve until interrupted (Ctrl-C returns normally).  Prints the URL on stderr."""
    server = make_server(store, host, port, access_log=access_log, timeout=timeout,
                         max_rows=max_rows, prefixes=dict(prefixes or {}),
                         max_body=max_body, cors=cors, max_concurrent=max_concurrent)
    sys.stderr.write(f"SPARQL endpoint at {server.base_url}{SPARQL_PATH} (Ctrl-C to stop)\n")
    with server:
        try:
            server.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            sys.stderr.write("stopping the SPARQL endpoint\n")


@dataclass
class RunningEndpoint:
    """A server running in a background thread; ``stop()`` (or ``with``) shuts it down."""

    server: SparqlHTTPServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def url(self) -> str:
        """The SPARQL endpoint URL (``.../sparql``)."""
        return self.server.base_url + SPARQL_PATH

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close the socket and wait (bounded) for the serving thread."""
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout)

    def __enter__(self) -> RunningEndpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_background(
    store: ox.Store,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    access_log: TextIO | None = None,
    **options: object,
) -> RunningEndpoint:
    """Start the endpoint in a daemon thread (port 0 = any free port), for tests/notebooks.

    ``options`` are :class:`EndpointConfig` fields (timeout, max_rows, prefixes, ...).
    """
    server = make_server(store, host, port, access_log=access_log, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="paperkg-sparql-endpoint", daemon=True)
    thread.start()
    return RunningEndpoint(server, thread)


def help_text(server: SparqlHTTPServer) -> str:
    """The plain-text page served at ``/``."""
    config = server.config
    url = server.base_url + SPARQL_PATH
    prefixes = "\n".join(f"  PREFIX {name}: <{iri}>" for name, iri in
                         sorted(config.prefixes.items())) or "  (none)"
    return f"""paperkg SPARQL endpoint (read-only, SPARQL 1.1 Protocol)

Endpoint: {url}
  GET  {url}?query=<url-encoded query>
  POST {url}  Content-Type: application/x-www-form-urlencoded  (query=...)
  POST {url}  Content-Type: application/sparql-query  (the query as the body)

Results (Accept header, or format=...):
  SELECT/ASK:          application/sparql-results+json (default), application/sparql-results+xml,
                       text/csv, text/tab-separated-values, text/plain (table)
  CONSTRUCT/DESCRIBE:  text/turtle (default), application/n-triples

The default graph is the union of the named graphs (one per digest day).
Limits: time {_limit(config.timeout, "s")}, rows {_limit(config.max_rows, "")}, \
request body {config.max_body} bytes.
Truncated results carry the header "Paperkg-Truncated: true".

Known prefixes (usable without declaring them):
{prefixes}

Example:
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * {{ ?s ?p ?o }} LIMIT 5' {url}
"""


def _limit(value: float | None, unit: str) -> str:
    return "none" if value is None else f"{value:g}{(' ' + unit) if unit else ''}"
