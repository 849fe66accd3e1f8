"""The union's relations that the people links and the default page need, taken from
the sorted union lines a build or an add streams anyway.

Why: reading them back from the on-disk store after every ``kg build`` and ``kg add``
(node kinds, entity edges, names, author slots, tasks, owners) cost more than the
add itself (10k papers: ~2.4 s for the people's snapshot, ~1 s for the page's kinds
and edges), while :mod:`kg.engine.build` and :mod:`kg.engine.union` already pass
every union line through Python once, to count the VoID. Collecting the lines of a
few predicates on that pass is nearly free.

Terms stay N-Triples text until a reader asks for values (:func:`value`), so
collecting costs a set lookup per line, on the split the VoID count makes.
"""

from __future__ import annotations

import marshal
import sys
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
#: The layout of :meth:`UnionFacts.dump`'s bytes; change it when ``pairs`` changes.
_FORMAT = "paperkg union facts 2"
#: Type lines kept: those of drawn kinds (authorships and entries are not needed).
_KIND_CLASSES = frozenset(str(kind.cls) for kind in KINDS)


class UnionFacts:
    """(subject, object) N-Triples terms of every union line with a kept predicate,
    filled by :class:`kg.graph.void.LineCounter` as it counts the lines.

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

    def apply(self, before: set[str], after: set[str]) -> None:
        """Follow one load: the union lines in ``before`` and not ``after`` leave,
        those in ``after`` and not ``before`` come in (:class:`kg.graph.store.UnionChange`);
        overflowed facts stay empty.

        Each predicate's pairs stay in union-line order, the order a full pass
        gives (for one predicate that is the order of ``(subject, object)``), so
        what readers make of them is the same either way.
        """
        if self.overflowed:
            return
        gone = _pairs(before - after, self.pairs)
        new = _pairs(after - before, self.pairs)
        for predicate in sorted(gone.keys() | new.keys()):
            pairs = self.pairs[predicate]
            if predicate in gone:
                leaving = set(gone[predicate])
                pairs = [pair for pair in pairs if pair not in leaving]
            # Sorted, plus a few sorted pairs: Timsort merges the two runs in C,
            # several times faster than heapq.merge's Python-level loop.
            pairs.extend(new.get(predicate, ()))
            pairs.sort()
            self.pairs[predicate] = pairs
        if sum(map(len, self.pairs.values())) > self._limit:
            self._overflow()

    def _overflow(self) -> None:
        """Too big to hold: drop everything, so the readers use the store."""
        self.overflowed, self.complete = True, False
        self.pairs = {name: [] for name in self.pairs}
        self._strings = {}

    def dump(self) -> bytes:
        """The facts as bytes for :meth:`load` (the ``marshal`` format: plain data,
        read back without running anything): complete facts, or only the mark that
        they overflowed, so that the next add knows the graph is too big for facts
        without a pass over it."""
        assert self.complete or self.overflowed
        return marshal.dumps((_FORMAT, sys.version_info[:2],
                              self.pairs if self.complete else None))

    @classmethod
    def load(cls, data: bytes) -> UnionFacts | None:
        """The facts :meth:`dump` wrote (complete, or overflowed and empty), or
        ``None`` for anything else (another Python, another layout, a damaged file)."""
        try:
            header, version, pairs = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        facts = cls()
        if header != _FORMAT or version != sys.version_info[:2]:
            return None
        if pairs is None:
            facts._overflow()
            return facts
        if not isinstance(pairs, dict) or set(pairs) != set(facts.pairs):
            return None
        facts.pairs = pairs
        facts.complete = True
        return facts

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
    """:class:`Lookup` answered by a store's union, for a graph too big for facts.

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


def _pairs(lines: set[str], kept: dict[str, list[tuple[str, str]]]
           ) -> dict[str, list[tuple[str, str]]]:
    """The kept (subject, object) pairs of ``lines``, by predicate (as :meth:`UnionFacts.keep`)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in lines:
        subject, predicate, rest = line.split(None, 2)
        obj = rest[:-3]
        if predicate in kept and _wanted(predicate, obj):
            found.setdefault(predicate, []).append((subject, obj))
    return found


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
