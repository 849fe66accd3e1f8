"""A digest day re-rendered with links: each paper, its authors, tasks, summary and links."""

from __future__ import annotations

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
SELECT ?paper ?title ?text
       (GROUP_CONCAT(DISTINCT CONCAT(STR(1000 + ?pos), "\\u001F", STR(?person), "\\u001F", ?name);
                     SEPARATOR="\\u001E") AS ?authors)
       (GROUP_CONCAT(DISTINCT CONCAT(STR(?task), "\\u001F", STR(?tl));
                     SEPARATOR="\\u001E") AS ?tasks)
WHERE {
  ?entry schema:isPartOf ?node ; schema:about ?paper . ?paper rdfs:label ?title .
  OPTIONAL { ?entry schema:text ?text }
  OPTIONAL { ?paper prov:qualifiedAttribution ?a . ?a prov:agent ?person ;
             pkg:authorPosition ?pos . ?person schema:name ?name }
  OPTIONAL { ?paper dcterms:subject ?task . ?task skos:prefLabel ?tl }
} GROUP BY ?paper ?title ?text ORDER BY STR(?paper)
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
    entries = []
    for row in site.rows(_ENTRIES, node=node):
        entries.append({
            "paper": row["paper"], "title": row["title"], "text": row["text"],
            "authors": _pairs(row["authors"], sort=True),
            "tasks": sorted(_pairs(row["tasks"]), key=lambda pair: pair[1].casefold()),
        })
    neighbours = {name: rows[0]["date"] if rows else None for name, rows in
                  (("previous", site.rows(_PREVIOUS, node=node)),
                   ("next", site.rows(_NEXT, node=node)))}
    return {"head": head[0] if head else {}, "entries": entries, "neighbours": neighbours,
            "day_path": site.local(site.base + "day/")}


def _pairs(packed: str | None, sort: bool = False) -> list[tuple[str, str]]:
    """Unpack ``GROUP_CONCAT`` text: ``[order]␟iri␟label`` records -> (iri, label)."""
    if not packed:
        return []
    lines = sorted(packed.split("\x1e")) if sort else packed.split("\x1e")
    return [(parts[-2], parts[-1]) for parts in (line.split("\x1f") for line in lines)]
