"""Map parsed digests to RDF triples: the one module that knows the model.

Input is plain records (:mod:`kg.records`); output is pyoxigraph ``Triple``
values, grouped per named graph by the caller. Where the triples go (an
in-memory store, an on-disk store, an rdflib graph) is not this module's concern.
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocab as v
from kg.iris import Minter
from kg.links import owner_url
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


def digest_triples(digest: Digest, minter: Minter) -> Iterator[Triple]:
    """All triples one day's digest from one source contributes."""
    day = minter.day(digest.day)
    source = minter.source(digest.source.sha256)
    yield Triple(day, v.TYPE, v.DIGEST_ISSUE)
    yield Triple(day, v.LABEL, Literal(f"Papers for {digest.day}"))
    yield Triple(day, v.DATE_PUBLISHED, Literal(digest.day, datatype=v.XSD_DATE))
    yield Triple(day, v.WAS_DERIVED_FROM, source)
    yield Triple(source, v.TYPE, v.SOURCE_FILE)
    yield Triple(source, v.LABEL, Literal(digest.source.name))
    yield Triple(source, v.IDENTIFIER, Literal(f"sha256:{digest.source.sha256}"))
    if any(entry.tasks for entry in digest.entries):
        yield Triple(minter.task_scheme, v.TYPE, v.CONCEPT_SCHEME)
        yield Triple(minter.task_scheme, v.PREF_LABEL, _TASK_SCHEME_LABEL)
    for entry in digest.entries:
        yield from entry_triples(entry, day, minter)


def entry_triples(entry: Entry, day: NamedNode, minter: Minter) -> Iterator[Triple]:
    """The triples of one digest row: the paper, its people, tasks and links."""
    key = minter.paper_key(entry.arxiv_id, entry.title)
    paper = minter.paper(key)
    node = minter.entry(entry.day, key)
    yield Triple(node, v.TYPE, v.DIGEST_ENTRY)
    yield Triple(node, v.ABOUT, paper)
    yield Triple(node, v.IS_PART_OF, day)
    if entry.summary:
        yield Triple(node, v.TEXT, Literal(entry.summary))

    yield Triple(paper, v.TYPE, v.PREPRINT)
    yield Triple(paper, v.TYPE, v.SCHOLARLY_ARTICLE)
    if entry.title:
        title = Literal(entry.title)
        yield Triple(paper, v.TITLE, title)
        yield Triple(paper, v.LABEL, title)
    else:
        yield Triple(paper, v.LABEL, Literal(f"arXiv:{entry.arxiv_id}"))
    if entry.arxiv_id:
        yield Triple(paper, v.IDENTIFIER, Literal(f"arXiv:{entry.arxiv_id}"))
        yield Triple(paper, v.URL, NamedNode(f"https://arxiv.org/abs/{entry.arxiv_id}"))

    for position, name in enumerate(entry.authors, start=1):
        person = minter.person(name)
        authorship = minter.authorship(key, position)
        yield Triple(paper, v.CREATOR, person)
        yield Triple(paper, v.QUALIFIED_ATTRIBUTION, authorship)
        yield Triple(authorship, v.TYPE, v.AUTHORSHIP)
        yield Triple(authorship, v.AGENT, person)
        yield Triple(authorship, v.AUTHOR_POSITION,
                     Literal(str(position), datatype=v.XSD_INTEGER))
        yield Triple(person, v.TYPE, v.PERSON)
        yield Triple(person, v.NAME, Literal(name))
        yield Triple(person, v.LABEL, Literal(name))

    for label in entry.tasks:
        task = minter.task(label)
        yield Triple(paper, v.SUBJECT, task)
        yield Triple(task, v.TYPE, v.CONCEPT)
        yield Triple(task, v.PREF_LABEL, Literal(label, language="en"))
        yield Triple(task, v.IN_SCHEME, minter.task_scheme)

    for link in entry.links:
        yield from link_triples(paper, link, minter)


def link_triples(paper: NamedNode, link: Link, minter: Minter) -> Iterator[Triple]:
    """A paper's link to a repository, HF item, account or web page."""
    url = NamedNode(link.url)
    if link.kind is LinkKind.PAGE:
        page = minter.page(link.url)
        yield Triple(paper, v.PAGE, page)
        yield Triple(page, v.TYPE, v.WEB_PAGE)
        yield Triple(page, v.LABEL, Literal(link.url.split("://", 1)[-1]))
        yield Triple(page, v.URL, url)
        return
    assert link.platform is not None
    if link.kind is LinkKind.ACCOUNT:
        assert link.owner is not None
        account = minter.account(link.platform, link.owner)
        yield Triple(paper, v.MENTIONS_ACCOUNT, account)
        yield from account_triples(account, link.owner, url)
        return
    item = minter.item(link)
    label = f"{link.owner}/{link.name}" if link.owner else str(link.name)
    yield Triple(paper, _ITEM_EDGE[link.kind], item)
    yield Triple(item, v.TYPE, _ITEM_CLASS[link.kind])
    yield Triple(item, v.LABEL, Literal(label))
    yield Triple(item, v.CODE_REPOSITORY if link.kind is LinkKind.REPOSITORY else v.URL, url)
    if link.owner:
        account = minter.account(link.platform, link.owner)
        yield Triple(item, v.HAS_OWNER, account)
        yield from account_triples(account, link.owner, NamedNode(owner_url(link)))


def account_triples(account: NamedNode, owner: str, url: NamedNode) -> Iterator[Triple]:
    """A GitHub or Hugging Face user or organisation."""
    yield Triple(account, v.TYPE, v.USER_ACCOUNT)
    yield Triple(account, v.LABEL, Literal(owner))
    yield Triple(account, v.ACCOUNT_NAME, Literal(owner))
    yield Triple(account, v.URL, url)
