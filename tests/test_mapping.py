"""kg.graph.mapping: one digest row becomes the triples the README's model table lists."""

from __future__ import annotations

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.iris import Minter
from kg.graph.mapping import digest_quads, digest_spo
from kg.records import Digest, Entry, Link, LinkKind, Source

MINTER = Minter("https://w3id.org/paperkg/")
REPO = Link(LinkKind.REPOSITORY, "https://github.com/chandar-lab/NeoBERT", "github",
            "chandar-lab", "NeoBERT")
PAGE = Link(LinkKind.PAGE, "https://example.org/neobert")
ENTRY = Entry(day="2025-02-27", position=1, line=5, title="NeoBERT: A Next-Generation BERT",
              link="https://arxiv.org/abs/2502.19587", arxiv_id="2502.19587",
              authors=("Lola Le Breton", "Quentin Fournier"), summary="An encoder, rebuilt.",
              tasks=("Natural Language Processing",), links=(REPO, PAGE))
DIGEST = Digest("2025-02-27", Source("papers-2025-02-27.md", "ab" * 32), 1, [ENTRY])
PAPER = MINTER.paper("2502.19587")
DAY = MINTER.day("2025-02-27")


def triples(digest: Digest = DIGEST) -> set[tuple[ox.Term, ox.Term, ox.Term]]:
    return set(digest_spo(digest, MINTER))


def objects(subject: ox.NamedNode, predicate: ox.NamedNode) -> set[ox.Term]:
    return {o for s, p, o in triples() if s == subject and p == predicate}


def test_paper() -> None:
    assert objects(PAPER, v.TYPE) == {v.PREPRINT, v.SCHOLARLY_ARTICLE}
    assert objects(PAPER, v.TITLE) == {ox.Literal("NeoBERT: A Next-Generation BERT")}
    assert objects(PAPER, v.IDENTIFIER) == {ox.Literal("arXiv:2502.19587")}
    assert objects(PAPER, v.URL) == {ox.NamedNode("https://arxiv.org/abs/2502.19587")}
    assert objects(PAPER, v.SUBJECT) == {MINTER.task("Natural Language Processing")}


def test_authors_keep_their_order() -> None:
    people = [MINTER.person("Lola Le Breton"), MINTER.person("Quentin Fournier")]
    assert objects(PAPER, v.CREATOR) == set(people)
    positions = {}
    entry = MINTER.entry("2025-02-27", "2502.19587")  # each listing keeps its own list
    assert not objects(PAPER, v.QUALIFIED_ATTRIBUTION)
    for authorship in objects(entry, v.QUALIFIED_ATTRIBUTION):
        (agent,) = objects(authorship, v.AGENT)
        (position,) = objects(authorship, v.AUTHOR_POSITION)
        positions[agent] = position
    assert positions == {people[0]: ox.Literal("1", datatype=v.XSD_INTEGER),
                         people[1]: ox.Literal("2", datatype=v.XSD_INTEGER)}


def test_entry_links_paper_and_day() -> None:
    entry = MINTER.entry("2025-02-27", "2502.19587")
    assert objects(entry, v.ABOUT) == {PAPER}
    assert objects(entry, v.IS_PART_OF) == {DAY}
    assert objects(entry, v.TEXT) == {ox.Literal("An encoder, rebuilt.")}
    assert objects(DAY, v.DATE_PUBLISHED) == {ox.Literal("2025-02-27", datatype=v.XSD_DATE)}
    assert objects(DAY, v.WAS_DERIVED_FROM) == {MINTER.source("ab" * 32)}


def test_links_become_items_owners_and_pages() -> None:
    repo = MINTER.item(REPO)
    assert objects(PAPER, v.HAS_REPOSITORY) == {repo}
    assert objects(repo, v.CODE_REPOSITORY) == {ox.NamedNode(REPO.url)}
    owner = MINTER.account("github", "chandar-lab")
    assert objects(repo, v.HAS_OWNER) == {owner}
    assert objects(owner, v.URL) == {ox.NamedNode("https://github.com/chandar-lab")}
    (page,) = objects(PAPER, v.PAGE)
    assert objects(page, v.URL) == {ox.NamedNode(PAGE.url)}


def test_a_day_without_rows_is_still_a_digest_day() -> None:
    empty = Digest("2025-03-03", Source("papers-2025-03-03.md", "cd" * 32), 1, [])
    day = MINTER.day("2025-03-03")
    assert (day, v.TYPE, v.DIGEST_ISSUE) in triples(empty)
    assert not any(p == v.TYPE and o == v.PREPRINT for _, p, o in triples(empty))


def test_a_paper_without_arxiv_id_or_title_is_still_labelled() -> None:
    untitled = Entry(day="2025-02-27", position=1, line=5, title="", link=None,
                     arxiv_id="2502.00001", authors=(), summary="", tasks=())
    digest = Digest("2025-02-27", DIGEST.source, 1, [untitled])
    paper = MINTER.paper("2502.00001")
    assert {o for s, p, o in triples(digest) if s == paper and p == v.LABEL} == {
        ox.Literal("arXiv:2502.00001")}


def test_quads_are_the_same_triples_in_the_given_graph() -> None:
    graph = MINTER.day_graph("papers-2025-02-27.md", "2025-02-27")
    quads = list(digest_quads(DIGEST, MINTER, graph))
    assert {q.graph_name for q in quads} == {graph}
    assert {(q.subject, q.predicate, q.object) for q in quads} == triples()
