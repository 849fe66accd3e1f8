"""The union's relations that the people links and the default page need, taken from
the sorted union lines a build streams anyway; and the same lookups answered by a
store's indexes (:class:`StoreLookup`), for runs that follow a change.

Why: reading them back from the on-disk store after ``kg build`` (node kinds,
entity edges, names, author slots, tasks, owners) cost more than the rest of the
build's last steps (10k papers: ~2.4 s for the people's snapshot, ~1 s for the
page's kinds and edges), while :mod:`kg.engine.build` already passes every union
line through Python once, to count the VoID. Collecting the lines of a few
predicates on that pass is nearly free. A ``kg add`` reads only what its change
touched, so it looks those terms up in the store instead (:class:`Lookup`).

Terms stay N-Triples text until a reader asks for values (:func:`value`), so
collecting costs a set lookup per line, on the split the VoID count makes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Protocol

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.kinds import EDGE_KINDS, KINDS

#: The predicates whose lines are kept: entity edges, types, and what people need.
PREDICATES: frozenset[ox.NamedNode] = frozenset({
    *(edge.predicate for edge in EDGE_KINDS), v.TYPE, v.NAME, v.IDENTIFIER,
    v.ACCOUNT_NAME, v.ABOUT, v.QUALIFIED_ATTRIBUTION, v.AGENT, v.AUTHOR_POSITION,
    v.IS_PART_OF, v.DATE_PUBLISHED})
#: Lines kept at most (~100 bytes each with shared strings; 10k papers keep ~350k).
#: A bigger graph stops collecting and its readers use the store, so the facts never
#: cost a large build more memory than reading the store would.
LIMIT = 1_000_000
_TYPE = str(v.TYPE)
_UNION = ox.DefaultGraph()
#: Type lines kept: those of drawn kinds (authorships and entries are not needed).
_KIND_CLASSES = frozenset(str(kind.cls) for kind in KINDS)


class UnionFacts:
    """(subject, object) N-Triples terms of every union line with a kept predicate,
    filled by :class:`kg.graph.void.LineCounter` as it counts the lines, for the run
    that streams them (never kept on disk: an add follows its change in the store).

    ``complete`` is true once the whole union has been fed (see :meth:`finish`)
    within :data:`LIMIT`: readers use the facts only then, and read the store
    otherwise. Equal terms share one string.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.pairs: dict[str, list[tuple[str, str]]] = {str(p): [] for p in PREDICATES}
        self.complete = False
        self.overflowed = False
        self._limit = LIMIT if limit is None else limit
        self._room = self._limit
        self._strings: dict[str, str] = {}

    def keep(self, subject: str, predicate: str, obj: str) -> None:
        """Keep one line of a kept predicate (its terms as N-Triples text)."""
        if not _wanted(predicate, obj):
            return
        if self._room == 0:
            if not self.overflowed:
                self._overflow()
            return
        self._room -= 1
        strings = self._strings
        self.pairs[predicate].append((strings.setdefault(subject, subject),
                                      strings.setdefault(obj, obj)))

    def finish(self) -> UnionFacts:
        """Mark the facts as holding the whole union (unless they overflowed)."""
        self.complete = not self.overflowed
        self._strings = {}
        return self

    def _overflow(self) -> None:
        """Too big to hold: drop everything, so the readers use the store."""
        self.overflowed, self.complete = True, False
        self.pairs = {name: [] for name in self.pairs}
        self._strings = {}

    def of(self, predicate: ox.NamedNode) -> list[tuple[str, str]]:
        """The (subject, object) terms of ``predicate``'s lines."""
        return self.pairs[str(predicate)]

    def by_subject(self, predicate: ox.NamedNode, subjects: Collection[str]
                   ) -> list[tuple[str, str]]:
        """The (subject, object) terms of ``predicate``'s lines with a subject in
        ``subjects`` (a scan of the predicate's lines)."""
        return [pair for pair in self.pairs[str(predicate)] if pair[0] in subjects]

    def by_object(self, predicate: ox.NamedNode, objects: Collection[str]
                  ) -> list[tuple[str, str]]:
        """The (subject, object) terms of ``predicate``'s lines with an object in
        ``objects`` (a scan of the predicate's lines)."""
        return [pair for pair in self.pairs[str(predicate)] if pair[1] in objects]


class Lookup(Protocol):
    """The lines of a predicate with given subjects or objects, as (subject, object)
    N-Triples terms: what a reader needs to follow a change of the union."""

    def by_subject(self, predicate: ox.NamedNode, subjects: Collection[str]
                   ) -> list[tuple[str, str]]: ...

    def by_object(self, predicate: ox.NamedNode, objects: Collection[str]
                  ) -> list[tuple[str, str]]: ...


class StoreLookup:
    """:class:`Lookup` answered by a store's union, for a run that follows a change (an
    add keeps no facts: :func:`kg.people.snapshot.refreshed`, :mod:`kg.view.outline`).

    Each term is looked up in Oxigraph's indexes, so the cost follows the number of
    terms asked about, not the size of the union. The terms asked about are IRIs
    (people, papers, authorships, accounts, items: every node paperkg mints); the
    union's VoID description shares none of them.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def by_subject(self, predicate: ox.NamedNode, subjects: Collection[str]
                   ) -> list[tuple[str, str]]:
        return sorted((str(quad.subject), str(quad.object)) for term in subjects
                      if term.startswith("<") for quad in self.store.quads_for_pattern(
                          ox.NamedNode(term[1:-1]), predicate, None, _UNION))

    def by_object(self, predicate: ox.NamedNode, objects: Collection[str]
                  ) -> list[tuple[str, str]]:
        return sorted((str(quad.subject), str(quad.object)) for term in objects
                      if term.startswith("<") for quad in self.store.quads_for_pattern(
                          None, predicate, ox.NamedNode(term[1:-1]), _UNION))


def _wanted(predicate: str, obj: str) -> bool:
    """Whether a line of a kept predicate is kept: type lines only of drawn kinds."""
    return predicate != _TYPE or obj in _KIND_CLASSES


def grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Subject -> its objects, in the pairs' order (how readers join the facts' lines)."""
    found: dict[str, list[str]] = defaultdict(list)
    for subject, obj in pairs:
        found[subject].append(obj)
    return found


def value(term: str) -> str:
    """The value of an N-Triples IRI or literal term (an IRI's text, a literal's lexical form).

    Literals without escapes are cut out directly; any other term goes through
    pyoxigraph's parser, so escapes are read exactly as the store reads them.
    """
    if term.startswith("<"):
        return term[1:-1]
    if term.startswith('"') and "\\" not in term:
        return term[1:term.rindex('"')]
    parsed = next(iter(ox.parse(f"<x:s> <x:p> {term} .", format=ox.RdfFormat.N_TRIPLES)))
    obj = parsed.object
    return str(obj) if isinstance(obj, ox.Triple) else obj.value
