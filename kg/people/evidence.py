"""Evidence for and against one candidate pair, from the graph alone.

For: co-authors in common (compared by their compact name key, so ``Percy
Liang`` and ``percyliang`` as co-authors count as one), the same author slot of
one paper in different listings, papers, tasks and repository or model owners
in common. Against: both names on one author list (two people, whatever the
names say), a username whose key matches several full names, and a full-name
node whose co-author groups never meet (a likely homonym).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from kg.people import names as nm
from kg.people.candidates import Candidates, Pair
from kg.people.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the graph says about whether ``a`` and ``b`` are one person."""

    rules: frozenset[str]
    coauthors: tuple[str, ...] = ()  # shared co-authors (as ``a``'s co-author nodes)
    same_slot: tuple[str, ...] = ()  # papers where both fill one author slot
    papers: tuple[str, ...] = ()  # other papers both are listed on (different lists)
    tasks: int = 0
    owners: tuple[str, ...] = ()  # accounts owning artefacts of both people's papers
    together: tuple[str, ...] = ()  # papers listing both on one author list
    ambiguous: int = 0  # full names the username side matches, when more than one
    homonym: tuple[str, ...] = ()  # sides whose co-author groups never meet

    def describe(self, snap: Snapshot) -> str:
        """One line for people: the rules, then evidence, then counter-evidence."""
        parts = ["rules: " + ", ".join(sorted(self.rules))]
        if self.coauthors:
            parts.append(f"{len(self.coauthors)} shared co-author(s): "
                         + ", ".join(snap.name(p) for p in self.coauthors[:5]))
        if self.same_slot:
            parts.append("same author slot on " + ", ".join(
                snap.paper_label(p) for p in self.same_slot[:5]))
        if self.papers:
            parts.append(f"{len(self.papers)} shared paper(s)")
        if self.tasks:
            parts.append(f"{self.tasks} shared task(s)")
        if self.owners:
            parts.append("shared owner(s): " + ", ".join(
                snap.account_names.get(o, o) for o in self.owners[:5]))
        if self.together:
            parts.append("AGAINST: listed together on " + ", ".join(
                snap.paper_label(p) for p in self.together[:5]))
        if self.ambiguous:
            parts.append(f"AGAINST: the username matches {self.ambiguous} full names")
        if self.homonym:
            parts.append("AGAINST: co-author groups never meet for "
                         + ", ".join(snap.name(p) for p in self.homonym))
        return "; ".join(parts)


class EvidenceFinder:
    """Evidence for pairs of one snapshot.

    Per-person indexes (name keys, author slots) are built on first use: a graph's
    candidate pairs touch a few thousand of its people, and an index of all of
    them cost a daily ``kg add`` more than the evidence itself.
    """

    def __init__(self, snap: Snapshot, candidates: Candidates) -> None:
        self.snap = snap
        self.candidates = candidates
        self._keys: dict[str, set[str]] = {}
        # A co-author written two ways should still count once: each node's keys
        # also hold the compact keys of its full-rule candidate partners.
        self._partners: dict[str, list[str]] = defaultdict(list)
        for (a, b), rules in candidates.rules.items():
            if rules & nm.FULL_RULES:
                self._partners[a].append(b)
                self._partners[b].append(a)
        self._resolved: dict[str, set[str]] = {}
        self._slots: dict[str, dict[str, set[int]]] = {}
        self._homonym: dict[str, bool] = {}
        self._coauthors: dict[str, dict[str, str]] = {}

    def keys(self, person: str) -> set[str]:
        """The compact keys of the person's names."""
        found = self._keys.get(person)
        if found is None:
            found = self._keys[person] = {nm.compact(n) for n in self.snap.names.get(person, ())}
        return found

    def resolved(self, person: str) -> set[str]:
        """The person's keys and those of its full-rule candidate partners."""
        found = self._resolved.get(person)
        if found is None:
            found = set(self.keys(person))
            for partner in self._partners.get(person, ()):
                found |= self.keys(partner)
            self._resolved[person] = found
        return found

    def slots(self, person: str) -> dict[str, set[int]]:
        """Paper → the author positions the person fills on its lists."""
        found = self._slots.get(person)
        if found is None:
            found = self._slots[person] = defaultdict(set)
            for listing in self.snap.listings_of.get(person, ()):
                for position, other in self.snap.listings[listing].items():
                    if other == person:
                        found[listing[1]].add(position)
        return found

    def _coauthor_keys(self, person: str) -> dict[str, str]:
        """Compact key → the co-author node, for everyone listed with ``person`` (kept:
        a person is on many of the pairs weighed)."""
        found = self._coauthors.get(person)
        if found is None:
            found = self._coauthors[person] = {}
            for other in sorted(self.snap.coauthors(person)):
                for key in sorted(self.resolved(other) if other in self.snap.names else ()):
                    found.setdefault(key, other)
        return found

    def is_homonym(self, person: str) -> bool:
        """True when the person's papers fall into groups sharing no co-author."""
        if person not in self._homonym:
            self._homonym[person] = _groups(self.snap, person, self.keys) > 1
        return self._homonym[person]

    def find(self, key: Pair) -> Evidence:
        a, b = key
        snap = self.snap
        mine, theirs = self._coauthor_keys(a), self._coauthor_keys(b)
        own = self.resolved(a) | self.resolved(b)
        shared = sorted({mine[k] for k in mine.keys() & theirs.keys() if k not in own},
                        key=lambda p: (snap.name(p).casefold(), p))
        together = sorted(paper for listing in snap.listings_of.get(a, ())
                          if b in snap.listings[listing].values() for paper in [listing[1]])
        common = snap.papers_of.get(a, set()) & snap.papers_of.get(b, set())
        slot_a, slot_b = self.slots(a), self.slots(b)
        same_slot = sorted(p for p in common if p not in together and slot_a[p] & slot_b[p])
        papers = sorted(common - set(together) - set(same_slot))
        tasks_a = set().union(*(snap.tasks.get(p, set()) for p in snap.papers_of.get(a, ())))
        tasks_b = set().union(*(snap.tasks.get(p, set()) for p in snap.papers_of.get(b, ())))
        owners_a = set().union(*(snap.owners.get(p, set()) for p in snap.papers_of.get(a, ())))
        owners_b = set().union(*(snap.owners.get(p, set()) for p in snap.papers_of.get(b, ())))
        ambiguous = max(len(self.candidates.matches.get(a, ())),
                        len(self.candidates.matches.get(b, ())))
        homonym = tuple(p for p in key if self.is_homonym(p))
        return Evidence(self.candidates.rules[key], tuple(shared), tuple(same_slot),
                        tuple(papers), len(tasks_a & tasks_b), tuple(sorted(owners_a & owners_b)),
                        tuple(dict.fromkeys(together)), ambiguous if ambiguous > 1 else 0,
                        homonym)


def _groups(snap: Snapshot, person: str, keys: Callable[[str], set[str]]) -> int:
    """How many groups the person's papers form, joined by a shared co-author key."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        while parent.setdefault(item, item) != item:
            item = parent[item]
        return item

    own = keys(person)
    papers = set()
    for listing in snap.listings_of.get(person, ()):
        paper = listing[1]
        papers.add(paper)
        for other in snap.listings[listing].values():
            for key in keys(other):
                if key not in own:
                    parent[root("k:" + key)] = root("p:" + paper)
    return len({root("p:" + paper) for paper in papers})
