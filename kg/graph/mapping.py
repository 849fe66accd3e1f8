"""Map parsed digests to RDF triples: the one module that knows the model.

Input is plain records (:mod:`kg.records`); output is tuples of pyoxigraph terms
(:func:`digest_spo`, turned into N-Triples lines by the streaming build) or
``Quad`` values in a named graph (:func:`digest_quads`, for a store). Where the triples go (an
in-memory store, an on-disk store, an rdflib graph) is not this module's concern.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from kg.graph import vocab as v
from kg.graph.iris import Minter
from kg.read.links import owner_url
from kg.records import Digest, Entry, Link, LinkKind

_ITEM_CLASS = {
    LinkKind.REPOSITORY: v.SOFTWARE_SOURCE_CODE,
    LinkKind.MODEL: v.ML_MODEL,
    LinkKind.DATASET: v.DATASET,
    LinkKind.SPACE: v.WEB_APPLICATION,
    LinkKind.COLLECTION: v.COLLECTION,
}
_ITEM_EDGE = {
    LinkKind.REPOSITORY: v.HAS_REPOSITORY,
    LinkKind.MODEL: v.HAS_MODEL,
    LinkKind.DATASET: v.HAS_DATASET,
    LinkKind.SPACE: v.HAS_SPACE,
    LinkKind.COLLECTION: v.HAS_COLLECTION,
}
_TASK_SCHEME_LABEL = Literal("Tasks named in paper digests", language="en")

#: A triple as the mapping builds it: plain tuples are cheaper than ``Triple``
#: objects, and the caller wraps them as ``Triple`` or ``Quad`` once.
Spo = tuple[NamedNode, NamedNode, NamedNode | Literal]


def digest_quads(digest: Digest, minter: Minter, graph: NamedNode) -> Iterator[Quad]:
    """The triples of :func:`digest_spo` as quads in ``graph`` (for a store)."""
    for s, p, o in _digest_spo(digest, minter):
        yield Quad(s, p, o, graph)


def digest_spo(digest: Digest, minter: Minter) -> Iterator[Spo]:
    """All triples one day's digest from one source contributes, as term tuples."""
    return _digest_spo(digest, minter)


@lru_cache(maxsize=256)
def _position(position: int) -> Literal:
    return Literal(str(position), datatype=v.XSD_INTEGER)


def _digest_spo(digest: Digest, minter: Minter) -> Iterator[Spo]:
    day = minter.day(digest.day)
    source = minter.source(digest.source.sha256)
    yield (day, v.TYPE, v.DIGEST_ISSUE)
    yield (day, v.LABEL, Literal(f"Papers for {digest.day}"))
    yield (day, v.DATE_PUBLISHED, Literal(digest.day, datatype=v.XSD_DATE))
    yield (day, v.WAS_DERIVED_FROM, source)
    yield (source, v.TYPE, v.SOURCE_FILE)
    yield (source, v.LABEL, Literal(digest.source.name))
    yield (source, v.IDENTIFIER, Literal(f"sha256:{digest.source.sha256}"))
    if any(entry.tasks for entry in digest.entries):
        yield (minter.task_scheme, v.TYPE, v.CONCEPT_SCHEME)
        yield (minter.task_scheme, v.PREF_LABEL, _TASK_SCHEME_LABEL)
    for entry in digest.entries:
        yield from _entry_spo(entry, day, minter)


def _entry_spo(entry: Entry, day: NamedNode, minter: Minter) -> Iterator[Spo]:
    key = minter.paper_key(entry.arxiv_id, entry.title)
    paper = minter.paper(key)
    node = minter.entry(entry.day, key)
    yield (node, v.TYPE, v.DIGEST_ENTRY)
    yield (node, v.ABOUT, paper)
    yield (node, v.IS_PART_OF, day)
    if entry.summary:
        yield (node, v.TEXT, Literal(entry.summary))

    yield (paper, v.TYPE, v.PREPRINT)
    yield (paper, v.TYPE, v.SCHOLARLY_ARTICLE)
    if entry.title:
        title = Literal(entry.title)
        yield (paper, v.TITLE, title)
        yield (paper, v.LABEL, title)
    else:
        yield (paper, v.LABEL, Literal(f"arXiv:{entry.arxiv_id}"))
    if entry.arxiv_id:
        yield (paper, v.IDENTIFIER, Literal(f"arXiv:{entry.arxiv_id}"))
        yield (paper, v.URL, NamedNode(f"https://arxiv.org/abs/{entry.arxiv_id}"))
        # issue 14: the DataCite DOI and the bare arXiv ID join Wikidata/OpenAlex by value
        yield (paper, v.SAME_AS, NamedNode(f"{v.DOI_RESOLVER}{v.ARXIV_DOI_PREFIX}{entry.arxiv_id}"))
        yield (paper, v.HAS_ARXIV_ID, Literal(entry.arxiv_id))

    # The ordered author list and the labels belong to the listing (the entry) that
    # stated them, so two listings with different author windows or labels never
    # mix; the paper keeps dcterms:creator and dcterms:subject as their union.
    listing = f"{entry.day}_{key}"
    for position, name in enumerate(entry.authors, start=1):
        person = minter.person(name)
        authorship = minter.authorship(listing, position)
        yield (paper, v.CREATOR, person)
        yield (node, v.QUALIFIED_ATTRIBUTION, authorship)
        yield (authorship, v.TYPE, v.AUTHORSHIP)
        yield (authorship, v.AGENT, person)
        yield (authorship, v.AUTHOR_POSITION, _position(position))
        yield (person, v.TYPE, v.PERSON)
        literal = Literal(name)
        yield (person, v.NAME, literal)
        yield (person, v.LABEL, literal)

    for label in entry.tasks:
        task = minter.task(label)
        yield (paper, v.SUBJECT, task)
        yield (node, v.SUBJECT, task)
        yield (task, v.TYPE, v.CONCEPT)
        yield (task, v.PREF_LABEL, Literal(label, language="en"))
        yield (task, v.IN_SCHEME, minter.task_scheme)

    for link in entry.links:
        yield from _link_spo(paper, link, minter)


def _link_spo(paper: NamedNode, link: Link, minter: Minter) -> Iterator[Spo]:
    url = NamedNode(link.url)
    if link.kind is LinkKind.PAGE:
        page = minter.page(link.url)
        yield (paper, v.PAGE, page)
        yield (page, v.TYPE, v.WEB_PAGE)
        yield (page, v.LABEL, Literal(link.url.split("://", 1)[-1]))
        yield (page, v.URL, url)
        return
    assert link.platform is not None
    if link.kind is LinkKind.ACCOUNT:
        assert link.owner is not None
        account = minter.account(link.platform, link.owner)
        yield (paper, v.MENTIONS_ACCOUNT, account)
        yield from _account_spo(account, link.owner, url)
        return
    item = minter.item(link)
    label = f"{link.owner}/{link.name}" if link.owner else str(link.name)
    yield (paper, _ITEM_EDGE[link.kind], item)
    yield (item, v.TYPE, _ITEM_CLASS[link.kind])
    yield (item, v.LABEL, Literal(label))
    yield (item, v.CODE_REPOSITORY if link.kind is LinkKind.REPOSITORY else v.URL, url)
    if link.owner:
        account = minter.account(link.platform, link.owner)
        yield (item, v.HAS_OWNER, account)
        yield from _account_spo(account, link.owner, NamedNode(owner_url(link)))


def _account_spo(account: NamedNode, owner: str, url: NamedNode) -> Iterator[Spo]:
    yield (account, v.TYPE, v.USER_ACCOUNT)
    name = Literal(owner)
    yield (account, v.LABEL, name)
    yield (account, v.ACCOUNT_NAME, name)
    yield (account, v.URL, url)
