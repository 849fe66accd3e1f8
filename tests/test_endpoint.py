"""kg.sparql.server over real HTTP: SPARQLWrapper and plain urllib/http.client/sockets."""

from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper

from kg.graph.store import GraphStore
from kg.sparql.server import (
    RunningEndpoint,
    is_loopback,
    make_server,
    negotiate,
    start_background,
)

pytestmark = pytest.mark.server

FIXTURE = Path(__file__).parent / "data" / "sparql_fixture.trig"
BASE = "https://w3id.org/paperkg/"
PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "fabio": "http://purl.org/spar/fabio/",
    "paper": BASE + "paper/",
}
DAY1 = BASE + "graph/digest-md/2024-05-01"
TITLES = "SELECT DISTINCT ?title { ?p a fabio:Preprint ; dcterms:title ?title } ORDER BY ?title"
MAX_ROWS = 50
MAX_BODY = 20_000
HTTP_TIMEOUT = 10


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return GraphStore.from_file(FIXTURE).store


@pytest.fixture(scope="module")
def endpoint(store: ox.Store) -> Iterator[RunningEndpoint]:
    running = start_background(store, prefixes=PREFIXES, max_rows=MAX_ROWS,
                               max_body=MAX_BODY, timeout=10)
    try:
        yield running
    finally:
        running.stop()


class Answer:
    """Status, headers and body of one HTTP exchange (errors included)."""

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(url: str, *, data: bytes | None = None, headers: Mapping[str, str] | None = None,
          method: str | None = None) -> Answer:
    request = urllib.request.Request(url, data=data, headers=dict(headers or {}),
                                     method=method)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, dict(err.headers), err.read())


def get(endpoint: RunningEndpoint, query: str, accept: str | None = None,
        **params: str) -> Answer:
    url = endpoint.url + "?" + urllib.parse.urlencode({"query": query, **params})
    return fetch(url, headers={"Accept": accept} if accept else None)


def raw_request(endpoint: RunningEndpoint, payload: bytes, *, wait: float = 10) -> bytes:
    """Send raw bytes, half-close, read the whole answer (bounded by ``wait``)."""
    host, port = endpoint.server.server_address[:2]
    with socket.create_connection((host, port), timeout=wait) as conn:
        conn.sendall(payload)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def assert_plain_error(answer: Answer, status: int) -> None:
    assert answer.status == status, answer.text
    assert answer.content_type.startswith("text/plain")
    assert "Traceback" not in answer.text


# ------------------------------------------------------------------------ SPARQLWrapper


def test_sparqlwrapper_select_json(endpoint: RunningEndpoint) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(TITLES)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    titles = [b["title"]["value"] for b in result["results"]["bindings"]]
    assert len(titles) == 6
    assert "LoRA: Low-Rank Adaptation of Large Language Models" in titles


@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
def test_sparqlwrapper_methods(endpoint: RunningEndpoint, method: str) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery("ASK { paper:2201.11903 dcterms:title ?t }")
    client.setReturnFormat(JSON)
    if method != "GET":
        client.setMethod(POST)
    if method == "POST-direct":
        client.setRequestMethod(POSTDIRECTLY)
    assert client.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_csv_xml_and_turtle(endpoint: RunningEndpoint) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(TITLES)
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.queryAndConvert().decode("utf-8"))))
    assert rows[0] == ["title"] and len(rows) == 7
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 6
    client.setQuery("CONSTRUCT WHERE { paper:2305.18290 dcterms:title ?t }")
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert()
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 1
    assert triples[0].object.value.startswith("Direct Preference Optimization")


# ----------------------------------------------------------------- protocol, by hand


def test_get_default_is_sparql_json(endpoint: RunningEndpoint) -> None:
    answer = get(endpoint, TITLES)
    assert answer.status == 200
    assert answer.content_type == "application/sparql-results+json"
    assert len(json.loads(answer.body)["results"]["bindings"]) == 6
    assert "access-control-allow-origin" not in answer.headers
    assert "paperkg-truncated" not in answer.headers


def test_post_form(endpoint: RunningEndpoint) -> None:
    body = urllib.parse.urlencode({"query": TITLES}).encode("ascii")
    answer = fetch(endpoint.url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert answer.status == 200 and answer.content_type.startswith("text/csv")
    assert answer.text.splitlines()[1] == (
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale")


def test_post_direct_with_unicode(endpoint: RunningEndpoint) -> None:
    query = "SELECT ?p { ?p <https://schema.org/name> 'Łukasz Kaiser' }"
    answer = fetch(endpoint.url, data=query.encode("utf-8"), headers={
        "Content-Type": "application/sparql-query; charset=utf-8",
        "Accept": "text/tab-separated-values"})
    assert answer.status == 200
    assert answer.text == f"?p\n<{BASE}person/lukasz-kaiser>\n"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/html, text/plain;q=0.8", "text/plain"),
    ],
)
def test_accept_negotiation_for_select(endpoint: RunningEndpoint, accept: str,
                                       content_type: str) -> None:
    answer = get(endpoint, TITLES, accept)
    assert answer.status == 200
    assert answer.content_type.split(";")[0] == content_type
    assert answer.headers["vary"] == "Accept"


def test_xml_answer_is_valid(endpoint: RunningEndpoint) -> None:
    root = ET.fromstring(get(endpoint, TITLES, "application/sparql-results+xml").body)
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 6


@pytest.mark.parametrize(
    ("accept", "content_type", "rdf_format"),
    [
        (None, "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/sparql-results+json, text/turtle;q=0.1", "text/turtle",
         ox.RdfFormat.TURTLE),
    ],
)
def test_accept_negotiation_for_graphs(endpoint: RunningEndpoint, accept: str | None,
                                       content_type: str, rdf_format: ox.RdfFormat) -> None:
    answer = get(endpoint, "DESCRIBE paper:2106.09685", accept)
    assert answer.status == 200
    assert answer.content_type.split(";")[0] == content_type
    subjects = {q.subject.value for q in ox.parse(answer.body, format=rdf_format)}
    assert subjects == {BASE + "paper/2106.09685"}


def test_format_parameter_overrides_accept(endpoint: RunningEndpoint) -> None:
    answer = get(endpoint, TITLES, "application/sparql-results+json", format="tsv")
    assert answer.content_type.startswith("text/tab-separated-values")
    assert_plain_error(get(endpoint, TITLES, format="yaml"), 400)


def test_not_acceptable(endpoint: RunningEndpoint) -> None:
    answer = get(endpoint, TITLES, "image/png")
    assert_plain_error(answer, 406)
    assert "application/sparql-results+json" in answer.text
    graph = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/csv")
    assert_plain_error(graph, 406)
    zero = get(endpoint, TITLES, "application/sparql-results+json;q=0")
    assert_plain_error(zero, 406)


def test_default_graph_uri_restricts_dataset(endpoint: RunningEndpoint) -> None:
    query = "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a fabio:Preprint }"
    both = json.loads(get(endpoint, query).body)
    day1 = json.loads(get(endpoint, query, **{"default-graph-uri": DAY1}).body)
    assert both["results"]["bindings"][0]["n"]["value"] == "6"
    assert day1["results"]["bindings"][0]["n"]["value"] == "3"


def test_row_cap_sets_truncation_headers(endpoint: RunningEndpoint) -> None:
    answer = get(endpoint, "SELECT * { ?s ?p ?o }")
    assert answer.status == 200
    assert len(json.loads(answer.body)["results"]["bindings"]) == MAX_ROWS
    assert answer.headers["paperkg-truncated"] == "true"
    assert answer.headers["paperkg-max-rows"] == str(MAX_ROWS)


def test_help_page_and_unknown_path(endpoint: RunningEndpoint) -> None:
    home = fetch(endpoint.base_url + "/")
    assert home.status == 200 and home.content_type.startswith("text/plain")
    assert endpoint.url in home.text and "PREFIX dcterms:" in home.text
    assert_plain_error(fetch(endpoint.base_url + "/query?query=ASK{}"), 404)


# ------------------------------------------------------------------------- errors


def test_missing_and_empty_query(endpoint: RunningEndpoint) -> None:
    missing = fetch(endpoint.url)
    assert_plain_error(missing, 400)
    assert "missing query" in missing.text
    assert_plain_error(get(endpoint, "   "), 400)
    two = fetch(endpoint.url + "?query=ASK%7B%7D&query=ASK%7B%7D")
    assert_plain_error(two, 400)


def test_syntax_error_is_400_with_position(endpoint: RunningEndpoint) -> None:
    answer = get(endpoint, "SELECT ?t WHERE {\n  ?p dcterms:title ?t\n} LIMT 3")
    assert_plain_error(answer, 400)
    assert "line 3, column 3" in answer.text and "^" in answer.text


def test_bad_percent_encoding_is_400(endpoint: RunningEndpoint) -> None:
    answer = fetch(endpoint.url + "?query=SELECT%20%FF%FE")
    assert_plain_error(answer, 400)
    assert "UTF-8" in answer.text


def test_invalid_utf8_body_is_400(endpoint: RunningEndpoint) -> None:
    answer = fetch(endpoint.url, data=b"SELECT * { ?s ?p '\xff' }",
                   headers={"Content-Type": "application/sparql-query"})
    assert_plain_error(answer, 400)


def test_unsupported_content_type_is_415(endpoint: RunningEndpoint) -> None:
    answer = fetch(endpoint.url, data=b"{}", headers={"Content-Type": "application/json"})
    assert_plain_error(answer, 415)


def test_oversized_body_is_413(endpoint: RunningEndpoint) -> None:
    body = b"SELECT * { ?s ?p ?o } #" + b"x" * (MAX_BODY * 2)
    host, port = endpoint.server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("POST", "/sparql", body=body,
                     headers={"Content-Type": "application/sparql-query"})
        response = conn.getresponse()
        assert response.status == 413
        assert "over the limit" in response.read().decode("utf-8")
    finally:
        conn.close()


def test_missing_content_length_is_411(endpoint: RunningEndpoint) -> None:
    reply = raw_request(endpoint, b"POST /sparql HTTP/1.0\r\n"
                        b"Content-Type: application/sparql-query\r\n\r\nASK {}")
    assert reply.startswith(b"HTTP/1.0 411")


def test_chunked_body_is_refused(endpoint: RunningEndpoint) -> None:
    reply = raw_request(endpoint, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Transfer-Encoding: chunked\r\n"
                        b"Content-Type: application/sparql-query\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n")
    assert b" 411 " in reply.split(b"\r\n", 1)[0]


def test_garbage_request_line_is_4xx(endpoint: RunningEndpoint) -> None:
    for garbage in (b"\x16\x03\x01 hello\r\n\r\n", b"\x16\x03\x01 hello there\r\n\r\n"):
        reply = raw_request(endpoint, garbage)
        # http.server answers unparsable request lines HTTP/0.9-style (no status line)
        assert reply.startswith(b"400 "), reply
        assert b"Traceback" not in reply


def test_stalled_body_times_out_without_hanging(store: ox.Store) -> None:
    with start_background(store, socket_timeout=0.5) as quick:
        reply = raw_request(quick, b"POST /sparql HTTP/1.0\r\nContent-Length: 100\r\n"
                            b"Content-Type: application/sparql-query\r\n\r\nASK", wait=10)
        assert reply.startswith(b"HTTP/1.0 408")


# ------------------------------------------------------------------------ read-only


def test_update_in_query_is_refused(endpoint: RunningEndpoint, store: ox.Store) -> None:
    before = len(store)
    answer = get(endpoint, "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }")
    assert_plain_error(answer, 403)
    assert "only queries are allowed" in answer.text
    assert len(store) == before


def test_update_field_and_update_body_are_refused(endpoint: RunningEndpoint,
                                                  store: ox.Store) -> None:
    before = len(store)
    form = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode("ascii")
    answer = fetch(endpoint.url, data=form,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_plain_error(answer, 403)
    assert "read-only" in answer.text
    direct = fetch(endpoint.url, data=b"CLEAR ALL",
                   headers={"Content-Type": "application/sparql-update"})
    assert_plain_error(direct, 403)
    assert len(store) == before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_write_methods_are_405(endpoint: RunningEndpoint, method: str) -> None:
    answer = fetch(endpoint.url + "?default", data=b"", method=method)
    assert_plain_error(answer, 405)
    assert answer.headers["allow"] == "GET, POST, OPTIONS"


def test_service_is_refused(endpoint: RunningEndpoint) -> None:
    answer = get(endpoint, "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert_plain_error(answer, 400)
    assert "SERVICE" in answer.text


# --------------------------------------------------------------- binding and limits


def test_binds_to_loopback_by_default(endpoint: RunningEndpoint) -> None:
    assert endpoint.server.server_address[0] == "127.0.0.1"
    assert endpoint.url.startswith("http://127.0.0.1:")


def test_foreign_host_header_is_refused(endpoint: RunningEndpoint) -> None:
    answer = fetch(endpoint.url + "?query=ASK%7B%7D", headers={"Host": "evil.example:80"})
    assert_plain_error(answer, 403)
    assert "DNS rebinding" in answer.text
    assert fetch(endpoint.url + "?query=ASK%7B%7D",
                 headers={"Host": "localhost"}).status == 200


def test_non_loopback_binding_warns(store: ox.Store, capsys: pytest.CaptureFixture[str]) -> None:
    server = make_server(store, "0.0.0.0", 0, access_log=None)
    server.server_close()
    assert "not loopback" in capsys.readouterr().err


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("[::1]") and is_loopback("127.5.6.7")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.org")


def test_cors_is_opt_in(store: ox.Store) -> None:
    with start_background(store, cors=True) as open_endpoint:
        answer = get(open_endpoint, "ASK {}")
        assert answer.headers["access-control-allow-origin"] == "*"
        preflight = fetch(open_endpoint.url, method="OPTIONS")
        assert preflight.status == 204
        assert "POST" in preflight.headers["access-control-allow-methods"]


def test_slow_query_gets_503_and_endpoint_stays_responsive() -> None:
    slow = ox.Store()
    slow.extend(ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"),
                        ox.Literal(str(i))) for i in range(150))
    with start_background(slow, timeout=0.3, max_concurrent=2) as limited:
        answer = get(limited, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert_plain_error(answer, 503)
        assert "did not finish within 0.3 s" in answer.text
        assert get(limited, "ASK { ?s ?p ?o }").status == 200


def test_negotiate_unit() -> None:
    offered = (("application/sparql-results+json", "json"), ("text/csv", "csv"))
    assert negotiate(None, offered) == "json"
    assert negotiate("text/csv, */*;q=0.1", offered) == "csv"
    assert negotiate("*/*;q=0.2, application/sparql-results+json;q=0.1", offered) == "csv"
    assert negotiate("image/*", offered) is None
    assert negotiate("text/csv;q=abc", offered) is None
