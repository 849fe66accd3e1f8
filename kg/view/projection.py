"""A networkx projection of the RDF graph: the one view HTML, stats and exports read.

Entities become nodes (papers, people, tasks, repositories, Hugging Face items,
accounts, web pages; digest days optionally), relations become typed edges
labelled with the name of their edge kind (:data:`kg.graph.kinds.EDGE_KINDS`).
Attributes are strings, except the lists a paper has (authors, tasks, days),
which stay tuples: a writer that needs one string (GEXF, GraphML) joins them,
so a label holding a comma is never split apart again. Auxiliary nodes
(authorships, entries, source files, the VoID description) are folded into
attributes, not drawn. The graph attribute ``days`` lists every digest day the
graph holds, including days whose digest had no rows (no paper links to those).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.facts import UnionFacts, grouped
from kg.graph.facts import value as term_value
from kg.graph.kinds import (
    BY_CLASS,
    EDGE_BY_PREDICATE,
    EDGE_KINDS,
    FEATURED,
    KINDS,
    TASK,
    first_kinds,
)
from kg.graph.store import GraphStore, restricted

_TYPES = "SELECT ?s ?c WHERE { ?s rdf:type ?c VALUES ?c { %s } }"
_LABELS = "SELECT ?s ?l WHERE { ?s rdfs:label|skos:prefLabel ?l }"
_URLS = "SELECT ?s ?u WHERE { ?s schema:url|schema:codeRepository ?u }"
_EDGES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o VALUES ?p { %s } }"
# Every listing's authors; a paper shows those of its latest listing (issue 9: each
# listing keeps its own), picked in Python: a MAX subquery here cost 2-3x as much.
_AUTHORS = """SELECT ?paper ?date ?name ?pos WHERE { ?entry schema:about ?paper .
  ?entry prov:qualifiedAttribution ?a . ?a prov:agent ?person . ?a pkg:authorPosition ?pos .
  ?person schema:name ?name . ?entry schema:isPartOf ?day . ?day schema:datePublished ?date }"""
_FEATURED = """SELECT ?paper ?day ?date WHERE { ?entry schema:about ?paper ;
  schema:isPartOf ?day . ?day schema:datePublished ?date }"""
_SUBJECTS = "SELECT ?s ?o WHERE { ?s %s ?o }"
_DAYS = "SELECT DISTINCT ?date WHERE { ?day rdf:type %s ; schema:datePublished ?date }"


def _rows(store: ox.Store, query: str) -> ox.QuerySolutions:
    rows = store.query(query, prefixes=v.PREFIXES)
    assert isinstance(rows, ox.QuerySolutions)  # every query here is a SELECT
    return rows


def _values(terms: tuple[ox.NamedNode, ...]) -> str:
    return " ".join(str(term) for term in terms)


def project(graph: GraphStore, *, days: bool = False) -> nx.MultiDiGraph:
    """Project the store onto a networkx multigraph (node id = IRI string).

    Node attributes: ``kind``, ``label``, ``url`` and ``card`` (a plain-text
    summary for hover cards); papers also get ``arxiv``, ``authors``, ``tasks`` and
    ``days`` (tuples of strings) and ``first_day``. Edge attributes: ``label`` (the
    edge kind's name). Graph attribute: ``days``, every digest day (sorted tuple).
    With ``days`` the digest days are nodes too, linked from the papers they featured.
    A node with several labels (or URLs, or classes) gets the smallest label (URL, the
    first kind in the kinds table), so the view never depends on store order.
    """
    store = graph.store
    kinds = node_kinds(graph, days=days)
    edges = sorted(entity_edges(graph))
    attrs = _attributes(store, kinds, list(kinds), edges, restrict=False)
    day_nodes: dict[str, set[str]] = defaultdict(set)
    if days:
        for row in _rows(store, _FEATURED):
            day_nodes[row["paper"].value].add(row["day"].value)
    view: nx.MultiDiGraph[str] = nx.MultiDiGraph(days=all_days(graph))
    for node in sorted(kinds):
        view.add_node(node, **attrs[node])
    for source, label, target in edges:
        if source in kinds and target in kinds:
            view.add_edge(source, target, key=label, label=label)
    if days:
        for paper in sorted(day_nodes):
            for day in sorted(day_nodes[paper]):
                if paper in kinds and day in kinds:
                    view.add_edge(paper, day, key=FEATURED.name, label=FEATURED.name)
    return view


def node_kinds(graph: GraphStore, *, days: bool = False) -> dict[str, str]:
    """Every node the view holds -> its kind name (days only with ``days``)."""
    classes = tuple(kind.cls for kind in KINDS if days or kind.name != "day")
    return first_kinds(((subject.value, cls.value) for subject, cls
                         in _rows(graph.store, _TYPES % _values(classes))),
                        {cls.value: BY_CLASS[cls.value].name for cls in classes})


def entity_edges(graph: GraphStore) -> Iterator[tuple[str, str, str]]:
    """(source, edge kind name, target) of every entity relation, in store order."""
    names = {iri: edge.name for iri, edge in EDGE_BY_PREDICATE.items()}
    predicates = tuple(edge.predicate for edge in EDGE_KINDS)
    for source, predicate, target in _rows(graph.store, _EDGES % _values(predicates)):
        yield source.value, names[predicate.value], target.value


def all_days(graph: GraphStore) -> tuple[str, ...]:
    """Every digest day the graph holds (sorted), days without rows included."""
    return tuple(sorted(row["date"].value
                        for row in _rows(graph.store, _DAYS % v.DIGEST_ISSUE)))


def node_attributes(graph: GraphStore, kinds: dict[str, str], nodes: list[str], *,
                    facts: UnionFacts | None = None) -> dict[str, dict[str, Any]]:
    """The attributes :func:`project` gives ``nodes``, read for those nodes alone.

    Why: a page that shows a few hundred nodes of a big graph should not pay for
    reading every label and author list in the store (10k papers: 5.5 s). With
    complete ``facts`` the author lists come from them (:func:`fact_authors`)."""
    if not nodes:
        return {}
    papers = [node for node in nodes if kinds[node] == "paper"]
    edges = []
    if papers:
        rows = _rows(graph.store, restricted(_SUBJECTS % TASK.predicate, "s", papers))
        edges = sorted((row["s"].value, TASK.name, row["o"].value) for row in rows)
    authors = fact_authors(facts, papers) if facts is not None and facts.complete else None
    return _attributes(graph.store, kinds, nodes, edges, restrict=True, author_rows=authors)


def fact_authors(facts: UnionFacts, papers: list[str]) -> Iterator[tuple[str, str, int, str]]:
    """The rows of the author query (paper, listing date, position, name) for
    ``papers``, joined from the facts' lines.

    Why: the overview of 10k papers shows about 1,100 of them, whose authors the
    store gives in ~0.25 s (five joined lookups a row); here each predicate's lines
    are scanned once, keeping only the subjects the previous step reached.
    """
    if not papers:
        return
    entries = grouped((paper, entry) for entry, paper in
                       facts.by_object(v.ABOUT, {f"<{paper}>" for paper in papers}))
    listed = {entry for found in entries.values() for entry in found}
    days = grouped(facts.by_subject(v.IS_PART_OF, listed))
    dates = grouped(facts.by_subject(v.DATE_PUBLISHED, {d for ds in days.values() for d in ds}))
    attributed = grouped(facts.by_subject(v.QUALIFIED_ATTRIBUTION, listed))
    slots = {a for found in attributed.values() for a in found}
    agents = grouped(facts.by_subject(v.AGENT, slots))
    positions = grouped(facts.by_subject(v.AUTHOR_POSITION, slots))
    names = grouped(facts.by_subject(v.NAME, {p for found in agents.values() for p in found}))
    for paper, found in entries.items():
        paper_iri = term_value(paper)
        for entry in found:
            on = [term_value(date) for day in days.get(entry, ()) for date in dates.get(day, ())]
            for slot in attributed.get(entry, ()):
                for person in agents.get(slot, ()):
                    for position in positions.get(slot, ()):
                        for name in names.get(person, ()):
                            for date in on:
                                yield (paper_iri, date, int(term_value(position)),
                                       term_value(name))


def _attributes(store: ox.Store, kinds: dict[str, str], nodes: list[str],
                edges: list[tuple[str, str, str]], *, restrict: bool,
                author_rows: Iterable[tuple[str, str, int, str]] | None = None
                ) -> dict[str, dict[str, Any]]:
    """Node attributes of ``nodes`` from the label, URL, author and day queries.

    ``edges`` must hold (at least) the nodes' task edges, sorted; with ``restrict``
    every query is limited to the nodes it needs (VALUES), else it reads the store.
    ``author_rows`` (paper, date, position, name), if given, replace the author query."""
    papers = [node for node in nodes if kinds[node] == "paper"]
    task_ids = sorted({target for _, label, target in edges if label == TASK.name})

    def rows(query: str, var: str, wanted: list[str]) -> ox.QuerySolutions | list[Any]:
        if not restrict:
            return _rows(store, query)
        return _rows(store, restricted(query, var, wanted)) if wanted else []

    labels = _smallest((row["s"].value, row["l"].value)
                       for row in rows(_LABELS, "s", sorted({*nodes, *task_ids})))
    urls = _smallest((row["s"].value, row["u"].value) for row in rows(_URLS, "s", nodes))
    if author_rows is None:
        author_rows = ((row["paper"].value, row["date"].value, int(row["pos"].value),
                        row["name"].value) for row in rows(_AUTHORS, "paper", papers))
    listed: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for paper, date, position, name in author_rows:
        listed[paper].append((date, position, name))
    authors: dict[str, list[tuple[int, str]]] = {}
    for paper, names in listed.items():
        latest = max(date for date, _, _ in names)
        authors[paper] = [(pos, name) for date, pos, name in names if date == latest]
    featured: dict[str, set[str]] = defaultdict(set)
    for row in rows(_FEATURED, "paper", papers):
        featured[row["paper"].value].add(row["date"].value)
    tasks: dict[str, list[str]] = defaultdict(list)
    for source, label, target in edges:
        if label == TASK.name:
            tasks[source].append(labels.get(target, target))
    result: dict[str, dict[str, Any]] = {}
    for node in nodes:
        kind = kinds[node]
        attrs: dict[str, Any] = {"kind": kind, "label": labels.get(node, node.rsplit("/", 1)[-1]),
                                 "url": urls.get(node, "")}
        if kind == "paper":
            on = tuple(sorted(featured[node]))
            attrs.update(arxiv=node.rsplit("/paper/", 1)[-1],
                         authors=tuple(name for _, name in sorted(authors.get(node, ()))),
                         tasks=tuple(sorted(tasks[node])), days=on,
                         first_day=on[0] if on else "")
        attrs["card"] = _card(attrs)
        result[node] = attrs
    return result


def _smallest(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """node -> its smallest value: a deterministic pick when a node has several."""
    best: dict[str, str] = {}
    for node, value in pairs:
        if node not in best or value < best[node]:
            best[node] = value
    return best


def _card(attrs: dict[str, Any]) -> str:
    """Plain-text hover card; the renderer escapes it, so it may hold anything."""
    lines = [attrs["label"], attrs["kind"]]
    if attrs["kind"] == "paper":
        lines = [attrs["label"], f"arXiv:{attrs['arxiv']}"]
        for field in ("authors", "tasks", "days"):
            if attrs[field]:
                lines.append(f"{field.capitalize()}: {', '.join(attrs[field])}")
    if attrs["url"]:
        lines.append(attrs["url"])
    return "\n".join(lines)
