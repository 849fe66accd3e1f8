"""A repository, model, dataset, space, collection, account or web page: what links to it."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.web.site import Site

_HEAD = """
SELECT ?label ?url ?owner ?owner_label WHERE {
  ?node rdfs:label ?label .
  OPTIONAL { ?node schema:codeRepository|schema:url ?url }
  OPTIONAL { ?node sioc:has_owner ?owner . ?owner rdfs:label ?owner_label }
} LIMIT 1
"""
_PAPERS = """
SELECT ?paper (SAMPLE(?t) AS ?title) (MIN(STR(?date)) AS ?first) WHERE {
  ?paper ?edge ?node ; a fabio:Preprint ; rdfs:label ?t .
  OPTIONAL { ?entry schema:about ?paper ; schema:isPartOf/schema:datePublished ?date }
} GROUP BY ?paper ORDER BY DESC(?first) LCASE(?title) LIMIT 200
"""
_OWNED = """
SELECT ?item ?label (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?item sioc:has_owner ?node ; rdfs:label ?label .
  OPTIONAL { ?paper ?edge ?item ; a fabio:Preprint }
} GROUP BY ?item ?label ORDER BY DESC(?papers) LCASE(?label) LIMIT 200
"""


def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    head = site.rows(_HEAD, node=node)
    return {
        "head": head[0] if head else {},
        "papers": site.rows(_PAPERS, node=node),
        "owned": site.rows(_OWNED, node=node),
    }
