"""Ranked text search over titles, names, tasks and summaries (SQLite FTS5).

Oxigraph has no full-text index, so one is kept beside the store as
``search.sqlite`` in the output folder; ``kg build`` and ``kg add`` rewrite it
(:func:`update_index`).  A graph served without that file (e.g. a ``graph.ttl``)
gets an in-memory index built on the first search.

Ranking: a label equal to the query (case ignored) first, then labels starting
with it, then FTS5's BM25 order; ties by label, so results are deterministic.
User text becomes quoted FTS5 terms (the last one a prefix), never FTS syntax.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.support.atomic import write_atomic

SEARCH_FILE = "search.sqlite"
_SCHEMA = ("CREATE VIRTUAL TABLE docs USING fts5("
           "iri UNINDEXED, kind UNINDEXED, label, body, tokenize='unicode61 remove_diacritics 2')")
_DOCUMENTS = """
SELECT ?node ?kind ?label (GROUP_CONCAT(?more; SEPARATOR=" ") AS ?body) WHERE {
  {
    ?node a fabio:Preprint ; rdfs:label ?label . BIND("paper" AS ?kind)
    OPTIONAL { ?entry schema:about ?node ; schema:text ?more }
  } UNION {
    ?node a schema:Person ; schema:name ?label . BIND("person" AS ?kind)
  } UNION {
    ?node a skos:Concept ; skos:prefLabel ?label . BIND("task" AS ?kind)
  } UNION {
    VALUES (?cls ?kind) { (schema:SoftwareSourceCode "repository") (fair4ml:MLModel "model")
      (schema:Dataset "dataset") (schema:WebApplication "space")
      (schema:Collection "collection") (sioc:UserAccount "account") }
    ?node a ?cls ; rdfs:label ?label .
  }
}
GROUP BY ?node ?kind ?label
"""
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    kind: str
    label: str
    snippet: str


def documents(store: ox.Store) -> Iterator[tuple[str, str, str, str]]:
    """(iri, kind, label, body) of every searchable node, in IRI order."""
    solutions = store.query(_DOCUMENTS, prefixes=v.PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = sorted((str(r["node"].value), str(r["kind"].value), str(r["label"].value),
                   str(r["body"].value) if r["body"] is not None else "") for r in solutions)
    yield from rows


def _fill(connection: sqlite3.Connection, store: ox.Store) -> None:
    connection.execute(_SCHEMA)
    connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", documents(store))
    connection.commit()


def update_index(store: ox.Store, path: str | os.PathLike[str]) -> Path:
    """Write the search index of ``store`` to ``path`` atomically (built in memory)."""
    connection = sqlite3.connect(":memory:")
    try:
        _fill(connection, store)
        connection.execute("VACUUM")
        data = connection.serialize()
    finally:
        connection.close()
    write_atomic(path, data)
    return Path(path)


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
