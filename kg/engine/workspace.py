"""The output folder as the command line's working graph.

Layout of ``output/`` (or ``-o DIR``)::

    graph.ttl      the exported union graph (plus graph.nt, graph.jsonld... on request)
    graph.html     the interactive view
    warnings.log   every warning of the last build or add
    store/         the Oxigraph store: the working graph ``kg add``, ``kg query``,
                   ``kg html``, ``kg export`` and ``kg serve`` use
    generation     rewritten (atomically) after every successful build or add, so a
                   running ``kg serve`` reopens the store (:func:`kg.sparql.sandbox.on_disk`)
    search.sqlite  the full-text index of the pages' search (:mod:`kg.web.search`)
    .union-TOKEN.nt  a build's sorted union lines, for the store's union generation
                   TOKEN, which the next ``kg add`` merges with its change when it has
                   no counts to follow (:mod:`kg.engine.union`)
    .people-state.sqlite  the identity links' state, of the generation it records,
                   which an add reads and updates by its change (:mod:`kg.people.state`)
    .outline-TOKEN  the page's outline and cards, which an add moves by its change
                   (:mod:`kg.view.outline`)
    .page-*/       a checkpoint of the store while a second process draws graph.html
                   (:mod:`kg.engine.page_job`); removed when it is done
    .graph-ttl.json  what the last graph.ttl written with the store is (generation,
                   SHA-256, sections), so the next ``kg add`` splices it (:mod:`kg.engine.splice`)

``kg build`` builds a new store beside the old one and swaps it in only when it is
complete, so a killed build leaves the previous store and files as they were.
Delete ``store/`` to reclaim the space; ``kg build`` makes it again.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from pathlib import Path

from kg.graph.store import GraphStore, StoreError
from kg.records import Diagnostic
from kg.support.atomic import write_atomic

STORE = "store"
GRAPH = "graph.ttl"
PAGE = "graph.html"
WARNINGS = "warnings.log"
GENERATION = "generation"


class Workspace:
    """Paths and store handling for one output folder."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    @property
    def store_path(self) -> Path:
        return self.directory / STORE

    @property
    def graph_path(self) -> Path:
        return self.directory / GRAPH

    @property
    def page_path(self) -> Path:
        return self.directory / PAGE

    @property
    def warnings_path(self) -> Path:
        return self.directory / WARNINGS

    @property
    def generation_path(self) -> Path:
        return self.directory / GENERATION

    def mark_generation(self) -> None:
        """Announce a new, complete state of the store to readers that hold it open."""
        write_atomic(self.generation_path, f"{time.time_ns()} {os.getpid()}\n")

    def write_warnings(self, diagnostics: list[Diagnostic]) -> None:
        """Keep every warning of the last run in ``warnings.log`` (none: no file)."""
        if diagnostics:
            write_atomic(self.warnings_path, "".join(f"{d}\n" for d in diagnostics))
        elif self.warnings_path.exists():
            self.warnings_path.unlink()

    def has_store(self) -> bool:
        self._recover()
        return self.store_path.is_dir()

    def open(self, *, read_only: bool = False, base: str | None = None) -> GraphStore:
        """Open the working store (created empty if missing and not read-only)."""
        self._recover()
        if read_only and not self.store_path.is_dir():
            raise StoreError(f"no store in {self.directory}; run 'kg build' first")
        if not read_only:
            self.directory.mkdir(parents=True, exist_ok=True)
        return GraphStore(self.store_path, base=base, read_only=read_only)

    def fresh_store(self) -> Path:
        """An empty folder next to the store for a new store; :meth:`install` swaps it in."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._recover()
        fresh = self.directory / f".{STORE}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        return fresh

    def install(self, fresh: Path) -> None:
        """Make the complete store in ``fresh`` the working store, atomically.

        The folders are swapped by renaming; :meth:`_recover` finishes a swap a kill
        interrupted. Every handle on ``fresh`` must be closed (and dropped) first.
        """
        gc.collect()  # drop the RocksDB handle before the folder is renamed
        old = self.directory / f".{STORE}.old"
        if self.store_path.exists():
            os.replace(self.store_path, old)
        os.replace(fresh, self.store_path)
        shutil.rmtree(old, ignore_errors=True)
        self.mark_generation()

    def _recover(self) -> None:
        """Finish or undo a store swap that a killed process left half done."""
        old = self.directory / f".{STORE}.old"
        if old.is_dir() and not self.store_path.exists():
            os.replace(old, self.store_path)
        elif old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def open_graph(location: str | os.PathLike[str], *, base: str | None = None) -> GraphStore:
    """Open a graph to read: an output folder, a store folder, or an RDF file.

    An output folder gives its store (read-only, so a running ``kg serve`` and a
    ``kg add`` do not block each other) or, without one, its ``graph.ttl``.
    """
    path = Path(location)
    if path.is_file():
        try:
            return GraphStore.from_file(path, base=base)
        except (ValueError, SyntaxError, OSError) as exc:
            raise StoreError(f"cannot read {path}: {exc}") from None
    if (path / "CURRENT").is_file():  # an Oxigraph (RocksDB) store folder
        return GraphStore(path, base=base, read_only=True)
    workspace = Workspace(path)
    if workspace.has_store():
        return workspace.open(read_only=True, base=base)
    if workspace.graph_path.is_file():
        return open_graph(workspace.graph_path, base=base)
    raise StoreError(f"no graph at {path}: give a store folder, an output folder with "
                     "store/ or graph.ttl, or an RDF file (run 'kg build' first)")


