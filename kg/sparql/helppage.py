"""The plain-text help page an endpoint serves at ``/``."""

from __future__ import annotations

from typing import Any


def help_text(config: Any, url: str) -> str:
    """The page for an endpoint at ``url`` with ``config`` (an ``EndpointConfig``)."""
    prefixes = "\n".join(f"  PREFIX {name}: <{iri}>" for name, iri in
                         sorted(config.prefixes.items())) or "  (none)"
    return f"""paperkg SPARQL endpoint (read-only, SPARQL 1.1 Protocol)

Endpoint: {url}
  GET  {url}?query=<url-encoded query>
  POST {url}  Content-Type: application/x-www-form-urlencoded  (query=...)
  POST {url}  Content-Type: application/sparql-query  (the query as the body)

Results (Accept header, or format=...):
  SELECT/ASK:          application/sparql-results+json (default), application/sparql-results+xml,
                       text/csv, text/tab-separated-values, text/plain (table)
  CONSTRUCT/DESCRIBE:  text/turtle (default), application/n-triples

The default graph is the union of the named graphs (one per digest day).
Limits: time {_limit(config.timeout, "s")}, rows {_limit(config.max_rows, "")}, \
request body {config.max_body} bytes, memory \
{_limit(config.memory_mb, "MB")} per query, {config.max_concurrent} queries at a time.
Truncated results carry the header "Paperkg-Truncated: true".

Known prefixes (usable without declaring them):
{prefixes}

Example:
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * {{ ?s ?p ?o }} LIMIT 5' {url}
"""


def _limit(value: float | None, unit: str) -> str:
    return "none" if value is None else f"{value:g}{(' ' + unit) if unit else ''}"
