"""``kg query``, ``kg serve`` and ``kg push`` as a user runs them, against real servers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run_kg as kg
from tests.test_push import OxigraphServer, free_port, oxigraph, stop  # noqa: F401

pytestmark = pytest.mark.server
COUNT = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a fabio:Preprint }"


@pytest.fixture(scope="module")
def built(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    assert kg("build", str(examples_dir), "-o", str(out), "--no-html").returncode == 0
    return out


def test_query_from_argument_file_stdin_and_library(built: Path, tmp_path: Path) -> None:
    assert kg("query", "-g", str(built), COUNT, "--format", "csv").stdout.split() == ["n", "8"]
    query_file = tmp_path / "count.rq"
    query_file.write_text(COUNT)
    assert kg("query", "-g", str(built), "-f", str(query_file), "--format", "tsv"
              ).stdout.split()[-1] == "8"
    assert kg("query", "-g", str(built), "--format", "json", stdin=COUNT).returncode == 0
    done = kg("query", "-g", str(built), "--name", "author-papers",
              "--param", "author=sarath chandar", "--format", "json")
    rows = json.loads(done.stdout)["results"]["bindings"]
    assert {row["title"]["value"] for row in rows} == {"NeoBERT: A Next-Generation BERT"}


def test_query_formats_and_kinds(built: Path) -> None:
    table = kg("query", "-g", str(built), COUNT).stdout
    assert table.splitlines()[-1] == "(1 row)"
    assert kg("query", "-g", str(built), "ASK { paper:2502.19587 a fabio:Preprint }",
              "--format", "json").stdout.strip() == '{"head":{},"boolean":true}'
    turtle = kg("query", "-g", str(built),
                "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a fabio:Preprint ; dcterms:title ?t }"
                ).stdout  # papers only: the store also holds the VoID title (issue 9)
    assert turtle.count("dcterms:title") == 8
    markdown = kg("query", "-g", str(built), "--format", "markdown",
                  "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 2").stdout
    assert markdown.startswith("| t |")


def test_query_errors_are_plain(built: Path) -> None:
    bad = kg("query", "-g", str(built), "SELECT ?x WHERE {\n  ?x ?y\n}")
    assert bad.returncode == 5 and "line 2" in bad.stderr and "Traceback" not in bad.stderr
    update = kg("query", "-g", str(built), "INSERT DATA { <a:b> <a:c> <a:d> }")
    assert update.returncode == 5 and "only queries are allowed" in update.stderr
    unknown = kg("query", "-g", str(built), "--name", "no-such-query")
    assert unknown.returncode == 3 and "no-such-query" in unknown.stderr
    missing = kg("query", "-g", str(built / "nothing-here"), COUNT)
    assert missing.returncode == 3 and "no graph at" in missing.stderr


@pytest.fixture
def serving(built: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "-g", str(built),
                                "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url.replace("/sparql", "/"), timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        stop(process)


def test_serve_answers_sparql_protocol_clients(serving: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(serving)
    client.setQuery("SELECT (COUNT(?p) AS ?n) WHERE { ?p a <http://purl.org/spar/fabio/Preprint> }")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["results"]["bindings"][0]["n"]["value"] == "8"
    request = urllib.request.Request(
        serving, data=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(), method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code in (400, 403)


def test_push_then_the_server_counts_the_same(
        built: Path, oxigraph: OxigraphServer) -> None:  # noqa: F811
    done = kg("push", "-g", str(built), "--endpoint", f"{oxigraph.base_url}/store",
              "--graph-iri", "https://example.org/digests")
    assert done.returncode == 0, done.stderr
    query = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/digests> "
             "{ ?p a <http://purl.org/spar/fabio/Preprint> } }")
    with urllib.request.urlopen(f"{oxigraph.base_url}/query?" + urllib.parse.urlencode(
            {"query": query}), timeout=10) as answer:
        remote = json.load(answer)["results"]["bindings"][0]["n"]["value"]
    local = kg("query", "-g", str(built), COUNT, "--format", "csv").stdout.split()[-1]
    assert remote == local == "8"


def test_push_to_nowhere_is_a_plain_error(built: Path) -> None:
    done = kg("push", "-g", str(built), "--endpoint", f"http://127.0.0.1:{free_port()}/store",
              "--timeout", "5")
    assert done.returncode == 5
    assert "Traceback" not in done.stderr and "kg: error:" in done.stderr
