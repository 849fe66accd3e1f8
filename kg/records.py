"""Plain records that parsing produces and the RDF mapping consumes.

They carry no RDF: the parsers know the digest formats, the mapping knows the
vocabulary, and these dataclasses are the only thing the two share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class LinkKind(StrEnum):
    """What a link in a digest points at, after normalisation."""

    REPOSITORY = "repository"  # a GitHub code repository
    MODEL = "model"  # Hugging Face model
    DATASET = "dataset"  # Hugging Face dataset
    SPACE = "space"  # Hugging Face space (demo app)
    COLLECTION = "collection"  # Hugging Face collection
    ACCOUNT = "account"  # a GitHub or Hugging Face user or organisation
    PAGE = "page"  # any other web page (project pages, docs, other hosts)


@dataclass(frozen=True, slots=True)
class Link:
    """A normalised link target.

    ``platform`` is ``"github"`` or ``"huggingface"`` for platform items and
    accounts, ``None`` for plain pages. ``owner`` and ``name`` identify the item on
    its platform; ``url`` is the canonical https URL of the item or page.
    """

    kind: LinkKind
    url: str
    platform: str | None = None
    owner: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem in the input, located by file and line, with what was dropped."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: warning: {self.message}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a digest: a paper as featured on one day.

    Text fields are whitespace-normalised; ``code_urls`` and ``hf_urls`` keep the
    link targets as written (minus embedded line breaks), so they can be compared
    with the generator's own records; ``links`` holds their normalised form.
    """

    day: str
    position: int
    line: int
    title: str
    link: str | None
    arxiv_id: str | None
    authors: tuple[str, ...]
    summary: str
    tasks: tuple[str, ...]
    code_urls: tuple[str, ...] = ()
    hf_urls: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """Where a digest came from: a display name, a hash of its bytes, and its identity.

    ``key`` (the resolved path, see :mod:`kg.read.sources`) names the file's
    graphs in a store; ``name`` is only its label.
    """

    name: str
    sha256: str
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)


@dataclass(slots=True)
class Digest:
    """One day's section of a digest file with its entries."""

    day: str
    source: Source
    line: int
    entries: list[Entry] = field(default_factory=list)
