"""``kg add`` and ``kg.add()``: new or changed digests into an existing store.

A source is known by its key, the resolved path of the file (see
:mod:`kg.read.sources`): files that share a base name (``archive/2025/10/30.md``
and ``archive/2025/11/30.md``) are different sources and never replace each
other. A file whose bytes hash as recorded is skipped unread; one with new bytes
replaces exactly what it said before. A file with known bytes at a new path,
whose old path no longer exists, was moved: its graphs are re-keyed to the new
path, so nothing is duplicated.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kg.engine import page_job, splice, union
from kg.engine.outputs import write_outputs
from kg.engine.workspace import Workspace
from kg.export.formats import by_name
from kg.graph.listings import conflicting_listings, stored_conflicts
from kg.graph.store import GraphStore, Ingested, UnionChange
from kg.people.curation import Curation
from kg.people.hook import refresh_people, start_people
from kg.read.parse import ParseResult, parse_documents
from kg.read.sources import Document, expand_inputs, read_document
from kg.support import collector
from kg.support.progress import Progress

Inputs = Iterable[str | os.PathLike[str]]


@dataclass(slots=True)
class FileChange:
    """What one input file did to the store: its days and entries before and after.

    ``status`` is ``added``, ``replaced``, ``moved`` (from ``moved_from``) or
    ``unchanged``; days are counted as added, replaced (present before and after)
    and removed; entries as before and after.
    """

    path: str
    status: str
    days_added: int = 0
    days_replaced: int = 0
    days_removed: int = 0
    entries_before: int = 0
    entries_after: int = 0
    moved_from: str | None = None

    def describe(self) -> str:
        if self.status == "unchanged":
            return f"{self.path}: unchanged"
        if self.status == "moved":
            return f"{self.path}: moved from {self.moved_from} (same bytes)"
        return (f"{self.path}: {self.status}; days +{self.days_added} "
                f"~{self.days_replaced} -{self.days_removed}; "
                f"entries {self.entries_before} -> {self.entries_after}")


@dataclass(slots=True)
class AddResult:
    """What ``add`` did with each input file (by path), and the files it wrote."""

    added: list[str]
    changed: list[str]
    unchanged: list[str]
    parsed: ParseResult
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


def add(inputs: Inputs, graph: GraphStore, *, progress: bool | None = False,
        people: str | os.PathLike[str] | None = None,
        union_change: UnionChange | None = None) -> AddResult:
    """Add digests to an existing graph, reading only what is new or changed.

    The result equals a rebuild from the latest version of every file at its
    current path.

    The identity links of :mod:`kg.people` are rebuilt with the curation file
    ``people`` (default: see :mod:`kg.people.hook`).

    With ``union_change``, the load records what it did to the union there and leaves
    the VoID description to the caller (see :meth:`GraphStore.load`).
    """
    result, curation = _ingest(inputs, graph, progress=progress, people=people,
                               union_change=union_change)
    refresh_people(graph, curation, result.parsed)
    return result


def _ingest(inputs: Inputs, graph: GraphStore, *, progress: bool | None,
            people: str | os.PathLike[str] | None,
            union_change: UnionChange | None) -> tuple[AddResult, Curation]:
    """:func:`add` up to the people links, which the caller refreshes: the result, and
    the curation file (read first, so a bad one stops the run before any write)."""
    names = [os.fspath(item) for item in inputs]
    curation = start_people(people, names, graph)
    manifest = graph.manifest(entries=False)
    known: dict[str, list[Ingested]] = {}
    for item in manifest:
        known.setdefault(item.source, []).append(item)
    result = AddResult([], [], [], ParseResult())
    documents: list[Document] = []
    replacing: list[str] = []
    for path in expand_inputs(names):
        document = read_document(path)
        before = known.get(document.key, [])
        if before and {item.sha256 for item in before} == {document.sha256}:
            result.unchanged.append(document.key)
            result.files.append(FileChange(document.key, "unchanged"))
            continue
        moved_from = None if before else _moved_from(document, known)
        if moved_from is not None:
            replacing.append(moved_from)
            result.moved.append(document.key)
            change = FileChange(document.key, "moved", moved_from=moved_from)
        elif before:
            result.changed.append(document.key)
            change = FileChange(document.key, "replaced")
        else:
            result.added.append(document.key)
            change = FileChange(document.key, "added")
        change.entries_before = sum(graph.entry_counts(item.graph for item in before).values())
        result.files.append(change)
        documents.append(document)
    report = Progress(len(documents), enabled=progress) if progress is not False else None
    result.parsed = parse_documents(documents, report)
    replaced = {*replacing, *(d.key for d in documents)}
    # Only days another stored file has can disagree with it: a new day looks nothing up.
    elsewhere = {item.day for key, items in known.items() if key not in replaced
                 for item in items}
    result.parsed.diagnostics.extend([
        *conflicting_listings(result.parsed.digests, graph.minter),
        *stored_conflicts(graph, [d for d in result.parsed.digests if d.day in elsewhere],
                          replaced)])
    _count_days(result, known)
    if replaced:
        graph.load(result.parsed.digests, replacing=sorted(replaced), change=union_change,
                   manifest=manifest)
    elif not graph.has_void():
        graph.refresh_void()  # an earlier add was killed between its two transactions
    return result, curation


def _moved_from(document: Document, known: dict[str, list[Ingested]]) -> str | None:
    """The recorded path of a file with these bytes that no longer exists, if any."""
    digest = document.sha256  # hashed once, not once per known file
    for key, items in sorted(known.items()):
        if {item.sha256 for item in items} == {digest} and key != document.key \
                and key.startswith("/") and not os.path.exists(key):
            return key
    return None


def _count_days(result: AddResult, known: dict[str, list[Ingested]]) -> None:
    by_file: dict[str, dict[str, int]] = {}
    for digest in result.parsed.digests:
        days = by_file.setdefault(digest.source.key, {})
        days[digest.day] = days.get(digest.day, 0) + len(digest.entries)
    for change in result.files:
        if change.status in ("unchanged", "moved"):
            continue
        before = {item.day for item in known.get(change.path, [])}
        after = by_file.get(change.path, {})
        change.days_added = len(set(after) - before)
        change.days_replaced = len(set(after) & before)
        change.days_removed = len(before - set(after))
        change.entries_after = sum(after.values())


def add_to_output(inputs: Inputs, output: str | os.PathLike[str], *,
                  export: bool = True, formats: Sequence[str] = ("turtle",),
                  progress: bool | None = False,
                  people: str | os.PathLike[str] | None = None) -> AddResult:
    """Add digests to the working store of an output folder, then rewrite its files.

    The exports are rewritten even when nothing changed: an earlier add may have
    died before exporting. A new store generation is announced (for a running
    ``kg serve``) once the store is written.

    graph.html of a big graph is drawn by a process of its own
    (:mod:`kg.engine.page_job`), started with the add and given the new union while
    this one refreshes the people links.
    The VoID counts the store holds follow what the add changed
    (:mod:`kg.engine.union`), so no pass over the whole union is needed; without them
    they come from a full pass. The people links patch the last run's state from the
    store's indexes (:mod:`kg.people.hook`), the page moves its outline by the change
    (:mod:`kg.engine.page_job`). graph.ttl is the previous
    one with the changed subjects' blocks replaced (:mod:`kg.engine.splice`) when
    that file is the one recorded, else it is written whole.
    """
    with collector.paused():  # the add reads and rewrites large kept data
        return _add_to_output(inputs, output, export=export, formats=formats,
                              progress=progress, people=people)


def _add_to_output(inputs: Inputs, output: str | os.PathLike[str], *, export: bool,
                   formats: Sequence[str], progress: bool | None,
                   people: str | os.PathLike[str] | None) -> AddResult:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-add") as behind:
        return _add_with(behind, inputs, output, export=export, formats=formats,
                         progress=progress, people=people)


def _add_with(behind: ThreadPoolExecutor, inputs: Inputs, output: str | os.PathLike[str], *,
              export: bool, formats: Sequence[str], progress: bool | None,
              people: str | os.PathLike[str] | None) -> AddResult:
    workspace = Workspace(output)
    graph = workspace.open()
    page = None
    try:
        generation = graph.union_token()
        if export and page_job.worth_it(workspace.directory, generation):
            page = page_job.launch(workspace.directory, generation)
        previous = union.current(graph, workspace.directory)
        kept = union.carried(graph)
        people_kept = union.carried_people(workspace.directory, generation)
        change = union.new_change()
        result, curation = _ingest(inputs, graph, progress=progress, people=people,
                                   union_change=change)
        union_after = union.follow(graph, workspace.directory, previous, kept, change)
        facts, lines = union_after.facts, union_after.lines
        drawn = page_job.LoadChange.of(generation, change, turtle="turtle" in formats) \
            if generation is not None else None
        if page is not None:
            graph.close()  # flushed: the page's process reads the new union from disk
            page.draw(graph, drawn)
        people_after = refresh_people(graph, curation, result.parsed, facts, people_kept,
                                      union_after.changed, change.graphs)
        # Written by a thread while this one flushes the store, updates the search index
        # and waits for the page's process: much of that time is spent outside Python.
        # The thread then deletes the other generations' files (after the new state is
        # written: it would take that write's temporary file for a killed run's).
        token = graph.union_token()
        kept_people = behind.submit(union.keep_people, workspace.directory, token, people_after)
        dropped = behind.submit(union.drop_others, workspace.directory, token) \
            if token is not None else None
        graph.close()
        from kg.web.search import SEARCH_FILE, update_index

        update_index(graph.store, workspace.directory / SEARCH_FILE, token or "",
                     previous=generation, lines=change.touched)
        workspace.write_warnings(result.parsed.diagnostics)
        if export:
            # The page's process splices graph.ttl too; _write_exports finds it done.
            notes = page.finish() if page is not None else None
            result.written = _write_exports(graph, workspace, formats, lines, generation,
                                            change)
            if notes is None:  # a graph too small for a second process, or it failed
                notes = page_job.draw_page(workspace.directory, graph, drawn, facts)
            result.notes = notes
            result.written.append(workspace.page_path)
        kept_people.result()
        if dropped is not None:
            dropped.result()
        workspace.mark_generation()  # the store and search index are written
    finally:
        if page is not None:
            page.cancel()  # after finish(), only makes sure nothing is left behind
        graph.close()
    return result


def _write_exports(graph: GraphStore, workspace: Workspace, formats: Sequence[str],
                   lines: Path | None, previous: str | None, change: UnionChange) -> list[Path]:
    """Write the add's files: graph.ttl spliced where it can be, the rest whole; a
    graph.ttl written either way is recorded for the next add (:mod:`kg.engine.splice`)."""
    for name in formats:
        by_name(name)  # an unknown name fails before any file is written
    written = []
    for name in dict.fromkeys(formats):
        if name == "turtle" and splice.rewrite(graph, workspace.directory, previous,
                                               change.touched):
            written.append(workspace.graph_path)  # and recorded
            continue
        written.extend(write_outputs(graph, workspace.directory, [name], union=lines))
        if name == "turtle":
            splice.record(workspace.directory, graph.union_token(), graph.base, graph.void())
    return written
