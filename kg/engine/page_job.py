"""Draw an output folder's default page in a process of its own, beside the add.

Why: after its load, ``kg add`` has two independent jobs that each take about a
second on a graph of 10k papers: the identity links of :mod:`kg.people`, which
write to the store, and graph.html, which only reads the union. Python runs one
of them at a time; two processes use both cores, so the page costs the add
nothing but the wait for whichever ends last.

The child opens the store read-only (the parent keeps writing the people graph,
which the page never reads) and the union facts the add kept for the store's
generation (:mod:`kg.engine.union`), so it draws exactly what the parent would.
If the child fails for any reason (it could not start, the store could not be
opened), :func:`finish` says so and the caller draws the page itself.

The child runs :func:`main` with the folder; it prints the page's notes as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kg.engine import union
from kg.engine.workspace import Workspace
from kg.graph.facts import UnionFacts


def start(directory: str | os.PathLike[str]) -> subprocess.Popen[str] | None:
    """Start drawing ``directory``'s page in a child process (None if it cannot start).

    The store must be flushed first: the child reads what is on disk.
    """
    try:
        return subprocess.Popen([sys.executable, "-c", _CHILD, os.fspath(directory)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError:
        return None


_CHILD = "import sys; from kg.engine.page_job import main; sys.exit(main(sys.argv[1:]))"


def finish(child: subprocess.Popen[str] | None) -> list[str] | None:
    """The page's notes once the child has written it, or None if it did not."""
    if child is None:
        return None
    out, _ = child.communicate()
    if child.returncode != 0:
        return None
    try:
        notes = json.loads(out)
    except ValueError:
        return None
    return [str(note) for note in notes] if isinstance(notes, list) else None


def draw(directory: str | os.PathLike[str]) -> list[str]:
    """Draw the default page of the output folder ``directory`` from its store."""
    from kg.view.draw import write_view_html

    workspace = Workspace(directory)
    graph = workspace.open(read_only=True)
    try:
        token = graph.union_token()
        facts = None
        if token is not None:
            try:
                facts = UnionFacts.load(union.facts_path(directory, token).read_bytes())
            except OSError:
                facts = None
        return write_view_html(graph, workspace.page_path, facts=facts)
    finally:
        graph.close()


def main(argv: list[str]) -> int:
    """The child's entry: draw the page of the folder ``argv[0]``, print its notes."""
    print(json.dumps(draw(Path(argv[0]))))
    return 0
