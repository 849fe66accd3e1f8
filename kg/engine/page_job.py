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
(:mod:`kg.engine.union`) the child draws exactly what the parent would. If the
child fails for any reason, :meth:`PageJob.finish` says so and the caller draws
the page itself.

``kg build`` does the same beside its people links and search index, deciding by
its rows (:func:`worth_it_for_rows`) since no facts exist yet. A build whose facts
overflowed (a graph too big to keep them) stops the child and draws the page after
the people links: both would read the store, and their peaks would add up.
"""

from __future__ import annotations

import gc
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
_PREFIX = ".page-"
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


@dataclass(slots=True)
class PageJob:
    """A child process that draws ``directory``'s page from a checkpoint it is given."""

    directory: Path
    child: subprocess.Popen[str] | None = None
    checkpoint: Path | None = None
    ended: bool = False

    def draw(self, graph: GraphStore) -> None:
        """Hand the child a checkpoint of the flushed store ``graph`` to draw from."""
        if self.child is None or self.child.stdin is None or self.ended:
            return
        try:
            self.checkpoint = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=self.directory))
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
    of its store."""
    from kg.view.draw import write_view_html

    graph = GraphStore(checkpoint, read_only=True)
    try:
        token = graph.union_token()
        facts = union.kept_facts(directory, token) if token is not None else None
        return write_view_html(graph, Workspace(directory).page_path, facts=facts)
    finally:
        graph.close()


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
