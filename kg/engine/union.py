"""What the union looked like at the last build or add, kept so the next ``kg add``
follows its change instead of re-reading the whole union.

Why: the VoID counts are a function of the whole union. Taken from scratch they
mean a pass over every union line, most of a daily add's cost on a large graph.
So, for the union generation the store holds
(:meth:`kg.graph.store.GraphStore.union_token`, TOKEN below):

* the VoID counts, in the store: an add reads them back and moves them by what its
  load changed (:class:`kg.graph.store.UnionChange`: which touched lines and terms
  the union held before and after), in time proportional to the change
  (:func:`follow`), so an add on a graph of 100k papers makes no pass over its union.
* ``.people-state.sqlite``: what the identity links were computed from
  (:mod:`kg.people.state`), so an add weighs again only the pairs its change reaches;
  it records its generation, and an add reads and updates it a bucket of keys at a
  time.
* ``.union-TOKEN.nt``: the build's sorted union lines. Without counts to follow (a
  store without its VoID description), an add merges this file with its change in
  one sequential pass (the lines it touched leave, those still in the union come
  back, in order), counting on the way (:class:`kg.graph.void.LineCounter`, as in
  the build, which also collects the union facts, :mod:`kg.graph.facts`, for that
  run). Its other use is writing graph.ttl whole when it cannot be spliced. An add
  that followed the change instead writes no new lines file.

(The page keeps its own ``.outline-TOKEN`` beside them: :func:`kg.engine.page_job.page_outline`.)

Safe to lose or to go stale: every load writes a new token in its own transaction,
so files whose name (the people state: whose recorded generation) is not the
store's token (an add killed after its store transaction, a store replaced behind
the folder's back), missing or damaged files are ignored, and the counts are taken
from a full pass, from the lines file if it matches and from the store's union,
sorted, if not.
"""

from __future__ import annotations

import heapq
import io
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.graph.facts import UnionFacts
from kg.graph.lines import sorted_unique, store_lines, triple_line
from kg.graph.store import GraphStore, UnionChange, triple_key
from kg.graph.void import Counts, LineCounter
from kg.people import state as people_state
from kg.people.state import PeopleState
from kg.support import collector
from kg.support.atomic import atomic_writer

PREFIX = ".union-"
SUFFIX = ".nt"
PEOPLE_FILE = ".people-state.sqlite"


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


def people_path(directory: str | os.PathLike[str]) -> Path:
    """Where the people state (:mod:`kg.people.state`) is kept: one SQLite file that
    records its union generation and that an add updates in place."""
    return Path(directory) / PEOPLE_FILE


def keep_people(directory: str | os.PathLike[str], token: str | None,
                state: PeopleState | None) -> None:
    """Keep the people state of the union generation ``token`` for the next add.

    Without the cyclic collector: the buckets written are many small acyclic objects,
    and at a build's end the collector walked all of the build's data for them (a
    year's state took 0.65 s to write with it, 0.49 s without, both profiled)."""
    if state is not None and token is not None:
        with collector.paused():
            people_state.save(state, people_path(directory), token)
    if state is not None and state.kept is not None:
        state.kept.db.close()


def carried_people(directory: str | os.PathLike[str], token: str | None) -> PeopleState | None:
    """The people state the last run kept for the union generation ``token``, if any
    (its tables are read on demand, :mod:`kg.people.kept`)."""
    return people_state.load(people_path(directory), token) if token is not None else None


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
    drop_others(directory, token)
    return target


def carried(graph: GraphStore) -> Counts | None:
    """The VoID counts of the store's union as the last run left them, if it has a
    generation and a description that states them all (read before an add's load
    changes them)."""
    if graph.union_token() is None or not graph.has_void():
        return None
    return Counts.of(graph.void(), graph.minter)


@dataclass(slots=True)
class Followed:
    """The union after an add: its facts if a full pass took them, a lines file
    matching the store if there is one, and the union lines the add changed (None
    after a full pass: nothing was kept to follow)."""

    facts: UnionFacts | None
    lines: Path | None
    changed: set[str] | None


def follow(graph: GraphStore, directory: str | os.PathLike[str], previous: Path | None,
           kept: Counts | None, change: UnionChange) -> Followed:
    """The union after an add; the store's VoID description is stored if the load
    dropped it. The previous generation's files stay for the caller to drop
    (:func:`drop_others`) once it is done with them.

    ``previous`` and ``kept`` are what :func:`current` and :func:`carried` gave
    before the load. With ``kept``, the counts follow the change; without, they and
    the facts come from a full pass (:func:`update`).
    """
    loaded = graph.union_token() == change.token
    if kept is None:
        facts = UnionFacts()
        return Followed(facts, update(graph, directory, previous, change, facts), None)
    if not loaded:
        return Followed(None, previous, set())
    kept.apply(change.before, change.after, graph.base)
    graph.store_void(sorted(kept.triples(graph.minter), key=triple_key))
    return Followed(None, None, change.before.lines ^ change.after.lines)


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
    if not graph.has_void():
        graph.store_void(sorted(counter.triples(), key=triple_key))
    if facts is not None:
        facts.finish()
    drop_others(directory, token)
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


def drop_others(directory: str | os.PathLike[str], token: str) -> None:
    """Delete the union files of other generations (stale once ``token``'s are
    written) and temporary ones that killed writes left. (Deleting a year's
    88 MB lines file takes 0.02 s: an add leaves it to its thread.)"""
    folder = Path(directory)
    for path in [*folder.glob(f"{PREFIX}*"), *folder.glob(f".{PREFIX}*.tmp")]:
        if not path.name.startswith(f"{PREFIX}{token}."):
            path.unlink(missing_ok=True)
