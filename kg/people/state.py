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
"""

from __future__ import annotations

import marshal
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kg.people.candidates import Blocking, Pair, blocking
from kg.people.evidence import EvidenceFinder
from kg.people.identity import IdentityLink, account_links, owning, owns, person_link
from kg.people.snapshot import Scope, Snapshot, index

#: The layout of :func:`dump`'s bytes; change it when the state's fields change.
_FORMAT = "paperkg people state 5"
#: How many parts :func:`dump` writes: the header, then the state's fields.
_PARTS = 16


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
    return PeopleState(snap, state.blocking, pairs, dict(sorted(accounts.items())))


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
    if accounts:
        papers.update(paper for snap in (old, new) for paper, owners in snap.owners.items()
                      if owners & accounts)
    # Whoever left a paper's listings is on a listing that changed, so the new ones do.
    if papers:
        changed.update(person for (_, paper), slots in new.listings.items() if paper in papers
                       for person in slots.values())
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


def dump(state: PeopleState) -> Iterator[bytes]:
    """The state as bytes for :func:`load`, one part after another (``marshal``:
    plain data, read back without running anything).

    Why parts: ``marshal`` keeps a table of every object it has written; for the
    whole state of 100k papers at once that table and the bytes cost a build 93 MB
    above its peak, one part at a time about 20 MB. Each part is its length (8 bytes,
    little-endian), then its bytes.
    """
    snap, block = state.snapshot, state.blocking
    written = state.written
    for part in ((_FORMAT, sys.version_info[:2]), snap.by_graph, snap.names, snap.listings,
                 snap.tasks,
                 snap.owners, snap.account_names, snap.paper_ids, block.index,
                 block.compact, block.full, block.rules, block.matches,
                 [_fields(link) for link in state.pairs.values()],
                 {person: [_fields(link) for link in found]
                  for person, found in state.accounts.items()},
                 None if written is None else (written.stamp,
                                               [_fields(link) for link in written.links],
                                               written.curation_file)):
        data = marshal.dumps(part)
        yield len(data).to_bytes(8, "little") + data


def load(data: bytes) -> PeopleState | None:
    """A state :func:`dump` wrote, or None for anything else (another Python, another
    layout, a damaged file)."""
    try:
        parts = [marshal.loads(part) for part in _parts(memoryview(data))]
        if len(parts) != _PARTS or parts[0] != (_FORMAT, sys.version_info[:2]):
            return None
        (_, by_graph, names, listings, tasks, owners, account_names, paper_ids, index_, compact,
         full, rules, matches, links, accounts, written) = parts
        snap = Snapshot(names, listings, tasks, owners, account_names, paper_ids,
                        by_graph=by_graph)
        index(snap)
        block = Blocking(index_, compact, full, dict(snap.names), rules, matches)
        pairs = {(link.a, link.b): link for link in map(_link, links)}
        return PeopleState(snap, block, pairs, {
            person: tuple(map(_link, found)) for person, found in accounts.items()},
            None if written is None else Written(
                written[0], tuple(map(_link, written[1])), written[2]))
    except (EOFError, ValueError, TypeError, AttributeError):
        return None


def _parts(data: memoryview) -> Iterator[memoryview]:
    """The parts of :func:`dump`'s bytes; ValueError where a length runs past the end."""
    offset = 0
    while offset < len(data):
        size = int.from_bytes(data[offset:offset + 8], "little")
        start, offset = offset + 8, offset + 8 + size
        if offset > len(data):
            raise ValueError("people state cut short")
        yield data[start:offset]


def _fields(link: IdentityLink) -> tuple[Any, ...]:
    return (link.a, link.b, link.kind, link.tier, link.score, link.description, link.rules,
            link.coauthors, link.papers)


def _link(fields: tuple[Any, ...]) -> IdentityLink:
    return IdentityLink(*fields)

