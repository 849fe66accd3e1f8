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
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.kinds import BY_CLASS, EDGE_BY_PREDICATE, EDGE_KINDS, FEATURED, KINDS, TASK
from kg.graph.store import GraphStore

_TYPES = "SELECT ?s ?c WHERE { ?s rdf:type ?c VALUES ?c { %s } }"
_LABELS = "SELECT ?s ?l WHERE { ?s rdfs:label|skos:prefLabel ?l }"
_URLS = "SELECT ?s ?u WHERE { ?s schema:url|schema:codeRepository ?u }"
_EDGES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o VALUES ?p { %s } }"
# The author order of a paper's latest listing (issue 9: each listing keeps its own).
_AUTHORS = """SELECT ?paper ?name ?pos WHERE {
  { SELECT ?paper (MAX(?d) AS ?latest) WHERE { ?l schema:about ?paper ;
      prov:qualifiedAttribution [] ; schema:isPartOf/schema:datePublished ?d } GROUP BY ?paper }
  ?e schema:about ?paper ; prov:qualifiedAttribution ?a ;
     schema:isPartOf/schema:datePublished ?latest .
  ?a prov:agent ?person ; pkg:authorPosition ?pos . ?person schema:name ?name }"""
_FEATURED = """SELECT ?paper ?day ?date WHERE { ?entry schema:about ?paper ;
  schema:isPartOf ?day . ?day schema:datePublished ?date }"""
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
    """
    store = graph.store
    kinds: dict[str, str] = {}
    classes = tuple(kind.cls for kind in KINDS if days or kind.name != "day")
    for row in _rows(store, _TYPES % _values(classes)):
        kinds.setdefault(row["s"].value, BY_CLASS[row["c"].value].name)
    labels = {row["s"].value: row["l"].value for row in _rows(store, _LABELS)}
    urls = {row["s"].value: row["u"].value for row in _rows(store, _URLS)}

    authors: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in _rows(store, _AUTHORS):
        authors[row["paper"].value].append((int(row["pos"].value), row["name"].value))
    featured: dict[str, set[str]] = defaultdict(set)
    day_nodes: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, _FEATURED):
        featured[row["paper"].value].add(row["date"].value)
        day_nodes[row["paper"].value].add(row["day"].value)

    predicates = tuple(edge.predicate for edge in EDGE_KINDS)
    edges = sorted((row["s"].value, EDGE_BY_PREDICATE[row["p"].value].name, row["o"].value)
                   for row in _rows(store, _EDGES % _values(predicates)))
    tasks: dict[str, list[str]] = defaultdict(list)
    for source, label, target in edges:
        if label == TASK.name:
            tasks[source].append(labels.get(target, target))

    all_days = tuple(sorted(row["date"].value for row in _rows(store, _DAYS % v.DIGEST_ISSUE)))
    view: nx.MultiDiGraph[str] = nx.MultiDiGraph(days=all_days)
    for node in sorted(kinds):
        kind = kinds[node]
        attrs: dict[str, Any] = {"kind": kind, "label": labels.get(node, node.rsplit("/", 1)[-1]),
                                 "url": urls.get(node, "")}
        if kind == "paper":
            on = tuple(sorted(featured[node]))
            attrs.update(arxiv=node.rsplit("/paper/", 1)[-1],
                         authors=tuple(name for _, name in sorted(authors[node])),
                         tasks=tuple(sorted(tasks[node])), days=on,
                         first_day=on[0] if on else "")
        attrs["card"] = _card(attrs)
        view.add_node(node, **attrs)
    for source, label, target in edges:
        if source in kinds and target in kinds:
            view.add_edge(source, target, key=label, label=label)
    if days:
        for paper in sorted(day_nodes):
            for day in sorted(day_nodes[paper]):
                if paper in kinds and day in kinds:
                    view.add_edge(paper, day, key=FEATURED.name, label=FEATURED.name)
    return view


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
