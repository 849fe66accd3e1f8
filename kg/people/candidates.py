"""Candidate pairs: person nodes whose names share a blocking key.

Each person's names give a handful of keys (:func:`kg.people.names.name_keys`);
a pair is formed only between a node's ``compact`` key and the nodes holding
that key under any rule. The work is linear in the number of names plus the
pairs found, never all pairs: a year's ~9k people block in well under a second.

The index behind the pairs can follow a change of names (:meth:`Blocking.rename`):
a pair's rules depend on the names of its two people alone, so only the pairs of
the people whose names changed are formed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, MutableMapping, MutableSet
from dataclasses import dataclass, field

from kg.people import names as nm

DIGITS = "digits-dropped"

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Candidates:
    """Pairs (IRIs in sorted order) with the name rules that matched them, and for each
    person the other full-name people its compact key matched (for ambiguity)."""

    rules: dict[Pair, frozenset[str]]
    matches: dict[str, frozenset[str]]


def pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass(slots=True)
class Blocking:
    """The blocking index of a set of people and the candidates it gives.

    ``index``: key → person → the rules that gave the person that key (one shared
    frozenset per combination of rules: a set for each of ~700k person keys took
    0.15 GB at 100k papers);
    ``compact``: person → its (compact key, written with digits) pairs; ``full``:
    people with a full name; ``names``: the names each person was indexed under.
    """

    index: MutableMapping[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    compact: MutableMapping[str, set[tuple[str, bool]]] = field(default_factory=dict)
    full: MutableSet[str] = field(default_factory=set)
    names: MutableMapping[str, list[str]] = field(default_factory=dict)
    rules: dict[Pair, frozenset[str]] = field(default_factory=dict)
    matches: dict[str, frozenset[str]] = field(default_factory=dict)

    def candidates(self) -> Candidates:
        return Candidates(dict(sorted(self.rules.items())), dict(sorted(self.matches.items())))

    def rename(self, names: Mapping[str, list[str]], within: Iterable[str] | None = None
               ) -> set[str]:
        """Re-index the people whose names differ in ``names`` (person → names, all
        people) and form their pairs again; returns those people. With ``within``, the
        only people whose names may differ (what a patched snapshot knows), no one else
        is compared.

        Everyone whose compact key meets a key of theirs, before or after, gets
        their ambiguity matches taken again.
        """
        people = self.names.keys() | names.keys() if within is None else within
        changed = {person for person in people if self.names.get(person) != names.get(person)}
        keys: set[str] = set()  # every key the changed people held, before or after
        for person in changed:
            keys |= self._drop(person)
        for person in sorted(changed & names.keys()):
            keys |= self._add(person, names[person])
        self.rules = {key: rules for key, rules in self.rules.items()
                      if key[0] not in changed and key[1] not in changed}
        hit = {other for key in keys for other, rules in self.index.get(key, {}).items()
               if nm.COMPACT in rules}
        found: dict[Pair, set[str]] = defaultdict(set)
        for person in sorted(changed & names.keys()):
            self._pairs_of(person, found)
        for person in sorted(hit - changed):
            self._pairs_of(person, found, only=changed)
        self.rules.update((key, frozenset(rules)) for key, rules in found.items())
        for person in changed | hit:
            self._match(person)
        return changed

    def _add(self, person: str, written: list[str]) -> set[str]:
        """Index the person under the keys of its names; returns those keys."""
        self.names[person] = written
        keys = set()
        for name in written:
            if nm.is_full_name(name):
                self.full.add(person)
            for key, rule in nm.name_keys(name).items():
                keys.add(key)
                holders = self.index.get(key, {})
                held = holders.get(person, frozenset())
                holders[person] = _shared(held | {rule}) if rule not in held else held
                self.index[key] = holders  # set again: a kept index writes what is set
                if rule == nm.COMPACT:
                    self.compact[person] = {*self.compact.get(person, ()),
                                            (key, nm.has_digits(name))}
        return keys

    def _drop(self, person: str) -> set[str]:
        """Take the person out of the index; returns the keys it held."""
        keys = {key for name in self.names.pop(person, ()) for key in nm.name_keys(name)}
        for key in keys:
            holders = self.index.get(key, {})
            holders.pop(person, None)
            if holders:
                self.index[key] = holders
            else:
                self.index.pop(key, None)
        self.compact.pop(person, None)
        self.full.discard(person)
        self.matches.pop(person, None)
        return keys

    def _pairs_of(self, person: str, found: dict[Pair, set[str]],
                  only: Iterable[str] | None = None) -> None:
        """Add the rules ``person``'s compact keys give its pairs (with ``only``:
        its pairs with those people) to ``found``."""
        wanted = None if only is None else set(only)
        for key, digits in sorted(self.compact.get(person, ())):
            for other, other_rules in self.index[key].items():
                if other == person or (wanted is not None and other not in wanted):
                    continue
                rules = found[pair(person, other)]
                rules.update(other_rules if nm.COMPACT not in other_rules else {nm.COMPACT})
                if digits:
                    rules.add(DIGITS)

    def _match(self, person: str) -> None:
        """The full-name people ``person``'s compact keys meet."""
        matched = {other for key, _ in self.compact.get(person, ())
                   for other in self.index[key] if other != person and other in self.full}
        if matched:
            self.matches[person] = frozenset(matched)
        else:
            self.matches.pop(person, None)


_RULE_SETS: dict[frozenset[str], frozenset[str]] = {}


def _shared(rules: frozenset[str]) -> frozenset[str]:
    """The one frozenset object of this combination of rules."""
    return _RULE_SETS.setdefault(rules, rules)


def blocking(names: Mapping[str, list[str]]) -> Blocking:
    """The blocking index and candidate pairs of people with these names."""
    block = Blocking()
    block.rename(names)
    return block


def generate(names: Mapping[str, list[str]]) -> Candidates:
    """All candidate pairs of people with these names (person → names)."""
    return blocking(names).candidates()
