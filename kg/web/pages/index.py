"""The index: totals per kind, the newest days and the top tasks."""

from __future__ import annotations

from typing import Any

from kg.graph.kinds import KINDS
from kg.web.site import Site

_TOTALS = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
_DAYS = """
SELECT ?day ?date (COUNT(?entry) AS ?papers) WHERE {
  ?day a schema:PublicationIssue ; schema:datePublished ?date .
  OPTIONAL { ?entry schema:isPartOf ?day }
} GROUP BY ?day ?date ORDER BY DESC(?date) LIMIT 14
"""
_TASKS = """
SELECT ?task (COUNT(?paper) AS ?papers) WHERE { ?paper dcterms:subject ?task } GROUP BY ?task
"""


def context(site: Site) -> dict[str, Any]:
    counts = {row["c"]: row["n"] for row in site.rows(_TOTALS)}
    totals = [(kind.plural, counts[kind.cls.value]) for kind in KINDS
              if counts.get(kind.cls.value)]
    tasks = site.top(_TASKS, "task", "papers", 20, label="skos:prefLabel", into="label")
    return {"totals": totals, "days": site.rows(_DAYS), "tasks": tasks}
