"""A task: papers over time (a bar chart drawn on the server), top authors, co-occurring tasks."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.web.site import Site

_LABEL = "SELECT ?label WHERE { ?node skos:prefLabel ?label } LIMIT 1"
_MONTHS = """
SELECT ?month (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  { SELECT ?paper (MIN(STR(?date)) AS ?first) WHERE {
      ?paper dcterms:subject ?node .
      ?entry schema:about ?paper ; schema:isPartOf/schema:datePublished ?date .
    } GROUP BY ?paper }
  BIND (SUBSTR(?first, 1, 7) AS ?month)
} GROUP BY ?month ORDER BY ?month
"""
_PAPERS = """
SELECT ?paper (MIN(STR(?date)) AS ?first) WHERE {
  ?paper dcterms:subject ?node .
  ?entry schema:about ?paper ; schema:isPartOf/schema:datePublished ?date .
} GROUP BY ?paper ORDER BY DESC(?first) STR(?paper) LIMIT 100
"""
_AUTHORS = """
SELECT ?person (COUNT(?paper) AS ?papers) WHERE {
  ?paper dcterms:subject ?node ; dcterms:creator ?person .
} GROUP BY ?person
"""
_COTASKS = """
SELECT ?other (COUNT(?paper) AS ?papers) WHERE {
  ?paper dcterms:subject ?node , ?other . FILTER (?other != ?node)
} GROUP BY ?other
"""


def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    labels = site.rows(_LABEL, node=node)
    months = site.rows(_MONTHS, node=node)
    return {
        "label": labels[0]["label"] if labels else "",
        "paper_count": sum(row["papers"] for row in months),
        "chart": bar_chart(months),
        "papers": site.labelled(site.rows(_PAPERS, node=node), "paper", "rdfs:label",
                                "title"),
        "authors": site.top(_AUTHORS, "person", "papers", 20, label="schema:name",
                            into="name", node=node),
        "cotasks": site.top(_COTASKS, "other", "papers", 20, label="skos:prefLabel",
                            into="label", node=node),
    }


def bar_chart(months: list[dict[str, Any]], height: int = 120, bar: int = 28
              ) -> dict[str, Any]:
    """Bar geometry for an inline SVG (papers first listed per month)."""
    peak = max((row["papers"] for row in months), default=0) or 1
    bars = []
    for index, row in enumerate(months):
        tall = round(row["papers"] / peak * (height - 20))
        bars.append({"x": index * bar + 4, "y": height - tall, "width": bar - 6,
                     "height": tall, "month": row["month"], "papers": row["papers"]})
    return {"width": max(len(months) * bar + 8, 60), "height": height + 30, "base": height,
            "bars": bars}
