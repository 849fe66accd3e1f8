"""Browse the graph: linked-data pages, a query page and text search for ``kg serve``.

Every node IRI under the graph's base has a local path (``/paper/2502.19587``); a
request for it is answered per the W3C "Cool URIs for the Semantic Web" note: a
303 redirect to an HTML page for browsers or to a Turtle, N-Triples or JSON-LD
document for RDF clients.  Pages are rendered on the server (Jinja2, autoescaped)
and need no network and no script.  :func:`respond` is the one entry point a
server calls; it returns ``None`` for paths it does not serve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.support.lazy import attributes

if TYPE_CHECKING:
    from kg.web.app import respond
    from kg.web.response import WebResponse
    from kg.web.search import SEARCH_FILE, update_index

__all__ = ["SEARCH_FILE", "WebResponse", "respond", "update_index"]
_HOMES = {"respond": "kg.web.app", "WebResponse": "kg.web.response",
          "SEARCH_FILE": "kg.web.search", "update_index": "kg.web.search"}


# Loaded on first use: every kg add imports kg.web.search, not the web app.
__getattr__ = attributes(__name__, _HOMES)
