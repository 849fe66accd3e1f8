"""kg.sparql.results: W3C result formats (checked by parsing them back) and human tables."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.store import GraphStore
from kg.sparql.query import QueryOutcome, run_query
from kg.sparql.results import (
    FormatError,
    display_width,
    escape_markdown_cell,
    format_markdown,
    format_table,
    render,
    serialize_graph,
    shorten_iri,
)

FIXTURE = Path(__file__).parent / "data" / "sparql_fixture.trig"
BASE = "https://w3id.org/paperkg/"
PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "paper": BASE + "paper/",
    "person": BASE + "person/",
    "task": BASE + "task/",
    "unused": "http://example.org/unused#",
}
SRX = "{http://www.w3.org/2005/sparql-results#}"

ENTRIES = """
SELECT ?entry ?paper ?text ?date ?label ?missing WHERE {
  ?entry schema:about ?paper ; schema:text ?text ; schema:isPartOf ?day .
  ?day schema:datePublished ?date .
  OPTIONAL { ?paper dcterms:subject/skos:prefLabel ?label }
  OPTIONAL { ?paper <http://example.org/never> ?missing }
} ORDER BY ?entry ?label
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return GraphStore.from_file(FIXTURE).store


@pytest.fixture(scope="module")
def entries(store: ox.Store) -> QueryOutcome:
    return run_query(store, ENTRIES, prefixes=PREFIXES)


def direct(store: ox.Store, query: str, fmt: ox.QueryResultsFormat) -> bytes:
    """pyoxigraph's own serialization of the same query, as the reference."""
    return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=False).serialize(
        format=fmt)


# ------------------------------------------------------------------- SELECT formats


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_identical_to_pyoxigraph_serialization(store: ox.Store, entries: QueryOutcome,
                                               fmt: str) -> None:
    reference = direct(store, ENTRIES, getattr(ox.QueryResultsFormat, fmt.upper()))
    assert render(entries, fmt) == reference


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_hard_terms_are_written_as_pyoxigraph_writes_them(fmt: str) -> None:
    """Terms that the TSV pivot must escape (tab, newline, quote, backslash, control
    characters), language tags, datatypes, blank nodes and unbound cells."""
    tricky = ox.Store()
    values = [ox.Literal("tab\there"), ox.Literal("lines\nand\rreturns"),
              ox.Literal('quote " and \\ backslash'), ox.Literal("nul \x00 del \x7f é \u2028"),
              ox.Literal("chat", language="fr"), ox.Literal("", language="en-GB"),
              ox.Literal("42", datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")),
              ox.Literal("x", datatype=ox.NamedNode("http://example.org/type#t")),
              ox.NamedNode("http://example.org/é?q=1#f"), ox.BlankNode("b7")]
    for i, value in enumerate(values):
        tricky.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"),
                           ox.NamedNode("http://example.org/p"), value))
    query = ("SELECT ?s ?o ?none WHERE { ?s <http://example.org/p> ?o "
             "OPTIONAL { ?s <http://example.org/q> ?none } } ORDER BY ?s")
    outcome = run_query(tricky, query)
    assert len(outcome.rows) == len(values)
    assert render(outcome, fmt) == tricky.query(query).serialize(
        format=getattr(ox.QueryResultsFormat, fmt.upper()))


def test_json_parses_back(entries: QueryOutcome) -> None:
    document = json.loads(render(entries, "json"))
    assert document["head"]["vars"] == list(entries.variables)
    bindings = document["results"]["bindings"]
    assert len(bindings) == len(entries.rows) >= 7  # 7 entries, some with two labels
    attention = next(b for b in bindings
                     if b["paper"]["value"] == BASE + "paper/1706.03762"
                     and b["date"]["value"] == "2024-05-01")
    assert attention["text"] == {
        "type": "literal",
        "value": 'Drops recurrence entirely | self-attention only; the "base" model trains '
                 "in 12 hours on 8 GPUs.",
    }
    assert attention["date"]["datatype"] == PREFIXES["xsd"] + "date"
    assert attention["label"]["xml:lang"] == "en"
    assert attention["entry"]["type"] == "uri"
    assert all("missing" not in b for b in bindings)  # unbound: absent
    round_trip = list(ox.parse_query_results(render(entries, "json"),
                                             ox.QueryResultsFormat.JSON))
    assert [tuple(s) for s in round_trip] == list(entries.rows)


def test_csv_is_plain_lexical_values(entries: QueryOutcome) -> None:
    raw = render(entries, "csv")
    assert raw.startswith(b"entry,paper,text,date,label,missing\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == list(entries.variables)
    assert len(rows) == 1 + len(entries.rows)
    bert = next(r for r in rows if r[1] == BASE + "paper/1810.04805")
    assert bert[2] == "Masked-token pre-training, then fine-tune:\none model, eleven benchmarks."
    assert bert[3] == "2024-05-01"  # no datatype in CSV
    assert bert[4] == "Language Modeling"  # no language tag in CSV
    assert bert[5] == ""


def test_tsv_uses_ntriples_terms_and_parses_back(entries: QueryOutcome) -> None:
    raw = render(entries, "tsv")
    lines = raw.decode("utf-8").split("\n")
    assert lines[0] == "?entry\t?paper\t?text\t?date\t?label\t?missing"
    assert all(line.count("\t") == 5 for line in lines[1:] if line)
    assert '"2024-05-01"^^<http://www.w3.org/2001/XMLSchema#date>' in lines[1]
    assert '"Language Modeling"@en' in raw.decode("utf-8")
    parsed = list(ox.parse_query_results(raw, ox.QueryResultsFormat.TSV))
    assert [tuple(s) for s in parsed] == list(entries.rows)


def test_xml_parses_back(entries: QueryOutcome) -> None:
    root = ET.fromstring(render(entries, "xml"))
    names = [v.get("name") for v in root.iter(SRX + "variable")]
    assert names == list(entries.variables)
    results = list(root.iter(SRX + "result"))
    assert len(results) == len(entries.rows)
    langs = {lit.get("{http://www.w3.org/XML/1998/namespace}lang")
             for lit in root.iter(SRX + "literal")} - {None}
    assert langs == {"en"}
    parsed = list(ox.parse_query_results(render(entries, "xml"), ox.QueryResultsFormat.XML))
    assert [tuple(s) for s in parsed] == list(entries.rows)


def test_ask_formats(store: ox.Store) -> None:
    outcome = run_query(store, "ASK { ?p dcterms:title 'Attention Is All You Need' }",
                        prefixes=PREFIXES)
    assert json.loads(render(outcome, "json")) == {"head": {}, "boolean": True}
    root = ET.fromstring(render(outcome, "xml"))
    assert root.find(SRX + "boolean").text == "true"
    assert format_table(outcome).splitlines()[-1] == "true"


def test_truncated_output_is_still_valid(store: ox.Store) -> None:
    capped = run_query(store, ENTRIES, prefixes=PREFIXES, max_rows=2)
    assert capped.truncated
    assert len(json.loads(render(capped, "json"))["results"]["bindings"]) == 2
    assert len(list(ox.parse_query_results(render(capped, "tsv"),
                                           ox.QueryResultsFormat.TSV))) == 2


def test_blank_nodes_and_triple_terms_survive() -> None:
    blank = ox.BlankNode("b0")
    quoted = ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
                       ox.Literal("x", language="en"))
    outcome = QueryOutcome(kind="select", variables=("a", "b"), rows=((blank, quoted),))
    parsed = list(ox.parse_query_results(render(outcome, "json"), ox.QueryResultsFormat.JSON))
    assert tuple(parsed[0]) == (blank, quoted)
    assert "_:b0" in format_table(outcome)


# ------------------------------------------------------------------- graph formats


def test_turtle_uses_only_needed_prefixes_and_parses_back(store: ox.Store) -> None:
    outcome = run_query(store, "DESCRIBE paper:2305.18290", prefixes=PREFIXES)
    turtle = render(outcome, "turtle", prefixes=PREFIXES)
    text = turtle.decode("utf-8")
    assert "@prefix dcterms: <http://purl.org/dc/terms/> ." in text
    assert "unused" not in text
    parsed = {quad.triple for quad in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert parsed == set(outcome.triples)


def test_ntriples_parse_back_and_are_sorted(store: ox.Store) -> None:
    outcome = run_query(store, "CONSTRUCT WHERE { ?p dcterms:subject ?t }", prefixes=PREFIXES)
    nt = render(outcome, "ntriples")
    lines = nt.decode("utf-8").splitlines()
    assert lines == sorted(lines)
    parsed = {quad.triple for quad in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)}
    assert parsed == set(outcome.triples)


def test_graph_output_is_deterministic(store: ox.Store) -> None:
    outcome = run_query(store, "CONSTRUCT WHERE { ?s ?p ?o }")
    reversed_triples = tuple(reversed(outcome.triples))
    assert serialize_graph(outcome.triples, "turtle", prefixes=PREFIXES) == serialize_graph(
        reversed_triples, "turtle", prefixes=PREFIXES)


def test_formats_must_fit_the_result_kind(store: ox.Store, entries: QueryOutcome) -> None:
    graph = run_query(store, "CONSTRUCT WHERE { ?s a ?c } LIMIT 2")
    with pytest.raises(FormatError, match="turtle or ntriples"):
        render(graph, "csv")
    with pytest.raises(FormatError, match="not turtle"):
        render(entries, "turtle")
    with pytest.raises(FormatError, match="unknown result format"):
        render(entries, "yaml")


# ------------------------------------------------------------------- human formats


def test_table_is_aligned_and_shortens_iris(entries: QueryOutcome) -> None:
    table = format_table(entries, PREFIXES)
    lines = table.splitlines()
    assert lines[0].split(" | ")[0].strip() == "entry"
    assert set(lines[1]) <= {"-", "+"}
    bars = [i for i, ch in enumerate(lines[1]) if ch == "+"]
    assert len(bars) == len(entries.variables) - 1
    for line in (lines[0], *lines[2:-1]):
        assert all(line[i] == "|" for i in bars), line
    assert "paper:1706.03762" in table
    assert "2024-05-01" in table and "^^" not in table
    assert "Language Modeling@en" in table
    assert "\t" not in table
    assert lines[-1] == f"({len(entries.rows)} rows)"


def test_table_footer_reports_truncation(store: ox.Store) -> None:
    capped = run_query(store, ENTRIES, prefixes=PREFIXES, max_rows=3)
    footer = format_table(capped, PREFIXES).splitlines()[-1]
    assert "3 rows shown" in footer and "truncated" in footer and "3" in footer


def test_table_cells_are_capped_and_wide_characters_aligned() -> None:
    name = ox.Literal("劉知遠")
    long_title = ox.Literal("word " * 40)
    outcome = QueryOutcome(kind="select", variables=("name", "title"),
                           rows=((name, long_title), (ox.Literal("Łukasz Kaiser"), None)))
    lines = format_table(outcome, max_width=20).splitlines()
    assert display_width("劉知遠") == 6
    bar_columns = {display_width(line[: line.index("|")]) for line in (lines[0], *lines[2:4])}
    assert len(bar_columns) == 1
    assert lines[2].endswith("…")
    assert display_width(lines[2].split(" | ")[1]) == 20


def test_markdown_escapes_pipes_and_flattens_newlines(entries: QueryOutcome) -> None:
    markdown = format_markdown(entries, PREFIXES)
    lines = markdown.splitlines()
    assert lines[0] == "| entry | paper | text | date | label | missing |"
    assert lines[1] == "| --- | --- | --- | --- | --- | --- |"
    assert len(lines) == 2 + len(entries.rows)
    assert "Drops recurrence entirely \\| self-attention" in markdown
    for line in lines[2:]:
        unescaped = line.replace("\\|", "")
        assert unescaped.count("|") == len(entries.variables) + 1
    assert escape_markdown_cell("a|b\nc\\") == "a\\|b c\\\\"


def test_markdown_notes_truncation(store: ox.Store) -> None:
    capped = run_query(store, ENTRIES, prefixes=PREFIXES, max_rows=1)
    assert format_markdown(capped).rstrip().endswith("_Truncated: only the first 1 results "
                                                     "are shown._")


def test_shorten_iri_prefers_longest_namespace() -> None:
    prefixes = {"base": BASE, "paper": BASE + "paper/"}
    assert shorten_iri(BASE + "paper/2106.09685", prefixes) == "paper:2106.09685"
    assert shorten_iri(BASE + "paper/a b", prefixes) == f"<{BASE}paper/a b>"
    assert shorten_iri("http://other.org/x", prefixes) == "<http://other.org/x>"


def test_human_formats_render_graphs_as_triples(store: ox.Store) -> None:
    outcome = run_query(store, "CONSTRUCT WHERE { paper:2106.09685 dcterms:title ?t }",
                        prefixes=PREFIXES)
    table = render(outcome, "table", prefixes=PREFIXES).decode("utf-8")
    assert table.splitlines()[0].split() == ["subject", "|", "predicate", "|", "object"]
    assert "paper:2106.09685 | dcterms:title | LoRA" in table
    assert table.splitlines()[-1] == "(1 triple)"


def test_every_format_is_deterministic(store: ox.Store) -> None:
    for fmt in ("json", "xml", "csv", "tsv", "table", "markdown"):
        first = render(run_query(store, ENTRIES, prefixes=PREFIXES), fmt, prefixes=PREFIXES)
        second = render(run_query(store, ENTRIES, prefixes=PREFIXES), fmt, prefixes=PREFIXES)
        assert first == second, fmt
