"""A task: papers over time (a bar chart drawn on the server), top authors, co-occurring tasks.

The counts come from the site's summary (:mod:`kg.web.summary`), computed once
per served store: the largest tasks of a year are too big to aggregate per request.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.web.site import Site
from kg.web.summary import Ranked, TaskSummary

_LABEL = "SELECT ?label WHERE { ?node skos:prefLabel ?label } LIMIT 1"
_EMPTY = TaskSummary(papers=0, months=(), newest=(), authors=(), cotasks=())


def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    labels = site.rows(_LABEL, node=node)
    summary = site.summary().tasks.get(node.value, _EMPTY)
    return {
        "label": labels[0]["label"] if labels else "",
        "paper_count": summary.papers,
        "chart": bar_chart([{"month": month, "papers": n} for month, n in summary.months]),
        "papers": [{"paper": p.iri, "title": p.title, "first": p.first}
                   for p in summary.newest],
        "authors": counted(summary.authors, "person", "name"),
        "cotasks": counted(summary.cotasks, "other", "label"),
    }


def counted(ranked: tuple[Ranked, ...], key: str, label: str) -> list[dict[str, Any]]:
    """A top list as the rows the ``counted`` template macro reads."""
    return [{key: item.iri, label: item.label, "papers": item.papers} for item in ranked]


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
