"""The index: totals per kind, the newest days and the top tasks."""

from __future__ import annotations

from typing import Any

from kg.graph.kinds import KINDS
from kg.web.pages.task import counted
from kg.web.site import Site

_DAYS = """
SELECT ?day ?date (COUNT(?entry) AS ?papers) WHERE {
  ?day a schema:PublicationIssue ; schema:datePublished ?date .
  OPTIONAL { ?entry schema:isPartOf ?day }
} GROUP BY ?day ?date ORDER BY DESC(?date) LIMIT 14
"""


def context(site: Site) -> dict[str, Any]:
    summary = site.summary()
    totals = [(kind.plural, summary.totals[kind.cls.value]) for kind in KINDS
              if summary.totals.get(kind.cls.value)]
    return {"totals": totals, "days": site.rows(_DAYS),
            "tasks": counted(summary.top_tasks, "task", "label")}
