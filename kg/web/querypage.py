"""The query page: library presets with their parameters as fields, results as a table.

It is an HTML form answered on the server, so it works with no script; the small
editor in ``static/query.js`` only adds comfort.  Under ``kg serve`` queries run
in the server's worker pool (memory cap, hard kill, fair queue) like /sparql;
read-only, no SERVICE, with a time and row cap; errors show their line and column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.sparql.library import LibraryQuery, QueryLibraryError, list_queries
from kg.sparql.query import QueryError, QueryOutcome, Term, run_query
from kg.sparql.results import display_term, render
from kg.web.render import external, page
from kg.web.response import WebResponse, html
from kg.web.site import Site

#: Runs a user's query: ``(text, prefixes, max_rows, timeout) -> outcome``. ``kg serve``
#: passes its worker pool, so a query from this page is as bounded as one sent to /sparql.
QueryRunner = Callable[[str, Mapping[str, str], int, float], QueryOutcome]

TIMEOUT = 30.0
MAX_ROWS = 2000
DOWNLOADS = {"csv": ("text/csv; charset=utf-8", "results.csv"),
             "json": ("application/sparql-results+json", "results.json")}


def in_process(text: str, prefixes: Mapping[str, str], max_rows: int,
               timeout: float, *, store: ox.Store) -> QueryOutcome:
    """The runner without a server (library callers and tests): a thread with a time cap."""
    return run_query(store, text, prefixes=prefixes, timeout=timeout, max_rows=max_rows)


def answer(site: Site, params: Mapping[str, Sequence[str]],
           run: QueryRunner | None = None) -> WebResponse:
    """Show the form; with ``run`` also the results; with ``download`` a results file."""
    presets = list_queries()
    preset = _preset(presets, _one(params, "preset"))
    values = dict(preset.defaults()) if preset else {}
    for name in values:
        given = _one(params, f"p.{name}")
        if given is not None:
            values[name] = given
    loading = _one(params, "load") is not None
    given = _one(params, "query")
    text = preset.text if preset and (loading or given is None) else (given or "")
    context: dict[str, Any] = {"presets": presets, "preset": preset, "values": values,
                               "text": text, "error": None, "outcome": None}
    wants = _one(params, "run") is not None or _one(params, "download") is not None
    if wants and not loading:
        try:
            bound = _bind(preset, text, values)
            runner = run or partial(in_process, store=site.store)
            outcome = runner(bound, site.prefixes, MAX_ROWS, TIMEOUT)
        except QueryLibraryError as err:
            context["error"] = {"message": str(err), "line": None, "column": None}
        except QueryError as err:
            context["error"] = {"message": str(err), "line": err.line, "column": err.column}
        else:
            download = _one(params, "download")
            if download in DOWNLOADS and outcome.kind != "graph":
                media, filename = DOWNLOADS[download]
                return WebResponse(200, media, render(outcome, download),
                                   {"Content-Disposition": f'attachment; filename="{filename}"'})
            context.update(_results(site, outcome, preset, text, values))
    return html(page(site, "query.html", title="Query", **context))


def _bind(preset: LibraryQuery | None, text: str, values: Mapping[str, str]) -> str:
    """The text with the preset's parameters bound (as escaped literals, by the library)."""
    if preset is None:
        return text
    return dataclasses.replace(preset, text=text).bind(values)


def _results(site: Site, outcome: QueryOutcome, preset: LibraryQuery | None, text: str,
             values: Mapping[str, str]) -> dict[str, Any]:
    query: list[tuple[str, str]] = [("query", text)]
    if preset is not None:
        query.append(("preset", preset.name))
        query.extend((f"p.{name}", value) for name, value in values.items())
    if outcome.kind == "graph":
        columns = ["subject", "predicate", "object"]
        rows: list[Sequence[Term | None]] = [(t.subject, t.predicate, t.object)
                                                 for t in outcome.triples]
    else:
        columns = list(outcome.variables)
        rows = list(outcome.rows)
    cells = [[_cell(site, term) for term in row] for row in rows]
    return {"outcome": outcome, "columns": columns, "cells": cells,
            "download_query": urlencode(query)}


def _cell(site: Site, term: Term | None) -> dict[str, str | None]:
    if term is None:
        return {"text": "", "href": None}
    shown = display_term(term, site.prefixes)
    if isinstance(term, ox.NamedNode):
        return {"text": shown, "href": site.local(term.value) or external(term.value)}
    return {"text": term.value if isinstance(term, ox.Literal) else shown, "href": None}


def _preset(presets: list[LibraryQuery], name: str | None) -> LibraryQuery | None:
    return next((q for q in presets if q.name == name), None) if name else None


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None
