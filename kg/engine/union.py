"""The union graph's sorted lines, kept in the output folder for the next ``kg add``.

Why: writing ``graph.ttl`` from the store means turning every quad of the union
into an N-Triples line and sorting them all, most of a daily add's cost on a large
graph. The build has those sorted lines anyway (:mod:`kg.engine.build`); it keeps
them as ``.union-TOKEN.nt``, where TOKEN is the union generation the store holds
(:meth:`kg.graph.store.GraphStore.union_token`). An add then merges that file with
what its load changed (:class:`kg.graph.store.UnionChange`): the lines it touched
leave, those of them still in the union come back, in order, so the new file is
one sequential pass instead of a sort, and the VoID counts are taken on the way
(:class:`kg.graph.void.LineCounter`, as in the build).

Safe to lose or to go stale: every load writes a new token in its own transaction,
so a file whose name is not the store's token (an add killed after its store
transaction, a store replaced behind the folder's back) or a missing file is
ignored, and the lines are taken from the store and sorted as before.
"""

from __future__ import annotations

import heapq
import io
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.graph.facts import UnionFacts
from kg.graph.lines import sorted_unique, store_lines, triple_line
from kg.graph.store import GraphStore, UnionChange, triple_key
from kg.graph.void import LineCounter
from kg.support.atomic import atomic_writer

PREFIX = ".union-"
SUFFIX = ".nt"


def union_path(directory: str | os.PathLike[str], token: str) -> Path:
    """Where the sorted union lines of generation ``token`` are kept."""
    return Path(directory) / f"{PREFIX}{token}{SUFFIX}"


def current(graph: GraphStore, directory: str | os.PathLike[str]) -> Path | None:
    """The kept union lines if they match the store's union generation, else ``None``."""
    token = graph.union_token()
    if token is None:
        return None
    path = union_path(directory, token)
    return path if path.is_file() else None


def keep(graph: GraphStore, lines: Path, directory: str | os.PathLike[str]) -> Path:
    """Keep a build's sorted union file (moved, not copied) for the store ``graph``.

    The file is flushed to disk before it is renamed, like every atomic output.
    """
    token = uuid.uuid4().hex
    graph.set_union_token(token)
    with open(lines, "rb+") as handle:
        os.fsync(handle.fileno())
    target = union_path(directory, token)
    os.replace(lines, target)
    _drop_others(target)
    return target


def new_change() -> UnionChange:
    """A change record for :meth:`GraphStore.load` with a fresh generation token."""
    return UnionChange(uuid.uuid4().hex)


def update(graph: GraphStore, directory: str | os.PathLike[str], previous: Path | None,
           change: UnionChange, facts: UnionFacts | None = None) -> Path:
    """The union lines file matching the store after an add; its VoID stored if missing.

    ``previous`` is what :func:`current` gave before the add's load. When the load
    wrote ``change`` (the store has its token), the new file merges ``previous``
    with the change; without a valid ``previous`` it is sorted from the store.
    Every line written also goes to ``facts`` (:mod:`kg.graph.facts`), which is then
    complete; an add that loaded nothing writes no file and leaves it incomplete.
    """
    loaded = graph.union_token() == change.token
    if not loaded and previous is not None:
        return previous
    if loaded and previous is not None:
        lines: Iterable[str] = _merged(previous, change)
        token = change.token
    else:
        lines = sorted_unique(_data_lines(graph), directory)
        token = graph.union_token() or ""
        if not token:
            token = new_change().token
            graph.set_union_token(token)
    counter = LineCounter(graph.minter, facts)
    target = union_path(directory, token)
    with atomic_writer(target) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        for line in lines:
            counter.add(line)
            text.write(line)
        text.flush()
        text.detach()
    if facts is not None:
        facts.finish()
    if not graph.has_void():
        graph.store_void(sorted(counter.triples(), key=triple_key))
    _drop_others(target)
    return target


def _merged(previous: Path, change: UnionChange) -> Iterator[str]:
    """The lines of ``previous`` without those the change touched, and those present."""
    touched = change.touched
    with open(previous, encoding="utf-8", newline="\n") as handle:
        kept = (line for line in handle if line not in touched)
        yield from heapq.merge(kept, sorted(change.present))


def _data_lines(graph: GraphStore) -> Iterator[str]:
    """The union's lines without its stored VoID description (as ``data_triples``)."""
    void = {triple_line(str(q.subject), str(q.predicate), str(q.object))
            for q in graph.store.quads_for_pattern(None, None, None, graph.minter.void_graph)}
    for line in store_lines(graph.store):
        if line not in void:
            yield line


def _drop_others(keep: Path) -> None:
    """Delete union files of other generations (stale once ``keep`` is written) and
    temporary ones that killed writes left."""
    for path in keep.parent.glob(f"{PREFIX}*"):
        if path != keep:
            path.unlink(missing_ok=True)
