"""A paper: title, authors in order, tasks, every day it was listed, links, related papers."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.web.site import Site

_HEAD = """
SELECT ?title ?identifier ?url WHERE {
  ?node rdfs:label ?title .
  OPTIONAL { ?node dcterms:identifier ?identifier }
  OPTIONAL { ?node schema:url ?url }
} LIMIT 1
"""
_AUTHORS = """
SELECT ?person ?name ?position WHERE {
  # the author list of the paper's latest listing (each listing keeps its own)
  { SELECT (MAX(?listed) AS ?latest) WHERE {
      ?listing schema:about ?node ; prov:qualifiedAttribution [] ;
               schema:isPartOf/schema:datePublished ?listed } }
  ?entry schema:about ?node ; prov:qualifiedAttribution ?a ;
         schema:isPartOf/schema:datePublished ?latest .
  ?a prov:agent ?person ; pkg:authorPosition ?position .
  ?person schema:name ?name .
} ORDER BY ?position
"""
_TASKS = """
SELECT ?task ?label WHERE { ?node dcterms:subject ?task . ?task skos:prefLabel ?label }
ORDER BY LCASE(STR(?label))
"""
_DAYS = """
SELECT ?day ?date ?text WHERE {
  ?entry schema:about ?node ; schema:isPartOf ?day . ?day schema:datePublished ?date .
  OPTIONAL { ?entry schema:text ?text }
} ORDER BY ?date
"""
_LINKS = """
SELECT ?item ?kind ?label ?url WHERE {
  VALUES (?edge ?kind) { (pkg:hasRepository "repository") (pkg:hasModel "model")
    (pkg:hasDataset "dataset") (pkg:hasSpace "space") (pkg:hasCollection "collection")
    (pkg:mentionsAccount "account") (foaf:page "page") }
  ?node ?edge ?item . ?item rdfs:label ?label .
  OPTIONAL { ?item schema:codeRepository|schema:url ?url }
} ORDER BY ?kind LCASE(STR(?label))
"""
_RELATED = """
SELECT ?other (SAMPLE(?t) AS ?title) (COUNT(DISTINCT ?shared) AS ?n)
       (GROUP_CONCAT(DISTINCT ?why; SEPARATOR=", ") AS ?reasons) WHERE {
  {
    VALUES (?edge ?why) { (pkg:hasRepository "code") (pkg:hasModel "model")
      (pkg:hasDataset "dataset") (pkg:hasSpace "space") (pkg:hasCollection "collection") }
    ?node ?edge ?shared . ?other ?edge ?shared .
  } UNION {
    ?node dcterms:creator ?shared . ?other dcterms:creator ?shared . BIND("authors" AS ?why)
  }
  FILTER (?other != ?node)
  ?other rdfs:label ?t .
} GROUP BY ?other ORDER BY DESC(?n) LCASE(?title) LIMIT 30
"""


def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    head = site.rows(_HEAD, node=node)
    return {
        "head": head[0] if head else {},
        "authors": site.rows(_AUTHORS, node=node),
        "tasks": site.rows(_TASKS, node=node),
        "days": site.rows(_DAYS, node=node),
        "links": site.rows(_LINKS, node=node),
        "related": site.rows(_RELATED, node=node),
    }
