"""Draw an output folder's default page in a process of its own, beside the add or build.

Why: after its load, ``kg add`` has two independent jobs that each take a good
part of a second on a graph of 10k papers: the identity links of :mod:`kg.people`,
which write to the store, and graph.html, which only reads the union. Python runs
one of them at a time; two processes use both cores, so the page costs the add
little but the wait for whichever ends last.

Only a graph big enough pays for the second process (:func:`worth_it`); a
smaller one's page is drawn by the add itself, after the people links.

The child starts with the add (:func:`launch`) and imports what drawing needs
while the add reads and loads the digests; once the union is final the add takes
a checkpoint of the store and hands it over (:meth:`PageJob.draw`). A checkpoint is
Oxigraph's backup: hard links to the store's immutable files, so it is cheap and
cannot lose a file to the parent's compactions, as a read-only open of the live
store did. With the union facts the add kept for that generation
(:mod:`kg.engine.union`), and the overview's outline, which the page keeps for
itself and moves by the add's change (:func:`page_outline`), the child draws exactly
what the parent would. If the child fails for any reason, :meth:`PageJob.finish`
says so and the caller draws the page itself.

``kg build`` does the same beside its people links and search index, deciding by
its rows (:func:`worth_it_for_rows`) since no facts exist yet. A build whose facts
overflowed (a graph too big to keep them) stops the child and draws the page after
the people links: both would read the store, and their peaks would add up.
"""

from __future__ import annotations

import contextlib
import gc
import json
import marshal
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
from kg.support.atomic import atomic_writer
from kg.view.outline import Outline, outline_of

_CHILD = "import sys; from kg.engine.page_job import main; sys.exit(main(sys.argv[1:]))"
_PREFIX = ".page-"
#: The add's change, beside the checkpoint it hands over.
_CHANGE = "change"
_OUTLINE = ".outline-"
#: Size of the kept union facts (bytes) from which a second process pays for its
#: start and imports: measured even at ~1,000 papers (the real corpus, ~1 MB of facts),
#: ahead above (0.3 s of 1.3 s at 10,000), behind below (0.08 s of 0.45 s on the
#: bundled example).
PARALLEL_FROM = 1_000_000
#: The same size for ``kg build``, which decides before any facts exist: digest rows
#: (a year of 2,600 rows keeps 2.6 MB of facts).
PARALLEL_FROM_ROWS = 1_000


def worth_it_for_rows(rows: int) -> bool:
    """Whether a build of ``rows`` digest rows draws its page in a second process."""
    return rows >= PARALLEL_FROM_ROWS


def worth_it(facts_file: Path) -> bool:
    """Whether to draw the page of the union whose kept facts are ``facts_file`` in a
    second process, judged by the file's size before anything is read. Yes without
    a file (an add without facts) and for the mark that the facts overflowed (a
    graph too big for them), which is the one small file read."""
    try:
        if facts_file.stat().st_size >= PARALLEL_FROM:
            return True
        facts = UnionFacts.load(facts_file.read_bytes())
    except OSError:
        return True
    return facts is not None and facts.overflowed


@dataclass(frozen=True, slots=True)
class LoadChange:
    """What an add's load did to the union: the generation before it, and the union
    lines it removed and added (:class:`kg.graph.store.UnionChange`)."""

    previous: str
    removed: set[str]
    added: set[str]


@dataclass(slots=True)
class PageJob:
    """A child process that draws ``directory``'s page from a checkpoint it is given."""

    directory: Path
    child: subprocess.Popen[str] | None = None
    checkpoint: Path | None = None
    ended: bool = False

    def draw(self, graph: GraphStore, change: LoadChange | None = None) -> None:
        """Hand the child a checkpoint of the flushed store ``graph`` to draw from, and
        the ``change`` an add made to it, if any (see :func:`page_outline`)."""
        if self.child is None or self.child.stdin is None or self.ended:
            return
        try:
            self.checkpoint = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=self.directory))
            if change is not None:
                (self.checkpoint / _CHANGE).write_bytes(marshal.dumps(
                    (change.previous, sorted(change.removed), sorted(change.added))))
            graph.store.backup(str(self.checkpoint / "store"))
            self.child.stdin.write(f"{self.checkpoint / 'store'}\n")
            self.child.stdin.flush()
        except OSError:
            self.cancel()

    def finish(self) -> list[str] | None:
        """The page's notes once the child has written it, or None if it did not."""
        if self.child is None or self.ended:
            return None
        try:
            out, _ = self.child.communicate()
        finally:
            self.ended = True
            self._clean()
        if self.child.returncode != 0:
            return None
        try:
            notes = json.loads(out)
        except ValueError:
            return None
        return [str(note) for note in notes] if isinstance(notes, list) else None

    def cancel(self) -> None:
        """Stop the child (unless it ended) and remove its checkpoint."""
        if self.child is not None and not self.ended:
            self.child.kill()
            self.child.communicate()
        self.ended = True
        self._clean()

    def _clean(self) -> None:
        if self.checkpoint is not None:
            shutil.rmtree(self.checkpoint, ignore_errors=True)


def launch(directory: str | os.PathLike[str]) -> PageJob:
    """Start the child for ``directory``'s page; it waits for :meth:`PageJob.draw`.

    Checkpoints an earlier add left (it was killed) are removed first: only one add
    runs on a folder at a time, since it holds the store's lock.
    """
    job = PageJob(Path(directory))
    for stale in job.directory.glob(f"{_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    try:
        job.child = subprocess.Popen([sys.executable, "-c", _CHILD, os.fspath(directory)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
    except OSError:
        job.child = None
    return job


def draw(directory: Path, checkpoint: Path) -> list[str]:
    """Draw the default page of the output folder ``directory`` from a checkpoint
    of its store (and the change an add left beside it)."""
    graph = GraphStore(checkpoint, read_only=True)
    try:
        change = None
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            previous, removed, added = marshal.loads(
                (checkpoint.parent / _CHANGE).read_bytes())
            change = LoadChange(previous, set(removed), set(added))
        return draw_page(directory, graph, change)
    finally:
        graph.close()


def draw_page(directory: Path, graph: GraphStore, change: LoadChange | None = None,
              facts: UnionFacts | None = None) -> list[str]:
    """Draw the default page of the output folder ``directory`` from ``graph`` (a
    checkpoint, or the store itself when no second process draws), with the union
    facts kept for its generation unless given, and the outline of :func:`page_outline`."""
    from kg.view.draw import write_view_html

    if facts is None and (token := graph.union_token()) is not None:
        facts = union.kept_facts(directory, token)
    outline = page_outline(directory, graph, facts, change)
    return write_view_html(graph, Workspace(directory).page_path, facts=facts,
                           outline=outline)


def page_outline(directory: Path, graph: GraphStore, facts: UnionFacts | None,
                 change: LoadChange | None) -> Outline:
    """The outline of ``graph``'s union (:mod:`kg.view.outline`), kept in ``directory``
    as ``.outline-TOKEN`` for the next run: the one kept for its generation, else the
    previous generation's moved by ``change``, else one read whole (from complete
    ``facts``, or from the store). Other generations' outlines are then deleted.

    The page keeps its own file, apart from the union's (:mod:`kg.engine.union`): the
    add may replace those while this reads the previous outline, and the page's
    process is the one that needs it.
    """
    token = graph.union_token()
    if token is None:  # a store no build or add wrote: nothing to keep it for
        return outline_of(graph.store, facts)
    outline = _kept_outline(directory, token)
    if outline is not None:
        return outline
    if change is not None:
        outline = _kept_outline(directory, change.previous)
        if outline is not None:
            outline.follow(graph.store, change.removed, change.added)
    if outline is None:
        outline = outline_of(graph.store, facts)
    folder = Path(directory)
    with atomic_writer(folder / f"{_OUTLINE}{token}") as handle:
        handle.write(outline.dump())
    for path in [*folder.glob(f"{_OUTLINE}*"), *folder.glob(f".{_OUTLINE}*.tmp")]:
        if path.name != f"{_OUTLINE}{token}":
            path.unlink(missing_ok=True)
    return outline


def _kept_outline(directory: Path, token: str) -> Outline | None:
    try:
        return Outline.load((Path(directory) / f"{_OUTLINE}{token}").read_bytes())
    except OSError:
        return None


def main(argv: list[str]) -> int:
    """The child's entry: load the drawing modules, wait for the checkpoint's path on
    stdin, then draw the page of the folder ``argv[0]`` and print its notes. An add
    that ends without a checkpoint (it failed, or had nothing to draw) closes stdin:
    the child then exits without drawing."""
    # A process that draws one page and ends: the collector would only walk the facts.
    gc.disable()
    # Loaded while the add is still loading the store.
    import kg.view.draw
    import kg.view.focus
    import kg.view.page  # noqa: F401

    checkpoint = sys.stdin.readline().strip()
    if not checkpoint:
        return 3
    print(json.dumps(draw(Path(argv[0]), Path(checkpoint))))
    return 0
