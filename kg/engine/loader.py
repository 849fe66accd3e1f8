"""Loading a store in bounded batches on a second thread while the build goes on.

Why batches: one ``Store.bulk_load`` of the whole build holds all of its input in
Oxigraph's sort buffers (2.3 GB at 100k papers, and pyoxigraph has no memory
limit for it); a call per batch of :data:`BATCH_LINES` quads keeps the peak to a
batch or two. Why a thread: the bulk loader runs in Rust without the GIL, so a
batch loads on the second core while Python maps the next one, sorts the union,
writes the files and draws the page.

The build hands it the day graphs' quads as it maps them and the union's sorted
lines as the sort yields them (N-Triples lines are N-Quads lines in the default
graph, which the store keeps as the union, see :mod:`kg.graph.store`).
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType

import pyoxigraph as ox

#: N-Quads lines handed to Oxigraph at a time (~200 bytes each, plus the loader's
#: own buffers): bounds the memory of a load, large enough to amortise a call.
BATCH_LINES = 200_000
#: Lines from which a batch is handed over early to a loader that has nothing to do.
IDLE_LINES = 20_000


class BatchLoader:
    """Collects N-Quads lines and bulk-loads them into ``store`` a batch at a time.

    Use it as a context manager: leaving the block loads the last batch and waits
    for the loading thread; an error the loader hit is raised there. At most one
    batch waits while another loads, so memory stays bounded even when Python
    produces lines faster than Oxigraph can take them.
    """

    def __init__(self, store: ox.Store, batch_lines: int | None = None) -> None:
        self.store = store
        self.batch_lines = batch_lines or BATCH_LINES
        self._lines: list[str] = []
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="paperkg-loader", daemon=True)
        self._thread.start()

    def add(self, line: str) -> None:
        """Add one N-Quads (or N-Triples) line made of pyoxigraph's own terms.

        A batch goes to the loader when it is full, or sooner, once it holds
        :data:`IDLE_LINES`, if the loader has nothing to do: so the loader works
        beside the build all along rather than taking a last big batch after it.
        """
        lines = self._lines
        lines.append(line)
        size = len(lines)
        if size >= self.batch_lines or (size % IDLE_LINES == 0 and self._idle.is_set()):
            self.flush()

    def flush(self) -> None:
        """Hand the lines collected so far to the loading thread (blocks while one waits)."""
        if self._error is not None:  # stop mapping for a store that cannot be loaded
            raise self._error
        if self._lines:
            data = "".join(self._lines).encode()
            self._lines = []
            self._idle.clear()
            self._queue.put(data)

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    # The terms are pyoxigraph's own N-Triples, validated when made.
                    self.store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
                except BaseException as exc:  # re-raised in the building thread
                    self._error = exc
            if self._queue.empty():
                self._idle.set()

    def __enter__(self) -> BatchLoader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        try:
            if kind is None:
                self.flush()
        finally:
            self._lines = []
            self._queue.put(None)
            self._thread.join()
        if kind is None and self._error is not None:
            raise self._error
