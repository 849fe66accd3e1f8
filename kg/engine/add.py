"""``kg add`` and ``kg.add()``: new or changed digests into an existing store."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.engine.outputs import write_outputs
from kg.engine.workspace import Workspace
from kg.graph.store import GraphStore
from kg.people.hook import refresh_people, start_people
from kg.read.parse import ParseResult, parse_documents
from kg.read.sources import expand_inputs, read_document
from kg.support.progress import Progress

Inputs = Iterable[str | os.PathLike[str]]


@dataclass(slots=True)
class AddResult:
    """What ``add`` did with each input file, by name, and the files it wrote."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]
    parsed: ParseResult
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def add(inputs: Inputs, graph: GraphStore, *, progress: bool | None = False,
        people: str | os.PathLike[str] | None = None) -> AddResult:
    """Add digests to an existing graph, reading only what is new or changed.

    A file is known by its name: one whose bytes hash as the manifest records is
    skipped unread; one with new bytes replaces everything it said before (days
    it no longer holds disappear too). The result equals a rebuild from the
    latest version of every file. The identity links of :mod:`kg.people` are
    rebuilt with the curation file ``people`` (default: see :mod:`kg.people.hook`).
    """
    names = [os.fspath(item) for item in inputs]
    curation = start_people(people, names, graph)
    known: dict[str, set[str]] = {}
    for item in graph.manifest():
        known.setdefault(item.source, set()).add(item.sha256)
    result = AddResult([], [], [], ParseResult())
    documents = []
    for path in expand_inputs(names):
        document = read_document(path)
        if known.get(document.name) == {document.sha256}:
            result.unchanged.append(document.name)
            continue
        (result.changed if document.name in known else result.added).append(document.name)
        documents.append(document)
    report = Progress(len(documents), enabled=progress) if progress is not False else None
    result.parsed = parse_documents(documents, report)
    graph.load(result.parsed.digests, replacing=[d.name for d in documents])
    refresh_people(graph, curation, result.parsed)
    return result


def add_to_output(inputs: Inputs, output: str | os.PathLike[str], *,
                  export: bool = True, formats: Sequence[str] = ("turtle",),
                  progress: bool | None = False,
                  people: str | os.PathLike[str] | None = None) -> AddResult:
    """Add digests to the working store of an output folder, then rewrite its files.

    The exports are rewritten even when nothing changed: an earlier add may have
    died before exporting.
    """
    workspace = Workspace(output)
    graph = workspace.open()
    try:
        result = add(inputs, graph, progress=progress, people=people)
        workspace.write_warnings(result.parsed.diagnostics)
        if export:
            from kg.view.draw import write_view_html

            result.written = write_outputs(graph, workspace.directory, formats)
            result.notes = write_view_html(graph, workspace.page_path)
            result.written.append(workspace.page_path)
    finally:
        graph.close()
    return result
