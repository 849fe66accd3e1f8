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
from kg.graph.facts import UnionFacts, value

Listing = tuple[str, str]  # (day graph, or digest entry, paper)

_NAMES = f"SELECT ?p ?n WHERE {{ ?p a {v.PERSON} ; {v.NAME} ?n }}"
_SLOTS = f"""SELECT ?g ?paper ?pos ?p WHERE {{ GRAPH ?g {{
  ?entry {v.ABOUT} ?paper ; {v.QUALIFIED_ATTRIBUTION} ?a .
  ?a {v.AGENT} ?p ; {v.AUTHOR_POSITION} ?pos }} }}"""
# A graph file without day graphs (Turtle, N-Triples): the entry stands for the day graph.
_UNION_SLOTS = f"""SELECT ?entry ?paper ?pos ?p WHERE {{
  ?entry {v.ABOUT} ?paper ; {v.QUALIFIED_ATTRIBUTION} ?a .
  ?a {v.AGENT} ?p ; {v.AUTHOR_POSITION} ?pos }}"""
_TASKS = f"SELECT ?paper ?t WHERE {{ ?paper a {v.PREPRINT} ; {v.SUBJECT} ?t }}"
_OWNER_EDGES = (v.HAS_REPOSITORY, v.HAS_MODEL, v.HAS_DATASET, v.HAS_SPACE, v.HAS_COLLECTION)
_EDGES = " ".join(str(term) for term in _OWNER_EDGES)
_OWNERS = f"""SELECT ?paper ?acct ?name WHERE {{
  VALUES ?edge {{ {_EDGES} }} ?paper ?edge ?item . ?item {v.HAS_OWNER} ?acct .
  ?acct {v.ACCOUNT_NAME} ?name }}"""
_MENTIONS = f"""SELECT ?paper ?acct ?name WHERE {{
  ?paper {v.MENTIONS_ACCOUNT} ?acct . ?acct {v.ACCOUNT_NAME} ?name }}"""
_PERSON, _PREPRINT = str(v.PERSON), str(v.PREPRINT)
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
    account_names: dict[str, set[str]] = defaultdict(set)
    for row in chain(select(store, _OWNERS), select(store, _MENTIONS)):
        owners[row["paper"].value].add(row["acct"].value)
        account_names[row["acct"].value].add(row["name"].value)
    snap.owners = dict(owners)
    snap.account_names = {acct: min(found) for acct, found in account_names.items()}
    ids: dict[str, set[str]] = defaultdict(set)
    for row in select(store, _TITLES):
        ids[row["paper"].value].add(row["id"].value)
    snap.paper_ids = {paper: min(found) for paper, found in ids.items()}
    index(snap)
    return snap


def snapshot_of(facts: UnionFacts) -> Snapshot:
    """The snapshot :func:`read_snapshot` reads, from the union lines a build or add
    streamed (:mod:`kg.graph.facts`), without reading the store.

    One difference, by design of the union: listings are the digest entries (one
    paper on one day), as :func:`read_snapshot` reads a graph file, rather than
    (day graph, paper). They differ only where two source files list one paper on
    the same day, whose author lists the union holds as one entry's.
    """
    types = facts.of(v.TYPE)
    people = {s for s, o in types if o == _PERSON}
    papers = {s for s, o in types if o == _PREPRINT}
    snap = Snapshot()
    names: dict[str, set[str]] = defaultdict(set)
    for s, o in facts.of(v.NAME):
        if s in people:
            names[value(s)].add(value(o))
    snap.names = {person: sorted(found) for person, found in names.items()}
    about, attributed = _many(facts.of(v.ABOUT)), _many(facts.of(v.QUALIFIED_ATTRIBUTION))
    agents, positions = _many(facts.of(v.AGENT)), _many(facts.of(v.AUTHOR_POSITION))
    listings: dict[Listing, dict[int, str]] = defaultdict(dict)
    for entry, authorships in attributed.items():
        for paper in about.get(entry, ()):
            for authorship in authorships:
                for person in agents.get(authorship, ()):
                    for position in positions.get(authorship, ()):
                        listings[(value(entry), value(paper))][int(value(position))] = \
                            value(person)
    snap.listings = dict(listings)
    tasks: dict[str, set[str]] = defaultdict(set)
    for s, o in facts.of(v.SUBJECT):
        if s in papers:
            tasks[value(s)].add(value(o))
    snap.tasks = dict(tasks)
    account_of = _many(facts.of(v.ACCOUNT_NAME))
    owner_of = _many(facts.of(v.HAS_OWNER))
    owners: dict[str, set[str]] = defaultdict(set)
    account_names: dict[str, set[str]] = defaultdict(set)
    edges = [pair for edge in _OWNER_EDGES for pair in facts.of(edge)]
    accounts = [(paper, acct) for paper, item in edges for acct in owner_of.get(item, ())]
    for paper, acct in chain(accounts, facts.of(v.MENTIONS_ACCOUNT)):
        for name in account_of.get(acct, ()):
            owners[value(paper)].add(value(acct))
            account_names[value(acct)].add(value(name))
    snap.owners = dict(owners)
    snap.account_names = {acct: min(found) for acct, found in account_names.items()}
    ids: dict[str, set[str]] = defaultdict(set)
    for s, o in facts.of(v.IDENTIFIER):
        if s in papers:
            ids[value(s)].add(value(o))
    snap.paper_ids = {paper: min(found) for paper, found in ids.items()}
    index(snap)
    return snap


def _many(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Subject → its objects."""
    found: dict[str, list[str]] = defaultdict(list)
    for subject, obj in pairs:
        found[subject].append(obj)
    return found


def index(snap: Snapshot) -> None:
    """Fill the derived indexes (``listings_of``, ``papers_of``) from the listings."""
    listings_of: dict[str, list[Listing]] = defaultdict(list)
    papers_of: dict[str, set[str]] = defaultdict(set)
    for listing in sorted(snap.listings):
        for person in snap.listings[listing].values():
            listings_of[person].append(listing)
            papers_of[person].add(listing[1])
    snap.listings_of = dict(listings_of)
    snap.papers_of = dict(papers_of)
