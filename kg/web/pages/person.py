"""A person: papers by month, co-authors with counts, tasks, other spellings."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import pyoxigraph as ox

from kg.web.site import Site

_NAME = "SELECT ?name WHERE { ?node schema:name ?name } LIMIT 1"
_PAPERS = """
SELECT ?paper (SAMPLE(?t) AS ?title) (MIN(STR(?date)) AS ?first) WHERE {
  ?paper dcterms:creator ?node ; rdfs:label ?t .
  ?entry schema:about ?paper ; schema:isPartOf/schema:datePublished ?date .
} GROUP BY ?paper ORDER BY DESC(?first) LCASE(?title)
"""
_COAUTHORS = """
SELECT ?other (SAMPLE(?n) AS ?name) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?paper dcterms:creator ?node , ?other . FILTER (?other != ?node)
  ?other schema:name ?n .
} GROUP BY ?other ORDER BY DESC(?papers) LCASE(?name) LIMIT 50
"""
_TASKS = """
SELECT ?task (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?paper dcterms:creator ?node ; dcterms:subject ?task . ?task skos:prefLabel ?l .
} GROUP BY ?task ORDER BY DESC(?papers) LCASE(?label)
"""
#: Identity links between people (skos:closeMatch, owl:sameAs), either direction.
_SPELLINGS = """
SELECT DISTINCT ?other ?name ?relation WHERE {
  VALUES ?relation { skos:closeMatch owl:sameAs }
  { ?node ?relation ?other } UNION { ?other ?relation ?node }
  FILTER (?other != ?node)
  ?other schema:name ?name .
} ORDER BY LCASE(STR(?name)) ?other
"""


def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    names = site.rows(_NAME, node=node)
    papers = site.rows(_PAPERS, node=node)
    months = [(month, list(rows)) for month, rows in
              groupby(papers, key=lambda row: (row["first"] or "")[:7])]
    return {
        "name": names[0]["name"] if names else "",
        "paper_count": len(papers),
        "months": months,
        "coauthors": site.rows(_COAUTHORS, node=node),
        "tasks": site.rows(_TASKS, node=node),
        "spellings": site.rows(_SPELLINGS, node=node),
    }
