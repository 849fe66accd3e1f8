"""What the graph says about people, read once from a store into plain dicts.

Author lists are read per *listing* (one paper in one day graph: the digest
entry's authorships), not from the union: two spellings on one list are two
people, while two spellings in the same slot of one paper's lists on different
days are one person written two ways.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain

import pyoxigraph as ox

from kg.graph import vocab as v

Listing = tuple[str, str]  # (day graph, paper)

_NAMES = f"SELECT ?p ?n WHERE {{ ?p a {v.PERSON} ; {v.NAME} ?n }}"
_SLOTS = f"""SELECT ?g ?paper ?pos ?p WHERE {{ GRAPH ?g {{
  ?entry {v.ABOUT} ?paper ; {v.QUALIFIED_ATTRIBUTION} ?a .
  ?a {v.AGENT} ?p ; {v.AUTHOR_POSITION} ?pos }} }}"""
# A graph file without day graphs (Turtle, N-Triples): the entry stands for the day graph.
_UNION_SLOTS = f"""SELECT ?entry ?paper ?pos ?p WHERE {{
  ?entry {v.ABOUT} ?paper ; {v.QUALIFIED_ATTRIBUTION} ?a .
  ?a {v.AGENT} ?p ; {v.AUTHOR_POSITION} ?pos }}"""
_TASKS = f"SELECT ?paper ?t WHERE {{ ?paper a {v.PREPRINT} ; {v.SUBJECT} ?t }}"
_EDGES = " ".join(str(term) for term in (v.HAS_REPOSITORY, v.HAS_MODEL, v.HAS_DATASET,
                                         v.HAS_SPACE, v.HAS_COLLECTION))
_OWNERS = f"""SELECT ?paper ?acct ?name WHERE {{
  VALUES ?edge {{ {_EDGES} }} ?paper ?edge ?item . ?item {v.HAS_OWNER} ?acct .
  ?acct {v.ACCOUNT_NAME} ?name }}"""
_MENTIONS = f"""SELECT ?paper ?acct ?name WHERE {{
  ?paper {v.MENTIONS_ACCOUNT} ?acct . ?acct {v.ACCOUNT_NAME} ?name }}"""
_TITLES = f"SELECT ?paper ?id WHERE {{ ?paper a {v.PREPRINT} ; {v.IDENTIFIER} ?id }}"


@dataclass(slots=True)
class Snapshot:
    """People, their listings and what their papers link to (IRIs as strings)."""

    names: dict[str, list[str]] = field(default_factory=dict)
    listings: dict[Listing, dict[int, str]] = field(default_factory=dict)
    tasks: dict[str, set[str]] = field(default_factory=dict)
    owners: dict[str, set[str]] = field(default_factory=dict)
    account_names: dict[str, str] = field(default_factory=dict)
    paper_ids: dict[str, str] = field(default_factory=dict)
    # Derived indexes, filled by _index().
    listings_of: dict[str, list[Listing]] = field(default_factory=dict)
    papers_of: dict[str, set[str]] = field(default_factory=dict)

    def name(self, person: str) -> str:
        """The first name the person is written with (names sorted)."""
        names = self.names.get(person)
        return names[0] if names else person.rsplit("/", 1)[-1]

    def coauthors(self, person: str) -> set[str]:
        """Everyone listed with ``person`` on some author list."""
        return {other for listing in self.listings_of.get(person, ())
                for other in self.listings[listing].values() if other != person}

    def paper_label(self, paper: str) -> str:
        return self.paper_ids.get(paper, paper.rsplit("/", 1)[-1])


def select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT query (the one kind these modules ask)."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def read_snapshot(store: ox.Store) -> Snapshot:
    """Everything the people modules need, from a store's union and day graphs."""
    snap = Snapshot()
    names: dict[str, set[str]] = defaultdict(set)
    for row in select(store, _NAMES):
        names[row["p"].value].add(row["n"].value)
    snap.names = {person: sorted(found) for person, found in names.items()}
    listings: dict[Listing, dict[int, str]] = defaultdict(dict)
    for row in select(store, _SLOTS):
        listings[(row["g"].value, row["paper"].value)][int(row["pos"].value)] = row["p"].value
    if not listings:
        for row in select(store, _UNION_SLOTS):
            listings[(row["entry"].value, row["paper"].value)][int(row["pos"].value)] = \
                row["p"].value
    snap.listings = dict(listings)
    tasks: dict[str, set[str]] = defaultdict(set)
    for row in select(store, _TASKS):
        tasks[row["paper"].value].add(row["t"].value)
    snap.tasks = dict(tasks)
    owners: dict[str, set[str]] = defaultdict(set)
    for row in chain(select(store, _OWNERS), select(store, _MENTIONS)):
        owners[row["paper"].value].add(row["acct"].value)
        snap.account_names[row["acct"].value] = row["name"].value
    snap.owners = dict(owners)
    snap.paper_ids = {row["paper"].value: row["id"].value for row in select(store, _TITLES)}
    _index(snap)
    return snap


def _index(snap: Snapshot) -> None:
    listings_of: dict[str, list[Listing]] = defaultdict(list)
    papers_of: dict[str, set[str]] = defaultdict(set)
    for listing in sorted(snap.listings):
        for person in snap.listings[listing].values():
            listings_of[person].append(listing)
            papers_of[person].add(listing[1])
    snap.listings_of = dict(listings_of)
    snap.papers_of = dict(papers_of)
