"""What the identity links were computed from, kept so the next run weighs only what
its change can reach.

Why: the links are a function of the whole graph's people (blocking over every
name, evidence over every candidate pair), about a second at 10k papers, while a
daily ``kg add`` changes a few dozen people. A :class:`PeopleState` holds the
snapshot the links came from, the blocking index and the uncurated links; given
the next snapshot, :func:`advance` finds the people whose facts differ and
weighs again only the pairs those differences can reach:

* a pair's rules depend on its two people's names, so only the pairs of renamed
  people are formed again (:meth:`kg.people.candidates.Blocking.rename`);
* a pair's evidence reads its two people's own facts (names, listings, papers
  and their tasks, owners, identifiers, owners' names), the keys of their names
  and of their full-rule partners' names, the full names their keys meet, and
  the same keys of their co-authors. Own facts differ only for ``changed``, the
  people whose facts differ. Keys, partners and the names a key meets differ only
  for ``near``: the ``renamed`` (new, gone or respelled people, whose pairs are
  formed again) and their candidate partners before and after (a person whose
  key a renamed one meets is one of them). So every pair with a side in
  ``changed``, in ``near`` or among the co-authors of ``near`` is weighed again;
  every other pair keeps its link. (A person who only gained a listing keeps
  its keys: its co-authors' pairs are not weighed again for it.)
* an account link depends on its person's names, papers and their owners: those
  of changed people are found again.

The state also records what the refresh wrote into the people graph (:class:`Written`),
so the next one writes only the links that differ (:func:`kg.people.links.refresh`).
:func:`fresh` computes everything; the tests check that :func:`advance` always
ends where :func:`fresh` would.

The state is kept in a SQLite file (:func:`save`) whose tables an add reads a
bucket of keys at a time (:mod:`kg.people.kept`) and updates where they changed: a
year's state is 190k keys, of which an add reads a few thousand and changes a few
hundred.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.people.candidates import Blocking, Pair, blocking
from kg.people.evidence import EvidenceFinder
from kg.people.identity import IdentityLink, account_links, owning, owns, person_link
from kg.people.kept import Table, TableSet, bucket_count, create, rows, write
from kg.people.snapshot import Scope, Snapshot, listed_index, listed_of, owned_index, owned_of
from kg.support.atomic import atomic_path

#: The layout of :func:`save`'s file; change it when the state's fields change.
_FORMAT = "paperkg people state 6"


@dataclass(frozen=True, slots=True)
class Written:
    """What a refresh wrote into the people graph: the curated links, the curation
    file it named, and the stamp it left there (:func:`kg.people.links.refresh`)."""

    stamp: str
    links: tuple[IdentityLink, ...]
    curation_file: str | None


@dataclass(slots=True)
class PeopleState:
    """A snapshot, its blocking and its uncurated links (person pairs; accounts by
    person), and what the refresh that computed them wrote."""

    snapshot: Snapshot
    blocking: Blocking
    pairs: dict[Pair, IdentityLink]
    accounts: dict[str, tuple[IdentityLink, ...]]
    written: Written | None = None
    #: The file it was read from (:func:`load`), which :func:`save` updates in place.
    kept: KeptFile | None = None


def fresh(snap: Snapshot) -> PeopleState:
    """Everything computed from ``snap``."""
    block = blocking(snap.names)
    finder = EvidenceFinder(snap, block.candidates())
    pairs = {key: person_link(key, finder) for key in sorted(block.rules)}
    accounts = {person: found for person in sorted(owning(snap))
                if (found := account_links(snap, person))}
    return PeopleState(snap, block, pairs, accounts)


def advance(state: PeopleState, snap: Snapshot) -> PeopleState:
    """The state of ``snap``, from ``state`` (which it takes over): what it must."""
    old = state.snapshot
    changed = changed_people(old, snap)
    before = state.blocking.rules
    # The blocking holds ``old``'s names: a snapshot patched from it names its people.
    scope = _scope(old, snap)
    renamed = state.blocking.rename(snap.names, scope.persons if scope else None)
    after = state.blocking.rules
    near = renamed | _partners(before, renamed) | _partners(after, renamed)
    # A co-author before but not after (or after only) is on a listing that changed.
    reach = changed | near | _coauthors(snap, near)
    finder = EvidenceFinder(snap, state.blocking.candidates())
    pairs = {}
    for key in sorted(after):
        kept = state.pairs.get(key)
        if kept is None or key[0] in reach or key[1] in reach:
            kept = person_link(key, finder)
        pairs[key] = kept
    accounts = {person: found for person, found in state.accounts.items()
                if person not in changed}
    for person in sorted(person for person in changed if owns(snap, person)):
        if found := account_links(snap, person):
            accounts[person] = found
    return PeopleState(snap, state.blocking, pairs, dict(sorted(accounts.items())),
                       kept=state.kept)


def changed_people(old: Snapshot, new: Snapshot) -> set[str]:
    """The people whose own facts differ between two snapshots: names, listings, or
    their papers' tasks, owners, identifiers or owners' names. Where ``new`` was
    patched from ``old`` only the keys of its :class:`~kg.people.snapshot.Scope` are
    compared, else every key."""
    scope = _scope(old, new)
    people = scope.persons if scope else old.names.keys() | new.names.keys()
    changed = {person for person in people
               if old.names.get(person) != new.names.get(person)}
    for listing in scope.listings if scope else old.listings.keys() | new.listings.keys():
        was, now = old.listings.get(listing), new.listings.get(listing)
        if was != now:
            changed.update((was or {}).values(), (now or {}).values())
    within = scope.papers if scope else None
    papers = {*_differ(old.tasks, new.tasks, within), *_differ(old.owners, new.owners, within),
              *_differ(old.paper_ids, new.paper_ids, within)}
    accounts = set(_differ(old.account_names, new.account_names,
                           scope.accounts if scope else None))
    papers.update(paper for snap in (old, new) for account in accounts
                  for paper in owned_of(snap).get(account, ()))
    # Whoever left a paper's listings is on a listing that changed, so the new ones do.
    changed.update(person for paper in papers for listing in listed_of(new).get(paper, ())
                   for person in new.listings[listing].values())
    return changed


def _scope(old: Snapshot, new: Snapshot) -> Scope | None:
    """Where ``new`` may differ from ``old``, if it was patched from it."""
    return new.scope if new.scope is not None and new.scope.base() is old else None


def _differ(old: Mapping[str, object], new: Mapping[str, object],
            within: Collection[str] | None = None) -> Iterable[str]:
    """The keys whose values differ, among ``within`` if given, else among all."""
    keys = old.keys() | new.keys() if within is None else within
    return (key for key in keys if old.get(key) != new.get(key))


def _partners(rules: dict[Pair, frozenset[str]], people: set[str]) -> set[str]:
    return {other for a, b in rules if a in people or b in people for other in (a, b)}


def _coauthors(snap: Snapshot, people: set[str]) -> set[str]:
    return {other for person in people for listing in snap.listings_of.get(person, ())
            for other in snap.listings[listing].values()}


#: The snapshot's mappings kept as tables (:mod:`kg.people.kept`; its listings keyed
#: by pairs), then the blocking's (:func:`_table`).
_SNAPSHOT_TABLES = ("names", "listings", "tasks", "owners", "owned", "account_names",
                    "paper_ids", "listings_of", "papers_of", "listed")
_BLOCKING_TABLES = ("index", "compact", "full")
_TABLES = (*_SNAPSHOT_TABLES, *_BLOCKING_TABLES)


@dataclass(frozen=True, slots=True)
class KeptFile:
    """The SQLite file a state was read from, its connection (which reads the tables
    on demand and writes the next state's changes) and each table's bucket count."""

    path: Path
    db: sqlite3.Connection
    buckets: dict[str, int]


def save(state: PeopleState, path: str | os.PathLike[str], generation: str) -> None:
    """Keep ``state`` in the SQLite file ``path`` as the state of union generation
    ``generation``, for :func:`load`.

    A state read from that file (and advanced) writes only its changed buckets, in
    one transaction that also records the generation: an add killed before it leaves
    the file of the previous generation, which the next add does not use. Any other
    state (a build's) is written whole into a new file that replaces the old one.
    """
    target = Path(path)
    kept = state.kept
    if kept is not None and kept.path == target:
        tables = {name: _table(state, name) for name in _TABLES}
        if all(isinstance(table, Table) and table.db is kept.db for table in tables.values()):
            with kept.db:
                for name, table in tables.items():
                    assert isinstance(table, Table)
                    write(kept.db, name, table.changes())
                kept.db.executemany("INSERT OR REPLACE INTO parts VALUES (?, ?)",
                                    _parts(state, generation, kept.buckets))
            return
    buckets = {}
    with atomic_path(target) as building:
        db = sqlite3.connect(building)
        try:
            # No journal and no syncs: a failed write leaves only a temporary file, and
            # atomic_path syncs the whole file before it takes the target's name.
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            for name in _TABLES:  # one at a time: a derived one is made for its write
                table = _table(state, name, whole=True)
                mapping = table if isinstance(table, Mapping) else dict.fromkeys(table, True)
                buckets[name] = bucket_count(len(mapping))
                create(db, name, rows(mapping, buckets[name], pairs=name == "listings"))
                del table, mapping
            db.execute("CREATE TABLE parts(name TEXT PRIMARY KEY, v BLOB NOT NULL)")
            db.executemany("INSERT INTO parts VALUES (?, ?)",
                           _parts(state, generation, buckets))
            db.commit()
        finally:
            db.close()


def load(path: str | os.PathLike[str], generation: str) -> PeopleState | None:
    """The state :func:`save` kept in ``path`` for union generation ``generation``, its
    tables read on demand; None for anything else (no file, another generation,
    another Python or layout, a damaged file)."""
    target = Path(path)
    if not target.is_file():
        return None
    try:
        db = sqlite3.connect(target, check_same_thread=False)  # saved by the add's thread
    except sqlite3.Error:
        return None
    try:
        parts = {name: marshal.loads(data) for name, data in db.execute("SELECT * FROM parts")}
        if parts.get("header") != [_FORMAT, list(sys.version_info[:2])] \
                or parts.get("generation") != generation:
            db.close()
            return None
        buckets: dict[str, int] = parts["buckets"]

        def table(name: str) -> Table:
            return Table(db, name, buckets[name], pairs=name == "listings")

        snap = Snapshot(by_graph=parts["by_graph"])
        for name in _SNAPSHOT_TABLES:
            setattr(snap, name, table(name))
        block = Blocking(table("index"), table("compact"), TableSet(table("full")),
                         table("names"), dict(parts["rules"]), dict(parts["matches"]))
        pairs = {(link.a, link.b): link for link in map(_link, parts["pairs"])}
        written = parts["written"]
        return PeopleState(snap, block, pairs, {
            person: tuple(map(_link, found)) for person, found in parts["accounts"].items()},
            None if written is None else Written(
                written[0], tuple(map(_link, written[1])), written[2]),
            KeptFile(target, db, buckets))
    except (sqlite3.Error, EOFError, ValueError, TypeError, KeyError, AttributeError):
        db.close()
        return None


def _table(state: PeopleState, name: str, *, whole: bool = False) -> Any:
    """The state's mapping kept as table ``name`` (a :class:`TableSet`'s table). With
    ``whole``, a derived index the snapshot left out is made, not kept on it. (The
    blocking's names are the snapshot's, which :meth:`Blocking.rename` made them.)"""
    snap, block = state.snapshot, state.blocking
    if name in _BLOCKING_TABLES:
        table = getattr(block, name)
        return table.table if isinstance(table, TableSet) and not whole else table
    if name == "owned" and snap.owned is None:
        return owned_index(snap.owners) if whole else owned_of(snap)
    if name == "listed" and snap.listed is None:
        return listed_index(snap.listings) if whole else listed_of(snap)
    return getattr(snap, name)


def _parts(state: PeopleState, generation: str, buckets: dict[str, int]
           ) -> list[tuple[str, bytes]]:
    """The state's small parts, a row each (lists for tuples: what marshal reads back
    compares equal)."""
    written = state.written
    return [(name, marshal.dumps(value)) for name, value in (
        ("header", [_FORMAT, list(sys.version_info[:2])]), ("generation", generation),
        ("buckets", buckets),
        ("by_graph", state.snapshot.by_graph), ("rules", dict(state.blocking.rules)),
        ("matches", dict(state.blocking.matches)),
        ("pairs", [_fields(link) for link in state.pairs.values()]),
        ("accounts", {person: [_fields(link) for link in found]
                      for person, found in state.accounts.items()}),
        ("written", None if written is None else (
            written.stamp, [_fields(link) for link in written.links], written.curation_file)))]


def _fields(link: IdentityLink) -> tuple[Any, ...]:
    return (link.a, link.b, link.kind, link.tier, link.score, link.description, link.rules,
            link.coauthors, link.papers)


def _link(fields: tuple[Any, ...]) -> IdentityLink:
    return IdentityLink(*fields)

