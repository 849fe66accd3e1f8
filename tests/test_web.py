"""kg.web.respond called directly: routing, Cool-URIs negotiation, pages, search, query page."""

from __future__ import annotations

import csv
import gc
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import kg
from kg.graph import vocab as v
from kg.web import respond
from kg.web.search import SEARCH_FILE, SearchIndex, match_expression
from tests.webdata import HOSTILE_SCRIPT, write_digests

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
BASE = v.DEFAULT_BASE


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    folder = write_digests(tmp_path_factory.mktemp("web") / "digests")
    return kg.build([folder]).store.store


def get(store: ox.Store, path: str, headers: dict[str, str] | None = None,
        **params: str) -> kg.web.WebResponse:
    answer = respond(store, "GET", path, list(params.items()), headers or HTML)
    assert answer is not None, path
    return answer


def page(store: ox.Store, path: str, **params: str) -> str:
    answer = get(store, path, **params)
    assert answer.status == 200, answer.body[:300]
    assert answer.content_type.startswith("text/html")
    return answer.body.decode("utf-8")


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)


def test_node_iri_redirects_per_accept(store: ox.Store) -> None:
    cases = {"text/html": ".html", "text/turtle": ".ttl", "application/n-triples": ".nt",
             "application/ld+json": ".jsonld",
             "text/turtle;q=0.5, application/ld+json;q=0.9": ".jsonld"}
    for accept, suffix in cases.items():
        answer = get(store, "/paper/2502.19587", {"Accept": accept})
        assert answer.status == 303
        assert answer.headers["Location"] == "/paper/2502.19587" + suffix
        assert answer.headers["Vary"] == "Accept"
    forced = get(store, "/paper/2502.19587", format="nt")
    assert forced.headers["Location"] == "/paper/2502.19587.nt"
    assert get(store, "/paper/2502.19587", {"Accept": "image/png"}).status == 406


def test_rdf_documents_parse_and_describe_the_node(store: ox.Store) -> None:
    paper = rdflib.URIRef(BASE + "paper/2502.19587")
    title = rdflib.Literal("NeoBERT: A Next-Generation BERT")
    for suffix, syntax, media in ((".ttl", "turtle", "text/turtle"),
                                  (".nt", "nt", "application/n-triples"),
                                  (".jsonld", "json-ld", "application/ld+json")):
        answer = get(store, "/paper/2502.19587" + suffix)
        assert answer.status == 200 and answer.content_type.startswith(media)
        graph = rdflib.Graph().parse(data=answer.body, format=syntax)
        assert (paper, rdflib.URIRef(v.TITLE.value), title) in graph
        entry = rdflib.URIRef(BASE + "entry/2025-02-28_2502.19587")
        assert (entry, rdflib.URIRef(v.ABOUT.value), paper) in graph  # incoming too


def test_void_is_served(store: ox.Store) -> None:
    answer = get(store, "/.well-known/void", {"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=answer.body, format="turtle")
    dataset = rdflib.URIRef(BASE + "dataset")
    (triples,) = graph.objects(dataset, rdflib.URIRef(v.VOID_TRIPLES.value))
    assert int(triples) == len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))


def test_root_is_html_for_browsers_and_left_to_the_server_otherwise(store: ox.Store) -> None:
    assert respond(store, "GET", "/", [], {"Accept": "*/*"}) is None  # curl: plain help
    html = page(store, "/")
    assert "<strong>4</strong> papers" in html
    assert ('/day/2025-02-28', '2025-02-28') in links(html)
    assert ('/task/question-answering', 'Question Answering') in links(html)


_PAPER_TASKS = "SELECT ?p ?t WHERE { ?p a fabio:Preprint ; dcterms:subject ?t }"


def test_index_and_task_pages_count_papers_not_listings(store: ox.Store) -> None:
    """Each digest entry carries its day's dcterms:subject too (NeoBERT is listed on two
    days); the index's top tasks and a task page's co-occurring tasks count papers."""
    tasks: dict[str, set[str]] = {}
    for row in store.query(_PAPER_TASKS, prefixes=v.PREFIXES):  # type: ignore[union-attr]
        tasks.setdefault(row["p"].value, set()).add(row["t"].value)
    papers_of: dict[str, set[str]] = {}
    for paper, labels in tasks.items():
        for task in labels:
            papers_of.setdefault(task, set()).add(paper)
    counted = re.compile(r'<a href="(/task/[^"]+)">[^<]*</a> <span class="count">(\d+) papers?<')
    shown = counted.findall(page(store, "/"))
    assert ("/task/feature-extraction", "1") in shown  # NeoBERT, listed twice
    assert shown and {href: int(n) for href, n in shown} == {
        href: len(papers_of[BASE + href[1:]]) for href, _ in shown}
    html = page(store, "/task/feature-extraction.html")
    assert "<p class=\"summary\">1 paper</p>" in html
    cotasks = counted.findall(html.split("Co-occurring tasks", 1)[1])
    neobert = tasks[BASE + "paper/2502.19587"] - {BASE + "task/feature-extraction"}
    assert cotasks and {BASE + href[1:] for href, _ in cotasks} == neobert
    assert all(n == "1" for _, n in cotasks)


def test_paper_page(store: ox.Store) -> None:
    html = page(store, "/paper/2502.19587.html")
    found = links(html)
    authors = [label for href, label in found if href.startswith("/person/")]
    assert authors == ["Lola Le Breton", "Quentin Fournier", "Mariam El Mezouar",
                       "Sarath Chandar"]
    assert ("/task/feature-extraction", "Feature Extraction") in found
    assert ("/day/2025-02-27", "2025-02-27") in found and ("/day/2025-02-28", "2025-02-28") in found
    assert "Listed again: the weights" in html and "newer architecture choices" in html
    assert ("/github/chandar-lab/neobert", "chandar-lab/NeoBERT") in found
    assert ("https://github.com/chandar-lab/NeoBERT", "https://github.com/chandar-lab/NeoBERT") \
        in found
    # MedVLM-R1 shares an author (Sarath Chandar) with NeoBERT
    assert any(href == "/paper/2502.19634" for href, _ in found)


def test_person_page_counts(store: ox.Store) -> None:
    html = page(store, "/person/sarath-chandar.html")
    assert "2 papers · 7 co-authors · 4 tasks" in html
    assert "<h3>2025-02</h3>" in html
    assert re.search(r'<a href="/person/lola-le-breton">Lola Le Breton</a> '
                     r'<span class="count">1 shared</span>', html)
    assert "Other spellings" not in html  # no identity links in this graph


def test_person_other_spellings_from_identity_links(tmp_path: Path) -> None:
    graph = kg.build([write_digests(tmp_path / "d")]).store.store
    nan, other = ox.NamedNode(BASE + "person/nan-jiang"), ox.NamedNode(BASE + "person/n-jiang")
    graph.add(ox.Quad(other, v.TYPE, v.PERSON))
    graph.add(ox.Quad(other, v.NAME, ox.Literal("N. Jiang")))
    graph.add(ox.Quad(other, ox.NamedNode(v.NAMESPACES["skos"] + "closeMatch"), nan))
    html = page(graph, "/person/nan-jiang.html")
    section = html.split("Other spellings", 1)[1].split("</section>", 1)[0]
    assert links(section) == [("/person/n-jiang", "N. Jiang")]
    back = page(graph, "/person/n-jiang.html")
    assert ("/person/nan-jiang", "Nan Jiang") in links(back.split("Other spellings", 1)[1])


def test_task_page(store: ox.Store) -> None:
    html = page(store, "/task/reinforcement-learning.html")
    assert "2 papers" in html
    assert "<title>2025-02: 2 papers</title>" in html  # the chart's one month bar
    assert ("/person/nan-jiang", "Nan Jiang") in links(html)
    cotasks = html.split("Co-occurring tasks", 1)[1]
    assert ("/task/question-answering", "Question Answering") in links(cotasks)


def test_day_page_rerenders_the_digest(store: ox.Store) -> None:
    html = page(store, "/day/2025-02-28.html")
    assert "3 papers" in html
    assert 'rel="prev" href="/day/2025-02-27">← 2025-02-27</a>' in html
    row = html.split("MedVLM-R1", 1)[1].split("</tr>", 1)[0]
    names = [label for href, label in links(row) if href.startswith("/person/")]
    assert names == ["Jiayuan Zhu", "Fenglin Liu", "Junde Wu", "Jiazhen Pan", "Sarath Chandar"]


def test_item_page_lists_what_links_to_it(store: ox.Store) -> None:
    html = page(store, "/github/chandar-lab/neobert.html")
    assert ("/paper/2502.19587", "NeoBERT: A Next-Generation BERT") in links(html)
    assert ("/github/chandar-lab", "chandar-lab") in links(html)
    account = page(store, "/github/chandar-lab.html")
    assert ("/github/chandar-lab/neobert", "chandar-lab/NeoBERT") in links(account)


def test_unknown_paths_are_404_pages(store: ox.Store) -> None:
    for path in ("/paper/0000.00000", "/paper/0000.00000.ttl", "/nothing/here"):
        answer = get(store, path)
        assert answer.status == 404 and b"Nothing in this graph" in answer.body
        assert respond(store, "GET", path, [], {"Accept": "*/*"}) is None  # server's 404
    assert get(store, "/static/../../etc/passwd").status == 404


def test_hostile_text_is_escaped_everywhere(store: ox.Store) -> None:
    paths = ["/", "/paper/2502.20001.html", "/day/2025-02-28.html",
             "/person/nan-jiang.html", "/task/question-answering.html"]
    for path in paths:
        answer = get(store, path)
        html = answer.body.decode()
        assert "<script>window" not in html and "<img src=x" not in html, path
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    hit = page(store, "/search", q="long documents")
    assert "&lt;img src=x onerror=" in hit and "<img" not in hit


def test_search_ranks_exact_label_first(store: ox.Store) -> None:
    html = page(store, "/search", q="question answering")
    found = [(href, label) for href, label in links(html) if href.startswith(("/task", "/paper"))]
    assert found[0] == ("/task/question-answering", "Question Answering")
    hrefs = [href for href, _ in found]
    assert "/task/visual-question-answering" in hrefs and "/paper/2502.20001" in hrefs
    # then labels starting with the words, then the rest
    assert hrefs.index("/paper/2502.20001") < hrefs.index("/task/visual-question-answering")


def test_search_words_are_never_fts_syntax() -> None:
    assert match_expression('NEAR("a" b) OR *') == '"NEAR" "a" "b" "OR"*'
    assert match_expression(" \t*- ") is None


def test_build_writes_the_index_and_add_updates_it(tmp_path: Path) -> None:
    digests = write_digests(tmp_path / "digests")
    late = digests / "papers-2025-02-28.md"
    late.rename(tmp_path / "later.md")
    out = tmp_path / "out"
    result = kg.build([digests], out)
    assert out / SEARCH_FILE in result.written
    assert result.store is not None
    result.store.close()
    del result
    gc.collect()
    index = SearchIndex(ox.Store(), BASE, out / SEARCH_FILE)
    assert index.search("MedVLM") == []
    kg.engine.add.add_to_output([tmp_path / "later.md"], out, export=False)
    hits = index.search("MedVLM")
    assert [hit.iri for hit in hits] == [BASE + "paper/2502.19634"]
    assert "radiology" in index.search("radiology")[0].snippet


def test_query_page_runs_a_preset_with_parameters(store: ox.Store) -> None:
    loaded = page(store, "/queries", preset="task-papers")
    assert 'value="Reinforcement Learning"' in loaded and "<table" not in loaded
    html = page(store, "/queries", preset="task-papers", run="1",
                **{"p.task": "Question Answering"})
    table = html.split('<table class="results">', 1)[1]
    assert ("/paper/2502.19613", "paper:2502.19613") in links(table)
    assert ("/paper/2502.20001", "paper:2502.20001") in links(table)
    assert "2 rows" in html
    download = re.search(r'id="download-csv" href="/queries\?([^"]+)"', html)
    assert download is not None


def test_query_downloads_csv_and_json(store: ox.Store) -> None:
    query = "SELECT ?p ?t WHERE { ?p a fabio:Preprint ; dcterms:title ?t } ORDER BY ?p"
    answer = get(store, "/queries", query=query, download="csv")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="results.csv"'
    rows = list(csv.reader(io.StringIO(answer.body.decode())))
    assert rows[0] == ["p", "t"] and len(rows) == 5
    document = json.loads(get(store, "/queries", query=query, download="json").body)
    assert len(document["results"]["bindings"]) == 4


def test_query_error_shows_line_and_column(store: ox.Store) -> None:
    html = page(store, "/queries", query="SELECT ?x\nWHERE { ?x ?y }", run="1")
    assert re.search(r'data-line="2" data-column="\d+"', html)
    assert re.search(r"Error at line 2, column \d+", html)
    update = page(store, "/queries", query="DELETE WHERE { ?s ?p ?o }", run="1")
    assert "read-only" in update or "Update" in update


def test_query_text_is_escaped_in_the_editor(store: ox.Store) -> None:
    html = page(store, "/queries", query=f"# {HOSTILE_SCRIPT}\nASK {{}}", run="1")
    assert "</textarea></script>" not in html
    assert html.count("</textarea>") == 1
