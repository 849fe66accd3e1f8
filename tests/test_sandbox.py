"""The query sandbox: worker processes with a memory cap, a hard kill at the time cap,
a fair queue, and an endpoint no query can kill (issue 15's reproductions)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from kg.graph.store import GraphStore
from kg.sparql.query import QueryBusy, QueryError, QueryTimeout
from kg.sparql.sandbox import Job, WorkerCrashed, WorkerPool, on_disk, snapshot
from kg.sparql.server import LISTEN_BACKLOG, RunningEndpoint, start_background
from tests.cli import run_kg

pytestmark = pytest.mark.server

HANG_GUARD = 60  # seconds: only so a regression fails instead of hanging the suite
CARTESIAN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SQUARING = ('SELECT ?f { BIND("abcdefghij" AS ?a) BIND(REPLACE(?a, "", ?a) AS ?b) '
            'BIND(REPLACE(?b, "", ?b) AS ?c) BIND(REPLACE(?c, "", ?c) AS ?d) '
            'BIND(REPLACE(?d, "", ?d) AS ?e) BIND(REPLACE(?e, "", ?e) AS ?f) }')
CHEAP = "ASK { ?s ?p ?o }"


def numbers(size: int) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"),
                         ox.Literal(str(i))) for i in range(size))
    return store


def post(endpoint: RunningEndpoint | SimpleNamespace, query: str) -> tuple[int, str]:
    request = urllib.request.Request(endpoint.url, query.encode(),
                                     {"Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=HANG_GUARD) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture(scope="module")
def endpoint() -> RunningEndpoint:
    running = start_background(numbers(3000), timeout=3, max_concurrent=2, memory_mb=512)
    yield running
    running.stop()


# --------------------------------------------------------------- the reproductions


def test_deep_nesting_post_is_a_400_and_the_server_lives(endpoint: RunningEndpoint) -> None:
    n = 5000
    status, text = post(endpoint, "SELECT * WHERE { FILTER(" + "(" * n + "1" + ")" * n + ") }")
    assert status == 400 and "levels deep" in text
    assert post(endpoint, CHEAP)[0] == 200


def test_escaped_name_service_bypass_is_refused(endpoint: RunningEndpoint) -> None:
    query = ("PREFIX ex: <http://e/> SELECT * { ?s ex:a\\#b ?o . "
             "SERVICE <http://127.0.0.1:1/sparql> { ?x ?y ?z } }")
    status, text = post(endpoint, query)
    assert status == 400 and "SERVICE" in text


@pytest.mark.parametrize("query", [SQUARING, "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"])
def test_memory_blowups_end_the_query_not_the_server(endpoint: RunningEndpoint,
                                                      query: str) -> None:
    status, text = post(endpoint, query)
    assert status in (500, 503), text
    assert "memory" in text or "did not finish" in text
    assert "Traceback" not in text
    assert post(endpoint, CHEAP)[0] == 200


def test_the_query_page_runs_in_the_same_sandbox(endpoint: RunningEndpoint) -> None:
    """A query typed into /queries is bounded like one sent to /sparql: the worker hits
    its memory cap, the page shows why, and the server goes on answering."""
    url = f"{endpoint.base_url}/queries?" + urllib.parse.urlencode({"query": SQUARING,
                                                                     "run": "1"})
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=120) as response:
        page = response.read().decode()
    assert "memory cap" in page  # in-process, a thread timeout only abandoned the query
    assert "Traceback" not in page
    assert post(endpoint, CHEAP)[0] == 200


@pytest.mark.parametrize(("signal_number", "cause"), [
    (signal.SIGSEGV, "crashed the query engine (SIGSEGV"),
    (signal.SIGABRT, "memory cap"),
])
def test_a_worker_dying_mid_query_is_answered_with_its_cause(signal_number: int,
                                                              cause: str) -> None:
    # What a stack overflow (SIGSEGV) or a failed allocation (SIGABRT) does to a worker.
    with WorkerPool(snapshot(numbers(1000)), 1, memory_mb=512) as pool:
        worker = pool._idle[0]
        failures: list[Exception] = []

        def run() -> None:
            try:
                pool.run(Job(CARTESIAN), timeout=HANG_GUARD)
            except QueryError as err:
                failures.append(err)

        thread = threading.Thread(target=run)
        thread.start()
        while not pool._running:
            threading.Event().wait(0.01)
        os.kill(worker.process.pid, signal_number)
        thread.join(HANG_GUARD)
        assert len(failures) == 1 and isinstance(failures[0], WorkerCrashed)
        assert cause in str(failures[0])
        assert b"true" in pool.run(Job(CHEAP), timeout=HANG_GUARD).body  # replaced


def test_timeout_kills_the_worker_and_frees_its_slot() -> None:
    with WorkerPool(snapshot(numbers(1000)), 1, memory_mb=512) as pool:
        # 10^12 solutions: this would run for hours if the slot were merely abandoned.
        with pytest.raises(QueryTimeout, match=r"did not finish within 0\.5 s"):
            pool.run(Job(CARTESIAN), timeout=0.5)
        answer = pool.run(Job(CHEAP), timeout=HANG_GUARD)
        assert b"true" in answer.body


def test_a_cheap_query_is_answered_while_heavy_ones_run(endpoint: RunningEndpoint) -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as heavy:
        running = heavy.submit(post, endpoint, CARTESIAN)
        status, text = post(endpoint, CHEAP)
        assert status == 200 and "true" in text
        assert not running.done()  # answered while the heavy query still held a worker
        status, text = running.result()
    assert status == 503 and "did not finish within 3 s" in text


def test_200_concurrent_cheap_queries_are_all_answered(endpoint: RunningEndpoint) -> None:
    assert LISTEN_BACKLOG >= 200
    query = "SELECT ?o { <http://e/s7> ?p ?o }"
    with concurrent.futures.ThreadPoolExecutor(200) as clients:
        answers = list(clients.map(lambda _: post(endpoint, query), range(200)))
    assert [status for status, _ in answers] == [200] * 200
    assert all('"7"' in text for _, text in answers)


# ------------------------------------------------------------------------ fairness


def test_free_worker_goes_to_the_client_served_least_recently() -> None:
    done: list[str] = []
    with WorkerPool(snapshot(numbers(1000)), 1, memory_mb=512) as pool:
        def run(client: str, query: str, timeout: float) -> None:
            with contextlib.suppress(QueryError):
                pool.run(Job(query), client=client, timeout=timeout)
            done.append(client)

        first = threading.Thread(target=run, args=("a", CARTESIAN, 1.0))
        first.start()
        while not pool._running:  # wait until "a" holds the only worker
            threading.Event().wait(0.01)
        second = threading.Thread(target=run, args=("a", CARTESIAN, 2.5))
        second.start()
        while sum(len(q) for q in pool._waiting.values()) < 1:
            threading.Event().wait(0.01)
        third = threading.Thread(target=run, args=("b", CHEAP, HANG_GUARD))
        third.start()
        for thread in (first, second, third):
            thread.join(HANG_GUARD)
    # a's second query queued first, but "b" had not been served: it goes before it.
    assert done == ["a", "b", "a"]


def test_queue_wait_never_exceeds_the_deadline() -> None:
    with WorkerPool(snapshot(numbers(1000)), 1, memory_mb=512) as pool:
        def hold() -> None:
            with pytest.raises(QueryTimeout):
                pool.run(Job(CARTESIAN), client="a", timeout=2.0)

        holder = threading.Thread(target=hold)
        holder.start()
        while not pool._running:
            threading.Event().wait(0.01)
        with pytest.raises(QueryBusy, match="stayed busy"):
            pool.run(Job(CHEAP), client="b", timeout=0.2)
        holder.join(HANG_GUARD)


# --------------------------------------------------------------- a store that grows


def test_workers_see_a_store_that_grows(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = GraphStore(path)
    store.store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"),
                            ox.Literal("1"), ox.NamedNode("http://e/g")))
    store.store.flush()
    count = "SELECT (COUNT(*) AS ?n) { GRAPH <http://e/g> { ?s ?p ?o } }"
    with WorkerPool(on_disk(path), 1) as pool:
        assert '"1"' in pool.run(Job(count), timeout=HANG_GUARD).body.decode()
        store.store.add(ox.Quad(ox.NamedNode("http://e/b"), ox.NamedNode("http://e/p"),
                                ox.Literal("2"), ox.NamedNode("http://e/g")))
        store.store.flush()
        assert '"2"' in pool.run(Job(count), timeout=HANG_GUARD).body.decode()
    store.close()


# ------------------------------------------------------- kg serve, all in one run


def test_kg_serve_survives_every_reproduction_in_one_run(tmp_path: Path,
                                                         examples_dir: Path) -> None:
    built = run_kg("build", str(examples_dir), "-o", str(tmp_path / "out"), "-q")
    assert built.returncode == 0, built.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "-g", str(tmp_path / "out"), "--port", "0",
         "--timeout", "3", "--memory-limit", "512"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert server.stderr is not None
        banner = server.stderr.readline()
        url = banner.split(" at ", 1)[1].split()[0]
        endpoint = SimpleNamespace(url=url)
        attacks = [
            ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", {400}),
            ("PREFIX ex: <http://e/> SELECT * { ?s ex:a\\'b ?o . "
             "SERVICE <http://127.0.0.1:1/> { ?x ?y ?z } }", {400}),
            (SQUARING, {500, 503}),  # out of memory or out of time: the query ends
            ("SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", {200, 500, 503}),
        ]
        for query, statuses in attacks:
            status, text = post(endpoint, query)
            assert status in statuses, (query[:60], status, text)
        with concurrent.futures.ThreadPoolExecutor(2) as heavy:
            running = [heavy.submit(post, endpoint, CARTESIAN) for _ in range(2)]
            # Both workers are busy until the hard kill at 3 s; the cheap query waits
            # in the queue for the first freed worker instead of getting a 503.
            status, text = post(endpoint, CHEAP)
            assert status == 200, text
            assert [f.result()[0] for f in running] == [503, 503]
        with concurrent.futures.ThreadPoolExecutor(200) as clients:
            answers = list(clients.map(lambda _: post(endpoint, CHEAP), range(200)))
        assert [status for status, _ in answers] == [200] * 200
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)


def test_workers_end_when_their_parent_is_killed() -> None:
    code = (
        "import pyoxigraph as ox\n"
        "from kg.sparql.sandbox import Job, WorkerPool, snapshot\n"
        "store = ox.Store()\n"
        "store.extend(ox.Quad(ox.NamedNode(f'http://e/s{i}'), ox.NamedNode('http://e/p'),"
        " ox.Literal(str(i))) for i in range(1000))\n"
        "pool = WorkerPool(snapshot(store), 1)\n"
        "print(pool._idle[0].process.pid, flush=True)\n"
        f"pool.run(Job({CARTESIAN!r}), timeout=600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    parent.kill()  # SIGKILL: no clean-up code runs in the parent
    parent.wait(HANG_GUARD)
    for _ in range(HANG_GUARD * 10):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        threading.Event().wait(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its killed parent")
