"""A digest day re-rendered with links: each paper, its authors, tasks, summary and links."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from kg.web.site import Site

_HEAD = """
SELECT ?label ?date ?source WHERE {
  ?node rdfs:label ?label ; schema:datePublished ?date .
  OPTIONAL { ?node prov:wasDerivedFrom/rdfs:label ?source }
} LIMIT 1
"""
_ENTRIES = """
SELECT ?paper ?title ?text WHERE {
  ?entry schema:isPartOf ?node ; schema:about ?paper . ?paper rdfs:label ?title .
  OPTIONAL { ?entry schema:text ?text }
} ORDER BY STR(?paper)
"""
_AUTHORS = """
SELECT ?paper ?person ?name WHERE {
  ?entry schema:isPartOf ?node ; schema:about ?paper ; prov:qualifiedAttribution ?a .
  ?a prov:agent ?person ; pkg:authorPosition ?position .
  ?person schema:name ?name .
} ORDER BY ?paper ?position
"""
_TASKS = """
SELECT ?paper ?task ?label WHERE {
  ?entry schema:isPartOf ?node ; schema:about ?paper ; dcterms:subject ?task .
  ?task skos:prefLabel ?label .
} ORDER BY ?paper LCASE(STR(?label))
"""
_PREVIOUS = """
SELECT (STR(MAX(?other)) AS ?date) WHERE {
  ?node schema:datePublished ?when . ?d schema:datePublished ?other . FILTER (?other < ?when)
}
"""
_NEXT = """
SELECT (STR(MIN(?other)) AS ?date) WHERE {
  ?node schema:datePublished ?when . ?d schema:datePublished ?other . FILTER (?other > ?when)
}
"""

def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    head = site.rows(_HEAD, node=node)
    authors: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in site.rows(_AUTHORS, node=node):
        authors[row["paper"]].append((row["person"], row["name"]))
    tasks: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in site.rows(_TASKS, node=node):
        tasks[row["paper"]].append((row["task"], row["label"]))
    entries = [{**row, "authors": authors[row["paper"]], "tasks": tasks[row["paper"]]}
               for row in site.rows(_ENTRIES, node=node)]
    neighbours = {name: rows[0]["date"] if rows else None for name, rows in
                  (("previous", site.rows(_PREVIOUS, node=node)),
                   ("next", site.rows(_NEXT, node=node)))}
    return {"head": head[0] if head else {}, "entries": entries, "neighbours": neighbours,
            "day_path": site.local(site.base + "day/")}

