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
  PUT/DELETE/PATCH get 405.  Queries go through :func:`kg.sparql.query.run_query`, which
  never calls ``Store.update`` and refuses ``SERVICE`` (it would let callers make this
  process send HTTP requests anywhere).
* **Bounded requests.** Bodies over ``max_body`` bytes -> 413 (without reading them into
  memory), no/invalid ``Content-Length`` -> 411/400, undecodable text -> 400, a client
  that stops sending -> 408 after ``socket_timeout`` seconds.  Unexpected errors are
  logged and answered with a plain 500, never with a traceback.
* **Sandboxed queries.** Every query runs in a worker process (:mod:`kg.sparql.sandbox`)
  with an address-space cap (``memory_mb``) and a hard kill at ``timeout`` (503); a
  crash or memory blow-up ends that query with a 500 naming the cause, and the worker is
  replaced.  Texts nested or chained beyond the parser's stack are refused with 400
  before any worker sees them.  ``max_rows`` caps results (the answer carries
  ``Paperkg-Truncated: true`` and ``Paperkg-Max-Rows``).  ``max_concurrent`` workers
  serve a fair queue: a free worker goes to the waiting client with the fewest running
  queries, and no request waits past its own deadline (503 then).  The listen backlog
  is :data:`LISTEN_BACKLOG`.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

import pyoxigraph as ox

from kg import web
from kg.sparql.helppage import help_text
from kg.sparql.negotiation import (
    CONTENT_TYPES,
    GRAPH_MEDIA,
    SELECT_MEDIA,
    negotiate,
    not_acceptable,
)
from kg.sparql.protocol import (
    HttpError,
    content_length,
    decode_params,
    decode_text,
    drain,
    forced_format,
    group,
    single_query,
    update_refused,
)
from kg.sparql.query import (
    QueryBusy,
    QueryError,
    QueryOutcome,
    QueryTimeout,
    UpdateRefused,
    precheck,
)
from kg.sparql.sandbox import (
    DEFAULT_MEMORY_MB,
    OUTCOME,
    Answer,
    Job,
    NotAcceptable,
    StoreHandle,
    StoreSource,
    WorkerCrashed,
    WorkerPool,
    snapshot,
)
from kg.web.site import attach_search, release, site_for

__all__ = ["EndpointConfig", "RunningEndpoint", "SparqlHTTPServer", "help_text",
           "is_loopback", "make_server", "negotiate", "serve", "start_background"]

SPARQL_PATH = "/sparql"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})
LISTEN_BACKLOG = 512
"""Pending connections the kernel queues (``listen``); the standard library's 5 dropped
clients when 200 arrived at once."""
GENERATION_LOOK = 1.0
"""Seconds between the server's looks for a new generation of the store while idle."""


@dataclass(frozen=True)
class EndpointConfig:
    """Limits and options of one endpoint (all configurable through :func:`serve`).

    ``max_concurrent`` is the number of worker processes (queries evaluated at once);
    ``memory_mb`` caps each worker's address space (``None``: no cap).
    """

    timeout: float | None = 30.0
    max_rows: int | None = 10_000
    max_body: int = 1_000_000
    prefixes: Mapping[str, str] = field(default_factory=dict)
    cors: bool = False
    max_concurrent: int = 2
    socket_timeout: float = 30.0
    use_default_graph_as_union: bool = False
    allowed_hosts: frozenset[str] | None = None
    memory_mb: int | None = DEFAULT_MEMORY_MB


class SparqlHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that carries the config and the pool of query workers.

    Each request asks ``store_source`` for the store's current handle, so a store that
    grows while the server runs is seen (workers reopen it when its generation changes).
    """

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        store_source: StoreSource,
        config: EndpointConfig,
        access_log: TextIO | None,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, SparqlRequestHandler)
        self.config = config
        self.access_log = access_log
        self.allowed_hosts = config.allowed_hosts or _default_allowed_hosts(address[0])
        try:
            self.store_source = store_source
            self._page_lock = threading.Lock()
            self._page_handle: StoreHandle | None = None
            self._page_store: ox.Store | None = None
            self._next_look = 0.0
            self.pool = WorkerPool(store_source, config.max_concurrent,
                                   memory_mb=config.memory_mb)
        except BaseException:
            super().server_close()
            raise

    def page_store(self) -> ox.Store:
        """The store the linked-data pages read (their queries are the project's own,
        so they run here rather than in a worker), reopened on a new generation."""
        handle = self.store_source()
        with self._page_lock:
            if self._page_handle != handle:
                if self._page_store is not None:
                    release(self._page_store)
                self._page_store, self._page_handle = handle.open(), handle
                if handle.path is not None:
                    attach_search(self._page_store, handle.path)
                site_for(self._page_store).warm()
            assert self._page_store is not None
            return self._page_store

    def service_actions(self) -> None:
        """Between requests (``serve_forever`` calls this every poll): once a second, open
        a new generation of the store for the pages and warm its summary, so the first
        visitor after a ``kg add`` does not wait for it.  A store that fails to open is
        left to the next request, which reports why."""
        now = time.monotonic()
        if now < self._next_look:
            return
        self._next_look = now + GENERATION_LOOK
        with contextlib.suppress(Exception):
            self.page_store()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}"

    def server_close(self) -> None:
        """Close the socket and stop the workers."""
        super().server_close()
        self.pool.close()


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
        self.timeout = self.server.config.socket_timeout  # type: ignore[misc]
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
        return parts.path, decode_params(parts.query, "the URL query string")

    def _page_query(self, text: str, prefixes: Mapping[str, str], max_rows: int,
                    timeout: float) -> QueryOutcome:
        """A query from the query page, run like one sent to /sparql (same worker pool)."""
        config = self.server.config
        precheck(text)
        job = Job(text, prefixes=dict(prefixes),
                  max_rows=min(max_rows, config.max_rows or max_rows),
                  select_format=OUTCOME, graph_format=OUTCOME)
        answer = self.server.pool.run(job, client=str(self.client_address[0]),
                                      timeout=min(timeout, config.timeout or timeout))
        assert answer.outcome is not None
        return answer.outcome

    def _handle_get(self) -> None:
        path, params = self._route()
        page = None if path.rstrip("/") == SPARQL_PATH else web.respond(  # kg.web pages
            self.server.page_store(), self.command, path, params, dict(self.headers.items()),
            run=self._page_query)
        if page is not None:
            self._send(page.status, page.body, page.content_type, page.headers)
            return
        if path in ("/", ""):
            self._send_text(200, help_text(self.server.config, self.server.base_url + SPARQL_PATH))
            return
        self._require_sparql_path(path)
        self._answer(params, query=None)

    def _handle_post(self) -> None:
        path, params = self._route()
        self._require_sparql_path(path)
        content_type = self.headers.get_content_type()
        body = self._read_body()
        if content_type == "application/x-www-form-urlencoded":
            params += decode_params(decode_text(body, "the form body"), "the form body")
            self._answer(params, query=None)
        elif content_type == "application/sparql-query":
            self._answer(params, query=decode_text(body, "the query body"))
        elif content_type == "application/sparql-update":
            raise update_refused()
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
        length = content_length(self.headers.get("Content-Length"))
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
        fields = group(params)
        if "update" in fields:
            raise update_refused()
        query = single_query(fields, query)
        forced = forced_format(fields)
        accept = self.headers.get("Accept")
        select_fmt = forced or negotiate(accept, SELECT_MEDIA)
        graph_fmt = forced or negotiate(accept, GRAPH_MEDIA)
        if select_fmt is None and graph_fmt is None:
            raise HttpError(406, not_acceptable(accept))
        answer = self._evaluate(query, fields, select_fmt, graph_fmt)
        headers = {}
        if answer.truncated:
            headers = {"Paperkg-Truncated": "true",
                       "Paperkg-Max-Rows": str(answer.max_rows)}
        self._send(200, answer.body, CONTENT_TYPES[answer.format], headers)

    def _evaluate(self, query: str, fields: Mapping[str, list[str]],
                  select_fmt: str | None, graph_fmt: str | None) -> Answer:
        """Check the text here (cheap, linear), then run it in a worker process."""
        config = self.server.config
        job = Job(query, prefixes=dict(config.prefixes), max_rows=config.max_rows,
                  use_default_graph_as_union=config.use_default_graph_as_union,
                  default_graphs=fields.get("default-graph-uri"),
                  named_graphs=fields.get("named-graph-uri"),
                  select_format=select_fmt, graph_format=graph_fmt)
        try:
            precheck(query)
            return self.server.pool.run(job, client=str(self.client_address[0]),
                                        timeout=config.timeout)
        except UpdateRefused as err:
            raise HttpError(403, str(err)) from None
        except NotAcceptable:
            raise HttpError(406, not_acceptable(self.headers.get("Accept"))) from None
        except (QueryTimeout, QueryBusy) as err:
            raise HttpError(503, str(err), {"Retry-After": "5"}) from None
        except WorkerCrashed as err:
            raise HttpError(500, str(err)) from None
        except QueryError as err:
            raise HttpError(400, str(err)) from None

    def finish(self) -> None:
        """After a 413, drain (boundedly) what the client still sends so it sees the answer.

        Closing a socket with unread data makes the kernel send a reset, and most clients
        then report "connection reset" instead of our 413.
        """
        with contextlib.suppress(OSError):
            if self._discard_after_answer:
                self.wfile.flush()
                drain(self.connection, self.rfile,
                       min(self._discard_after_answer, 4 * self.server.config.max_body))
        with contextlib.suppress(OSError):
            super().finish()


# --------------------------------------------------------------------- request parsing


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
    store: ox.Store | None = None,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    store_source: StoreSource | None = None,
    access_log: TextIO | None = sys.stderr,
    **options: object,
) -> SparqlHTTPServer:
    """Bind and start the query workers (without serving yet).

    Give an in-memory ``store`` (workers get a snapshot of it) or a ``store_source``
    (e.g. :func:`kg.sparql.sandbox.on_disk`, which follows a store that grows).
    ``options`` are :class:`EndpointConfig` fields.  Warns on stderr when ``host`` is not
    a loopback address.
    """
    config = EndpointConfig(**options)  # type: ignore[arg-type]
    if store_source is None:
        if store is None:
            raise ValueError("give a store or a store_source")
        store_source = snapshot(store)
    if not is_loopback(host):
        sys.stderr.write(
            f"warning: the SPARQL endpoint is bound to {host!r}, which is not loopback: "
            "other machines can query it. Use host='127.0.0.1' unless that is intended.\n")
    return SparqlHTTPServer((host, port), store_source, config, access_log)


def serve(
    store: ox.Store | None = None,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    store_source: StoreSource | None = None,
    access_log: TextIO | None = sys.stderr,
    **options: object,
) -> None:
    """Serve until interrupted (Ctrl-C returns normally).  Prints the URL on stderr.

    ``options`` are :class:`EndpointConfig` fields (timeout, max_rows, memory_mb, ...).
    """
    server = make_server(store, host, port, store_source=store_source,
                         access_log=access_log, **options)
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
    store: ox.Store | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    store_source: StoreSource | None = None,
    access_log: TextIO | None = None,
    **options: object,
) -> RunningEndpoint:
    """Start the endpoint in a daemon thread (port 0 = any free port), for tests/notebooks.

    ``options`` are :class:`EndpointConfig` fields (timeout, max_rows, prefixes, ...).
    """
    server = make_server(store, host, port, store_source=store_source,
                         access_log=access_log, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="paperkg-sparql-endpoint", daemon=True)
    thread.start()
    return RunningEndpoint(server, thread)


