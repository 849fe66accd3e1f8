"""Helpers the daily-use tests share: corpus days copied to edit, builds into a folder,
and what an output folder keeps (its people graph, its union facts)."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import kg
from kg.engine import union
from kg.engine.workspace import Workspace
from kg.graph.facts import UnionFacts
from kg.people.links import people_graph


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
    """The facts the last run kept in ``out`` for the store's union generation."""
    graph = Workspace(out).open(read_only=True)
    try:
        token = graph.union_token()
    finally:
        graph.close()
    assert token is not None
    facts = UnionFacts.load(union.facts_path(out, token).read_bytes())
    assert facts is not None
    return facts


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
