"""Any other node (entries, authorships, sources): its statements in and out."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.web.site import Site

_OUT = "SELECT ?p ?o WHERE { ?node ?p ?o } ORDER BY STR(?p) STR(?o) LIMIT 500"
_IN = "SELECT ?s ?p WHERE { ?s ?p ?node } ORDER BY STR(?p) STR(?s) LIMIT 500"


def context(site: Site, node: ox.NamedNode) -> dict[str, Any]:
    return {"outgoing": site.rows(_OUT, node=node), "incoming": site.rows(_IN, node=node)}
