"""kg.sparql.query: read-only, bounded query execution with user-facing errors."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.store import GraphStore
from kg.sparql.query import (
    QueryError,
    QueryTimeout,
    UpdateRefused,
    declared_prefixes,
    first_keyword,
    is_update,
    mask,
    run_query,
)

FIXTURE = Path(__file__).parent / "data" / "sparql_fixture.trig"
BASE = "https://w3id.org/paperkg/"
PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "fabio": "http://purl.org/spar/fabio/",
    "paper": BASE + "paper/",
    "task": BASE + "task/",
}
DAY1 = BASE + "graph/digest-md/2024-05-01"
DAY2 = BASE + "graph/digest-md/2024-05-02"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return GraphStore.from_file(FIXTURE).store


def big_store(size: int) -> ox.Store:
    """``size`` triples, for queries whose cost grows as a power of ``size``."""
    built = ox.Store()
    predicate = ox.NamedNode("http://example.org/p")
    built.extend(
        ox.Quad(
            ox.NamedNode(f"http://example.org/s{i}"),
            predicate,
            ox.Literal(str(i)),
        )
        for i in range(size)
    )
    return built


def titles(outcome) -> list[str]:
    return [row[outcome.variables.index("title")].value for row in outcome.rows]


# ------------------------------------------------------------------------ query forms


def test_known_prefixes_need_no_declaration(store: ox.Store) -> None:
    outcome = run_query(
        store,
        "SELECT DISTINCT ?title WHERE { ?p a fabio:Preprint ; dcterms:title ?title } "
        "ORDER BY ?title",
        prefixes=PREFIXES,
    )
    assert outcome.kind == "select"
    assert outcome.variables == ("title",)
    assert titles(outcome)[:2] == [
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        "Attention Is All You Need",
    ]
    assert outcome.count == 6
    assert not outcome.truncated


def test_declared_prefix_wins_over_known_one(store: ox.Store) -> None:
    query = "PREFIX dcterms: <http://example.org/nothing/>\nSELECT ?t { ?p dcterms:title ?t }"
    assert run_query(store, query, prefixes=PREFIXES).rows == ()
    assert declared_prefixes(query) == {"dcterms"}


def test_default_graph_is_union_of_day_graphs(store: ox.Store) -> None:
    query = "SELECT (COUNT(?p) AS ?n) { ?p a fabio:Preprint }"
    union = run_query(store, query, prefixes=PREFIXES)
    assert union.rows[0][0].value == "6"  # a set: the paper on both days counts once
    # Oxigraph's union view is a bag over every graph: 7 typings in the day graphs
    # (one paper is on both days) plus the 6 of the materialised default graph.
    bag = run_query(store, query, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert bag.rows[0][0].value == "13"
    day1 = run_query(store, query, prefixes=PREFIXES, default_graphs=[DAY1])
    assert day1.rows[0][0].value == "3"


def test_named_graphs_remain_addressable(store: ox.Store) -> None:
    outcome = run_query(
        store,
        "SELECT ?g (COUNT(?p) AS ?n) { GRAPH ?g { ?p a fabio:Preprint } } GROUP BY ?g ORDER BY ?g",
        prefixes=PREFIXES,
    )
    assert [(g.value, n.value) for g, n in outcome.rows] == [(DAY1, "3"), (DAY2, "4")]


def test_ask(store: ox.Store) -> None:
    yes = run_query(store, "ASK { paper:2106.09685 dcterms:title ?t }", prefixes=PREFIXES)
    assert (yes.kind, yes.boolean) == ("ask", True)
    no = run_query(store, "ASK { paper:0000.00000 ?p ?o }", prefixes=PREFIXES)
    assert no.boolean is False


def test_construct_and_describe(store: ox.Store) -> None:
    construct = run_query(
        store,
        "CONSTRUCT { ?p dcterms:subject ?task } WHERE { ?p dcterms:subject ?task }",
        prefixes=PREFIXES,
    )
    assert construct.kind == "graph"
    assert len({str(t) for t in construct.triples}) == 7
    describe = run_query(store, "DESCRIBE paper:2305.18290", prefixes=PREFIXES)
    assert describe.kind == "graph"
    predicates = {t.predicate.value for t in describe.triples}
    assert PREFIXES["dcterms"] + "title" in predicates


def test_invalid_graph_iri_is_a_query_error(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="invalid graph IRI"):
        run_query(store, "ASK {}", default_graphs=["not an iri"])


# --------------------------------------------------------------------- syntax errors


def test_syntax_error_reports_line_column_and_caret(store: ox.Store) -> None:
    query = "SELECT ?t\nWHERE {\n  ?p dcterms:title ?t .\n  FILTER(?t = )\n}"
    with pytest.raises(QueryError) as caught:
        run_query(store, query, prefixes=PREFIXES)
    err = caught.value
    assert (err.line, err.column) == (4, 3)
    message = str(err)
    assert "line 4, column 3 (near 'FILTER(?t')" in message
    assert "4 |   FILTER(?t = )" in message
    caret_line = message.splitlines()[2]
    assert caret_line == "    |   ^"
    assert "Traceback" not in message
    assert "To fix" in message


def test_line_numbers_refer_to_user_text_with_known_prefixes(store: ox.Store) -> None:
    """Known prefixes must not shift the reported lines (they are not pasted in)."""
    query = "SELECT ?t WHERE {\n ?p dcterms:title ?t\n} garbage here"
    with pytest.raises(QueryError) as with_prefixes:
        run_query(store, query, prefixes=PREFIXES)
    assert (with_prefixes.value.line, with_prefixes.value.column) == (3, 3)
    assert "near 'garbage'" in str(with_prefixes.value)


def test_unknown_prefix_is_named(store: ox.Store) -> None:
    query = "SELECT ?t WHERE {\n  ?p dc:title ?t\n}"
    with pytest.raises(QueryError) as caught:
        run_query(store, query, prefixes=PREFIXES)
    message = str(caught.value)
    assert "unknown prefix 'dc:'" in message
    assert (caught.value.line, caught.value.column) == (2, 6)
    assert "PREFIX dc:" in message and "dcterms" in message


def test_long_expected_lists_are_shortened(store: ox.Store) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(store, "SELECT * {")
    first_line = str(caught.value).splitlines()[0]
    assert len(first_line) < 260
    assert "line 1" in first_line


# --------------------------------------------------------------------------- updates

UPDATES = [
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "insert data { <http://e/s> <http://e/p> <http://e/o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/paperkg/graph/digest-md/2024-05-01>",
    "CREATE GRAPH <http://e/g>",
    "ADD DEFAULT TO <http://e/g>",
    "MOVE <http://e/a> TO <http://e/b>",
    "COPY <http://e/a> TO <http://e/b>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://e/#frag>\n# a comment with SELECT in it\nBASE <http://e/>\n"
    "INSERT DATA { ex:a ex:b ex:c }",
    "INSERT DATA { <http://e/s> <http://e/p> 'broken",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_and_store_untouched(store: ox.Store, update: str) -> None:
    before = len(store)
    with pytest.raises(UpdateRefused) as caught:
        run_query(store, update, prefixes=PREFIXES)
    assert "only queries are allowed" in str(caught.value)
    assert len(store) == before


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("SELECT * { ?s ?p 'INSERT' } # DELETE", "SELECT"),
        ("PREFIX insert: <http://e/insert#>\nSELECT * { ?s insert:x ?o }", "SELECT"),
        ("  \n# INSERT\nASK {}", "ASK"),
        ("BASE <http://e/> PREFIX : <#> DESCRIBE <x>", "DESCRIBE"),
        ("PREFIX a: <http://a/> PREFIX b: <http://b/>\nDELETE DATA {}", "DELETE"),
    ],
)
def test_first_keyword_skips_prologue_strings_and_comments(text: str, keyword: str) -> None:
    assert first_keyword(text) == keyword
    assert is_update(text) == (keyword == "DELETE")


def test_mask_keeps_offsets_and_newlines() -> None:
    text = 'SELECT ?s { ?s <http://e/#x> "a\nb # c" } # note\nLIMIT 1'
    masked = mask(text)
    assert len(masked) == len(text)
    assert masked.count("\n") == text.count("\n")
    assert "#" not in masked and "note" not in masked


# ------------------------------------------------------------------------ SERVICE


def test_service_is_refused_by_default(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(store, "SELECT * { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_service_word_in_variables_strings_and_iris_is_fine(store: ox.Store) -> None:
    query = (
        "SELECT ?service { ?service ?p 'SERVICE' . OPTIONAL { ?service <http://e/SERVICE> ?x } }"
    )
    assert run_query(store, query).kind == "select"


# ----------------------------------------------------------------------------- limits


def test_row_cap_truncates_and_says_so(store: ox.Store) -> None:
    query = "SELECT ?s ?p ?o { ?s ?p ?o }"
    capped = run_query(store, query, max_rows=5)
    assert len(capped.rows) == 5
    assert capped.truncated and capped.max_rows == 5
    total = len(run_query(store, query).rows)
    exact = run_query(store, query, max_rows=total)
    assert len(exact.rows) == total and not exact.truncated
    none = run_query(store, query, max_rows=0)
    assert none.rows == () and none.truncated


def test_row_cap_applies_to_graph_results(store: ox.Store) -> None:
    capped = run_query(store, "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=4)
    assert len(capped.triples) == 4 and capped.truncated


def test_row_cap_is_lazy_on_huge_results() -> None:
    """A 64-million-row cross product is capped without being evaluated."""
    huge = big_store(400)
    # Not lazy would mean evaluating 64M rows: the 20 s timeout would raise instead.
    outcome = run_query(
        huge, "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", max_rows=10, timeout=20
    )
    assert len(outcome.rows) == 10 and outcome.truncated


def test_timeout_abandons_blocking_query_and_the_store_stays_usable() -> None:
    """COUNT over a cross product blocks inside pyoxigraph: the caller still gets control."""
    slow = big_store(150)  # 150**3 = 3.4M combinations: a few seconds of work
    query = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"did not finish within 0\.2 s"):
        run_query(slow, query, timeout=0.2)  # control back before the result
    assert time.monotonic() - started < 2
    assert run_query(slow, "ASK { ?s ?p ?o }", timeout=5).boolean is True


def test_errors_cross_the_worker_thread(store: ox.Store) -> None:
    with pytest.raises(UpdateRefused):
        run_query(store, "CLEAR ALL", timeout=5)
    with pytest.raises(QueryError, match="line 1"):
        run_query(store, "SELECT ?x {", timeout=5)


def test_fast_query_with_timeout_returns_elapsed(store: ox.Store) -> None:
    outcome = run_query(store, "SELECT * { ?s ?p ?o } LIMIT 3", timeout=10)
    assert len(outcome.rows) == 3 and outcome.elapsed >= 0


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        run_query(ox.Store(), "ASK {}", max_rows=-1)
    with pytest.raises(ValueError):
        run_query(ox.Store(), "ASK {}", timeout=0)
