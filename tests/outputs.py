"""Helpers the daily-use tests share: corpus days copied to edit, builds into a folder,
and what an output folder's store holds (its people graph, its union facts)."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import kg
from kg.engine.workspace import Workspace
from kg.graph.facts import UnionFacts
from kg.graph.lines import triple_line
from kg.graph.void import LineCounter
from kg.people.links import people_graph
from kg.people.snapshot import Snapshot, listed_of, owned_of


def copied_days(corpus_dir: Path, tmp_path: Path, limit: int | None = None) -> list[Path]:
    """The real corpus days (the first ``limit``), copied so a test may edit them."""
    folder = tmp_path / "digests"
    folder.mkdir()
    return [Path(shutil.copyfile(path, folder / path.name))
            for path in sorted((corpus_dir / "digests").glob("papers-*.md"))[:limit]]


def people_quads(out: Path) -> list[str]:
    """The quads of the people graph in ``out``'s store, sorted."""
    graph = Workspace(out).open(read_only=True)
    try:
        target = people_graph(graph.base)
        return sorted(str(q) for q in graph.store.quads_for_pattern(None, None, None, target))
    finally:
        graph.close()


def build(files: list[Path], out: Path) -> list[str]:
    """``kg.build`` into ``out``, its store released; the notes."""
    result = kg.build(files, out)
    assert result.store is not None
    result.store.close()
    notes = result.notes
    del result
    gc.collect()
    return notes


def facts_of(out: Path) -> UnionFacts:
    """The union facts of ``out``'s store: what a build collects on its pass over the
    sorted union lines (kg.graph.facts)."""
    graph = Workspace(out).open(read_only=True)
    try:
        lines = sorted(triple_line(str(t.subject), str(t.predicate), str(t.object))
                       for t in graph.data_triples())
        facts = UnionFacts()
        counter = LineCounter(graph.minter, facts)
        for line in lines:
            counter.add(line)
    finally:
        graph.close()
    return facts.finish()


def second_listing(day: Path, folder: Path) -> Path:
    """Another source's digest of ``day`` listing its first paper, with the author
    window moved by one (the generator caps lists at five), as a second file."""
    lines = day.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("|---")) + 1
    cells = lines[start].split(" | ")
    authors = [name.strip() for name in cells[1].split(",")]
    cells[1] = ", ".join([*authors[1:], "Ada Window"])
    folder.mkdir(exist_ok=True)
    target = folder / day.name
    target.write_text("".join([*lines[:start], " | ".join(cells)]), encoding="utf-8")
    return target


def field_of(snap: Snapshot, name: str) -> object:
    """A snapshot's mapping, its derived indexes made if it left them out (a build's)."""
    if name == "owned":
        return owned_of(snap)
    if name == "listed":
        return listed_of(snap)
    return getattr(snap, name)
