"""What the overview page needs of the whole graph, kept between runs so that an add
moves it by its change instead of reading every node and edge again.

Why: the default page of a big graph is the task overview (:mod:`kg.view.draw`),
which counts the drawn nodes and ranks each task's papers by their degree: functions
of every node's kind and every entity edge. Read from the store of 100k papers that
took 12.6 s of a 16 s daily add that changed a few thousand lines. An
:class:`Outline` holds every drawn node's kind, its degree over the entity edges
between drawn nodes, and each task's papers; :meth:`Outline.follow` moves it by the
union lines a load removed and added, looking up in the store only the nodes whose
types those lines name. Terms are N-Triples text, as the union lines spell them.

It also keeps the attributes of the papers the last overview drew (their cards:
title, authors of the latest listing, tasks, days), read from five joined queries
for each of about a thousand papers: 0.2 s of a year's 0.8 s add. A change can
alter only the cards of the papers its lines reach (:meth:`Outline.follow` drops
those), so the next page reads only the cards it lacks.
"""

from __future__ import annotations

import marshal
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.facts import StoreLookup, UnionFacts, value
from kg.graph.kinds import EDGE_KINDS, KINDS, TASK, first_kinds
from kg.graph.lines import triple_line
from kg.view.ranking import Ranking, ranking

#: The layout of :meth:`Outline.dump`'s bytes; change it when the fields change.
_FORMAT = "paperkg outline 2"
_TYPE = str(v.TYPE)
_EDGES = frozenset(str(edge.predicate) for edge in EDGE_KINDS)
#: Classes of the kinds the overview draws (digest days are not drawn) -> kind name.
_KIND_OF = {str(kind.cls): kind.name for kind in KINDS if kind.name != "day"}
_UNION = ox.DefaultGraph()
# What a paper's card reads (kg.view.projection.node_attributes), as the lines spell it:
# the subject's own labels, URLs, tasks and types, and, joined, its entries (about it)
# with their days and their authorships' people and names.
_OWN = frozenset(str(p) for p in (v.LABEL, v.PREF_LABEL, v.URL, v.CODE_REPOSITORY,
                                  TASK.predicate, v.TYPE))
_LABELS = frozenset((str(v.LABEL), str(v.PREF_LABEL)))
_ABOUT, _ATTRIBUTED, _PART_OF = str(v.ABOUT), str(v.QUALIFIED_ATTRIBUTION), str(v.IS_PART_OF)
_AGENT, _POSITION, _NAME = str(v.AGENT), str(v.AUTHOR_POSITION), str(v.NAME)
_TYPES = "SELECT ?s ?c WHERE { ?s a ?c VALUES ?c { %s } }"
_PAIRS = "SELECT ?s ?o WHERE { ?s ?p ?o VALUES ?p { %s } }"


@dataclass(slots=True)
class Outline:
    """Every drawn node's kind (the first of the kinds table among its classes), its
    degree over the entity edges whose two ends are drawn, and each task's papers
    with the number of edges from the paper to the task; and ``drawn``, the
    attributes of the papers the last overview drew (by IRI value), a cache that
    equality ignores."""

    kinds: dict[str, str]
    degree: dict[str, int]
    papers: dict[str, dict[str, int]]
    drawn: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)

    def cards(self, papers: list[str],
              read: Callable[[list[str]], dict[str, dict[str, Any]]]
              ) -> dict[str, dict[str, Any]]:
        """The attributes of ``papers`` (IRI values): those drawn last time, and
        ``read`` for the others. Only these are kept for the next page."""
        missing = [paper for paper in papers if paper not in self.drawn]
        found = read(missing) if missing else {}
        self.drawn = {paper: self.drawn.get(paper) or found[paper] for paper in papers}
        return self.drawn

    def ranking(self, papers_per_task: int) -> Ranking:
        """The :func:`kg.view.ranking.ranking` of the drawn tasks (in sorted order), as
        values: only the papers it shows are named."""
        tasks = sorted(self.papers, key=_value)
        return ranking({task: self.papers[task] for task in tasks}, self.degree,
                       papers_per_task, _value)

    def follow(self, store: ox.Store, removed: Iterable[str], added: Iterable[str]) -> None:
        """Move the outline by a load that removed and added these union lines,
        ``store`` holding the union after it.

        The kind of every node a type line names is looked up again; every entity edge
        the lines name, and every edge of a node whose kind changed, is taken out as it
        counted before and put back as it counts now.
        """
        gone, new = set(removed), set(added)
        if self.drawn:
            self._drop_cards(store, gone | new)
        retyped = {line.split(None, 1)[0] for line in gone | new
                   if line.split(None, 2)[1] == _TYPE}
        found = first_kinds(((node, str(quad.object)) for node in sorted(retyped)
                             for quad in _around(store, node, v.TYPE, outgoing=True)), _KIND_OF)
        moved = {node for node in retyped if found.get(node) != self.kinds.get(node)}
        edges: dict[str, tuple[str, str, bool, bool]] = {}  # line: ends, before, after
        for lines, stood in ((gone, True), (new, False)):
            for line in lines:
                subject, predicate, rest = line.split(None, 2)
                if predicate in _EDGES:
                    edges[line] = (subject, rest[:-3], stood, not stood)
        for node in sorted(moved):
            for edge in EDGE_KINDS:
                for outgoing in (True, False):
                    for quad in _around(store, node, edge.predicate, outgoing=outgoing):
                        subject, obj = str(quad.subject), str(quad.object)
                        line = triple_line(subject, str(edge.predicate), obj)
                        edges.setdefault(line, (subject, obj, True, True))
        for subject, obj, before, _ in edges.values():
            if before:
                self._count(subject, obj, -1)
        for node in moved:
            kind = found.get(node)
            if kind is None:
                del self.kinds[node], self.degree[node]
            else:
                self.kinds[node] = kind
                self.degree.setdefault(node, 0)
            if kind == "task":
                self.papers.setdefault(node, {})
            else:
                self.papers.pop(node, None)
        for subject, obj, _, after in edges.values():
            if after:
                self._count(subject, obj, 1)

    def _drop_cards(self, store: ox.Store, lines: set[str]) -> None:
        """Forget the cards the changed ``lines`` can alter: of the subjects of their
        own label, URL, task and type lines, of the papers of a relabelled task, and
        of the papers of every entry the lines name or reach (through an authorship
        or its person); entries, authorships and people left with the change are
        named by its removed lines. (A day's date is minted into its IRI: it changes
        only with the day's entries.)"""
        stale: set[str] = set()
        entries: set[str] = set()
        authorships: set[str] = set()
        people: set[str] = set()
        for line in lines:
            subject, predicate, rest = line.split(None, 2)
            if predicate in _OWN:
                stale.add(subject)
                if predicate in _LABELS:
                    stale.update(self.papers.get(subject, ()))
            elif predicate == _ABOUT:
                stale.add(rest[:-3])
                entries.add(subject)
            elif predicate in (_ATTRIBUTED, _PART_OF):
                entries.add(subject)
            elif predicate in (_AGENT, _POSITION):
                authorships.add(subject)
            elif predicate == _NAME:
                people.add(subject)
        lookup = StoreLookup(store)
        authorships.update(a for a, _ in lookup.by_object(v.AGENT, people))
        entries.update(e for e, _ in lookup.by_object(v.QUALIFIED_ATTRIBUTION, authorships))
        stale.update(paper for _, paper in lookup.by_subject(v.ABOUT, entries))
        for term in stale:
            self.drawn.pop(value(term), None)

    def _count(self, subject: str, obj: str, sign: int) -> None:
        kinds = self.kinds
        if subject in kinds and obj in kinds:
            self.degree[subject] += sign
            self.degree[obj] += sign
            if kinds[obj] == "task" and kinds[subject] == "paper":
                papers = self.papers[obj]
                count = papers.get(subject, 0) + sign
                if count:
                    papers[subject] = count
                else:
                    del papers[subject]

    def dump(self) -> bytes:
        """The outline as bytes for :meth:`load` (``marshal``: plain data, read back
        without running anything)."""
        return marshal.dumps((_FORMAT, sys.version_info[:2], self.kinds, self.degree,
                              self.papers, self.drawn))

    @classmethod
    def load(cls, data: bytes) -> Outline | None:
        """An outline :meth:`dump` wrote, or None for anything else (another Python,
        another layout, a damaged file)."""
        try:
            header, version, kinds, degree, papers, drawn = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if header != _FORMAT or version != sys.version_info[:2] or not all(
                isinstance(part, dict) for part in (kinds, degree, papers, drawn)):
            return None
        return cls(kinds, degree, papers, drawn)


def outline_of(store: ox.Store, facts: UnionFacts | None = None) -> Outline:
    """The outline of a whole graph: from ``facts`` when they hold the whole union,
    else from the store's union (every typed node and entity edge: seconds at 100k
    papers)."""
    if facts is not None and facts.complete:
        return tally(first_kinds(facts.of(v.TYPE), _KIND_OF),
                     (pair for edge in EDGE_KINDS for pair in facts.of(edge.predicate)))
    classes = " ".join(sorted(_KIND_OF))
    predicates = " ".join(sorted(_EDGES))
    return tally(first_kinds(_select(store, _TYPES % classes), _KIND_OF),
                 _select(store, _PAIRS % predicates))


def tally(kinds: dict[str, str], pairs: Iterable[tuple[str, str]]) -> Outline:
    """The outline of these drawn nodes and entity edges (subject, object)."""
    edges = [(subject, obj) for subject, obj in pairs if subject in kinds and obj in kinds]
    # Counted by Counter's C loop: this runs over every edge of the graph.
    degree = Counter(subject for subject, _ in edges)
    degree.update(obj for _, obj in edges)
    tasks = {node for node, kind in kinds.items() if kind == "task"}
    listed = Counter((obj, subject) for subject, obj in edges
                     if obj in tasks and kinds[subject] == "paper")
    papers: dict[str, dict[str, int]] = {task: {} for task in tasks}
    for (task, paper), count in listed.items():
        papers[task][paper] = count
    return Outline(kinds, {node: degree[node] for node in kinds}, papers)


def _value(term: str) -> str:
    """:func:`kg.graph.facts.value`, with an IRI's (every node's) cut out in place."""
    return term[1:-1] if term[0] == "<" else value(term)


def _around(store: ox.Store, node: str, predicate: ox.NamedNode, *,
            outgoing: bool) -> Iterable[ox.Quad]:
    """The union's ``predicate`` quads from (or to) the N-Triples IRI ``node``."""
    term = ox.NamedNode(node[1:-1])
    if outgoing:
        return store.quads_for_pattern(term, predicate, None, _UNION)
    return store.quads_for_pattern(None, predicate, term, _UNION)


def _select(store: ox.Store, query: str) -> Iterable[tuple[str, str]]:
    """The two columns of a SELECT's rows, as N-Triples terms."""
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return ((str(row[0]), str(row[1])) for row in rows)
