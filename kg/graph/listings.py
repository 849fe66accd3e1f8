"""Listings of one paper on one day by two source files whose author lists differ.

Why: a paper's listing on a day is one digest entry in the union graph (its IRI is
made of the day and the paper), while each source file keeps its own day graph. Two
files that list the same paper on the same day with different author windows (the
generator caps a row at five authors, and another export may cut elsewhere) meet in
that entry: its authorships then name two people at some positions. Nothing is
dropped, but "the authors of this paper, in order" stops having one answer for that
day, so it is never silent: each such listing gets a warning at its row.

Authors are compared as the people the mapping makes of them (their IRIs), so two
spellings of one person node are no conflict, exactly as in the union.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.graph.iris import Minter
from kg.graph.store import GraphStore
from kg.records import Diagnostic, Digest, Entry


def conflicting_listings(digests: Iterable[Digest], minter: Minter) -> list[Diagnostic]:
    """A warning for each row whose paper another of ``digests``' files lists that day
    with other authors (at the later row, naming the earlier)."""
    first: dict[str, tuple[str, int, tuple[str, ...]]] = {}
    found: list[Diagnostic] = []
    for digest in digests:
        for entry in digest.entries:
            authors = _people(entry, minter)
            seen = first.setdefault(_listing(entry, minter),
                                    (digest.source.key, entry.line, authors))
            if seen[0] != digest.source.key and seen[2] != authors:
                found.append(_warning(digest, entry, f"{seen[0]}:{seen[1]}"))
    return found


def stored_conflicts(graph: GraphStore, digests: Iterable[Digest],
                     replaced: set[str]) -> list[Diagnostic]:
    """The same warnings against the listings other files put in the store (the files
    in ``replaced`` are being replaced, so theirs do not count)."""
    found = []
    for digest in digests:
        for entry in digest.entries:
            paper = graph.minter.paper_key(entry.arxiv_id, entry.title)
            authors = _people(entry, graph.minter)
            for source, stored in sorted(graph.listed_authors(digest.day, paper).items()):
                if source not in replaced and stored != authors:
                    found.append(_warning(digest, entry, source))
                    break
    return found


def _listing(entry: Entry, minter: Minter) -> str:
    return minter.entry(entry.day, minter.paper_key(entry.arxiv_id, entry.title)).value


def _people(entry: Entry, minter: Minter) -> tuple[str, ...]:
    return tuple(minter.person(name).value for name in entry.authors)


def _warning(digest: Digest, entry: Entry, other: str) -> Diagnostic:
    paper = entry.arxiv_id or entry.title
    return Diagnostic(digest.source.name, entry.line, (
        f"paper {paper!r} is also listed for {digest.day} by {other} with other authors; "
        "both lists are kept (each file's day graph), but that day's entry in the union "
        "names two people at some author positions"))
