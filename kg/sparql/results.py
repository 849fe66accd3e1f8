"""Write query results (:class:`kg.sparql.query.QueryOutcome`) in standard and human formats.

Machine formats use pyoxigraph's own serializers so they follow the W3C specs exactly:

* SELECT/ASK: SPARQL 1.1 Query Results JSON, XML, CSV (plain lexical values) and TSV
  (N-Triples-style terms) via ``QuerySolutions.serialize`` / ``QueryBoolean.serialize``.
  pyoxigraph cannot build a ``QuerySolutions`` from Python objects, and the outcome has
  already been consumed (and capped), so the capped rows are encoded as SPARQL JSON and
  parsed back with ``parse_query_results`` - a lossless round trip that hands all the
  escaping rules (CSV quoting, TSV term syntax, XML) to pyoxigraph.
* CONSTRUCT/DESCRIBE: Turtle (with the known prefixes that are actually used) or
  N-Triples via ``pyoxigraph.serialize``.  Triples are sorted first: a graph is a set, and
  sorting makes the output stable across runs and groups Turtle by subject.

Human formats (aligned ``table``, ``markdown``) shorten IRIs with the known prefixes.
Every format is deterministic for a given row order.  Truncation is reported in the
human formats' footer; machine formats stay spec-valid, so callers must report
``outcome.truncated`` themselves (the endpoint uses a response header).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from kg.export.formats import FORMATS
from kg.graph.store import triple_key
from kg.sparql.query import QueryOutcome, Row, Term

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": FORMATS["turtle"].oxigraph,
    "ntriples": FORMATS["nt"].oxigraph,
}
HUMAN_FORMATS = ("table", "markdown")
ALL_FORMATS = (*HUMAN_FORMATS, *RESULT_FORMATS, *GRAPH_FORMATS)

MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": FORMATS["turtle"].media_type + "; charset=utf-8",
    "ntriples": FORMATS["nt"].media_type,
    "table": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
}

_PLAIN_DATATYPES = frozenset(
    XSD + name
    for name in (
        "string", "integer", "decimal", "double", "float", "boolean", "date", "dateTime",
        "gYear", "gYearMonth", "int", "long", "nonNegativeInteger", "positiveInteger",
    )
)
_PN_LOCAL_RE = re.compile(r"^[\w\-]*(?:\.[\w\-]+)*$")
DEFAULT_MAX_WIDTH = 60


class FormatError(ValueError):
    """The requested format does not fit the kind of result (e.g. Turtle for a SELECT)."""


def render(
    outcome: QueryOutcome,
    fmt: str = "table",
    *,
    prefixes: Mapping[str, str] | None = None,
    max_width: int | None = DEFAULT_MAX_WIDTH,
) -> bytes:
    """Serialize ``outcome`` as ``fmt`` (one of :data:`ALL_FORMATS`), UTF-8 encoded."""
    known = dict(prefixes or {})
    if fmt == "table":
        return format_table(outcome, known, max_width=max_width).encode("utf-8")
    if fmt == "markdown":
        return format_markdown(outcome, known).encode("utf-8")
    if fmt in RESULT_FORMATS:
        if outcome.kind == "graph":
            raise FormatError(
                f"CONSTRUCT/DESCRIBE results are graphs; write them as "
                f"{' or '.join(GRAPH_FORMATS)} (or table/markdown), not {fmt}."
            )
        return _written(to_oxigraph_results(outcome).serialize(format=RESULT_FORMATS[fmt]))
    if fmt in GRAPH_FORMATS:
        if outcome.kind != "graph":
            raise FormatError(
                f"{outcome.kind.upper()} results are tables; write them as "
                f"{', '.join((*RESULT_FORMATS, *HUMAN_FORMATS))}, not {fmt}."
            )
        return serialize_graph(outcome.triples, fmt, prefixes=known)
    raise FormatError(f"unknown result format {fmt!r}; choose one of {', '.join(ALL_FORMATS)}.")


# ------------------------------------------------------------------ standard formats


def to_oxigraph_results(outcome: QueryOutcome) -> ox.QuerySolutions | ox.QueryBoolean:
    """Rebuild a pyoxigraph result object from the (capped) outcome, for its serializers.

    The pivot is SPARQL TSV, whose cells are terms in N-Triples syntax, which is what
    ``str`` gives a pyoxigraph term (escapes included): for 84k rows of five terms it
    took 0.3 s where building the JSON document took 0.9 s. Results without variables
    or with RDF 1.2 triple terms (``str`` writes those as a bare statement) go through
    the JSON document.
    """
    if outcome.kind == "select" and outcome.variables and not any(
            isinstance(term, ox.Triple) for row in outcome.rows for term in row):
        return ox.parse_query_results(_tsv_document(outcome), ox.QueryResultsFormat.TSV)
    return ox.parse_query_results(to_json_document(outcome), ox.QueryResultsFormat.JSON)


def _tsv_document(outcome: QueryOutcome) -> str:
    """SPARQL 1.1 Query Results TSV of a SELECT outcome without triple terms."""
    lines = ["\t".join(f"?{name}" for name in outcome.variables)]
    lines.extend("\t".join("" if term is None else str(term) for term in row)
                 for row in outcome.rows)
    return "\n".join(lines) + "\n"


def to_json_document(outcome: QueryOutcome) -> str:
    """SPARQL 1.1 Query Results JSON for a SELECT or ASK outcome (used as the pivot)."""
    if outcome.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(outcome.boolean)})
    if outcome.kind != "select":
        raise FormatError("only SELECT and ASK results have a SPARQL results document.")
    bindings = [_json_binding(outcome.variables, row) for row in outcome.rows]
    return json.dumps(
        {"head": {"vars": list(outcome.variables)}, "results": {"bindings": bindings}},
        ensure_ascii=False,
    )


def _json_binding(variables: Sequence[str], row: Row) -> dict[str, object]:
    return {name: term_to_json(term) for name, term in zip(variables, row, strict=True)
            if term is not None}


def term_to_json(term: Term) -> dict[str, object]:
    """One RDF term in the SPARQL JSON results encoding (RDF 1.2 triple terms included)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": term_to_json(term.subject),
            "predicate": term_to_json(term.predicate),
            "object": term_to_json(term.object),
        }}
    encoded: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        encoded["xml:lang"] = term.language
        if getattr(term, "direction", None) is not None:
            encoded["its:dir"] = str(term.direction)
    elif term.datatype.value != XSD + "string":
        encoded["datatype"] = term.datatype.value
    return encoded


def serialize_graph(
    triples: Iterable[ox.Triple], fmt: str = "turtle", *, prefixes: Mapping[str, str] | None = None
) -> bytes:
    """Turtle (with the used prefixes) or N-Triples, triples sorted for stable output."""
    ordered = sorted(triples, key=triple_key)
    if fmt == "ntriples":
        return _written(ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES))
    if fmt != "turtle":
        raise FormatError(f"graphs are written as turtle or ntriples, not {fmt!r}.")
    used = _used_prefixes(ordered, prefixes or {})
    return _written(ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=used))


def _written(data: bytes | None) -> bytes:
    """pyoxigraph's serializers return bytes when given no output (None only with one)."""
    assert data is not None
    return data


def _used_prefixes(triples: Sequence[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, str]:
    """Only the prefixes that shorten at least one IRI, so output is not padded with noise."""
    iris = {iri for triple in triples for iri in _iris(triple)}
    return {name: ns for name, ns in sorted(prefixes.items())
            if any(iri.startswith(ns) for iri in iris)}


def _iris(term: Term) -> Iterable[str]:
    if isinstance(term, ox.NamedNode):
        yield term.value
    elif isinstance(term, ox.Triple):
        for part in (term.subject, term.predicate, term.object):
            yield from _iris(part)
    elif isinstance(term, ox.Literal):
        yield term.datatype.value


# --------------------------------------------------------------------- human formats


def shorten_iri(iri: str, prefixes: Mapping[str, str]) -> str:
    """``prefix:local`` using the longest matching namespace, else ``<iri>``."""
    best: tuple[int, str] | None = None
    for name, namespace in prefixes.items():
        if namespace and iri.startswith(namespace) and (best is None or len(namespace) > best[0]):
            local = iri[len(namespace):]
            if _PN_LOCAL_RE.match(local):
                best = (len(namespace), f"{name}:{local}")
    return best[1] if best else f"<{iri}>"


def display_term(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """A compact, human-oriented rendering of one term ('' for unbound)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten_iri(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        parts = (display_term(part, prefixes) for part in (term.subject, term.predicate,
                                                           term.object))
        return f"<< {' '.join(parts)} >>"
    return _display_literal(term, prefixes)


def _display_literal(literal: ox.Literal, prefixes: Mapping[str, str]) -> str:
    datatype = literal.datatype.value
    if literal.language:
        return f"{literal.value}@{literal.language}"
    if datatype in _PLAIN_DATATYPES:
        return literal.value
    return f'"{literal.value}"^^{shorten_iri(datatype, prefixes)}'


def _cell(text: str, max_width: int | None) -> str:
    """One line, no control characters, at most ``max_width`` columns (ellipsis)."""
    flat = " ".join(text.split())
    if max_width is None or display_width(flat) <= max_width:
        return flat
    out, width = [], 0
    for char in flat:
        char_width = _char_width(char)
        if width + char_width > max_width - 1:
            break
        out.append(char)
        width += char_width
    return "".join(out) + "…"


@functools.cache  # a result has few distinct characters, and millions of them
def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (wide East Asian characters count twice)."""
    if text.isascii():  # one column each: the common case, without a lookup per character
        return len(text)
    return sum(_char_width(char) for char in text)


def _table_data(
    outcome: QueryOutcome, prefixes: Mapping[str, str]
) -> tuple[list[str], list[list[str]]]:
    """Header and string cells for any outcome kind (graphs become subject/predicate/object)."""
    if outcome.kind == "ask":
        return ["ask"], [["true" if outcome.boolean else "false"]]
    if outcome.kind == "graph":
        rows = [[display_term(t.subject, prefixes), display_term(t.predicate, prefixes),
                 display_term(t.object, prefixes)] for t in sorted(outcome.triples,
                                                                    key=triple_key)]
        return ["subject", "predicate", "object"], rows
    shown: dict[Term | None, str] = {}  # the same IRIs come back row after row

    def display(term: Term | None) -> str:
        if term not in shown:
            shown[term] = display_term(term, prefixes)
        return shown[term]

    return list(outcome.variables), [[display(term) for term in row] for row in outcome.rows]


def format_table(
    outcome: QueryOutcome,
    prefixes: Mapping[str, str] | None = None,
    *,
    max_width: int | None = DEFAULT_MAX_WIDTH,
) -> str:
    """A psql-style aligned text table with a row-count (and truncation) footer."""
    header, rows = _table_data(outcome, prefixes or {})
    header = [_cell(name, max_width) for name in header]
    cells = [[_cell(value, max_width) for value in row] for row in rows]
    sized = [[(cell, display_width(cell)) for cell in row] for row in [header, *cells]]
    widths = [max(row[i][1] for row in sized) for i in range(len(header))]
    lines = [" | ".join(cell + " " * (width - used)
                        for (cell, used), width in zip(row, widths, strict=True)).rstrip()
             for row in sized]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    if outcome.kind != "ask":
        lines.append(_footer(outcome, len(rows)))
    return "\n".join(lines) + "\n"


def _footer(outcome: QueryOutcome, count: int) -> str:
    noun = "triple" if outcome.kind == "graph" else "row"
    plural = "" if count == 1 else "s"
    if outcome.truncated:
        return (f"({count} {noun}{plural} shown; the result was truncated at the row limit "
                f"of {outcome.max_rows} - add LIMIT/filters or raise the limit)")
    return f"({count} {noun}{plural})"


def escape_markdown_cell(text: str) -> str:
    """Make text safe inside a GitHub-flavoured Markdown table cell."""
    flat = " ".join(text.split())
    return flat.replace("\\", "\\\\").replace("|", "\\|")


def format_markdown(outcome: QueryOutcome, prefixes: Mapping[str, str] | None = None) -> str:
    """A GitHub-flavoured Markdown table; ``|`` in cells is escaped, newlines flattened."""
    header, rows = _table_data(outcome, prefixes or {})
    lines = ["| " + " | ".join(escape_markdown_cell(h) for h in header) + " |",
             "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(escape_markdown_cell(c) for c in row) + " |" for row in rows]
    if outcome.truncated:
        lines += ["", f"_Truncated: only the first {len(rows)} results are shown._"]
    return "\n".join(lines) + "\n"
