"""Listings of one paper on one day by two source files whose author lists differ.

Why: a paper's listing on a day is one digest entry in the union graph (its IRI is
made of the day and the paper), while each source file keeps its own day graph. Two
files that list the same paper on the same day with different author windows (the
generator caps a row at five authors, and another export may cut elsewhere) meet in
that entry: its authorships then name two people at some positions. Nothing is
dropped, but "the authors of this paper, in order" stops having one answer for that
day, so it is never silent: each such listing gets a warning at its row.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.records import Diagnostic, Digest


def listing_key(day: str, arxiv_id: str | None, title: str) -> tuple[str, str]:
    """What makes two rows the same listing in the union: the day and the paper."""
    return day, arxiv_id or " ".join(title.casefold().split())


def conflicting_listings(digests: Iterable[Digest]) -> list[Diagnostic]:
    """A warning for each row whose paper another file lists that day with other authors."""
    first: dict[tuple[str, str], tuple[str, int, tuple[str, ...]]] = {}
    found: list[Diagnostic] = []
    for digest in digests:
        for entry in digest.entries:
            key = listing_key(digest.day, entry.arxiv_id, entry.title)
            seen = first.setdefault(key, (digest.source.key, entry.line, entry.authors))
            if seen[0] != digest.source.key and seen[2] != entry.authors:
                found.append(Diagnostic(digest.source.name, entry.line, disagreement(
                    key, f"{seen[0]}:{seen[1]}")))
    return found


def disagreement(key: tuple[str, str], other: str) -> str:
    """The warning's text for a listing whose authors ``other`` lists differently."""
    day, paper = key
    return (f"paper {paper!r} is also listed for {day} by {other} with other authors; "
            "both lists are kept (each file's day graph), but that day's entry in the "
            "union names two people at some author positions")
