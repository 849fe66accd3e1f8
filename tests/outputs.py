"""Helpers the daily-use tests share: corpus days copied to edit, and what an output
folder's store holds in its people graph."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.engine.workspace import Workspace
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
