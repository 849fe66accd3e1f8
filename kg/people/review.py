"""What ``kg people`` does: list identity links for review and record decisions.

The list is computed live from the graph and the curation file, so it is the
same whether the graph is a working store or a graph file, and a decision
just written shows at once. A decision goes into the curation file (written
atomically) and, when the graph is a working store, its people graph is
rebuilt so queries see it before the next build.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.graph.store import GraphStore
from kg.people.curation import Curation, CurationError, read_curation, write_curation
from kg.people.links import PeopleReport, compute_links, refresh, stored_curation_path
from kg.people.snapshot import read_snapshot


def curation_for(graph: GraphStore, people: str | os.PathLike[str] | None) -> Curation:
    """The curation file given, else the one the graph was last built with, else none."""
    path = Path(people) if people is not None else stored_curation_path(graph)
    if path is None:
        return Curation()
    if not path.exists() and people is not None:
        return Curation(path.resolve())  # a new file, written on the first decision
    return read_curation(path)


def review(graph: GraphStore, curation: Curation) -> PeopleReport:
    """Every identity link of ``graph`` under ``curation``, best first within each tier."""
    return compute_links(read_snapshot(graph.store), curation, graph)


def decide(graph: GraphStore, curation: Curation, decision: str, a: str, b: str = "",
           note: str = "") -> Path:
    """Record a decision about names the graph holds and write the curation file."""
    if curation.path is None:
        raise CurationError("no curation file known for this graph: give --people FILE "
                            "(e.g. digests/people.csv beside the digests)")
    known = {name for names in read_snapshot(graph.store).names.values() for name in names}
    by_iri = {graph.minter.person(name).value for name in known}
    for name in (a, b) if b else (a,):
        if graph.minter.person(name).value not in by_iri:
            raise CurationError(f"no person named {name!r} in the graph")
    if b and graph.minter.person(a) == graph.minter.person(b):
        raise CurationError(f"{a!r} and {b!r} are already one person node")
    curation.set(decision, a, b, note)
    return write_curation(curation, curation.path)


def apply_to_store(graph: GraphStore, curation: Curation) -> PeopleReport:
    """Rebuild the people graph of a writable working store with ``curation``."""
    return refresh(graph, curation)
