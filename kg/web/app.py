"""Route a GET request to a page, a node document, the search, the query page or a file.

:func:`respond` is the whole interface a server needs.  Node IRIs follow the W3C
"Cool URIs" 303 pattern: ``/paper/X`` names the paper and redirects, by ``Accept``
or ``format=``, to ``/paper/X.html`` or to ``/paper/X.ttl``, ``.nt``, ``.jsonld``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.resources import files

import pyoxigraph as ox

from kg.graph.store import output_prefixes
from kg.web import negotiation, querypage
from kg.web.pages import PAGES, index
from kg.web.render import page
from kg.web.response import WebResponse, html, redirect, text
from kg.web.site import Site, site_for

STATIC: dict[str, str] = {
    "site.css": "text/css; charset=utf-8",
    "query.js": "text/javascript; charset=utf-8",
    "LICENSE.txt": "text/plain; charset=utf-8",
}
VOID_PATH = "/.well-known/void"
SEARCH_LIMIT = 50


def respond(store: ox.Store, method: str, path: str,
            params: Sequence[tuple[str, str]] | Mapping[str, Sequence[str]],
            headers: Mapping[str, str],
            run: querypage.QueryRunner | None = None) -> WebResponse | None:
    """Answer a GET/HEAD for ``path`` (still %-encoded), or ``None`` if it is not ours.

    ``/`` is answered only when the client prefers HTML, so ``curl`` keeps the
    server's plain-text help.  Data goes into pages only through the templates'
    autoescaping; pages carry a Content-Security-Policy that forbids inline script.
    """
    if method not in ("GET", "HEAD"):
        return None
    fields = _group(params)
    accept = _header(headers, "Accept")
    if path.startswith("/static/"):
        return _static(path.removeprefix("/static/"))
    if path in ("/", ""):
        if not _asks_for_html(accept):
            return None
        site = site_for(store)
        return html(page(site, "index.html", title="Papers graph", **index.context(site)))
    site = site_for(store)
    if path == VOID_PATH:
        return _rdf(site, site.void(), _wanted(fields, accept, "turtle"))
    if path in ("/queries", "/queries/"):
        return querypage.answer(site, fields, run)
    if path in ("/search", "/search/"):
        return _search(site, fields)
    answer = _node(site, path, fields, accept)
    if answer is None and _asks_for_html(accept):
        return _not_found(site, path)
    return answer


def _node(site: Site, path: str, fields: Mapping[str, Sequence[str]],
          accept: str | None) -> WebResponse | None:
    """The 303 for a node IRI or the document it points to; ``None`` for no such node."""
    resource, suffix = negotiation.split_suffix(path)
    node = ox.NamedNode(site.base + path.lstrip("/"))
    kind = site.kind(node)
    if kind is not None and suffix is None:  # the IRI of a thing: 303 to a document
        wanted = _wanted(fields, accept, None)
        if wanted is None:
            return text("406 none of the offered types is acceptable: "
                        + ", ".join(media for media, _ in negotiation.OFFERED), 406)
        return redirect(path + negotiation.DOCUMENTS[wanted][0])
    if suffix is None:
        return None
    node = ox.NamedNode(site.base + resource.lstrip("/"))
    kind = site.kind(node)
    if kind is None:
        return None
    if suffix != "html":
        return _rdf(site, _description(site, node), suffix)
    template, context = PAGES[kind]
    rdf_links = [(name, resource + negotiation.DOCUMENTS[name][0])
                 for name in ("turtle", "ntriples", "jsonld")]
    body = page(site, template, title=node.value, kind=kind, node_iri=node.value,
                rdf_links=rdf_links, **context(site, node))
    return html(body)


def _description(site: Site, node: ox.NamedNode) -> list[ox.Triple]:
    """The node's statements, both directions (what its page is built from)."""
    quads = [*site.store.quads_for_pattern(node, None, None, ox.DefaultGraph()),
             *site.store.quads_for_pattern(None, None, node, ox.DefaultGraph())]
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)


def _rdf(site: Site, triples: list[ox.Triple], name: str | None) -> WebResponse:
    name = name if name in negotiation.RDF_FORMATS else "turtle"
    assert name is not None
    rdf_format = negotiation.RDF_FORMATS[name]
    body = ox.serialize(triples, format=rdf_format,
                        prefixes=output_prefixes(rdf_format, site.base))
    return WebResponse(200, negotiation.DOCUMENTS[name][1], body or b"", {"Vary": "Accept"})


def _search(site: Site, fields: Mapping[str, Sequence[str]]) -> WebResponse:
    wanted = (fields.get("q") or [""])[-1][:200]
    hits = site.search.search(wanted, SEARCH_LIMIT) if wanted.strip() else []
    return html(page(site, "search.html", title="Search", search_text=wanted, hits=hits,
                     limit=SEARCH_LIMIT))


def _static(name: str) -> WebResponse:
    if name not in STATIC:
        return text(f"404 no static file {name!r}", 404)
    body = (files("kg.web") / "static" / name).read_bytes()
    return WebResponse(200, STATIC[name], body, {"Cache-Control": "max-age=3600"})


def _not_found(site: Site, path: str) -> WebResponse:
    body = page(site, "error.html", title="Not found", status="404 Not Found",
                message=f"Nothing in this graph has the IRI {site.base}{path.lstrip('/')}.")
    return html(body, 404)


def _asks_for_html(accept: str | None) -> bool:
    """Browsers name text/html; ``curl`` (``*/*``) and SPARQL clients get the server's
    plain-text help and errors, as before these pages existed."""
    return "html" in (accept or "") and negotiation.negotiate(accept) == "html"


def _wanted(fields: Mapping[str, Sequence[str]], accept: str | None,
            default: str | None) -> str | None:
    forced = fields.get("format")
    if forced:
        return negotiation.FORMAT_NAMES.get(forced[-1].lower(), default or "html")
    return negotiation.negotiate(accept) or default


def _group(params: Sequence[tuple[str, str]] | Mapping[str, Sequence[str]]
           ) -> dict[str, list[str]]:
    if isinstance(params, Mapping):
        return {key: list(values) for key, values in params.items()}
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        grouped.setdefault(key, []).append(value)
    return grouped


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None
