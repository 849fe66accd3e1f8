"""The graph a web front end serves: store, base IRI, prefixes, search index.

One :class:`Site` per store, made on first use and kept for the server's
lifetime (:func:`site_for`).  The base is read from the data (the IRI of any
paper, cut before ``paper/``), so the same code serves an on-disk store and a
graph file loaded into memory.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.kinds import BY_CLASS
from kg.sparql.query import Term
from kg.web.search import SEARCH_FILE, SearchIndex
from kg.web.summary import Summary, summarise

Row = dict[str, Any]

_BASE_PROBE = "SELECT ?p WHERE { ?p a fabio:Preprint } LIMIT 1"
_TYPES = "SELECT ?c WHERE { ?node a ?c }"


class Site:
    """Everything the pages need to know about one store."""

    def __init__(self, store: ox.Store, search_path: Path | None = None) -> None:
        self.store = store
        self.base = _find_base(store)
        self.prefixes = {**v.all_prefixes(self.base), "owl": v.NAMESPACES["owl"]}
        self.search = SearchIndex(store, self.base, search_path)
        self._void: list[ox.Triple] | None = None
        self._summary: Summary | None = None
        self._lock = threading.Lock()
        self._summary_lock = threading.Lock()

    def rows(self, query: str, **bindings: Term) -> list[Row]:
        """SELECT rows as dicts of variable name -> Python value (str, int) or None.

        The page queries are this package's own text; each ``?name`` given in
        ``bindings`` is replaced by the term in N-Triples form, which pyoxigraph
        escapes (an IRI cannot hold ``>``, a literal's quotes are escaped), so data
        never changes a query's structure.
        """
        for name, term in bindings.items():
            query = re.sub(rf"\?{name}\b", _constant(str(term)), query)
        solutions = self.store.query(query, prefixes=self.prefixes)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [var.value for var in solutions.variables]
        return [{name: _value(row[name]) for name in names} for row in solutions]

    def labelled(self, rows: list[Row], key: str, prop: str, into: str) -> list[Row]:
        """``rows`` with ``into`` = the ``prop`` value of each row's ``key`` IRI.

        Looking labels up for a short, already ranked list in a second query is far
        cheaper in Oxigraph than joining them inside an aggregating subquery.
        """
        if not rows:
            return rows
        iris = " ".join(str(ox.NamedNode(row[key])) for row in rows)
        found = {row["s"]: row["l"] for row in self.rows(
            f"SELECT ?s (SAMPLE(STR(?o)) AS ?l) WHERE {{ VALUES ?s {{ {iris} }} ?s {prop} ?o }}"
            " GROUP BY ?s")}
        return [{**row, into: found.get(row[key], "")} for row in rows]

    def kind(self, node: ox.NamedNode) -> str | None:
        """The node's kind name (``paper``, ``person`` ...), ``resource`` for other typed
        nodes, ``None`` when the graph says nothing about it."""
        types = [row["c"] for row in self.rows(_TYPES, node=node)]
        for cls in types:
            if cls in BY_CLASS:
                return BY_CLASS[cls].name
        if types or any(True for _ in self.store.quads_for_pattern(node, None, None)):
            return "resource"
        return None

    def local(self, iri: str) -> str | None:
        """The local path of a node IRI under the base (``/paper/X``), else ``None``."""
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return "/" + iri[len(self.base):]
        return None

    def void(self) -> list[ox.Triple]:
        """The VoID description of the union graph, computed once per site."""
        from kg.graph.iris import Minter
        from kg.graph.store import triple_key
        from kg.graph.void import void_triples

        with self._lock:
            if self._void is None:
                self._void = sorted(void_triples(self.store, Minter(self.base)),
                                    key=triple_key)
            return self._void


    def summary(self) -> Summary:
        """The index's and task pages' aggregates (:mod:`kg.web.summary`), computed once
        per site; the first caller computes them while the others wait."""
        with self._summary_lock:
            if self._summary is None:
                self._summary = summarise(self.store)
            return self._summary

    def warm(self) -> threading.Thread:
        """Compute :meth:`summary` in a background thread, so that no visitor waits for it."""
        thread = threading.Thread(target=self.summary, name="kg-web-summary", daemon=True)
        thread.start()
        return thread


def _find_base(store: ox.Store) -> str:
    solutions = store.query(_BASE_PROBE, prefixes=v.PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        iri = str(row["p"].value)
        cut = iri.rfind("paper/")
        if cut > 0:
            return iri[:cut]
    return v.DEFAULT_BASE


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement inserting ``text`` as it is (no backslash processing)."""
    return lambda _: text


def _value(term: Term | None) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Triple):
        return str(term)
    if isinstance(term, ox.Literal) and term.datatype == v.XSD_INTEGER:
        return int(term.value)
    return term.value


_SITES: dict[int, tuple[ox.Store, Site]] = {}
_SEARCH_PATHS: dict[int, Path] = {}
_SITES_LOCK = threading.Lock()


def attach_search(store: ox.Store, location: str | os.PathLike[str]) -> None:
    """Serve searches over ``store`` from the index ``kg build`` wrote beside it.

    ``location`` is what ``kg serve`` was given: an output folder, its ``store/``
    or a graph file; without an index there, one is built in memory when needed.
    """
    path = Path(location)
    for folder in (path, path.parent):
        if (folder / SEARCH_FILE).is_file():
            _SEARCH_PATHS[id(store)] = folder / SEARCH_FILE
            return


def release(store: ox.Store) -> None:
    """Forget the site and search index of a store that is no longer served."""
    with _SITES_LOCK:
        _SITES.pop(id(store), None)
        _SEARCH_PATHS.pop(id(store), None)


def site_for(store: ox.Store) -> Site:
    """The :class:`Site` of ``store`` (made once, then reused)."""
    with _SITES_LOCK:
        known = _SITES.get(id(store))
        if known is None or known[0] is not store:
            known = _SITES[id(store)] = (store, Site(store, _SEARCH_PATHS.get(id(store))))
        return known[1]

