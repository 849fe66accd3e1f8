"""The overview's outline (kg.view.outline): every drawn node's kind, its degree and
each task's papers, kept by the page and moved by each add's change. What it holds
after any change must be what counting the whole graph again gives.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.engine import page_job
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.graph import vocab as v
from kg.graph.kinds import EDGE_KINDS, KINDS
from kg.graph.lines import triple_line
from kg.view import projection
from kg.view.outline import Outline, outline_of
from tests.outputs import build, copied_days, facts_of, second_listing

_TYPE = str(v.TYPE)
_CLASSES = [str(kind.cls) for kind in KINDS] + ["<http://example.org/Other>"]
_RELATIONS = [str(edge.predicate) for edge in EDGE_KINDS] + ["<http://example.org/rel>"]


def random_lines(rng: random.Random, nodes: list[str], count: int) -> set[str]:
    """Type lines (drawn kinds, the undrawn day kind, a foreign class) and edges
    (entity relations and a foreign one) between a few nodes."""
    lines = set()
    for _ in range(count):
        subject = rng.choice(nodes)
        if rng.random() < 0.4:
            lines.add(triple_line(subject, _TYPE, rng.choice(_CLASSES)))
        else:
            lines.add(triple_line(subject, rng.choice(_RELATIONS), rng.choice(nodes)))
    return lines


def quads(lines: set[str]) -> list[ox.Quad]:
    return list(ox.parse("".join(sorted(lines)), format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("seed", range(40))
def test_an_outline_moved_by_any_change_is_a_fresh_count(seed: int) -> None:
    """Random graphs and random changes: nodes gain and lose kinds (several classes
    at once, the first of the table wins), edges come and go, self-loops and edges
    to undrawn nodes included."""
    rng = random.Random(seed)
    nodes = [f"<https://w3id.org/paperkg/node/{i}>" for i in range(25)]
    before = random_lines(rng, nodes, 90)
    store = ox.Store()
    store.extend(quads(before))
    outline = outline_of(store)
    removed = set(rng.sample(sorted(before), rng.randrange(len(before))))
    added = random_lines(rng, nodes, rng.randrange(40)) - before
    for quad in quads(removed):
        store.remove(quad)
    store.extend(quads(added))
    outline.follow(store, removed, added)
    assert outline == outline_of(store)
    assert Outline.load(outline.dump()) == outline


def test_a_damaged_outline_is_refused() -> None:
    store = ox.Store()
    data = outline_of(store).dump()
    for damaged in (data[: len(data) // 2], b"", b"\x00" * 40,
                    data.replace(b"paperkg outline", b"paperkg outside")):
        assert Outline.load(damaged) is None


@pytest.fixture()
def days(corpus_dir: Path, tmp_path: Path) -> list[Path]:
    """The real corpus days (over 3,000 nodes: the page is the overview), copied."""
    return copied_days(corpus_dir, tmp_path)


def kept_outline(out: Path) -> tuple[Outline, Outline]:
    """The outline kept in ``out`` for its store's generation, and a fresh count of
    the store."""
    graph = Workspace(out).open(read_only=True)
    try:
        token = graph.union_token()
        assert token is not None
        kept = page_job.kept_outline(out, token)
        assert kept is not None, "no outline kept for the store's generation"
        return kept, outline_of(graph.store)
    finally:
        graph.close()


def test_adds_move_the_kept_outline_by_their_change(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build keeps the outline, each add moves it (no count of the whole graph),
    and it always equals a fresh count and the facts' own; graph.html equals a
    rebuild's. The adds: a new day, a second source of a stored day, a corrected day
    (a row dropped), drawn by the add itself and by the page's process."""
    out = tmp_path / "out"
    held = days[-1].rename(tmp_path / days[-1].name)
    build(days[:-1], out)
    kept, fresh = kept_outline(out)
    assert kept == fresh == outline_of(ox.Store(), facts_of(out))
    assert len(kept.kinds) > 3_000 and any(kept.papers.values())
    other = second_listing(days[2], tmp_path / "other")

    def refuse(*args: object) -> None:
        raise AssertionError("the add counted the whole graph again")

    for step, files in enumerate(([held], [other], [days[3]])):
        if step == 2:
            days[3].write_text("".join(days[3].read_text(encoding="utf-8")
                                       .splitlines(keepends=True)[:-1]), encoding="utf-8")
        with monkeypatch.context() as during:
            if step < 2:  # drawn here, where the refusal reaches
                during.setattr(page_job, "PARALLEL_FROM", 10**12)
                during.setattr(page_job, "outline_of", refuse)
            add_to_output(files, out)
        kept, fresh = kept_outline(out)
        assert kept == fresh == outline_of(ox.Store(), facts_of(out)), step
        assert len(list(out.glob(".outline-*"))) == 1
        rebuilt = tmp_path / f"rebuilt-{step}"
        build([*days[:-1], held, *([other] if step else [])], rebuilt)
        assert (out / "graph.html").read_bytes() == (rebuilt / "graph.html").read_bytes()


def kept_cards(out: Path) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
    """The cards the outline kept in ``out``, and the same papers' cards read now."""
    graph = Workspace(out).open(read_only=True)
    try:
        token = graph.union_token()
        assert token is not None
        kept = page_job.kept_outline(out, token)
        assert kept is not None
        papers = sorted(kept.drawn)
        return kept.drawn, projection.node_attributes(graph, dict.fromkeys(papers, "paper"),
                                                      papers)
    finally:
        graph.close()


def listing_of(days: list[Path], paper: str) -> tuple[Path, int]:
    """The first digest file that lists the paper (an arXiv IRI), and where the row's
    author cell starts (after the title's link, which may wrap over lines)."""
    arxiv = paper.rsplit("/", 1)[-1]
    for day in days:
        text = day.read_text(encoding="utf-8")
        at = text.find(f"{arxiv}) | ")
        if at >= 0:
            return day, at + len(arxiv) + 4
    raise AssertionError(f"no row lists {arxiv}")


def edit_authors(day: Path, start: int, edit: Callable[[list[str]], list[str]]) -> None:
    text = day.read_text(encoding="utf-8")
    end = text.index(" | ", start)
    day.write_text(text[:start] + ", ".join(edit(text[start:end].split(", "))) + text[end:],
                   encoding="utf-8")


def edit_title(day: Path, start: int) -> None:
    text = day.read_text(encoding="utf-8")
    title = text.rindex("| [", 0, start) + 3
    day.write_text(text[:title] + "Edited: " + text[title:], encoding="utf-8")


def test_kept_cards_follow_what_changes_them(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page keeps the cards of the papers its overview drew (title, authors of the
    latest listing, tasks, days) and the next page reads only those a change can
    alter. Each step edits what a drawn paper's card shows: a new day (a drawn
    paper's author written in capitals, so that person gains a name), a drawn
    paper's title edited, a drawn paper's second author renamed, a day emptied, and
    a drawn paper's task written in capitals on another day (a label that sorts first).
    After each, every kept card equals one read from the store, some were reused
    and graph.html equals a rebuild's."""
    monkeypatch.setattr(page_job, "PARALLEL_FROM", 10**12)  # drawn here, where spies reach
    out = tmp_path / "out"
    held = days[-1].rename(tmp_path / days[-1].name)
    build(days[:-1], out)
    drawn, fresh = kept_cards(out)
    assert drawn == fresh and len(drawn) > 100
    papers = sorted(drawn, key=lambda paper: (-len(drawn[paper]["days"]), paper))
    someone = str(drawn[papers[0]]["authors"][0])
    text = held.read_text(encoding="utf-8")
    edit_authors(held, text.index(") | ", text.index("\n| [")) + 4,
                 lambda names: [someone.upper(), *names[1:]])
    read: list[int] = []
    real = projection.node_attributes

    def counting(graph: object, kinds: dict[str, str], nodes: list[str],
                 **kwargs: object) -> dict[str, dict[str, object]]:
        if nodes and all(kinds[node] == "paper" for node in nodes):
            read.append(len(nodes))
        return real(graph, kinds, nodes, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(projection, "node_attributes", counting)
    # A task of a drawn paper written in capitals on another day: it gains a label
    # that sorts first, which every card listing the task shows.
    relabel = str(drawn[papers[0]]["tasks"][0]).upper()
    title_day, title_at = listing_of(days[:-1], papers[1])
    author_day, author_at = listing_of(days[:-1], papers[2])
    steps: list[tuple[str, Callable[[], Path]]] = [
        ("new day", lambda: held),
        ("title", lambda: (edit_title(title_day, title_at), title_day)[1]),
        ("author", lambda: (edit_authors(author_day, author_at, lambda names: [
            *names[:1], "Ada Lovelace", *names[2:]]), author_day)[1]),
        ("emptied", lambda: (days[5].write_text("", encoding="utf-8"), days[5])[1]),
        ("relabelled", lambda: (days[7].write_text(days[7].read_text(encoding="utf-8").replace(
            "['", f"['{relabel}', ", 1), encoding="utf-8"), days[7])[1]),
    ]
    for step, (name, change) in enumerate(steps):
        read.clear()
        add_to_output([change()], out)
        reads = sum(read)
        drawn, fresh = kept_cards(out)
        assert drawn == fresh, name
        assert 0 < reads < len(drawn), (name, reads, len(drawn))
        rebuilt = tmp_path / f"rebuilt-{step}"
        monkeypatch.setattr(projection, "node_attributes", real)
        build([*days[:-1], held], rebuilt)
        monkeypatch.setattr(projection, "node_attributes", counting)
        assert (out / "graph.html").read_bytes() == (rebuilt / "graph.html").read_bytes(), name


def test_kg_html_draws_the_default_page_from_the_kept_outline(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``kg html`` on an output folder reads the outline and cards its last run kept
    for the store's generation instead of every node and edge; the page is the
    build's. An outline kept for another generation is not used."""
    out = tmp_path / "out"
    build(days, out)
    expected = (out / "graph.html").read_bytes()
    page = tmp_path / "again.html"

    def refuse(*args: object) -> None:
        raise AssertionError("kg html counted the whole graph")

    with monkeypatch.context() as during:
        during.setattr("kg.view.draw.outline_of", refuse)
        done = CliRunner().invoke(main, ["html", "-g", str(out), "-o", str(page)])
    assert done.exit_code == 0, done.output
    assert page.read_bytes() == expected
    [kept] = out.glob(".outline-*")
    kept.rename(out / ".outline-of-another-generation")
    page.unlink()
    done = CliRunner().invoke(main, ["html", "-g", str(out), "-o", str(page)])
    assert done.exit_code == 0, done.output
    assert page.read_bytes() == expected
