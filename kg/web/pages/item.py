"""A repository, model, dataset, space, collection, account or web page: what links to it."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.web.site import Site

#: What a paper links to: code, Hugging Face items, accounts, web pages.
_EDGES = ("VALUES ?edge { pkg:hasRepository pkg:hasModel pkg:hasDataset pkg:hasSpace "
          "pkg:hasCollection pkg:mentionsAccount foaf:page }")

_HEAD = """
SELECT ?label ?url ?owner ?owner_label WHERE {
  ?node rdfs:label ?label .
  OPTIONAL { ?node schema:codeRepository|schema:url ?url }
  OPTIONAL { ?node sioc:has_owner ?owner . ?owner rdfs:label ?owner_label }
} LIMIT 1
"""
_PAPERS = """
SELECT ?paper (MIN(STR(?date)) AS ?first) WHERE {
  EDGES ?paper ?edge ?node .
  ?entry schema:about ?paper ; schema:isPartOf/schema:datePublished ?date .
} GROUP BY ?paper ORDER BY DESC(?first) STR(?paper) LIMIT 200
"""
_OWNED = """
SELECT ?item (COUNT(?paper) AS ?papers) WHERE {
  ?item sioc:has_owner ?node .
  OPTIONAL { EDGES ?paper ?edge ?item }
} GROUP BY ?item ORDER BY DESC(?papers) STR(?item) LIMIT 200
"""


def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    head = site.rows(_HEAD, node=node)
    return {
        "head": head[0] if head else {},
        "papers": site.labelled(site.rows(_PAPERS.replace("EDGES", _EDGES), node=node),
                                "paper", "rdfs:label", "title"),
        "owned": site.labelled(site.rows(_OWNED.replace("EDGES", _EDGES), node=node),
                               "item", "rdfs:label", "label"),
    }
