"""Draw an output folder's default page in a process of its own, beside the add or build.

Why: after its load, ``kg add`` has independent jobs that together take most of a
second on a graph of 10k papers: the identity links of :mod:`kg.people` and the
search index, which write, and graph.ttl and graph.html, which only read the union.
Python runs one of them at a time; two processes use both cores, so graph.ttl and
the page cost the add little but the wait for whichever ends last.

Only a graph big enough pays for the second process (:func:`worth_it`); a
smaller one's page is drawn by the add itself, after the people links.

The child starts with the add (:func:`launch`), imports what drawing needs and
reads the overview's outline the page kept for the previous generation
(:func:`page_outline`) while the add reads and loads the digests; once the union
is final the add takes a checkpoint of the store and hands it over
(:meth:`PageJob.draw`) with its change. A checkpoint is Oxigraph's backup: hard
links to the store's immutable files, so it is cheap and cannot lose a file to the
parent's compactions, as a read-only open of the live store did. The child splices
graph.ttl, moves the outline by the change and draws exactly what the parent would,
while the parent links people and updates the search index. If the child fails for
any reason, :meth:`PageJob.finish` says so and the caller does its work.

``kg build`` does the same beside its people links and search index, deciding by
its rows (:func:`worth_it_for_rows`) since no outline exists yet, and keeps the
outline counted from its union facts for the child to read. A build whose facts
overflowed (a graph too big to hold them) stops the child and draws the page after
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

from kg.engine import splice
from kg.engine.workspace import Workspace
from kg.graph.facts import UnionFacts
from kg.graph.store import GraphStore, UnionChange
from kg.support.atomic import atomic_writer
from kg.view.outline import Outline, outline_of

#: The child ends with ``os._exit`` once its notes are out: its outline and drawing
#: modules die with the process, where the interpreter's teardown freed them one by
#: one while the add waited (0.05 s at a year of papers).
_CHILD = ("import os, sys; from kg.engine.page_job import main; code = main(sys.argv[1:]); "
          "sys.stdout.flush(); os._exit(code)")
_PREFIX = ".page-"
#: The add's change, beside the checkpoint it hands over.
_CHANGE = "change"
_OUTLINE = ".outline-"
#: Size of the kept outline (bytes) from which a second process pays for its start
#: and imports: measured even at ~1,000 papers (the real corpus, a 0.58 MB outline),
#: ahead above (0.3 s of 1.3 s at 10,000), behind below (0.08 s of 0.45 s on the
#: bundled example).
PARALLEL_FROM = 600_000
#: The same for ``kg build``, which decides before any outline exists: digest rows.
PARALLEL_FROM_ROWS = 1_000


def worth_it_for_rows(rows: int) -> bool:
    """Whether a build of ``rows`` digest rows draws its page in a second process."""
    return rows >= PARALLEL_FROM_ROWS


def worth_it(directory: str | os.PathLike[str], token: str | None) -> bool:
    """Whether an add to the union of generation ``token`` draws its page in a second
    process, judged by the size of the outline kept for it before anything is read
    (yes without one: drawing it reads the whole store)."""
    try:
        return outline_path(directory, token or "").stat().st_size >= PARALLEL_FROM
    except OSError:
        return True


def outline_path(directory: str | os.PathLike[str], token: str) -> Path:
    """Where the page keeps the outline of generation ``token``."""
    return Path(directory) / f"{_OUTLINE}{token}"


@dataclass(frozen=True, slots=True)
class LoadChange:
    """What an add's load did to the union: the generation before it, the union lines
    it removed and added (:class:`kg.graph.store.UnionChange`), and every line it
    touched, which the page's process splices into graph.ttl (None: the add writes no
    graph.ttl)."""

    previous: str
    removed: set[str]
    added: set[str]
    touched: set[str] | None

    @classmethod
    def of(cls, previous: str, change: UnionChange, *, turtle: bool = True) -> LoadChange:
        before, after = change.before.lines, change.after.lines
        return cls(previous, before - after, after - before,
                   set(change.touched) if turtle else None)


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
                    (change.previous, sorted(change.removed), sorted(change.added),
                     None if change.touched is None else sorted(change.touched))))
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


def launch(directory: str | os.PathLike[str], previous: str | None = None) -> PageJob:
    """Start the child for ``directory``'s page; it waits for :meth:`PageJob.draw`.
    ``previous``, an add's union generation before its load, is the one whose outline
    the child reads while it waits.

    Checkpoints an earlier add left (it was killed) are removed first: only one add
    runs on a folder at a time, since it holds the store's lock.
    """
    job = PageJob(Path(directory))
    for stale in job.directory.glob(f"{_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    try:
        job.child = subprocess.Popen([sys.executable, "-c", _CHILD, os.fspath(directory),
                                      *([previous] if previous else [])],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
    except OSError:
        job.child = None
    return job


def draw(directory: Path, checkpoint: Path, previous: Outline | None = None) -> list[str]:
    """Draw the default page of the output folder ``directory`` from a checkpoint
    of its store; given the change an add left beside it, first splice the folder's
    graph.ttl (:func:`kg.engine.splice.rewrite`: the union and its VoID description
    are final in the checkpoint; the people links the add writes next are not in
    graph.ttl). What this process did not do, the add does after it."""
    graph = GraphStore(checkpoint, read_only=True)
    try:
        change = None
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            before, removed, added, touched = marshal.loads(
                (checkpoint.parent / _CHANGE).read_bytes())
            change = LoadChange(before, set(removed), set(added),
                                None if touched is None else set(touched))
        if change is not None and change.touched is not None:
            splice.rewrite(graph, directory, change.previous, change.touched)
        return draw_page(directory, graph, change, previous=previous)
    finally:
        graph.close()


def draw_page(directory: Path, graph: GraphStore, change: LoadChange | None = None,
              facts: UnionFacts | None = None, previous: Outline | None = None
              ) -> list[str]:
    """Draw the default page of the output folder ``directory`` from ``graph`` (a
    checkpoint, or the store itself when no second process draws), with the union
    facts if the caller has them (a build's), and the outline of :func:`page_outline`
    (``previous``: the one kept before the add's ``change``, if already read). The
    outline is kept once the page is drawn: it holds the cards of the papers drawn
    (:meth:`kg.view.outline.Outline.cards`).
    """
    from kg.view.draw import write_view_html

    token = graph.union_token()
    outline = page_outline(directory, graph, facts, change, previous)
    notes = write_view_html(graph, Workspace(directory).page_path, facts=facts,
                            outline=outline)
    if token is not None:
        keep_outline(directory, token, outline)
    return notes


def page_outline(directory: Path, graph: GraphStore, facts: UnionFacts | None,
                 change: LoadChange | None, before: Outline | None = None) -> Outline:
    """The outline of ``graph``'s union (:mod:`kg.view.outline`): the one kept in
    ``directory`` as ``.outline-TOKEN`` for its generation, else the previous
    generation's (``before``, if already read) moved by ``change``, else one read
    whole (from complete ``facts``, or from the store). :func:`draw_page` keeps it
    once drawn, with the cards of the papers the page drew.

    The page keeps its own file, apart from the union's (:mod:`kg.engine.union`): the
    add may replace those while this reads the previous outline, and the page's
    process is the one that needs it.
    """
    token = graph.union_token()
    outline = kept_outline(directory, token) if token is not None else None
    if outline is not None:
        return outline
    if change is not None:
        if before is None:
            before = kept_outline(directory, change.previous)
        outline = before
        if outline is not None:
            outline.follow(graph.store, change.removed, change.added)
    return outline if outline is not None else outline_of(graph.store, facts)


def keep_outline(directory: Path, token: str, outline: Outline) -> None:
    """Keep ``outline`` as generation ``token``'s, and delete other generations'."""
    kept = outline_path(directory, token)
    with atomic_writer(kept) as handle:
        handle.write(outline.dump())
    folder = Path(directory)
    for path in [*folder.glob(f"{_OUTLINE}*"), *folder.glob(f".{_OUTLINE}*.tmp")]:
        if path != kept:
            path.unlink(missing_ok=True)


def folder_outline(location: str | os.PathLike[str], graph: GraphStore) -> Outline | None:
    """The outline an output folder ``location`` kept for ``graph``, its store, at the
    store's union generation, or None (another location, nothing kept, another
    generation). ``kg html`` draws the default page from it (:func:`kg.view.draw.write_view_html`)
    instead of reading every node and edge: 12 s at 100k papers."""
    token = graph.union_token()
    folder = Path(location)
    if token is None or not Workspace(folder).has_store():
        return None
    return kept_outline(folder, token)


def kept_outline(directory: Path, token: str) -> Outline | None:
    """The outline the page kept for generation ``token``, if there and readable."""
    try:
        return Outline.load(outline_path(directory, token).read_bytes())
    except OSError:
        return None


def main(argv: list[str]) -> int:
    """The child's entry: load the drawing modules and read the outline the folder
    ``argv[0]`` kept for the generation ``argv[1]`` (if given), wait for the checkpoint's path on
    stdin, then draw the page and print its notes. An add that ends without a
    checkpoint (it failed, or had nothing to draw) closes stdin: the child then exits
    without drawing."""
    # A process that draws one page and ends: the collector would only walk the facts.
    gc.disable()
    # Loaded and read while the add is still loading the store.
    import kg.view.draw
    import kg.view.focus
    import kg.view.page  # noqa: F401

    directory = Path(argv[0])
    previous = kept_outline(directory, argv[1]) if len(argv) > 1 else None
    checkpoint = sys.stdin.readline().strip()
    if not checkpoint:
        return 3
    print(json.dumps(draw(directory, Path(checkpoint), previous)))
    return 0
