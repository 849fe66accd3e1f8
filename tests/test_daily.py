"""Daily use without loss (issue 9): sources by path, atomic replacing adds, the store
is the graph, a server that sees each add, and nothing dropped silently.

The archive tests copy corpus days into the generator's own ``archive/YYYY/MM/DD.md``
layout, where many files share a base name.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.graph import vocab as v
from kg.graph.store import _SETTINGS, STORE_FORMAT, GraphStore, StoreError
from kg.read.parse import parse_inputs
from tests.cli import run_kg

ROOT = Path(__file__).resolve().parent.parent
DAYS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a schema:PublicationIssue }"
ENTRIES = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a pkg:DigestEntry }"


def count(graph: GraphStore, query: str) -> int:
    return int(next(iter(graph.store.query(query, prefixes=v.PREFIXES)))["n"].value)


def _days(store: ox.Store) -> int:
    return int(next(iter(store.query(DAYS, prefixes=v.PREFIXES)))["n"].value)


def kg_cli(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return run_kg(*args, cwd=ROOT, **kwargs)


def archive(corpus_dir: Path, root: Path, months: int = 3) -> list[Path]:
    """Corpus days as archive/YYYY/MM/DD.md (the first ``months`` months)."""
    made = []
    for md in sorted((corpus_dir / "digests").glob("papers-*.md")):
        year, month, day = md.stem.removeprefix("papers-").split("-")
        target = root / year / month / f"{day}.md"
        if len({p.parent for p in made} | {target.parent}) > months:
            break
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(md, target)
        made.append(target)
    return made


def test_archive_files_sharing_a_base_name_never_replace_each_other(
        corpus_dir: Path, tmp_path: Path) -> None:
    files = archive(corpus_dir, tmp_path / "archive")
    names = [p.name for p in files]
    assert len(set(names)) < len(names), "the archive must have repeated base names"
    out = tmp_path / "out"
    kg.build([tmp_path / "archive"], out, html=False)
    graph = Workspace(out).open(read_only=True)
    days, entries = count(graph, DAYS), count(graph, ENTRIES)
    del graph
    repeated = next(p for p in files if names.count(p.name) > 1)
    result = add_to_output([repeated], out, export=False)
    assert result.unchanged == [repeated.resolve().as_posix()] and not result.changed
    graph = Workspace(out).open(read_only=True)
    assert (count(graph, DAYS), count(graph, ENTRIES)) == (days, entries)


def test_a_file_from_another_folder_with_a_known_name_is_a_new_source(
        examples_dir: Path, corpus_dir: Path, tmp_path: Path) -> None:
    """The examples' papers-2025-02-27.md and a corpus copy of one day under that name."""
    other = tmp_path / "elsewhere" / "papers-2025-02-27.md"
    other.parent.mkdir()
    shutil.copyfile(corpus_dir / "digests" / "papers-2025-03-12.md", other)
    graph = GraphStore()
    kg.add([examples_dir], graph)
    before = count(graph, ENTRIES)
    result = kg.add([other], graph)
    assert result.added == [other.resolve().as_posix()] and not result.changed
    assert count(graph, ENTRIES) > before
    sources = {item.source for item in graph.manifest()}
    assert (examples_dir / "papers-2025-02-27.md").resolve().as_posix() in sources


def test_names_differing_only_in_case_or_punctuation_keep_their_own_graphs(
        examples_dir: Path, tmp_path: Path) -> None:
    text = (examples_dir / "papers-2025-02-27.md").read_text()
    first, second = tmp_path / "Papers 2025-02-27.md", tmp_path / "papers_2025-02-27.md"
    first.write_text(text)
    second.write_text(text.replace("| Title |", "| Title |", 1))
    graph = GraphStore()
    kg.add([first, second], graph)
    graphs = {item.graph for item in graph.manifest()}
    assert len(graphs) == 2
    # Cut the first file to its header: the second still lists every paper
    first.write_text(text.split("\n| ", 1)[0] + "\n")
    result = kg.add([first], graph)
    assert result.changed == [first.resolve().as_posix()]
    kept = {item.source: item.entries for item in graph.manifest()}
    assert kept[second.resolve().as_posix()] == 3


def test_graph_keys_are_injective_and_reversible() -> None:
    minter = kg.GraphStore().minter
    keys = ["/a/Papers 2025-01-01.md", "/a/papers_2025-01-01.md", "/a/papers-2025-01-01.md",
            "/a/" + "x" * 300 + "1.md", "/a/" + "x" * 300 + "2.md", "/a/b%2Fc.md", "/a/b/c.md"]
    graphs = [minter.day_graph(key, "2025-01-01").value for key in keys]
    assert len(set(graphs)) == len(keys)
    assert [minter.graph_source(g) for g in graphs] == [(k, "2025-01-01") for k in keys]


def test_a_moved_archive_is_rekeyed_not_duplicated(examples_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(examples_dir, old)
    graph = GraphStore()
    kg.add([old], graph)
    triples = len(graph)
    new = tmp_path / "new"
    old.rename(new)
    result = kg.add([new], graph)
    assert sorted(result.moved) == sorted(p.resolve().as_posix() for p in new.iterdir())
    assert {item.source.rsplit("/", 2)[-2] for item in graph.manifest()} == {"new"}
    assert len(graph) == triples


def test_a_store_of_the_old_layout_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "out"
    graph = Workspace(out).open()
    graph.store.remove(ox.Quad(_SETTINGS, v.DESCRIPTION, ox.Literal(STORE_FORMAT), _SETTINGS))
    graph.close()
    del graph
    with pytest.raises(StoreError, match=r"older paperkg release.*rebuild"):
        Workspace(out).open()
    run = kg_cli("add", str(ROOT / "examples" / "digests"), "-o", str(out), "-q")
    assert run.returncode != 0
    assert "older paperkg release" in run.stderr and "Traceback" not in run.stderr


def test_the_store_holds_the_void_description_graph_ttl_holds(
        corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build([corpus_dir / "digests"], out, html=False)
    in_file = sum(1 for _ in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    run = kg_cli("query", "-g", str(out), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.split()[-1]) == in_file
    # and an add keeps it so
    day = tmp_path / "extra" / "papers-2025-02-27.md"
    day.parent.mkdir()
    shutil.copyfile(ROOT / "examples" / "digests" / "papers-2025-02-27.md", day)
    add_to_output([day], out)
    graph = Workspace(out).open(read_only=True)
    in_file = sum(1 for _ in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(graph) == in_file


def test_add_then_graph_ttl_equals_a_full_build(corpus_dir: Path, tmp_path: Path) -> None:
    files = archive(corpus_dir, tmp_path / "archive", months=2)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    kg.build(files[:-3], out, html=False)
    add_to_output(files[-3:], out)
    kg.build(files, fresh, html=False)
    assert (out / "graph.ttl").read_bytes() == (fresh / "graph.ttl").read_bytes()


# --- nothing lost silently -------------------------------------------------------------


def test_a_stray_nul_byte_is_removed_with_a_warning_at_its_line(
        examples_dir: Path, tmp_path: Path) -> None:
    data = (examples_dir / "papers-2025-02-27.md").read_bytes()
    lines = data.split(b"\n")
    row = next(i for i, line in enumerate(lines) if line.startswith(b"| [") or
               line.startswith(b"| **"))
    lines[row] = lines[row].replace(b" ", b" \x00", 1)
    path = tmp_path / "papers-2025-02-27.md"
    path.write_bytes(b"\n".join(lines))
    parsed = parse_inputs([str(path)])
    clean = parse_inputs([str(examples_dir / "papers-2025-02-27.md")])
    assert parsed.rows == clean.rows == 3
    assert [d.line for d in parsed.diagnostics if "NUL" in d.message] == [row + 1]
    binary = tmp_path / "binary.md"
    binary.write_bytes(bytes(range(256)) * 40)
    assert any("binary" in d.message for d in parse_inputs([str(binary)]).diagnostics)


def test_an_empty_json_day_is_a_day_with_no_entries(tmp_path: Path) -> None:
    path = tmp_path / "papers-2025-03-02.json"
    path.write_text("[]")
    parsed = parse_inputs([str(path)])
    assert not parsed.diagnostics
    assert [(d.day, len(d.entries)) for d in parsed.digests] == [("2025-03-02", 0)]
    assert count(kg.build([path]).store, DAYS) == 1


def test_a_repeated_author_keeps_both_positions_and_warns(tmp_path: Path) -> None:
    path = tmp_path / "papers-2025-03-03.md"
    path.write_text(
        "## Papers for 2025-03-03\n\n"
        "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
        "|---|---|---|---|---|---|\n"
        "| [Repeated Names](https://arxiv.org/abs/2503.00001) | Song Chen, Tao Zhang, "
        "Tao Zhang, Jun Liu, AdamLee1 | A row written for this test. | ['Other'] | N/A | N/A |\n")
    parsed = parse_inputs([str(path)])
    entry = parsed.digests[0].entries[0]
    assert entry.authors == ("Song Chen", "Tao Zhang", "Tao Zhang", "Jun Liu", "AdamLee1")
    assert any("Tao Zhang" in d.message and "2 and 3" in d.message
               for d in parsed.diagnostics)
    graph = kg.build([path]).store
    rows = graph.store.query("""SELECT ?pos ?name WHERE { ?a pkg:authorPosition ?pos ;
        prov:agent/schema:name ?name } ORDER BY ?pos""", prefixes=v.PREFIXES)
    assert [(int(r["pos"].value), r["name"].value) for r in rows][3:] == [
        (4, "Jun Liu"), (5, "AdamLee1")]


def test_json_github_repo_is_read_and_a_disagreement_warned(tmp_path: Path) -> None:
    record = {"date": "2025-03-04", "title": "Point Cloud Diffusion",
              "link": "https://arxiv.org/abs/2412.17793", "authors": ["A. Writer"],
              "summary": "Written for this test.", "classification": ["Other"],
              "github_urls": ["https://github.com/happywlnd/scorelidar"],
              "github_repo": "https://github.com/happyw1nd/ScoreLiDAR"}
    agree = dict(record, github_repo="https://github.com/happywlnd/ScoreLiDAR")
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record]))
    parsed = parse_inputs([str(path)])
    urls = [link.url for link in parsed.digests[0].entries[0].links]
    assert "https://github.com/happyw1nd/ScoreLiDAR" in urls and len(urls) == 2
    assert any("github_repo" in d.message for d in parsed.diagnostics)
    path.write_text(json.dumps([agree]))
    parsed = parse_inputs([str(path)])
    assert len(parsed.digests[0].entries[0].links) == 1 and not parsed.diagnostics


# --- interrupted replacing adds ---------------------------------------------------------


def test_a_killed_replacing_add_leaves_old_or_new_and_the_next_add_repairs(
        corpus_dir: Path, tmp_path: Path) -> None:
    days = sorted((corpus_dir / "digests").glob("papers-*.md"))[:40]
    original = "".join(p.read_text() for p in days)
    edited = "".join(p.read_text() for p in days[::2])  # half the days dropped
    combined = tmp_path / "in" / "combined.md"
    combined.parent.mkdir()
    companion = tmp_path / "in" / "papers-2025-02-28.md"
    shutil.copyfile(ROOT / "examples" / "digests" / "papers-2025-02-28.md", companion)
    references = {}
    for label, text in (("old", original), ("new", edited)):
        combined.write_text(text)
        kg.build([combined.parent], tmp_path / label, html=False)
        references[label] = (tmp_path / label / "graph.ttl").read_bytes()
    assert references["old"] != references["new"]
    out = tmp_path / "out"
    moments = [(signal.SIGKILL, 0.6), (signal.SIGINT, 1.2), (signal.SIGKILL, 1.8),
               (signal.SIGINT, 2.4), (signal.SIGKILL, 3.2)]
    for sig, delay in moments:
        combined.write_text(original)
        shutil.rmtree(out, ignore_errors=True)
        kg.build([combined.parent], out, html=False)
        combined.write_text(edited)
        process = subprocess.Popen([sys.executable, "-m", "kg", "add", str(combined), "-o",
                                    str(out), "-q", "--no-export"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(sig)
        process.wait(60)
        graph = Workspace(out).open(read_only=True)
        state = graph.serialize()
        del graph
        assert state in (references["old"], references["new"]), (sig, delay)
        # re-adding either version ends equal to a full build of it
        version = "old" if delay < 2 else "new"
        combined.write_text(original if version == "old" else edited)
        add_to_output([combined], out)
        assert (out / "graph.ttl").read_bytes() == references[version], (sig, delay)


# --- a server that sees the store grow --------------------------------------------------


def _query(url: str, query: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "text/csv"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _index_papers(endpoint: str) -> int:
    """The papers total the index page shows."""
    request = urllib.request.Request(endpoint.removesuffix("sparql"),
                                     headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        found = re.search(r"<strong>(\d+)</strong> papers", answer.read().decode())
    assert found
    return int(found.group(1))


def test_a_running_server_answers_with_each_added_day(examples_dir: Path,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build([examples_dir / "papers-2025-02-27.md"], out, html=False)
    server = subprocess.Popen([sys.executable, "-m", "kg", "serve", "-g", str(out),
                               "--port", "0"],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        url = re.search(r"(http://\S+/sparql)", line)
        assert url, line
        endpoint = url.group(1)
        log: list[str] = []  # drain the access log, or a full pipe blocks the server
        drain = threading.Thread(target=lambda: log.extend(server.stderr), daemon=True)
        drain.start()
        days = "PREFIX schema: <https://schema.org/> SELECT (COUNT(?d) AS ?n) WHERE " \
               "{ ?d a schema:PublicationIssue }"
        title = ('PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?t WHERE '
                 '{ ?p dcterms:title ?t FILTER(CONTAINS(?t, "a")) } LIMIT 5')
        assert _query(endpoint, days) == (200, "n\r\n1\r\n")
        papers = "PREFIX fabio: <http://purl.org/spar/fabio/> SELECT (COUNT(?p) AS ?n) " \
                 "WHERE { ?p a fabio:Preprint }"
        before = int(_query(endpoint, papers)[1].split()[1])
        assert _index_papers(endpoint) == before  # the page summary of this generation
        failures: list[tuple[int, str]] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                status, body = _query(endpoint, title)
                if status != 200:
                    failures.append((status, body))

        thread = threading.Thread(target=hammer)
        thread.start()
        run = kg_cli("add", str(examples_dir / "papers-2025-02-28.md"), "-o", str(out), "-q")
        assert run.returncode == 0, run.stderr
        deadline = time.monotonic() + 5
        while _query(endpoint, days) != (200, "n\r\n2\r\n") and time.monotonic() < deadline:
            time.sleep(0.1)
        stop.set()
        thread.join(30)
        assert _query(endpoint, days) == (200, "n\r\n2\r\n")
        after = int(_query(endpoint, papers)[1].split()[1])
        assert after > before
        while _index_papers(endpoint) != after and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _index_papers(endpoint) == after  # recomputed for the new generation
        assert not failures, "".join(line for line in log if "GET" not in line)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_server_reopens_the_store_only_on_a_new_generation(examples_dir: Path,
                                                           tmp_path: Path) -> None:
    """Workers reopen the store when a write completed, never in between."""
    from kg.sparql.sandbox import on_disk

    out = tmp_path / "out"
    kg.build([examples_dir / "papers-2025-02-27.md"], out, html=False)
    source = on_disk(Workspace(out).store_path)
    first = source()
    assert source() == first
    add_to_output([examples_dir / "papers-2025-02-28.md"], out, export=False)
    second = source()
    assert second != first
    assert _days(second.open()) == 2
    kg.build([examples_dir], out, html=False)  # a build swaps the store folder
    third = source()
    assert third != second
    assert _days(third.open()) == len(list(examples_dir.glob("*.md")))


# --- facts per listing ------------------------------------------------------------------

HEADER = ("| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
          "|---|---|---|---|---|---|\n")


def _listing(path: Path, day: str, authors: str, tasks: str) -> None:
    path.write_text(f"## Papers for {day}\n\n{HEADER}"
                    f"| [NeoBERT](https://arxiv.org/abs/2502.19587) | {authors} | "
                    f"Written for this test. | {tasks} | N/A | N/A |\n")


def test_overlapping_author_windows_and_labels_stay_with_their_listing(tmp_path: Path) -> None:
    """The generator caps authors at 5, and the window can move between listings."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _listing(tmp_path / "a" / "papers-2025-02-27.md", "2025-02-27",
             "Lola Le Breton, Quentin Fournier", "['NLP']")
    _listing(tmp_path / "b" / "papers-2025-02-28.md", "2025-02-28",
             "Quentin Fournier, Mariam El Mezouar, Sarath Chandar", "['Sentence Similarity']")
    result = kg.build([tmp_path / "a", tmp_path / "b"])
    store = result.store.store
    doubled = store.query("""SELECT ?a WHERE { ?a prov:agent ?x , ?y FILTER (?x != ?y) }""",
                          prefixes=v.PREFIXES)
    assert not list(doubled)
    positions = store.query("""SELECT ?a WHERE { ?a pkg:authorPosition ?x , ?y
                               FILTER (?x != ?y) }""", prefixes=v.PREFIXES)
    assert not list(positions)
    from kg.sparql.library import bind_query

    rows = store.query(bind_query("paper-summary", {"arxiv": "2502.19587"}),
                       prefixes=v.PREFIXES)
    authors = [(int(r["position"].value), r["value"].value) for r in rows
               if r["field"].value == "author"]
    assert authors == [(1, "Quentin Fournier"), (2, "Mariam El Mezouar"),
                       (3, "Sarath Chandar")]  # the latest listing's order, one answer
    creators = store.query("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { paper:2502.19587 "
                           "dcterms:creator ?p }", prefixes=v.all_prefixes(kg.DEFAULT_BASE))
    assert int(next(iter(creators))["n"].value) == 4  # the union
    by_day = store.query("""SELECT ?date ?label WHERE { ?e dcterms:subject/skos:prefLabel ?label ;
        schema:isPartOf/schema:datePublished ?date } ORDER BY ?date""", prefixes=v.PREFIXES)
    assert [(r["date"].value, r["label"].value) for r in by_day] == [
        ("2025-02-27", "NLP"), ("2025-02-28", "Sentence Similarity")]


def test_kg_add_reports_days_and_entries_per_file_and_status_shows_paths(
        examples_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "in" / "both.md"
    source.parent.mkdir()
    source.write_text((examples_dir / "papers-2025-02-27.md").read_text())
    out = tmp_path / "out"
    first = kg_cli("add", str(source), "-o", str(out), "--no-export")
    assert f"{source.resolve().as_posix()}: added; days +1 ~0 -0; entries 0 -> 3" \
        in first.stdout, first.stdout + first.stderr
    source.write_text((examples_dir / "papers-2025-02-28.md").read_text())
    second = kg_cli("add", str(source), "-o", str(out), "--no-export")
    assert f"{source.resolve().as_posix()}: replaced; days +1 ~0 -1; entries 3 -> 6" \
        in second.stdout, second.stdout + second.stderr
    status = kg_cli("status", "-g", str(out))
    assert source.resolve().as_posix() in status.stdout
