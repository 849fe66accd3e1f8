"""What a build or an add did, and the counts of its end-of-run summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.iris import Minter
from kg.graph.store import GraphStore
from kg.graph.void import class_counts, triple_count
from kg.read.parse import ParseResult


@dataclass(slots=True)
class BuildResult:
    """A built graph, what was read to build it, and the files written."""

    store: GraphStore | None
    parsed: ParseResult
    #: The VoID description, when known without a store (a build without one).
    description: list[ox.Triple] | None = None
    base: str = v.DEFAULT_BASE
    written: list[Path] = field(default_factory=list)
    #: What drawing the page had to leave out, for the user.
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """Counts for the end-of-run summary (graph counts come from VoID)."""
        if self.description is not None:
            description, minter = self.description, Minter(self.base)
        else:
            assert self.store is not None
            description, minter = self.store.void(), self.store.minter
        classes = class_counts(description)

        def count(*terms: ox.NamedNode) -> int:
            return sum(classes.get(term.value, 0) for term in terms)

        return {
            "files": self.parsed.documents,
            "days": self.parsed.days,
            "rows": self.parsed.rows,
            "papers": count(v.PREPRINT),
            "authors": count(v.PERSON),
            "tasks": count(v.CONCEPT),
            "repositories": count(v.SOFTWARE_SOURCE_CODE),
            "hf_items": count(v.ML_MODEL, v.DATASET, v.WEB_APPLICATION, v.COLLECTION),
            "accounts": count(v.USER_ACCOUNT),
            "pages": count(v.WEB_PAGE),
            "triples": triple_count(description, minter),
            "warnings": len(self.parsed.diagnostics),
        }
