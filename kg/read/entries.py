"""Build :class:`~kg.records.Entry` values from cell values, whatever the format.

The markdown and JSON readers both end here, so one paper gives the same entry
whichever file it came from. Problems are reported through ``warn`` with the
line they belong to; nothing here raises on bad data.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

from kg.read.links import GITHUB, HUGGINGFACE, LinkError, normalise_link
from kg.records import Entry, Link

Warn = Callable[[int | None, str], None]

_SPACE = re.compile(r"\s+")
# C0/C1 controls and XML-forbidden noncharacters: never content, and they break XML
# outputs (GraphML, GEXF, RDF/XML), so text fields drop them.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_ARXIV_ID = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|arxiv:)"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE | re.ASCII,  # ASCII digits only: no look-alike IDs from other scripts
)
_BARE_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})$", re.ASCII)
_MAX_LITERAL = 100_000  # classification cells beyond this are not literal-parsed


def squash(text: str) -> str:
    """Collapse runs of whitespace (including wrapped-line breaks) to one space and
    drop control characters."""
    # str.split() splits on exactly the characters \s matches, several times faster
    return " ".join(_CONTROL.sub("", text).split())


def arxiv_id(link: str | None) -> str | None:
    """The arXiv identifier in an arXiv or HF paper link, without version suffix."""
    if not link:
        return None
    compact = _SPACE.sub("", link)
    match = _ARXIV_ID.search(compact)
    if match:
        return match.group("id")
    return compact if _BARE_ARXIV_ID.match(compact) else None


def split_authors(cell: str) -> tuple[str, ...]:
    """Split a comma-separated author cell, dropping empty names.

    A repeated name is kept where written (:func:`make_entry` warns about it), so
    the authors after it keep their positions.
    """
    names = (squash(name) for name in cell.split(","))
    return tuple(name for name in names if name)


def parse_classification(cell: str, line: int | None, warn: Warn) -> tuple[str, ...]:
    """Parse the Python-list literal of task labels without evaluating code.

    ``ast.literal_eval`` accepts only literals, so nothing in the cell runs. A cell
    that is not a list of strings is read as comma-separated labels, with a warning.
    """
    text = cell.strip()
    if not text or text.upper() == "N/A" or text == "[]":
        return ()
    if len(text) <= _MAX_LITERAL:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            value = None
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return _labels(value)
    warn(line, f"classification {_clip(text)!r} is not a list of strings; "
               "read as comma-separated labels")
    return _labels(part.strip().strip("'\"") for part in text.strip("[]").split(","))


def _labels(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(label for label in map(squash, values) if label))


def resolve_links(urls: Iterable[str], platform: str, line: int | None,
                  warn: Warn) -> list[Link]:
    """Normalise link targets, warning about each one that is dropped."""
    links: list[Link] = []
    for url in urls:
        try:
            links.extend(normalise_link(url, platform, lambda note: warn(line, note)))
        except LinkError as exc:
            warn(line, f"{exc}; link dropped")
    return links


def make_entry(*, day: str, position: int, line: int, title: str, link: str | None,
               authors: tuple[str, ...], summary: str, tasks: tuple[str, ...],
               code_urls: Iterable[str], hf_urls: Iterable[str],
               extra_urls: Iterable[str] = (), warn: Warn) -> Entry | None:
    """Assemble an entry, or return ``None`` (with a warning) if nothing identifies it."""
    title = squash(title)
    link = _SPACE.sub("", link) if link else None
    paper_id = arxiv_id(link)
    if paper_id is None:
        for url in extra_urls:
            paper_id = arxiv_id(url)
            if paper_id:
                break
    if not title and not paper_id:
        warn(line, "row has neither a title nor an arXiv link; row skipped")
        return None
    if paper_id is None:
        warn(line, f"no arXiv ID in link {link!r}; paper identified by its title")
    elif not title:
        warn(line, f"row for arXiv {paper_id} has no title")
    _warn_repeated_authors(authors, line, warn)
    code = tuple(_SPACE.sub("", url) for url in code_urls)
    hf = tuple(_SPACE.sub("", url) for url in hf_urls)
    links = resolve_links(code, GITHUB, line, warn) + resolve_links(hf, HUGGINGFACE, line, warn)
    return Entry(
        day=day, position=position, line=line, title=title, link=link, arxiv_id=paper_id,
        authors=authors, summary=squash(summary), tasks=tasks, code_urls=code, hf_urls=hf,
        links=tuple(dict.fromkeys(links)),
    )


def _warn_repeated_authors(authors: tuple[str, ...], line: int | None, warn: Warn) -> None:
    first: dict[str, int] = {}
    for position, name in enumerate(authors, start=1):
        if name in first:
            warn(line, f"author {name!r} listed at positions {first[name]} and {position}; "
                       "both kept")
        else:
            first[name] = position


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
