"""The union facts a build collects on its pass over the union lines (kg.graph.facts),
which its people links and page read instead of the store, and the store lookups an
add makes instead to follow its change (kg.graph.facts.StoreLookup): what they give
must be what reading the store gives, after a build and after adds that add, replace
and drop days.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.engine import page_job, union
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.graph import facts as facts_module
from kg.graph import vocab as v
from kg.graph.facts import UnionFacts, value
from kg.graph.iris import Minter
from kg.graph.store import restricted
from kg.graph.void import LineCounter
from kg.people import state as people_state
from kg.people.hook import start_people
from kg.people.links import refresh
from kg.people.snapshot import read_snapshot, snapshot_of
from kg.view import draw, projection
from tests.outputs import build, copied_days, facts_of, field_of, people_quads, second_listing


@pytest.fixture()
def days(corpus_dir: Path, tmp_path: Path) -> list[Path]:
    """The real corpus days (over 3,000 nodes: the page is the overview), copied."""
    return copied_days(corpus_dir, tmp_path)


def streamed_facts(out: Path) -> UnionFacts:
    """The facts of a full pass over the union lines a build kept in ``out``."""
    graph = Workspace(out).open(read_only=True)
    try:
        kept = union.current(graph, out)
    finally:
        graph.close()
    assert kept is not None
    facts = UnionFacts()
    counter = LineCounter(Minter(), facts)
    with open(kept, encoding="utf-8", newline="\n") as handle:
        for line in handle:
            counter.add(line)
    return facts.finish()


def assert_same_as_the_store(out: Path, tmp_path: Path, *, whole: bool = True) -> None:
    """The people graph and graph.html the run wrote equal those written from the
    store (read whole); ``whole``: the facts of the store's union give the people
    snapshot the store gives."""
    from_facts = people_quads(out)
    page = (out / "graph.html").read_bytes()
    graph = Workspace(out).open()
    try:
        if whole:
            snap, stored = snapshot_of(facts_of(out)), read_snapshot(graph.store)
            for name in ("names", "tasks", "owners", "account_names", "paper_ids"):
                assert getattr(snap, name) == getattr(stored, name), name
            # Listings are keyed by entry here, by day graph in the store: same lists.
            assert sorted((paper, sorted(slots.items())) for (_, paper), slots
                          in snap.listings.items()) == \
                sorted((paper, sorted(slots.items())) for (_, paper), slots
                       in stored.listings.items())
        refresh(graph, start_people(None, [], graph))  # from the store this time
        drawn = tmp_path / "from-store.html"
        draw.write_view_html(graph, drawn)
    finally:
        graph.close()
    assert people_quads(out) == from_facts
    assert drawn.read_bytes() == page
    assert from_facts  # links were compared, not two empty graphs


def test_a_build_reads_people_and_page_from_its_union_lines(
        days: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert any("overview" in note for note in build(days, out))
    assert facts_of(out).pairs == streamed_facts(out).pairs
    assert_same_as_the_store(out, tmp_path)


def test_author_rows_from_the_facts_are_the_store_s(days: list[Path], tmp_path: Path) -> None:
    """Every paper's (listing date, position, name) rows, which the page's cards take
    from the facts, are what the store's author query gives, papers listed on
    several days included."""
    out = tmp_path / "out"
    build(days, out)
    graph = Workspace(out).open(read_only=True)
    try:
        papers = sorted(row["s"].value for row in projection._rows(
            graph.store, f"SELECT ?s WHERE {{ ?s a {v.PREPRINT} }}"))
        stored = sorted((row["paper"].value, row["date"].value, int(row["pos"].value),
                         row["name"].value) for row in projection._rows(
            graph.store, restricted(projection._AUTHORS, "paper", papers)))
    finally:
        graph.close()
    found = sorted(projection.fact_authors(facts_of(out), papers))
    assert found == stored
    listed_days: dict[str, set[str]] = {}
    for paper, date, _, _ in found:
        listed_days.setdefault(paper, set()).add(date)
    assert any(len(dates) > 1 for dates in listed_days.values())  # "latest" is exercised
    assert list(projection.fact_authors(facts_of(out), [])) == []


def test_adds_link_and_draw_what_the_store_gives(days: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    held = days[-1].rename(tmp_path / days[-1].name)
    build(days[:-1], out)
    add_to_output([held], out)  # a new day
    assert_same_as_the_store(out, tmp_path)
    # A corrected day: one row dropped, one summary changed.
    text = days[3].read_text(encoding="utf-8").splitlines(keepends=True)
    days[3].write_text("".join(text[:-1]), encoding="utf-8")
    add_to_output([days[3]], out)
    assert_same_as_the_store(out, tmp_path)


def test_an_unchanged_add_keeps_what_the_store_gives(days: list[Path], tmp_path: Path) -> None:
    """Nothing loaded: the kept people state and outline still hold the union."""
    out = tmp_path / "out"
    build(days[:5], out)
    add_to_output(days[:5], out)
    assert_same_as_the_store(out, tmp_path)


def test_a_graph_too_big_for_the_facts_reads_the_store(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the limit the facts are dropped (bounded memory) and nothing reads them."""
    monkeypatch.setattr(facts_module, "LIMIT", 5_000)

    def refuse(*args: object) -> None:
        raise AssertionError("overflowed facts were read")

    monkeypatch.setattr("kg.people.hook.snapshot_of", refuse)
    monkeypatch.setattr(UnionFacts, "of", refuse)
    out = tmp_path / "out"
    assert any("overview" in note for note in build(days, out))
    monkeypatch.undo()
    assert_same_as_the_store(out, tmp_path, whole=False)


def test_an_add_and_its_page_follow_the_change_without_facts(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An add collects no facts and reads none: its people links look up what the
    change touched in the store, its page moves the kept outline. Drawn here and by
    the page's process (as on a graph of a year), graph.html and the people graph
    equal a rebuild's."""
    out = tmp_path / "out"
    held = days[-1].rename(tmp_path / days[-1].name)
    build(days[:-1], out)
    text = days[3].read_text(encoding="utf-8").splitlines(keepends=True)

    def refuse(*args: object) -> None:
        raise AssertionError("the add collected facts")

    for step, parallel in enumerate((10**12, 0)):
        if step:
            days[3].write_text("".join(text[:-1]), encoding="utf-8")  # a row dropped
        with monkeypatch.context() as during:
            during.setattr(page_job, "PARALLEL_FROM", parallel)
            during.setattr(UnionFacts, "__init__", refuse)
            add_to_output([held] if step == 0 else [days[3]], out)
        rebuilt = tmp_path / f"rebuilt-{step}"
        build([*days[:-1], held], rebuilt)
        assert (out / "graph.html").read_bytes() == (rebuilt / "graph.html").read_bytes()
        assert people_quads(out) == people_quads(rebuilt)
    assert not list(out.glob(".union-*.facts"))


def test_adds_past_the_limit_follow_their_change_without_facts(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A graph too big for facts (100k papers) still adds a day by its change: the VoID
    counts follow the change and the people state is patched from the store's
    indexes, with no pass over the union and no snapshot of it. Each add ends where
    a rebuild of the same files does: graph.ttl (VoID included), the people graph
    and graph.html. The adds: a new day, a second source listing a paper of a stored
    day with another author window, and a corrected day."""
    monkeypatch.setattr(facts_module, "LIMIT", 5_000)
    out = tmp_path / "out"
    held = days[-1].rename(tmp_path / days[-1].name)
    build(days[:-1], out)
    other = second_listing(days[2], tmp_path / "other")
    text = days[3].read_text(encoding="utf-8").splitlines(keepends=True)
    corrected = "".join(text[:-1])  # one row dropped

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the add read the whole union")

    for step, files in enumerate(([held], [other], [days[3]])):
        if step == 2:
            days[3].write_text(corrected, encoding="utf-8")
        with monkeypatch.context() as during:
            during.setattr(union, "update", refuse)
            during.setattr("kg.people.hook.read_snapshot", refuse)
            during.setattr("kg.people.links.read_snapshot", refuse)
            add_to_output(files, out)
        inputs = [*days[:-1], held] + ([other] if step >= 1 else [])
        rebuilt = tmp_path / f"rebuilt-{step}"
        build(inputs, rebuilt)
        for name in ("graph.ttl", "graph.html"):
            assert (out / name).read_bytes() == (rebuilt / name).read_bytes(), (step, name)
        assert people_quads(out) == people_quads(rebuilt), step
        assert_state_is_the_store_s(out)
    assert people_quads(out)


def assert_state_is_the_store_s(out: Path) -> None:
    """The people state kept in ``out`` holds the snapshot of its store's graph."""
    graph = Workspace(out).open(read_only=True)
    try:
        token = graph.union_token()
        assert token is not None
        state = people_state.load(union.people_path(out), token)
        assert state is not None
        stored = read_snapshot(graph.store)
    finally:
        graph.close()
    for name in ("names", "listings", "tasks", "owners", "account_names", "paper_ids",
                 "listings_of", "papers_of", "owned", "listed"):
        assert field_of(state.snapshot, name) == field_of(stored, name), name


def test_values_are_what_the_store_reads() -> None:
    terms = [ox.NamedNode("https://w3id.org/paperkg/person/mette-thun%C3%B8"),
             ox.Literal('Say "hi"\\ \n\tnow'), ox.Literal("Benoît"),
             ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
             ox.Literal("chat", language="fr"), ox.Literal("")]
    assert [value(str(term)) for term in terms] == [term.value for term in terms]


def test_the_store_answers_lookups_as_the_facts_do(days: list[Path], tmp_path: Path) -> None:
    """Past the facts' limit, an add reads the touched part of the people snapshot
    from the store's indexes (kg.graph.facts.StoreLookup): for every kept predicate,
    looking up subjects and objects there gives the facts' own lines."""
    out = tmp_path / "out"
    build(days, out)
    facts = facts_of(out)
    compared = set()
    graph = Workspace(out).open(read_only=True)
    try:
        lookup = facts_module.StoreLookup(graph.store)
        for predicate in sorted(facts_module.PREDICATES, key=str):
            pairs = facts.of(predicate)
            if not pairs:  # a relation this corpus does not use
                continue
            compared.add(predicate)
            subjects = {s for s, _ in pairs[::7]}
            objects = {o for _, o in pairs[::7] if o.startswith("<")}
            found = lookup.by_subject(predicate, subjects)
            if predicate == v.TYPE:  # the facts keep the types of drawn kinds only
                assert set(facts.by_subject(predicate, subjects)) < set(found)
                continue
            assert found == sorted(facts.by_subject(predicate, subjects)), predicate
            assert lookup.by_object(predicate, objects) == \
                sorted(facts.by_object(predicate, objects)), predicate
    finally:
        graph.close()
    # Every relation the people snapshot looks up was compared.
    assert compared >= {v.NAME, v.ABOUT, v.QUALIFIED_ATTRIBUTION, v.AGENT, v.AUTHOR_POSITION,
                        v.SUBJECT, v.IDENTIFIER, v.ACCOUNT_NAME, v.HAS_OWNER,
                        v.MENTIONS_ACCOUNT, v.HAS_REPOSITORY, v.HAS_MODEL}
