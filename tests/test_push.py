"""kg.sparql.push against a real Oxigraph server started on a free loopback port."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.store import GraphStore
from kg.sparql.push import PushError, push, target_url

FIXTURE = Path(__file__).parent / "data" / "sparql_fixture.trig"
BASE = "https://w3id.org/paperkg/"
DAY1 = BASE + "graph/digest-md/2024-05-01"
DAY2 = BASE + "graph/digest-md/2024-05-02"
TARGET = BASE + "graph/pushed"
STARTUP_SECONDS = 20


@dataclass
class OxigraphServer:
    base_url: str
    process: subprocess.Popen[bytes]

    @property
    def gsp_url(self) -> str:
        return self.base_url + "/store"

    def count(self, graph: str | None) -> int:
        """Triples in ``graph`` (``None`` = default graph) according to the server."""
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        query = f"SELECT (COUNT(*) AS ?n) {{ {pattern} }}"
        url = self.base_url + "/query?" + urllib.parse.urlencode({"query": query})
        request = urllib.request.Request(
            url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            document = json.load(response)
        return int(document["results"]["bindings"][0]["n"]["value"])


def oxigraph_executable() -> str:
    """The ``oxigraph`` CLI (from the ``oxigraph`` PyPI package); skip or fail if absent."""
    found = shutil.which("oxigraph") or shutil.which(
        "oxigraph", path=str(Path(sys.executable).parent))
    if found:
        return found
    reason = "the 'oxigraph' server executable is not installed (pip install oxigraph)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + "; it is required when CI=true")
    pytest.skip(reason)
    raise AssertionError("unreachable")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"oxigraph did not listen on port {port} within {STARTUP_SECONDS} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    executable = oxigraph_executable()
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [executable, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_listening(port, process)
        yield OxigraphServer(f"http://127.0.0.1:{port}", process)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return GraphStore.from_file(FIXTURE).store


def distinct_triples(store: ox.Store, *graphs: str) -> int:
    """Distinct triples of the union (or of ``graphs``): what a remote graph will hold."""
    query = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    options: dict[str, object] = {}
    if graphs:
        options = {"default_graph": [ox.NamedNode(g) for g in graphs]}
    solutions = store.query(query, **options)  # type: ignore[arg-type]
    return int(next(iter(solutions))[0].value)


def write_graph(store: ox.Store, graph: str, path: Path, fmt: ox.RdfFormat) -> Path:
    store.dump(path, format=fmt, from_graph=ox.NamedNode(graph))
    return path


# ------------------------------------------------------------------ against Oxigraph


@pytest.mark.server
def test_push_store_matches_local_count(oxigraph: OxigraphServer, store: ox.Store) -> None:
    result = push(store, oxigraph.gsp_url, graph=TARGET)
    assert result.method == "PUT" and result.status in (200, 201, 204)
    assert result.bytes_sent > 0
    local = distinct_triples(store)
    assert len(store) > local  # the fixture repeats some triples across day graphs
    assert oxigraph.count(TARGET) == local


@pytest.mark.server
def test_replace_then_merge(oxigraph: OxigraphServer, store: ox.Store, tmp_path: Path) -> None:
    graph = BASE + "graph/replace-merge"
    day1 = write_graph(store, DAY1, tmp_path / "day1.ttl", ox.RdfFormat.TURTLE)
    day2 = write_graph(store, DAY2, tmp_path / "day2.nt", ox.RdfFormat.N_TRIPLES)

    push(store, oxigraph.gsp_url, graph=graph)
    assert oxigraph.count(graph) == distinct_triples(store)

    replaced = push(day1, oxigraph.gsp_url, graph=graph, replace=True)
    assert replaced.content_type == "text/turtle"
    assert replaced.bytes_sent == day1.stat().st_size
    assert oxigraph.count(graph) == distinct_triples(store, DAY1)

    merged = push(day2, oxigraph.gsp_url, graph=graph, replace=False)
    assert merged.method == "POST" and merged.content_type == "application/n-triples"
    assert oxigraph.count(graph) == distinct_triples(store)

    again = push(day2, oxigraph.gsp_url, graph=graph, replace=False)
    assert again.status in (200, 204)
    assert oxigraph.count(graph) == distinct_triples(store)  # merging is idempotent


@pytest.mark.server
def test_default_graph_and_unchunked_upload(oxigraph: OxigraphServer, store: ox.Store) -> None:
    result = push(store, oxigraph.gsp_url, graph=None, chunked=False)
    assert result.url.endswith("/store?default")
    assert oxigraph.count(None) == distinct_triples(store)


@pytest.mark.server
def test_trig_file_is_sent_as_union(oxigraph: OxigraphServer, store: ox.Store) -> None:
    graph = BASE + "graph/from-trig"
    result = push(FIXTURE, oxigraph.gsp_url, graph=graph)
    assert result.content_type == "application/n-triples"
    assert oxigraph.count(graph) == distinct_triples(store)


@pytest.mark.server
def test_wrong_path_is_a_push_error(oxigraph: OxigraphServer, store: ox.Store) -> None:
    with pytest.raises(PushError) as caught:
        push(store, oxigraph.base_url + "/nope", graph=TARGET)
    message = str(caught.value)
    assert caught.value.status == 404
    assert "404" in message and "not supported" in message  # the server's own words
    assert "Graph Store Protocol URL" in message and "/store" in message


@pytest.mark.server
def test_server_rejects_bad_turtle(oxigraph: OxigraphServer, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://e/s> <http://e/p> \n", encoding="utf-8")
    with pytest.raises(PushError) as caught:
        push(broken, oxigraph.gsp_url, graph=BASE + "graph/broken")
    assert caught.value.status == 400
    assert "line 2" in str(caught.value) or "Parser error" in str(caught.value)


@pytest.mark.server
def test_read_only_server_is_403(store: ox.Store, tmp_path: Path) -> None:
    executable = oxigraph_executable()
    port = free_port()
    (tmp_path / "ro").mkdir()
    ox.Store(str(tmp_path / "ro")).flush()  # a read-only server needs an existing store
    process = subprocess.Popen(
        [executable, "serve-read-only", "--location", str(tmp_path / "ro"),
         "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_listening(port, process)
        with pytest.raises(PushError) as caught:
            push(store, f"http://127.0.0.1:{port}/store", graph=TARGET)
        assert caught.value.status is not None and 400 <= caught.value.status < 500
        assert "Check:" in str(caught.value)
    finally:
        stop(process)


# ------------------------------------------------------------------ without a store


def test_unreachable_server(store: ox.Store) -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(PushError) as caught:
        push(store, f"http://127.0.0.1:{port}/store", graph=TARGET, timeout=5)
    message = str(caught.value)
    assert "connection refused" in message and "running" in message
    assert "Traceback" not in message


def test_silent_server_times_out(store: ox.Store) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts connections (backlog) but never answers
        port = silent.getsockname()[1]
        with pytest.raises(PushError, match=r"no answer .* within 0\.5 s"):
            push(FIXTURE, f"http://127.0.0.1:{port}/store", graph=TARGET, timeout=0.5)


def test_bad_arguments(store: ox.Store, tmp_path: Path) -> None:
    with pytest.raises(PushError, match="not an http"):
        push(store, "ftp://example.org/store", graph=TARGET)
    with pytest.raises(PushError, match="not an absolute IRI"):
        push(store, "http://127.0.0.1:9/store", graph="no spaces allowed")
    with pytest.raises(PushError, match="no such file"):
        push(tmp_path / "missing.ttl", "http://127.0.0.1:9/store", graph=TARGET)
    other = tmp_path / "data.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(PushError, match=r"use a \.ttl"):
        push(other, "http://127.0.0.1:9/store", graph=TARGET)


def test_target_url() -> None:
    assert target_url("http://h:7878/store", None) == "http://h:7878/store?default"
    assert target_url("http://h:7878/store", BASE + "graph/x") == (
        "http://h:7878/store?graph=https%3A%2F%2Fw3id.org%2Fpaperkg%2Fgraph%2Fx")
    assert target_url("http://h/ds/data?x=1", "http://e/g#1") == (
        "http://h/ds/data?x=1&graph=http%3A%2F%2Fe%2Fg%231")
