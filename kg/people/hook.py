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
from pathlib import Path

from kg.graph.facts import UnionFacts
from kg.graph.store import GraphStore
from kg.people.curation import Curation, default_path, read_curation
from kg.people.links import refresh, stored_curation_path
from kg.people.snapshot import refreshed, snapshot_of
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
                   changed: set[str] | None = None) -> PeopleState | None:
    """Rebuild the identity links; curation problems join the run's warnings.

    With ``facts`` holding the whole union, the people are read from them instead
    of the store, ``state`` (the last run's, see :mod:`kg.people.state`) spares
    the pairs the change cannot reach, and the new state is returned for the next
    run; without them everything is weighed and no state is returned. ``changed``,
    the union lines that changed since ``state`` was taken, spares reading the whole
    snapshot again (:func:`kg.people.snapshot.refreshed`).
    """
    if facts is None or not facts.complete:
        parsed.diagnostics.extend(refresh(graph, curation).diagnostics)
        return None
    if state is not None and changed is not None:
        snap = refreshed(state.snapshot, facts, changed)
    else:
        snap = snapshot_of(facts)
    report = refresh(graph, curation, snap, state)
    parsed.diagnostics.extend(report.diagnostics)
    return report.state
