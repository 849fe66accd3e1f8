"""Draw an output folder's default page in a process of its own, beside the add.

Why: after its load, ``kg add`` has two independent jobs that each take about a
second on a graph of 10k papers: the identity links of :mod:`kg.people`, which
write to the store, and graph.html, which only reads the union. Python runs one
of them at a time; two processes use both cores, so the page costs the add
nothing but the wait for whichever ends last.

The child reads a checkpoint of the store taken when it starts (Oxigraph's
backup: hard links to the store's immutable files, so it is cheap and cannot
lose a file to the parent's compactions, as a read-only open of the live store
did), and the union facts the add kept for that generation (:mod:`kg.engine.union`),
so it draws exactly what the parent would. If the child fails for any reason,
:func:`finish` says so and the caller draws the page itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.engine import union
from kg.engine.workspace import Workspace
from kg.graph.facts import UnionFacts
from kg.graph.store import GraphStore

_CHILD = "import sys; from kg.engine.page_job import main; sys.exit(main(sys.argv[1:]))"


@dataclass(slots=True)
class PageJob:
    """A child process drawing the page, and the checkpoint it reads."""

    child: subprocess.Popen[str]
    checkpoint: Path


def start(graph: GraphStore, directory: str | os.PathLike[str]) -> PageJob | None:
    """Start drawing ``directory``'s page from the flushed store ``graph`` in a child
    process (None if it cannot start)."""
    scratch = Path(tempfile.mkdtemp(prefix=".page-", dir=directory))
    checkpoint = scratch / "store"
    try:
        graph.store.backup(str(checkpoint))
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, os.fspath(directory), str(checkpoint)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        return None
    return PageJob(child, scratch)


def finish(job: PageJob | None) -> list[str] | None:
    """The page's notes once the child has written it, or None if it did not."""
    if job is None:
        return None
    try:
        out, _ = job.child.communicate()
    finally:
        shutil.rmtree(job.checkpoint, ignore_errors=True)
    if job.child.returncode != 0:
        return None
    try:
        notes = json.loads(out)
    except ValueError:
        return None
    return [str(note) for note in notes] if isinstance(notes, list) else None


def draw(directory: Path, checkpoint: Path) -> list[str]:
    """Draw the default page of the output folder ``directory`` from a checkpoint
    of its store."""
    from kg.view.draw import write_view_html

    graph = GraphStore(checkpoint, read_only=True)
    try:
        token = graph.union_token()
        facts = None
        if token is not None:
            try:
                facts = UnionFacts.load(union.facts_path(directory, token).read_bytes())
            except OSError:
                facts = None
        return write_view_html(graph, Workspace(directory).page_path, facts=facts)
    finally:
        graph.close()


def main(argv: list[str]) -> int:
    """The child's entry: draw the page of the folder ``argv[0]`` from the checkpoint
    ``argv[1]``, print its notes."""
    print(json.dumps(draw(Path(argv[0]), Path(argv[1]))))
    return 0
