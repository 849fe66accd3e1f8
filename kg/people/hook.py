"""The two calls build and add make: find and read the curation file before any
work (a bad file stops the run before anything is written), then rebuild the
people graph once the store holds the new data.

Which curation file: the one given (``--people FILE``); else ``people.csv`` in
the first input folder that has one (a file input counts its folder); else, for
``kg add`` on an existing store, the file the last build or add read (recorded
in the people graph), so an add from elsewhere keeps the user's decisions.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from kg.graph.facts import UnionFacts
from kg.graph.store import GraphStore
from kg.people.curation import Curation, default_path, read_curation
from kg.people.links import refresh, stored_curation_path
from kg.people.snapshot import read_snapshot, refreshed, snapshot_of
from kg.people.state import PeopleState
from kg.read.parse import ParseResult


def start_people(people: str | os.PathLike[str] | None, inputs: list[str],
                 graph: GraphStore | None = None) -> Curation:
    """The curation to apply (empty when there is none)."""
    path: Path | None = Path(people) if people is not None else default_path(inputs)
    if path is None and graph is not None:
        recorded = stored_curation_path(graph)
        path = recorded if recorded is not None and recorded.is_file() else None
    curation = read_curation(path)
    if curation.path is not None:
        curation.path = curation.path.resolve()
    return curation


def refresh_people(graph: GraphStore, curation: Curation, parsed: ParseResult,
                   facts: UnionFacts | None = None, state: PeopleState | None = None,
                   changed: set[str] | None = None, graphs: Collection[str] | None = None
                   ) -> PeopleState | None:
    """Rebuild the identity links; curation problems join the run's warnings. Returns
    the state they were computed from, for the next run (:mod:`kg.people.state`).

    ``state``, the last run's, spares the pairs the change cannot reach; with
    ``changed``, the union lines that changed since it was taken, and ``graphs``, the
    day graphs the change retracted or wrote, only the touched part of its snapshot
    is read again, from the store's indexes (:func:`kg.people.snapshot.refreshed`).
    Without them the people are read whole, from ``facts`` when they hold the whole
    union, else from the store.
    """
    whole = facts if facts is not None and facts.complete else None
    if state is not None and changed is not None and graphs is not None:
        snap = refreshed(state.snapshot, graph.store, changed, graphs)
    elif whole is not None:
        snap = snapshot_of(whole)
    else:
        snap = read_snapshot(graph.store)
    report = refresh(graph, curation, snap, state)
    parsed.diagnostics.extend(report.diagnostics)
    return report.state
