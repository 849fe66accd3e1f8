"""Run untrusted SPARQL queries in worker processes that can die without harm.

Why processes: pyoxigraph has no cancellation, no memory bound, and some queries crash
it (a stack overflow kills the whole process).  In a worker process

* the **memory cap** is the kernel's (``RLIMIT_AS`` set in the worker), so a runaway
  ``REPLACE`` or ``ORDER BY`` over a cross product fails that worker alone;
* the **time cap** is a hard kill: at the deadline the worker is killed and replaced,
  so its slot is free again (a thread could only be abandoned, holding its CPU);
* a **crash** (segfault, abort) ends the query with an error naming the cause.

Workers are new interpreters (not forks: the parent runs threads) and open the store
themselves from a picklable :class:`StoreHandle`: an on-disk store's path (opened
read-only, reopened when the handle's ``generation`` changes, so a store that ``kg add``
grows is seen) or an N-Quads snapshot of an in-memory store.  Each request asks a
``store_source`` callable for the current handle.

:class:`WorkerPool` hands workers to requests through a **fair queue**: a free worker
goes to the waiting client (by address) with the fewest running queries, oldest first,
and a request waits at most until its own deadline.  Results are rendered in the worker
(the bytes come back), so rendering is inside the caps too.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing.connection
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.engine.workspace import Workspace
from kg.graph.store import open_read_only
from kg.sparql.query import (
    QueryBusy,
    QueryError,
    QueryOutcome,
    QueryTimeout,
    StoreDamaged,
    UpdateRefused,
    is_storage_fault,
)

DEFAULT_MEMORY_MB = 1024
"""Memory one query may use: address space a worker may take beyond what it holds with
the store open.  Generous for this project's graphs, far under a laptop's memory."""

_START_TIMEOUT = 60.0
_MAX_REMEMBERED_CLIENTS = 4096


class WorkerCrashed(QueryError):
    """The worker died while answering: out of memory, or a crash in the query engine."""


@dataclass(frozen=True)
class StoreHandle:
    """How a worker opens the store: an on-disk store folder, or an N-Quads snapshot."""

    path: str | None = None
    dump: bytes | None = None
    generation: str = ""

    def open(self) -> ox.Store:
        if self.path is not None:
            return open_read_only(self.path)
        store = ox.Store()
        if self.dump:
            store.bulk_load(self.dump, format=ox.RdfFormat.N_QUADS)
        return store


StoreSource = Callable[[], StoreHandle]


def snapshot(store: ox.Store) -> StoreSource:
    """A source for an in-memory store: one N-Quads snapshot taken now."""
    handle = StoreHandle(dump=store.dump(format=ox.RdfFormat.N_QUADS),
                         generation=f"snapshot-{id(store)}-{time.monotonic_ns()}")
    return lambda: handle


def on_disk(path: str | os.PathLike[str]) -> StoreSource:
    """A source for an on-disk (RocksDB) store folder; a new generation whenever a
    write completed, so workers reopen it after a ``kg add`` or ``kg build``.

    In an output folder the workspace's ``generation`` marker says so (it is
    rewritten only after a write succeeded, so a half-swapped store is never
    opened); a bare store folder falls back to the signature of its files.
    """
    folder = Path(path)
    workspace = Workspace(folder.parent)
    marker = workspace.generation_path if folder == workspace.store_path else None

    def current() -> StoreHandle:
        try:
            if marker is None:
                raise FileNotFoundError
            stat = marker.stat()
            generation = f"marker:{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"
        except OSError:
            generation = _generation(folder)
        return StoreHandle(path=str(folder), generation=generation)

    return current


def _generation(folder: Path) -> str:
    """A signature of the files a write changes: CURRENT, MANIFEST-*, the write-ahead
    logs (``NNNNNN.log``) and tables (``.sst``); not ``LOG``, which opening rewrites."""
    try:
        names = sorted(entry for entry in os.listdir(folder)
                       if entry == "CURRENT" or entry.startswith("MANIFEST-")
                       or entry.endswith((".log", ".sst")))
        stats = [(name, (folder / name).stat()) for name in names]
    except OSError:
        return "unreadable"
    return ";".join(f"{name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}" for name, st in stats)


#: A job format that returns the :class:`QueryOutcome` instead of rendered bytes.
OUTCOME = "outcome"


@dataclass(frozen=True)
class Job:
    """One query and how to answer it; ``formats`` maps result kind to output format."""

    text: str
    prefixes: Mapping[str, str] = field(default_factory=dict)
    max_rows: int | None = None
    use_default_graph_as_union: bool = False
    default_graphs: Sequence[str] | None = None
    named_graphs: Sequence[str] | None = None
    select_format: str | None = "json"
    graph_format: str | None = "turtle"


@dataclass(frozen=True)
class Answer:
    """A rendered result: its kind, format, bytes and truncation."""

    kind: str
    format: str
    body: bytes
    truncated: bool
    max_rows: int | None
    count: int
    #: The result itself, for a job that asks for :data:`OUTCOME` (pyoxigraph terms
    #: pickle): the query page renders it as a linked table.
    outcome: QueryOutcome | None = None


class NotAcceptable(QueryError):
    """The result kind has no format the client accepts (the caller's 406)."""


# ------------------------------------------------------------------------- the worker


def worker_main(fd: int) -> None:
    """The worker process: take the cap, then loop over (job, handle) messages and answer
    each with ("ok", Answer) or ("error", kind, text)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    conn = multiprocessing.connection.Connection(fd)
    handle, memory_bytes = conn.recv()
    store: ox.Store | None = None
    opened: StoreHandle | None = None
    with contextlib.suppress(OSError, RuntimeError):  # reported with the first query
        store, opened = handle.open(), handle
    _cap(memory_bytes)
    conn.send(("ready",))
    while True:
        try:
            job, handle = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if store is None or opened != handle:
                _cap(None)
                try:
                    store, opened = handle.open(), handle
                except (OSError, RuntimeError):
                    if store is None:
                        raise
                    # A writer is still swapping the store in: answer from the
                    # generation already open and try the new one at the next query.
                finally:
                    _cap(memory_bytes)
            reply: tuple[Any, ...] = ("ok", _answer(store, job))
        except MemoryError:
            reply = ("error", "memory", "")
        except UpdateRefused as err:
            reply = ("error", "update", str(err))
        except StoreDamaged as err:
            reply = ("error", "damaged", str(err))
        except NotAcceptable as err:
            reply = ("error", "format", str(err))
        except QueryError as err:
            reply = ("error", "query", str(err), err.line, err.column)
        except (OSError, RuntimeError) as err:
            kind = "damaged" if is_storage_fault(str(err)) else "store"
            reply = ("error", kind, f"the store could not be opened ({err}): rebuild it with "
                                    "kg build")
        conn.send(reply)
        if reply[1] == "memory":
            return  # a process that hit its cap may be in a bad state: start afresh


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone (even killed with SIGKILL), instead of
    finishing a long query for nobody."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _cap(memory_bytes: int | None) -> None:
    """Let queries use ``memory_bytes`` of address space beyond what the process holds.

    Only the soft limit is set, so the worker can lift it to reopen the store (RocksDB
    reserves some 400 MB of address space per open store); a query cannot lift it.
    ``None`` lifts the cap.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if memory_bytes is None:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        return
    limit = _address_space() + memory_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """This process's current virtual memory size (Linux ``/proc``; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _answer(store: ox.Store, job: Job) -> Answer:
    from kg.sparql.query import run_query
    from kg.sparql.results import FormatError, render

    outcome = run_query(
        store, job.text, prefixes=job.prefixes, max_rows=job.max_rows,
        use_default_graph_as_union=job.use_default_graph_as_union,
        default_graphs=job.default_graphs, named_graphs=job.named_graphs)
    fmt = job.graph_format if outcome.kind == "graph" else job.select_format
    if fmt == OUTCOME:
        return Answer(outcome.kind, fmt, b"", outcome.truncated, outcome.max_rows,
                      outcome.count, outcome)
    if fmt is None:
        raise NotAcceptable(f"no acceptable format for a {outcome.kind} result")
    try:
        body = render(outcome, fmt, prefixes=job.prefixes)
    except (FormatError, ValueError) as err:
        raise NotAcceptable(str(err)) from None
    return Answer(outcome.kind, fmt, body, outcome.truncated, outcome.max_rows,
                  outcome.count)


# ------------------------------------------------------------------------ the parent


class _Worker:
    """A worker process and the parent's end of its socket.

    Started with :mod:`subprocess` rather than ``multiprocessing``'s spawn, which
    re-imports the caller's ``__main__`` (breaking scripts without a main guard); the
    socket is wrapped in a ``multiprocessing`` Connection for framing and pickling.
    """

    def __init__(self, handle: StoreHandle, memory_bytes: int | None) -> None:
        ours, theirs = socket.socketpair()
        code = f"from kg.sparql.sandbox import worker_main; worker_main({theirs.fileno()})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self.conn = multiprocessing.connection.Connection(ours.detach())
        try:
            self.conn.send((handle, memory_bytes))
            ready = self.conn.poll(_START_TIMEOUT) and self.conn.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise WorkerCrashed("a query worker process failed to start")

    def ask(self, job: Job, handle: StoreHandle, timeout: float | None,
            limit: float | None = None) -> tuple[Any, ...]:
        """Send the job; the reply, or raise QueryTimeout (worker killed) / WorkerCrashed.

        ``timeout`` is what is left of the query's time; ``limit`` the whole (for the
        message)."""
        try:
            self.conn.send((job, handle))
            if not self.conn.poll(timeout):
                self.kill()
                raise QueryTimeout(
                    f"the query did not finish within {limit or timeout:g} s and was "
                    "stopped. Narrow it (more specific patterns, LIMIT, fewer OPTIONALs) "
                    "or raise the time limit.")
            reply: tuple[Any, ...] = self.conn.recv()
            return reply
        except (EOFError, OSError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            raise WorkerCrashed(_death_cause(self.process.returncode)) from None

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        with contextlib.suppress(OSError):
            self.conn.close()


def _death_cause(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else ""
        if -exitcode in (signal.SIGSEGV, signal.SIGBUS):
            return (f"the query crashed the query engine ({name}, most likely a stack "
                    "overflow on a deeply nested or very long query); simplify it.")
        if -exitcode == signal.SIGABRT:
            return ("the query ran out of the memory cap of its worker (the engine "
                    "aborted); narrow it or ask for fewer results.")
        return f"the query worker was killed ({name or exitcode})."
    return f"the query worker stopped unexpectedly (exit code {exitcode})."


@dataclass(eq=False)
class _Ticket:
    client: str
    order: int
    worker: _Worker | None = None


class WorkerPool:
    """``size`` workers, a fair queue of waiting requests and hard per-query deadlines.

    ``memory_mb`` caps each worker's address space (``None``: no cap).  ``queue_limit``
    bounds how many requests may wait; more get :class:`QueryBusy` at once.
    """

    def __init__(self, source: StoreSource, size: int = 2, *,
                 memory_mb: int | None = DEFAULT_MEMORY_MB, queue_limit: int = 512) -> None:
        self._source = source
        self._memory = memory_mb * 1024 * 1024 if memory_mb else None
        self._queue_limit = queue_limit
        self._lock = threading.Condition()
        self._idle: list[_Worker] = []
        self._waiting: dict[str, deque[_Ticket]] = {}
        self._running: dict[str, int] = {}
        self._order = itertools.count()
        self._last_served: dict[str, int] = {}
        self._closed = False
        self.size = max(size, 1)
        self.memory_mb = memory_mb
        self._idle.extend(self._spawn() for _ in range(self.size))
        self._spare: _Worker | None = self._spawn()

    def _spawn(self) -> _Worker:
        return _Worker(self._source(), self._memory)

    # --- running one query ------------------------------------------------------------

    def run(self, job: Job, *, client: str = "", timeout: float | None = None) -> Answer:
        """Answer ``job``: wait for a worker at most twice ``timeout`` (every busy worker
        is freed within one), then give it at most ``timeout`` seconds (it is killed then)."""
        started = time.monotonic()
        worker = self._acquire(client, None if timeout is None else started + 2 * timeout)
        healthy = False
        try:
            reply = worker.ask(job, self._source(), timeout, timeout)
            healthy = worker.alive()
        finally:
            self._release(client, worker, healthy)
        if reply[0] == "ok":
            answer: Answer = reply[1]
            return answer
        return _raise(reply[1], reply[2], self.memory_mb, *reply[3:])

    def _acquire(self, client: str, deadline: float | None) -> _Worker:
        with self._lock:
            if self._closed:
                raise QueryBusy("the endpoint is shutting down.")
            if sum(len(q) for q in self._waiting.values()) >= self._queue_limit:
                raise QueryBusy("too many queries are waiting; try again in a moment.")
            ticket = _Ticket(client, next(self._order))
            self._waiting.setdefault(client, deque()).append(ticket)
            self._dispatch()
            while ticket.worker is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    self._drop(ticket)
                    raise QueryBusy("all query workers stayed busy until this query's time "
                                    "limit; try again in a moment.")
                self._lock.wait(left)
                if self._closed and ticket.worker is None:
                    self._drop(ticket)
                    raise QueryBusy("the endpoint is shutting down.")
            return ticket.worker

    def _drop(self, ticket: _Ticket) -> None:
        queue = self._waiting.get(ticket.client)
        if queue is not None and ticket in queue:
            queue.remove(ticket)
            if not queue:
                del self._waiting[ticket.client]

    def _dispatch(self) -> None:
        """Give idle workers to waiting clients: the one with the fewest running queries,
        then the one served longest ago (round robin), then the oldest request."""
        while self._idle and self._waiting:
            client = min(self._waiting, key=lambda c: (self._running.get(c, 0),
                                                       self._last_served.get(c, -1),
                                                       self._waiting[c][0].order))
            self._last_served[client] = next(self._order)
            if len(self._last_served) > _MAX_REMEMBERED_CLIENTS:
                self._forget_idle_clients()
            queue = self._waiting[client]
            ticket = queue.popleft()
            if not queue:
                del self._waiting[client]
            ticket.worker = self._idle.pop()
            self._running[client] = self._running.get(client, 0) + 1
        self._lock.notify_all()

    def _forget_idle_clients(self) -> None:
        """Keep the round-robin memory bounded: drop clients with nothing queued or running."""
        for known in list(self._last_served):
            if known not in self._waiting and known not in self._running:
                del self._last_served[known]

    def _release(self, client: str, worker: _Worker, healthy: bool) -> None:
        with self._lock:
            count = self._running.get(client, 1) - 1
            if count:
                self._running[client] = count
            else:
                self._running.pop(client, None)
            if healthy and not self._closed:
                self._idle.append(worker)
                self._dispatch()
                return
        worker.kill()
        with self._lock:
            if self._closed:
                return
            if self._spare is not None:  # the warm spare takes the slot at once
                self._idle.append(self._spare)
                self._spare = None
                self._dispatch()
        threading.Thread(target=self._replace, name="paperkg-worker-spawn",
                         daemon=True).start()

    def _replace(self) -> None:
        """Start a worker for one that was killed or died: it becomes the spare, or takes
        the free slot if the spare is already in use."""
        while not self._closed:
            try:
                fresh = self._spawn()
                break
            except (QueryError, OSError):
                time.sleep(1.0)
        else:
            return
        with self._lock:
            if self._closed:
                fresh.kill()
            elif self._spare is None:
                self._spare = fresh
            else:
                self._idle.append(fresh)
                self._dispatch()

    def close(self) -> None:
        """Kill every worker (idle ones now; busy ones when their request returns)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            if self._spare is not None:
                idle.append(self._spare)
                self._spare = None
            self._lock.notify_all()
        for worker in idle:
            worker.kill()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _raise(kind: str, message: str, memory_mb: int | None, line: int | None = None,
           column: int | None = None) -> Answer:
    if kind == "memory":
        raise WorkerCrashed(f"the query needed more than the memory cap of {memory_mb} MB "
                            "per query; narrow it or ask for fewer results.")
    if kind == "update":
        raise UpdateRefused(message)
    if kind in ("damaged", "store"):
        raise StoreDamaged(message)
    if kind == "format":
        raise NotAcceptable(message)
    raise QueryError(message, line=line, column=column)


def run_isolated(source: StoreSource, job: Job, *, timeout: float | None = None,
                 memory_mb: int | None = DEFAULT_MEMORY_MB) -> Answer:
    """Answer one query in a fresh worker process (``kg query``): a crash or an
    out-of-memory ends with an error message instead of killing the caller."""
    with WorkerPool(source, 1, memory_mb=memory_mb) as pool:
        return pool.run(job, timeout=timeout)
