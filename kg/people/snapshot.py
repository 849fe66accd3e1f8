"""What the graph says about people, read once from a store into plain dicts.

Author lists are read per *listing* (one paper in one day graph: the digest
entry's authorships), not from the union: two spellings on one list are two
people, while two spellings in the same slot of one paper's lists on different
days are one person written two ways.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from itertools import chain
from sys import intern
from typing import TypeVar

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.facts import Lookup, StoreLookup, UnionFacts, grouped, value
from kg.graph.store import restricted
from kg.people.kept import copied, keys_under

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
# Predicates as the union lines spell them, for reading changed lines.
_TYPE_TEXT, _NAME, _ABOUT, _ATTRIBUTED = str(v.TYPE), str(v.NAME), str(v.ABOUT), \
    str(v.QUALIFIED_ATTRIBUTION)
_AGENT, _POSITION, _SUBJECT, _IDENTIFIER = str(v.AGENT), str(v.AUTHOR_POSITION), \
    str(v.SUBJECT), str(v.IDENTIFIER)
_MENTIONED, _OWNER, _ACCOUNT_NAME = str(v.MENTIONS_ACCOUNT), str(v.HAS_OWNER), \
    str(v.ACCOUNT_NAME)
_OWNER_TEXT = tuple(str(edge) for edge in _OWNER_EDGES)
_T = TypeVar("_T")
_TITLES = f"SELECT ?paper ?id WHERE {{ ?paper a {v.PREPRINT} ; {v.IDENTIFIER} ?id }}"


@dataclass(frozen=True, slots=True)
class Scope:
    """The keys in which a patched snapshot may differ from ``base``, the snapshot it
    was patched from (:func:`refreshed`): people, listings, papers and accounts.

    Why: comparing two whole snapshots (:func:`kg.people.state.changed_people`) is a
    pass over every person, listing and paper, the largest part of a daily add's
    people work once the pairs are spared; the patch already knows where to look.
    ``base`` is a weak reference, so a kept state does not keep its predecessor.
    """

    base: weakref.ref[Snapshot]
    persons: frozenset[str]
    listings: frozenset[Listing]
    papers: frozenset[str]
    accounts: frozenset[str]


@dataclass(slots=True, weakref_slot=True)
class Snapshot:
    """People, their listings and what their papers link to (IRIs as strings).

    ``by_graph``: the listings are keyed by day graph (read from a store's day
    graphs), not by digest entry (read from union lines, :func:`snapshot_of`).
    ``scope`` is set on a snapshot patched from another (:class:`Scope`).
    The mappings are dicts, or the tables of a kept state (:mod:`kg.people.kept`)."""

    names: MutableMapping[str, list[str]] = field(default_factory=dict)
    listings: MutableMapping[Listing, dict[int, str]] = field(default_factory=dict)
    tasks: MutableMapping[str, set[str]] = field(default_factory=dict)
    owners: MutableMapping[str, set[str]] = field(default_factory=dict)
    account_names: MutableMapping[str, str] = field(default_factory=dict)
    paper_ids: MutableMapping[str, str] = field(default_factory=dict)
    # Derived indexes, filled by index(): each person's listings and papers, the
    # papers each account owns an artefact of (or is mentioned by), each paper's listings.
    listings_of: MutableMapping[str, list[Listing]] = field(default_factory=dict)
    papers_of: MutableMapping[str, set[str]] = field(default_factory=dict)
    # Only an add's changes read these two: a build's snapshot leaves them out
    # (:func:`owned_of`, :func:`listed_of`; at 100k papers they were 30 MB on its peak).
    owned: MutableMapping[str, set[str]] | None = None
    listed: MutableMapping[str, list[Listing]] | None = None
    by_graph: bool = False
    scope: Scope | None = None

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
    """Everything the people modules need, from a store's union and day graphs.

    Every IRI is interned: each row gives new strings, and the same person, paper
    or task comes back in many rows (100k papers: reading the snapshot grew memory
    by 0.55 GB without, 0.46 GB with)."""
    snap = Snapshot()
    names: dict[str, set[str]] = defaultdict(set)
    for row in select(store, _NAMES):
        names[intern(row["p"].value)].add(row["n"].value)
    snap.names = {person: sorted(found) for person, found in names.items()}
    listings: dict[Listing, dict[int, str]] = defaultdict(dict)
    for row in select(store, _SLOTS):
        listings[(intern(row["g"].value), intern(row["paper"].value))][
            int(row["pos"].value)] = intern(row["p"].value)
    snap.by_graph = bool(listings)
    if not listings:
        for row in select(store, _UNION_SLOTS):
            listings[(intern(row["entry"].value), intern(row["paper"].value))][
                int(row["pos"].value)] = intern(row["p"].value)
    snap.listings = dict(listings)
    tasks: dict[str, set[str]] = defaultdict(set)
    for row in select(store, _TASKS):
        tasks[intern(row["paper"].value)].add(intern(row["t"].value))
    snap.tasks = dict(tasks)
    owners: dict[str, set[str]] = defaultdict(set)
    account_names: dict[str, set[str]] = defaultdict(set)
    for row in chain(select(store, _OWNERS), select(store, _MENTIONS)):
        owners[intern(row["paper"].value)].add(intern(row["acct"].value))
        account_names[intern(row["acct"].value)].add(row["name"].value)
    snap.owners = dict(owners)
    snap.account_names = {acct: min(found) for acct, found in account_names.items()}
    ids: dict[str, set[str]] = defaultdict(set)
    for row in select(store, _TITLES):
        ids[intern(row["paper"].value)].add(row["id"].value)
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
    snap = _read(facts)
    index(snap)
    return snap


def refreshed(old: Snapshot, store: ox.Store, lines: Iterable[str],
              graphs: Collection[str]) -> Snapshot:
    """The snapshot of ``store``'s union, given ``old``, its snapshot before a load
    changed the union ``lines`` and retracted or wrote the day ``graphs``: only what
    those lines can touch is read again (the people, entries, papers and accounts
    they name, and the papers behind the entries' authorships, the items and the
    accounts), looked up term by term in the store's indexes, so a day's change
    costs a few lookups, not a snapshot.

    The listings stay keyed as ``old``'s: by digest entry (:func:`snapshot_of`), the
    touched entries read again; or by day graph (:func:`read_snapshot`), the changed
    graphs read again.
    """
    lookup = StoreLookup(store)
    persons, entries, papers, accounts = _touched(lines, lookup)
    if not old.by_graph:
        part = _read(lookup, persons, entries, papers)
        return _patched(old, lookup, part, persons, papers, accounts,
                        {value(entry) for entry in entries}, part.listings)
    part = _read(lookup, persons, set(), papers)
    listings: dict[Listing, dict[int, str]] = defaultdict(dict)
    if graphs:
        query = restricted(_SLOTS, "g", sorted(graphs))
        for row in select(store, query):
            listings[(intern(row["g"].value), intern(row["paper"].value))][
                int(row["pos"].value)] = intern(row["p"].value)
    return _patched(old, lookup, part, persons, papers, accounts, set(graphs), dict(listings))


def _patched(old: Snapshot, lookup: Lookup, part: Snapshot, persons: set[str],
             papers: set[str], accounts: set[str], gone: set[str],
             listings: Mapping[Listing, dict[int, str]]) -> Snapshot:
    """``old`` with ``part`` (what was read again for the touched ``persons`` and
    ``papers``) in place, the listings whose first key is in ``gone`` replaced by
    ``listings``, and the names of the touched ``accounts`` looked up again."""
    new = Snapshot(copied(old.names), copied(old.listings), copied(old.tasks),
                   copied(old.owners), copied(old.account_names), copied(old.paper_ids),
                   by_graph=old.by_graph)
    _put(new.names, persons, part.names)
    dropped = keys_under(new.listings, gone)
    for listing in dropped:
        del new.listings[listing]
    new.listings.update(listings)
    _put(new.tasks, papers, part.tasks)
    _put(new.paper_ids, papers, part.paper_ids)
    _put(new.owners, papers, part.owners)
    new.owned = owned = _owned(old, new, map(value, papers))
    # An account is named in the snapshot while it owns some paper's artefacts.
    accounts |= {f"<{a}>" for paper in papers for a in (*old.owners.get(value(paper), ()),
                                                       *part.owners.get(value(paper), ()))}
    names_of = _gather([(s, o) for s, o in lookup.by_subject(v.ACCOUNT_NAME, accounts)
                        if owned.get(value(s))])
    _put(new.account_names, accounts, {a: min(found) for a, found in names_of.items()})
    _reindex(old, new, {*dropped, *listings})
    new.scope = Scope(weakref.ref(old), frozenset(map(value, persons)),
                      frozenset([*dropped, *listings]), frozenset(map(value, papers)),
                      frozenset(map(value, accounts)))
    return new


def _read(facts: UnionFacts | Lookup, persons: set[str] | None = None,
          entries: set[str] | None = None, papers: set[str] | None = None) -> Snapshot:
    """The snapshot's entries (without the derived indexes) for the people, digest
    entries and papers given as N-Triples terms, or for all of them when none are
    (which takes :class:`UnionFacts`)."""
    types = _of(facts, v.TYPE, None if persons is None else persons | (papers or set()))
    people = {s for s, o in types if o == _PERSON}
    typed = {s for s, o in types if o == _PREPRINT}
    snap = Snapshot()
    snap.names = {person: sorted(found)
                  for person, found in _gather(_of(facts, v.NAME, people)).items()}
    attributed = grouped(_of(facts, v.QUALIFIED_ATTRIBUTION, entries))
    authorships = None if entries is None else {a for found in attributed.values()
                                                for a in found}
    snap.listings = _listings(grouped(_of(facts, v.ABOUT, entries)), attributed,
                              grouped(_of(facts, v.AGENT, authorships)),
                              grouped(_of(facts, v.AUTHOR_POSITION, authorships)))
    snap.tasks = _gather(_of(facts, v.SUBJECT, typed))
    snap.paper_ids = {paper: min(found)
                      for paper, found in _gather(_of(facts, v.IDENTIFIER, typed)).items()}
    snap.owners, account_names = _owners(facts, papers)
    snap.account_names = {acct: min(found) for acct, found in account_names.items()}
    return snap


def _of(facts: UnionFacts | Lookup, predicate: ox.NamedNode, subjects: set[str] | None
        ) -> list[tuple[str, str]]:
    """``predicate``'s lines with a subject in ``subjects``, or all of them (which only
    :class:`UnionFacts` hold)."""
    if subjects is None:
        assert isinstance(facts, UnionFacts)
        return facts.of(predicate)
    return facts.by_subject(predicate, subjects)


def _gather(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Subject → its objects, as values."""
    found: dict[str, set[str]] = defaultdict(set)
    for subject, obj in pairs:
        found[value(subject)].add(value(obj))
    return dict(found)


def _reindex(old: Snapshot, new: Snapshot, changed: set[Listing]) -> None:
    """:func:`index` ``new``, whose listings differ from ``old``'s only in ``changed``:
    only the people on those listings (before or after) get their indexes again."""
    added: dict[str, list[Listing]] = defaultdict(list)
    for listing in sorted(changed & new.listings.keys()):
        for person in new.listings[listing].values():
            added[person].append(listing)
    people = {person for listing in changed for snap in (old, new)
              for person in snap.listings.get(listing, {}).values()}
    new.listings_of, new.papers_of = copied(old.listings_of), copied(old.papers_of)
    before = listed_of(old)
    new.listed = listed = copied(before)
    for paper in {paper for _, paper in changed}:
        kept = [listing for listing in before.get(paper, ()) if listing not in changed]
        listings = sorted(kept + [listing for listing in changed
                                  if listing[1] == paper and listing in new.listings])
        if listings:
            listed[paper] = listings
        else:
            listed.pop(paper, None)
    for person in people:
        kept = [listing for listing in old.listings_of.get(person, ()) if listing not in changed]
        listings = sorted(kept + added.get(person, []))
        if listings:
            new.listings_of[person] = listings
            new.papers_of[person] = {paper for _, paper in listings}
        else:
            new.listings_of.pop(person, None)
            new.papers_of.pop(person, None)


def _owned(old: Snapshot, new: Snapshot, papers: Iterable[str]) -> MutableMapping[str, set[str]]:
    """``old.owned`` moved by the owners of ``papers`` (values), which alone differ."""
    owned = copied(owned_of(old))
    for paper in papers:
        before, after = old.owners.get(paper, set()), new.owners.get(paper, set())
        for account in before - after:
            left = owned.get(account, set()) - {paper}
            if left:
                owned[account] = left
            else:
                owned.pop(account, None)
        for account in after - before:
            owned[account] = owned.get(account, set()) | {paper}
    return owned


def _touched(lines: Iterable[str], facts: Lookup
             ) -> tuple[set[str], set[str], set[str], set[str]]:
    """The people, entries, papers and accounts (N-Triples terms) whose part of a
    snapshot the changed union ``lines`` can touch."""
    persons: set[str] = set()
    entries: set[str] = set()
    papers: set[str] = set()
    accounts: set[str] = set()
    authorships: set[str] = set()
    items: set[str] = set()
    by_predicate = {_NAME: persons, _ABOUT: entries, _ATTRIBUTED: entries,
                    _AGENT: authorships, _POSITION: authorships, _SUBJECT: papers,
                    _IDENTIFIER: papers, _MENTIONED: papers, _OWNER: items,
                    _ACCOUNT_NAME: accounts, **dict.fromkeys(_OWNER_TEXT, papers)}
    for line in lines:
        subject, predicate, rest = line.split(None, 2)
        if predicate == _TYPE_TEXT:
            obj = rest[:-3]
            if obj == _PERSON:
                persons.add(subject)
            elif obj == _PREPRINT:
                papers.add(subject)
        elif predicate in by_predicate:
            by_predicate[predicate].add(subject)
    if authorships:
        entries.update(s for s, _ in facts.by_object(v.QUALIFIED_ATTRIBUTION, authorships))
    if accounts:
        items.update(s for s, _ in facts.by_object(v.HAS_OWNER, accounts))
        papers.update(s for s, _ in facts.by_object(v.MENTIONS_ACCOUNT, accounts))
    if items:
        papers.update(s for edge in _OWNER_EDGES for s, _ in facts.by_object(edge, items))
    return persons, entries, papers, accounts


def _put(target: MutableMapping[str, _T], keys: set[str], found: Mapping[str, _T]) -> None:
    """Set ``target``'s entries for ``keys`` (N-Triples terms) to those ``found`` has
    (keyed by value, as ``target``), dropping the keys ``found`` lacks."""
    for key in map(value, keys):
        if key in found:
            target[key] = found[key]
        else:
            target.pop(key, None)


def _listings(about: dict[str, list[str]], attributed: dict[str, list[str]],
              agents: dict[str, list[str]], positions: dict[str, list[str]]
              ) -> dict[Listing, dict[int, str]]:
    """Each entry's author slots for its paper, from the facts' terms."""
    listings: dict[Listing, dict[int, str]] = defaultdict(dict)
    for entry, authorships in attributed.items():
        for paper in about.get(entry, ()):
            for authorship in authorships:
                for person in agents.get(authorship, ()):
                    for position in positions.get(authorship, ()):
                        listings[(value(entry), value(paper))][int(value(position))] = \
                            value(person)
    return dict(listings)


def _owners(facts: UnionFacts | Lookup, papers: set[str] | None = None
            ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Paper → the named accounts owning its artefacts or mentioned by it, and account →
    its names, by value (for the N-Triples terms ``papers`` only, when given, which
    any :class:`Lookup` answers; all of them take :class:`UnionFacts`)."""
    edges = [pair for edge in _OWNER_EDGES for pair in _of(facts, edge, papers)]
    mentions = _of(facts, v.MENTIONS_ACCOUNT, papers)
    items = {item for _, item in edges}
    owner_of = grouped(facts.by_subject(v.HAS_OWNER, items))
    pairs = [(paper, acct) for paper, item in edges for acct in owner_of.get(item, ())]
    accounts = {acct for _, acct in pairs} | {acct for _, acct in mentions}
    account_of = grouped(facts.by_subject(v.ACCOUNT_NAME, accounts))
    owners: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for paper, acct in chain(pairs, mentions):
        for name in account_of.get(acct, ()):
            owners[value(paper)].add(value(acct))
            names[value(acct)].add(value(name))
    return dict(owners), dict(names)


def index(snap: Snapshot) -> None:
    """Fill the derived indexes ``listings_of`` and ``papers_of`` from the listings."""
    listings_of: dict[str, list[Listing]] = defaultdict(list)
    papers_of: dict[str, set[str]] = defaultdict(set)
    for listing in sorted(snap.listings):
        for person in snap.listings[listing].values():
            listings_of[person].append(listing)
            papers_of[person].add(listing[1])
    snap.listings_of = dict(listings_of)
    snap.papers_of = dict(papers_of)


def owned_index(owners: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Account -> the papers it owns an artefact of (or is mentioned by)."""
    owned: dict[str, set[str]] = defaultdict(set)
    for paper, accounts in owners.items():
        for account in accounts:
            owned[account].add(paper)
    return dict(owned)


def listed_index(listings: Iterable[Listing]) -> dict[str, list[Listing]]:
    """Paper -> its listings, in sorted order."""
    listed: dict[str, list[Listing]] = defaultdict(list)
    for listing in sorted(listings):
        listed[listing[1]].append(listing)
    return dict(listed)


def owned_of(snap: Snapshot) -> MutableMapping[str, set[str]]:
    """``snap.owned``, made from its owners the first time it is asked for."""
    if snap.owned is None:
        snap.owned = owned_index(snap.owners)
    return snap.owned


def listed_of(snap: Snapshot) -> MutableMapping[str, list[Listing]]:
    """``snap.listed``, made from its listings the first time it is asked for."""
    if snap.listed is None:
        snap.listed = listed_index(snap.listings)
    return snap.listed
