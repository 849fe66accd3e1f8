"""Ranked text search over titles, names, tasks and summaries (SQLite FTS5).

Oxigraph has no full-text index, so one is kept beside the store as
``search.sqlite`` in the output folder; ``kg build`` writes it and ``kg add``
updates the documents of the nodes it touched (:func:`update_index`). A graph
served without that file (e.g. a ``graph.ttl``) gets an in-memory index built on
the first search.

Ranking: a label equal to the query (case ignored) first, then labels starting
with it, then FTS5's BM25 order; ties by label, so results are deterministic.
User text becomes quoted FTS5 terms (the last one a prefix), never FTS syntax.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.kinds import BY_NAME
from kg.support.atomic import atomic_path

SEARCH_FILE = "search.sqlite"
_SCHEMA = ("CREATE VIRTUAL TABLE docs USING fts5("
           "iri UNINDEXED, kind UNINDEXED, label, body, tokenize='unicode61 remove_diacritics 2')")
_META = "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
#: Which documents belong to a node: FTS5 can only scan for an UNINDEXED column's
#: value (deleting an add's documents by ``iri`` read all 44k of a year's, 0.09 s),
#: so the document rowids are kept by node in an ordinary table.
_DOC_OF = "CREATE TABLE doc_of(iri TEXT NOT NULL, doc INTEGER NOT NULL, " \
          "PRIMARY KEY (iri, doc)) WITHOUT ROWID"
#: The index layout: an index without this ``format`` in ``meta`` is rebuilt whole.
_FORMAT = "2"
#: The searchable kinds (:mod:`kg.graph.kinds`) and the property that names each.
_NAMED_BY: dict[str, ox.NamedNode] = {
    "paper": v.LABEL, "person": v.NAME, "task": v.PREF_LABEL, "repository": v.LABEL,
    "model": v.LABEL, "dataset": v.LABEL, "space": v.LABEL, "collection": v.LABEL,
    "account": v.LABEL}
_CLASS_OF: dict[str, ox.NamedNode] = {kind: BY_NAME[kind].cls for kind in _NAMED_BY}
_NAMED = "SELECT ?node ?label WHERE { ?node a CLS ; NAME ?label }"
#: A paper's body: the summaries of the digest entries that list it.
_SUMMARIES = f"SELECT ?node ?text WHERE {{ ?entry {v.ABOUT} ?node ; {v.TEXT} ?text }}"
_WORD = re.compile(r"\w+", re.UNICODE)
_UNION = ox.DefaultGraph()

Document = tuple[str, str, str, str]  # (iri, kind, label, body)


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    kind: str
    label: str
    snippet: str


def documents(store: ox.Store, nodes: Iterable[str] | None = None) -> list[Document]:
    """(iri, kind, label, body) of every searchable node (or of ``nodes``), sorted.

    A node gets one document per kind and name it has; a paper's body is its
    listings' summaries in sorted order. All of the store is read with one query
    per kind; a few nodes (what an add changed) by looking each one up.
    """
    names: list[tuple[str, str, str]] = []
    summaries: dict[str, list[str]] = {}
    if nodes is None:
        for kind, name in _NAMED_BY.items():
            query = _NAMED.replace("CLS", str(_CLASS_OF[kind])).replace("NAME", str(name))
            names.extend((row[0].value, kind, row[1].value) for row in _select(store, query))
        for row in _select(store, _SUMMARIES):
            summaries.setdefault(row[0].value, []).append(row[1].value)
    else:
        for iri in nodes:
            node = ox.NamedNode(iri)
            classes = {quad.object for quad in store.quads_for_pattern(node, v.TYPE, None, _UNION)}
            for kind, name in _NAMED_BY.items():
                if _CLASS_OF[kind] in classes:
                    names.extend((iri, kind, _value(quad.object)) for quad
                                 in store.quads_for_pattern(node, name, None, _UNION))
            summaries[iri] = [_value(text.object)
                              for entry in store.quads_for_pattern(None, v.ABOUT, node, _UNION)
                              for text in store.quads_for_pattern(entry.subject, v.TEXT,
                                                                  None, _UNION)]
    return sorted((iri, kind, label,
                   " ".join(sorted(summaries.get(iri, ()))) if kind == "paper" else "")
                  for iri, kind, label in set(names))


def changed_nodes(store: ox.Store, lines: Iterable[str]) -> set[str]:
    """The nodes whose documents N-Triples ``lines`` (what an add touched) may change.

    The subject of each line, and for a digest entry the paper it is about (its
    body holds the entry's summary), whether the entry went or stayed.
    """
    subjects: set[str] = set()
    nodes: set[str] = set()
    about = f" {v.ABOUT} <"
    for line in lines:
        if not line.startswith("<"):
            continue
        subject = line[1:line.index(">")]
        subjects.add(subject)
        if about in line:
            nodes.add(line[line.index(about) + len(about):line.rindex(">")])
    for subject in subjects:
        nodes.update(quad.object.value for quad in store.quads_for_pattern(
            ox.NamedNode(subject), v.ABOUT, None, _UNION) if isinstance(quad.object, ox.NamedNode))
    return nodes | subjects


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _fill(connection: sqlite3.Connection, store: ox.Store, generation: str = "") -> None:
    connection.execute(_SCHEMA)
    connection.execute(_META)
    connection.execute(_DOC_OF)
    connection.executemany("INSERT INTO meta VALUES (?, ?)",
                           (("format", _FORMAT), ("generation", generation)))
    _insert(connection, documents(store), 1)
    connection.commit()


def _insert(connection: sqlite3.Connection, docs: list[Document], first: int) -> None:
    """Insert ``docs`` as rowids ``first``, ``first + 1``, ... and record their nodes."""
    connection.executemany("INSERT INTO docs(rowid, iri, kind, label, body) "
                           "VALUES (?, ?, ?, ?, ?)",
                           ((first + n, *doc) for n, doc in enumerate(docs)))
    connection.executemany("INSERT INTO doc_of VALUES (?, ?)",
                           ((doc[0], first + n) for n, doc in enumerate(docs)))


def _generation(connection: sqlite3.Connection) -> str | None:
    """The generation an index of this layout was written for; None for anything else
    (an older layout, not an index at all)."""
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError:  # no meta table (an older index) or not an index at all
        return None
    return meta.get("generation") if meta.get("format") == _FORMAT else None


def update_index(store: ox.Store, path: str | os.PathLike[str], generation: str = "", *,
                 previous: str | None = None, lines: Iterable[str] = ()) -> Path:
    """Bring the search index of ``store`` at ``path`` up to date.

    ``generation`` is the store's union generation (:meth:`GraphStore.union_token`),
    recorded in the index. When the index at ``path`` is of generation ``previous``
    (the store before an add), only the documents of the nodes that the add's
    touched ``lines`` name are replaced, in one SQLite transaction on the file
    itself: SQLite's commit is atomic, a server's readers wait for it, and an add
    writes a few pages instead of the whole file (20 MB at 10k papers, 0.13 s of
    the 0.18 s an update took when it rewrote the file). Any other file (missing,
    older, damaged, of another generation because an add died before updating it)
    is rebuilt whole into a temporary file that then replaces it.
    """
    target = Path(path)
    if previous and target.is_file() and _updated(store, target, generation, previous, lines):
        return target
    # Built in a file beside the target, not in memory (0.2 GB at 100k papers). Written
    # once into an empty file, it has no free pages for a VACUUM to reclaim.
    with atomic_path(target) as building:
        connection = sqlite3.connect(building)
        try:
            # No journal: a build that fails leaves only this temporary file.
            connection.execute("PRAGMA journal_mode = OFF")
            _fill(connection, store, generation)
        finally:
            connection.close()
    return target


def _updated(store: ox.Store, target: Path, generation: str, previous: str,
             lines: Iterable[str]) -> bool:
    """Replace, in the index file ``target`` of generation ``previous``, the documents
    of the nodes ``lines`` touched; False (nothing written) for any other file."""
    try:
        connection = sqlite3.connect(target)
    except sqlite3.Error:
        return False
    try:
        if _generation(connection) != previous:
            return False
        nodes = sorted(changed_nodes(store, lines))
        with connection:  # one transaction: committed whole or rolled back
            connection.execute("CREATE TEMP TABLE changed(iri TEXT PRIMARY KEY)")
            connection.executemany("INSERT INTO changed VALUES (?)", ((n,) for n in nodes))
            connection.execute("DELETE FROM docs WHERE rowid IN (SELECT doc FROM doc_of "
                               "WHERE iri IN (SELECT iri FROM changed))")
            connection.execute("DELETE FROM doc_of WHERE iri IN (SELECT iri FROM changed)")
            last = connection.execute("SELECT max(rowid) FROM docs").fetchone()[0]
            _insert(connection, documents(store, nodes), (last or 0) + 1)
            connection.execute("UPDATE meta SET value = ? WHERE key = 'generation'",
                               (generation,))
        return True
    except sqlite3.DatabaseError:  # a file damaged past its header: rebuilt whole
        return False
    finally:
        connection.close()


def match_expression(text: str) -> str | None:
    """FTS5 MATCH text for a user's query: each word quoted, the last one a prefix."""
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


_RANKED = """
SELECT iri, kind, label, snippet(docs, 3, '', '', ' … ', 12)
FROM docs WHERE docs MATCH ?
ORDER BY (lower(label) = lower(?)) DESC, (lower(label) LIKE lower(?) || '%' ESCAPE '\\') DESC,
         bm25(docs, 10.0, 1.0), label, iri
LIMIT ?
"""


class SearchIndex:
    """Searches the on-disk index at ``path``, or an in-memory one built from the store."""

    def __init__(self, store: ox.Store, base: str, path: Path | None = None) -> None:
        self.store = store
        self.base = base
        self.path = path
        self._memory: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def search(self, text: str, limit: int = 50, kind: str | None = None) -> list[Hit]:
        expression = match_expression(text)
        if expression is None:
            return []
        phrase = " ".join(text.split())
        like = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params = (expression, phrase, like, limit if kind is None else limit * 20)
        with self._lock:
            connection = self._connection()
            try:
                rows = connection.execute(_RANKED, params).fetchall()
            finally:
                if connection is not self._memory:
                    connection.close()
        hits = [Hit(iri, k, label, snippet if k == "paper" else "")
                for iri, k, label, snippet in rows if kind is None or k == kind]
        return hits[:limit]

    def _connection(self) -> sqlite3.Connection:
        if self.path is not None and self.path.is_file():
            return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        if self._memory is None:
            self._memory = sqlite3.connect(":memory:", check_same_thread=False)
            _fill(self._memory, self.store)
        return self._memory
