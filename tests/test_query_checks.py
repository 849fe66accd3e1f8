"""The static checks on untrusted queries: the SPARQL tokenizer behind the SERVICE ban,
and the nesting/chain limits that keep the parser from overflowing its stack."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.sparql import lexer
from kg.sparql.query import (
    MAX_DEPTH,
    MAX_OPERATORS,
    QueryError,
    QueryTooComplex,
    declared_prefixes,
    mask,
    run_query,
)

CLOSED = "<http://127.0.0.1:1/sparql>"  # SILENT: a refused connection yields no rows
REMOTE = f"SERVICE SILENT {CLOSED} {{ ?x ?y ?z }}"

BYPASSES = [
    # A PN_LOCAL_ESC '\#' is part of the name, not a comment start.
    rf"PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\#b ?o . {REMOTE} }}",
    # '\'' is part of the name, not a string opener.
    rf"PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\'b ?o . {REMOTE} }}",
    # Same with the escape ending the name and a newline before SERVICE.
    f"PREFIX ex: <http://e/> SELECT * {{ ?s ex:a\\# ?o .\n{REMOTE} }}",
    # '<' as less-than next to the keyword must not swallow it as an IRI.
    f"SELECT * {{ ?s ?p ?o FILTER(?o<3) {REMOTE} }}",
    # Percent escapes and dots inside a local name.
    f"PREFIX ex: <http://e/> SELECT * {{ ?s ex:a%23.b ?o . {REMOTE} }}",
    # Long strings with embedded quotes and escaped quotes end where the grammar says.
    f"SELECT * {{ BIND('''a''b\\'''' AS ?x) {REMOTE} }}",
    f'SELECT * {{ BIND("a\\"b" AS ?x) {REMOTE} }}',
    # A comment ends at a CR as well as at a LF.
    f"SELECT * {{ # note\r{REMOTE} }}",
    # Lower case and a variable endpoint.
    "SELECT * { BIND(<http://127.0.0.1:1/> AS ?e) service silent ?e { ?x ?y ?z } }",
]


@pytest.mark.parametrize("query", BYPASSES)
def test_each_service_bypass_is_valid_sparql_and_refused(query: str) -> None:
    # The text really is a query with SERVICE in it (pyoxigraph parses and runs it; a
    # failed SILENT service gives one empty solution) ...
    assert len(list(ox.Store().query(query))) <= 1
    # ... and the checker sees the keyword.
    with pytest.raises(QueryError, match=r"SERVICE .* is not allowed"):
        run_query(ox.Store(), query)


@pytest.mark.parametrize("query", [
    "SELECT ?service { ?service ?p 'SERVICE' }",
    "SELECT * { ?s <http://e/SERVICE> ?o } # SERVICE <http://x/> {}",
    "PREFIX SERVICE: <http://e/> SELECT * { ?s SERVICE:x ?o }",
    r"PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE\#x ?o }",
    'SELECT * { ?s ?p """SERVICE <http://x/> { ?a ?b ?c }""" }',
])
def test_service_in_names_strings_iris_and_comments_is_allowed(query: str) -> None:
    assert run_query(ox.Store(), query).kind == "select"


def test_tokens_follow_the_grammar() -> None:
    text = r"PREFIX ex: <http://e/#x> SELECT ?a { ?a ex:b\#c 'd\'e' ; ex:f. } # end"
    kinds = [(t.kind, t.text) for t in lexer.tokens(text)]
    assert (lexer.PNAME, r"ex:b\#c") in kinds
    assert (lexer.STRING, r"'d\'e'") in kinds
    assert (lexer.PNAME, "ex:f") in kinds  # the final '.' ends the triple
    assert (lexer.IRI, "<http://e/#x>") in kinds
    assert kinds[-1] == (lexer.COMMENT, "# end")
    assert declared_prefixes(text) == {"ex"}


def test_mask_blanks_only_strings_iris_and_comments() -> None:
    text = "PREFIX ex: <http://e/> SELECT * { ?s ex:a\\#b 'x' } # c\nLIMIT 1"
    masked = mask(text)
    assert len(masked) == len(text)
    assert "ex:a\\#b" in masked and "LIMIT 1" in masked
    assert "http" not in masked and "'x'" not in masked and "# c" not in masked


def test_tokenizer_is_linear_on_long_runs() -> None:
    # One pass: each character is looked at a bounded number of times.
    for run in ("<" * 200_000, "'" * 200_001, "ex:" + "\\#" * 100_000, "(" * 200_000):
        assert sum(len(t.text) for t in lexer.tokens(run)) <= len(run)


# ------------------------------------------------------------------ shape limits


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE { " + "{" * 5000 + "}" * 5000 + " }",
    "SELECT * WHERE { ?s ?p " + "[ ?q " * 3000 + "1" + " ]" * 3000 + " }",
])
def test_deep_nesting_is_refused_before_parsing(query: str) -> None:
    with pytest.raises(QueryTooComplex, match=f"limit of {MAX_DEPTH}"):
        run_query(ox.Store(), query)


@pytest.mark.parametrize("query", [
    "SELECT * { BIND(" + "+".join(["1"] * 10_000) + " AS ?x) }",
    "SELECT * { FILTER(" + "!" * 10_000 + "true) }",
    "SELECT * { " + "OPTIONAL { ?s ?p ?o } " * 3000 + "}",
    "SELECT * { " + " UNION ".join(["{}"] * 10_000) + " }",
])
def test_long_operator_chains_are_refused(query: str) -> None:
    with pytest.raises(QueryTooComplex, match=f"limit of {MAX_OPERATORS}"):
        run_query(ox.Store(), query)


def test_moderate_nesting_still_runs() -> None:
    depth = MAX_DEPTH - 2
    query = "SELECT * WHERE { FILTER(" + "(" * depth + "true" + ")" * depth + ") }"
    assert run_query(ox.Store(), query).kind == "select"
