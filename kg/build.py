"""The build pipeline: inputs → parsed digests → store → files, plus its summary."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import vocab as v
from kg.atomic import atomic_writer
from kg.iris import Minter
from kg.parse import ParseResult, parse_documents, parse_inputs
from kg.progress import Progress
from kg.sources import expand_inputs, read_document
from kg.store import GraphStore
from kg.void import class_counts, triple_count

#: Output formats: option name → (file name, pyoxigraph format).
FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "turtle": ("graph.ttl", ox.RdfFormat.TURTLE),
    "nt": ("graph.nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("graph.jsonld", ox.RdfFormat.JSON_LD),
    "trig": ("graph.trig", ox.RdfFormat.TRIG),
    "nq": ("graph.nq", ox.RdfFormat.N_QUADS),
}

Inputs = Iterable[str | os.PathLike[str]]


@dataclass(slots=True)
class BuildResult:
    """A built graph and what was read to build it."""

    store: GraphStore | None
    parsed: ParseResult
    #: The VoID description, when known without a store (a streamed build).
    description: list[ox.Triple] | None = None
    base: str = v.DEFAULT_BASE

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
            "days": len({d.day for d in self.parsed.digests}),
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


def build(inputs: Inputs, *, base: str = v.DEFAULT_BASE,
          store_path: str | os.PathLike[str] | None = None,
          progress: bool | None = False) -> BuildResult:
    """Parse digests (files, directories, globs, ``-``) and load them into a store.

    With ``store_path`` the store lives on disk and keeps what it held before
    (sources read again replace what they said); otherwise it is in memory.
    ``progress=None`` shows progress on a terminal.
    """
    parsed = parse_inputs([os.fspath(item) for item in inputs], progress=progress)
    store = GraphStore(store_path, base=base)
    store.load(parsed.digests)
    return BuildResult(store, parsed)


@dataclass(slots=True)
class AddResult:
    """What ``add`` did with each input file, by name."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]
    parsed: ParseResult


def add(inputs: Inputs, graph: GraphStore, *, progress: bool | None = False) -> AddResult:
    """Add digests to an existing graph, reading only what is new or changed.

    A file is known by its name: one whose bytes hash as the manifest records is
    skipped unread; one with new bytes replaces everything it said before (days
    it no longer holds disappear too). The result equals a rebuild from the
    latest version of every file.
    """
    known: dict[str, set[str]] = {}
    for item in graph.manifest():
        known.setdefault(item.source, set()).add(item.sha256)
    result = AddResult([], [], [], ParseResult())
    documents = []
    for path in expand_inputs([os.fspath(item) for item in inputs]):
        document = read_document(path)
        if known.get(document.name) == {document.sha256}:
            result.unchanged.append(document.name)
            continue
        (result.changed if document.name in known else result.added).append(document.name)
        documents.append(document)
    report = Progress(len(documents), enabled=progress) if progress is not False else None
    result.parsed = parse_documents(documents, report)
    graph.load(result.parsed.digests, replacing=[d.name for d in documents])
    return result


def write_outputs(store: GraphStore, directory: str | os.PathLike[str],
                  formats: Sequence[str] = ("turtle",)) -> list[Path]:
    """Write the graph in each format into ``directory``, each file atomically."""
    written = []
    for name in dict.fromkeys(formats):
        filename, rdf_format = FORMATS[name]
        path = Path(directory) / filename
        with atomic_writer(path) as handle:
            store.serialize(handle, format=rdf_format)
        written.append(path)
    return written
