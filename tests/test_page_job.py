"""kg add draws a big graph's graph.html and splices its graph.ttl in a process of its
own (kg.engine.page_job), beside the people refresh and the search index: the files
must be the rebuild's, written by the child, and by the add itself when the child
fails or the graph is too small to pay for it. The real corpus is below that size,
so the tests of the child lower it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import kg
from kg.engine import page_job
from kg.engine.add import AddResult, add_to_output
from kg.engine.workspace import Workspace
from kg.graph import facts as facts_module
from kg.graph.store import GraphStore
from kg.web.search import SEARCH_FILE
from tests.outputs import copied_days


@pytest.fixture()
def days(corpus_dir: Path, tmp_path: Path) -> list[Path]:
    """The real corpus days (over 3,000 nodes: the page is the overview), copied."""
    return copied_days(corpus_dir, tmp_path)


@pytest.fixture()
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any graph is big enough for the page's process."""
    monkeypatch.setattr(page_job, "PARALLEL_FROM", 0)
    monkeypatch.setattr(page_job, "PARALLEL_FROM_ROWS", 0)


def built(days: list[Path], tmp_path: Path) -> Path:
    """A rebuild of every day in ``tmp_path/full``; the output of all but the last."""
    kg.build(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out)
    return out


def indexed(out: Path) -> tuple[str, list[tuple[str, ...]]]:
    """The search index's generation and documents."""
    connection = sqlite3.connect(out / SEARCH_FILE)
    try:
        [(generation,)] = connection.execute("SELECT value FROM meta WHERE key = 'generation'")
        return generation, sorted(connection.execute("SELECT * FROM docs"))
    finally:
        connection.close()


def assert_page_as_rebuilt(out: Path, tmp_path: Path, result: AddResult) -> None:
    """graph.html, graph.ttl and the search index's documents equal the rebuild's, the
    index is of the store's generation, the add reports its note, no checkpoint stays."""
    for name in ("graph.html", "graph.ttl"):
        assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
    generation, documents = indexed(out)
    assert documents == indexed(tmp_path / "full")[1]
    graph = Workspace(out).open(read_only=True)
    try:
        assert generation == graph.union_token()
    finally:
        graph.close()
    assert any("overview" in note for note in result.notes), result.notes
    assert not list(out.glob(".page-*")), "the store's checkpoint was left behind"


def kill_before_drawing(monkeypatch: pytest.MonkeyPatch) -> list[page_job.PageJob]:
    """Make every page process die before it is given the union; the jobs, as they come."""
    started: list[page_job.PageJob] = []
    real = page_job.PageJob.draw

    def failing(job: page_job.PageJob, graph: GraphStore,
                change: page_job.LoadChange | None = None) -> None:
        assert job.child is not None
        job.child.kill()
        started.append(job)
        real(job, graph, change)

    monkeypatch.setattr(page_job.PageJob, "draw", failing)
    return started


def refuse_in_process(monkeypatch: pytest.MonkeyPatch, *, add: bool = False) -> None:
    """Make drawing the page here an error (and, for an ``add``, splicing graph.ttl)."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the page or graph.ttl was written by the run itself")

    monkeypatch.setattr("kg.view.draw.write_view_html", refuse)
    if add:
        monkeypatch.setattr("kg.engine.splice._splice", refuse)


@pytest.mark.usefixtures("parallel")
def test_the_page_is_drawn_by_its_own_process_and_equals_a_rebuild(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = built(days, tmp_path)
    (out / ".page-left-by-a-killed-add" / "store").mkdir(parents=True)
    refuse_in_process(monkeypatch, add=True)
    assert_page_as_rebuilt(out, tmp_path, add_to_output([days[-1]], out))


@pytest.mark.usefixtures("parallel")
def test_the_page_process_writes_no_graph_ttl_the_add_was_not_asked_for(
        days: list[Path], tmp_path: Path) -> None:
    """An add asked for N-Triples only leaves graph.ttl as the build wrote it."""
    out = built(days, tmp_path)
    before = (out / "graph.ttl").read_bytes()
    result = add_to_output([days[-1]], out, formats=("nt",))
    assert (out / "graph.ttl").read_bytes() == before
    assert out / "graph.nt" in result.written and (out / "graph.nt").stat().st_size


@pytest.mark.usefixtures("parallel")
def test_a_failed_page_process_leaves_the_page_to_the_add(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = built(days, tmp_path)
    started = kill_before_drawing(monkeypatch)
    result = add_to_output([days[-1]], out)
    assert started and started[0].child is not None and started[0].child.returncode != 0
    assert_page_as_rebuilt(out, tmp_path, result)


@pytest.mark.usefixtures("parallel")
def test_an_add_that_fails_ends_its_page_process(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(days[:-1], out)
    launched: list[page_job.PageJob] = []
    real = page_job.launch

    def launch(directory: Path, previous: str | None = None) -> page_job.PageJob:
        launched.append(real(directory, previous))
        return launched[-1]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the load broke")

    monkeypatch.setattr(page_job, "launch", launch)
    monkeypatch.setattr("kg.engine.add._ingest", broken)
    with pytest.raises(RuntimeError, match="the load broke"):
        add_to_output([days[-1]], out)
    child = launched[0].child
    assert child is not None and child.poll() is not None, "the page's process outlived the add"


@pytest.mark.usefixtures("parallel")
def test_an_add_without_exports_starts_no_page_process(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(days[:-1], out)
    before = (out / "graph.html").read_bytes()

    def refuse(*args: object) -> None:
        raise AssertionError("a page process was started")

    monkeypatch.setattr(page_job, "launch", refuse)
    add_to_output([days[-1]], out, export=False)
    assert (out / "graph.html").read_bytes() == before


def test_a_small_graph_is_drawn_by_the_add_itself(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty real days (about 200 papers): a second process would cost more than it
    saves."""
    days = days[:20]
    out = built(days, tmp_path)

    def refuse(*args: object) -> None:
        raise AssertionError("a page process was started for a small graph")

    monkeypatch.setattr(page_job, "launch", refuse)
    result = add_to_output([days[-1]], out)
    assert (out / "graph.html").read_bytes() == (tmp_path / "full" / "graph.html").read_bytes()
    assert out / "graph.html" in result.written


def plain_page(days: list[Path], tmp_path: Path) -> bytes:
    """graph.html of a build without a store: always drawn in the build's process."""
    kg.build(days, tmp_path / "plain", store=False)
    return (tmp_path / "plain" / "graph.html").read_bytes()


@pytest.mark.usefixtures("parallel")
def test_a_build_draws_its_page_in_a_second_process(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = plain_page(days, tmp_path)
    refuse_in_process(monkeypatch)
    out = tmp_path / "out"
    result = kg.build(days, out)
    assert (out / "graph.html").read_bytes() == expected
    assert any("overview" in note for note in result.notes), result.notes
    assert out / "graph.html" in result.written
    assert not list(out.glob(".page-*")), "the store's checkpoint was left behind"


@pytest.mark.usefixtures("parallel")
def test_a_build_whose_page_process_fails_draws_the_page_itself(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = plain_page(days, tmp_path)
    killed = kill_before_drawing(monkeypatch)
    out = tmp_path / "out"
    kg.build(days, out)
    assert killed, "no page process was started"
    assert (out / "graph.html").read_bytes() == expected
    assert not list(out.glob(".page-*"))


@pytest.mark.usefixtures("parallel")
def test_a_build_too_big_for_facts_draws_its_page_alone(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without facts the page reads the store; done beside the people links, the two
    processes' peaks would add up, so the build draws it itself, after them."""
    expected = plain_page(days, tmp_path)
    monkeypatch.setattr(facts_module, "LIMIT", 5_000)
    launched: list[page_job.PageJob] = []
    real = page_job.launch

    def launch(directory: Path, previous: str | None = None) -> page_job.PageJob:
        launched.append(real(directory, previous))
        return launched[-1]

    def refuse(job: page_job.PageJob, graph: GraphStore,
               change: page_job.LoadChange | None = None) -> None:
        raise AssertionError("the page's process was given a graph without facts")

    monkeypatch.setattr(page_job, "launch", launch)
    monkeypatch.setattr(page_job.PageJob, "draw", refuse)
    out = tmp_path / "out"
    kg.build(days, out)
    assert (out / "graph.html").read_bytes() == expected
    child = launched[0].child
    assert child is not None and child.poll() is not None, "the page's process outlived the build"
