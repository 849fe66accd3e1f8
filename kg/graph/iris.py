"""Mint node IRIs: deterministic from the data, all under one configurable base.

The same paper, person, task or repository gets the same IRI in every build, so
graphs built on different days, machines or subsets merge and diff cleanly.
Platform pages (arXiv, GitHub, Hugging Face) are never node IRIs: they are
attached as ``schema:url`` values.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from urllib.parse import quote, unquote_to_bytes

from pyoxigraph import NamedNode

from kg.graph.vocab import DEFAULT_BASE
from kg.records import Link, LinkKind

_NON_WORD = re.compile(r"[\W_]+")


def slug(text: str, limit: int = 80) -> str:
    """A readable, IRI-safe key for a name: accents folded, lower case, dashes.

    Letters outside ASCII (e.g. CJK names) are kept and %-encoded, so such names
    do not collapse to an empty key; an empty result falls back to a hash.
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    key = _NON_WORD.sub("-", folded).strip("-")[:limit].strip("-")
    if not key:
        return "h-" + digest(text)
    return quote(key, safe="-")


def digest(text: str, length: int = 12) -> str:
    """A short stable hash of ``text``, for keys that have no readable form."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def _segment(text: str) -> str:
    """A platform identifier as one path segment (case-insensitive, %-safe)."""
    return quote(text.casefold(), safe="-._~%")


_HF_PATHS = {
    LinkKind.MODEL: "", LinkKind.DATASET: "datasets/", LinkKind.SPACE: "spaces/",
    LinkKind.COLLECTION: "collections/",
}


class Minter:
    """Mints the IRIs of every node kind under ``base``."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not re.match(r"^[a-z][a-z0-9+.-]*://[^\s<>\"{}|\\^`]+[/#]$", base, re.IGNORECASE):
            raise ValueError(f"base IRI {base!r} must be an absolute IRI ending in '/' or '#'")
        self.base = base
        self.task_scheme = NamedNode(f"{base}tasks")
        self.dataset = NamedNode(f"{base}dataset")
        self.void_graph = NamedNode(f"{base}graph/void")
        # People, tasks and accounts recur across many rows; slugging a name
        # (Unicode folding, regex, %-encoding) costs far more than a dict lookup.
        self._people: dict[str, NamedNode] = {}
        self._tasks: dict[str, NamedNode] = {}
        self._accounts: dict[tuple[str, str], NamedNode] = {}

    def paper_key(self, arxiv_id: str | None, title: str) -> str:
        """The local key of a paper: its arXiv ID, or a hash of its title."""
        if arxiv_id:
            return arxiv_id
        return "t-" + digest(" ".join(title.casefold().split()), 16)

    def paper(self, key: str) -> NamedNode:
        return NamedNode(f"{self.base}paper/{key}")

    def authorship(self, paper_key: str, position: int) -> NamedNode:
        return NamedNode(f"{self.base}authorship/{paper_key.replace('/', '_')}-{position}")

    def person(self, name: str) -> NamedNode:
        node = self._people.get(name)
        if node is None:
            node = self._people[name] = NamedNode(f"{self.base}person/{slug(name)}")
        return node

    def task(self, label: str) -> NamedNode:
        node = self._tasks.get(label)
        if node is None:
            node = self._tasks[label] = NamedNode(f"{self.base}task/{slug(label)}")
        return node

    def day(self, day: str) -> NamedNode:
        return NamedNode(f"{self.base}day/{day}")

    def entry(self, day: str, paper_key: str) -> NamedNode:
        return NamedNode(f"{self.base}entry/{day}_{paper_key.replace('/', '_')}")

    def source(self, sha256: str) -> NamedNode:
        return NamedNode(f"{self.base}source/sha256-{sha256}")

    def day_graph(self, source_key: str, day: str) -> NamedNode:
        """The named graph holding what one source file says about one day.

        The source's key (its path) is %-encoded whole, slashes included, so the
        mapping is injective (no truncation, no case folding) and reversible
        (:meth:`graph_source`).
        """
        # The file system's own bytes: a name that is not UTF-8 (a lone surrogate
        # in Python) still encodes, and distinct names stay distinct.
        return NamedNode(f"{self.base}graph/{quote(os.fsencode(source_key), safe='')}/{day}")

    def graph_source(self, graph: str) -> tuple[str, str] | None:
        """The (source key, day) a day graph's IRI was minted from, or ``None``."""
        prefix = f"{self.base}graph/"
        if not graph.startswith(prefix):
            return None
        key, _, day = graph[len(prefix):].rpartition("/")
        return (os.fsdecode(unquote_to_bytes(key)), day) if key else None

    def account(self, platform: str, owner: str) -> NamedNode:
        key = (platform, owner)
        node = self._accounts.get(key)
        if node is None:
            node = self._accounts[key] = NamedNode(f"{self.base}{platform}/{_segment(owner)}")
        return node

    def item(self, link: Link) -> NamedNode:
        """A repository or Hugging Face item (model, dataset, space, collection)."""
        assert link.platform and link.name
        owner = f"{_segment(link.owner)}/" if link.owner else ""
        kind_path = _HF_PATHS.get(link.kind, "") if link.platform != "github" else ""
        return NamedNode(f"{self.base}{link.platform}/{kind_path}{owner}{_segment(link.name)}")

    def page(self, url: str) -> NamedNode:
        readable = slug(re.sub(r"^[a-z]+://", "", url), 60)
        return NamedNode(f"{self.base}page/{readable}-{digest(url, 8)}")

    def class_partition(self, class_iri: str) -> NamedNode:
        return NamedNode(f"{self.base}dataset/class/{slug(class_iri, 120)}")

    def property_partition(self, property_iri: str) -> NamedNode:
        return NamedNode(f"{self.base}dataset/property/{slug(property_iri, 120)}")
