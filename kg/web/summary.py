"""The aggregates the index and the task pages show, computed once per served store.

At year scale one task ("Natural Language Processing") has ~9,000 papers, and
its grouped queries (papers per month, top authors, co-occurring tasks) take
0.1-0.2 s each in Oxigraph, so its page took half a second.  Here every task is
summarised at once from four flat queries (papers' tasks, their authors, their
first listing day, the labels), aggregated in Python: about a second for a
year, after which every task page and the index only read it.

A :class:`~kg.web.site.Site` lives exactly as long as one generation of the
store (``kg serve`` reopens the store, and makes a new site, after ``kg add``),
and the server computes the summary as soon as it opens a generation, so the
figures are never stale and no visitor waits for them.

Counts are of papers (``fabio:Preprint``): digest entries carry their own
``dcterms:subject`` (each day's labels), which a bare ``?x dcterms:subject ?t``
would count a second time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.graph import vocab as v

TOP = 20
NEWEST = 100

_SUBJECTS = "SELECT ?paper ?task WHERE { ?paper a fabio:Preprint ; dcterms:subject ?task }"
_CREATORS = "SELECT ?paper ?person WHERE { ?paper a fabio:Preprint ; dcterms:creator ?person }"
_FIRST = """
SELECT ?paper (MIN(STR(?date)) AS ?first) WHERE {
  ?entry schema:about ?paper ; schema:isPartOf/schema:datePublished ?date .
} GROUP BY ?paper
"""
_LABELS = """
SELECT ?node (MIN(STR(?label)) AS ?text) WHERE {
  VALUES (?cls ?prop) { (schema:Person schema:name) (skos:Concept skos:prefLabel)
                        (fabio:Preprint rdfs:label) }
  ?node a ?cls ; ?prop ?label .
} GROUP BY ?node
"""
_TOTALS = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"


@dataclass(frozen=True)
class Ranked:
    """A node in a top list: its IRI, its label and how many papers it counts."""

    iri: str
    label: str
    papers: int


@dataclass(frozen=True)
class Dated:
    """A paper with the first day a digest listed it."""

    iri: str
    title: str
    first: str


@dataclass(frozen=True)
class TaskSummary:
    """What a task page shows, ready to render."""

    papers: int
    months: tuple[tuple[str, int], ...]
    """(YYYY-MM, papers first listed that month), in month order."""
    newest: tuple[Dated, ...]
    authors: tuple[Ranked, ...]
    cotasks: tuple[Ranked, ...]


@dataclass(frozen=True)
class Summary:
    """The whole graph's aggregates: class totals, top tasks and one summary per task."""

    totals: Mapping[str, int]
    """Class IRI -> number of distinct nodes of that class."""
    top_tasks: tuple[Ranked, ...]
    tasks: Mapping[str, TaskSummary]


def summarise(store: ox.Store) -> Summary:
    """Aggregate ``store`` (its default graph, the union) for the index and task pages."""
    tasks_of: dict[str, list[str]] = defaultdict(list)
    papers_of: dict[str, list[str]] = defaultdict(list)
    for paper, task in _pairs(store, _SUBJECTS):
        tasks_of[paper].append(task)
        papers_of[task].append(paper)
    authors_of: dict[str, list[str]] = defaultdict(list)
    for paper, person in _pairs(store, _CREATORS):
        authors_of[paper].append(person)
    first = dict(_pairs(store, _FIRST))
    labels = dict(_pairs(store, _LABELS))
    totals = {cls: int(n) for cls, n in _pairs(store, _TOTALS)}

    summaries = {}
    for task, papers in papers_of.items():
        dated = sorted((first[p], p) for p in papers if p in first)
        months = Counter(date[:7] for date, _ in dated)
        dated.sort(key=lambda pair: pair[1])
        dated.sort(key=lambda pair: pair[0], reverse=True)  # newest first, then by IRI
        summaries[task] = TaskSummary(
            papers=len(dated),
            months=tuple(sorted(months.items())),
            newest=tuple(Dated(p, labels.get(p, ""), date) for date, p in dated[:NEWEST]),
            authors=_top(Counter(a for p in papers for a in authors_of.get(p, ())), labels),
            cotasks=_top(Counter(t for p in papers for t in tasks_of[p] if t != task), labels),
        )
    top_tasks = _top(Counter({task: len(papers) for task, papers in papers_of.items()}),
                     labels)
    return Summary(totals=totals, top_tasks=top_tasks, tasks=summaries)


def _top(counts: Counter[str], labels: Mapping[str, str], limit: int = TOP
         ) -> tuple[Ranked, ...]:
    """The ``limit`` most counted, ties by label (case ignored) then IRI: the same every run."""
    ranked = sorted(counts.items(),
                    key=lambda item: (-item[1], labels.get(item[0], "").casefold(), item[0]))
    return tuple(Ranked(iri, labels.get(iri, ""), n) for iri, n in ranked[:limit])


def _pairs(store: ox.Store, query: str) -> Iterable[tuple[str, str]]:
    """The two columns of a SELECT as strings (IRIs and literals by their value)."""
    solutions = store.query(query, prefixes=v.PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        yield row[0].value, row[1].value
