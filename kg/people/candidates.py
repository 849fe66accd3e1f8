"""Candidate pairs: person nodes whose names share a blocking key.

Each person's names give a handful of keys (:func:`kg.people.names.name_keys`);
a pair is formed only between a node's ``compact`` key and the nodes holding
that key under any rule. The work is linear in the number of names plus the
pairs found, never all pairs: a year's ~9k people block in well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kg.people import names as nm
from kg.people.snapshot import Snapshot

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


def generate(snap: Snapshot) -> Candidates:
    """All candidate pairs of ``snap`` by blocked name keys."""
    index: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    compact_keys: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    full: set[str] = set()
    for person, written in snap.names.items():
        for name in written:
            if nm.is_full_name(name):
                full.add(person)
            for key, rule in nm.name_keys(name).items():
                index[key][person].add(rule)
                if rule == nm.COMPACT:
                    compact_keys[person].add((key, nm.has_digits(name)))
    rules: dict[Pair, set[str]] = defaultdict(set)
    matches: dict[str, set[str]] = defaultdict(set)
    for person in sorted(compact_keys):
        for key, digits in sorted(compact_keys[person]):
            for other, other_rules in index[key].items():
                if other == person:
                    continue
                found = rules[pair(person, other)]
                found.update(other_rules if nm.COMPACT not in other_rules else {nm.COMPACT})
                if digits:
                    found.add(DIGITS)
                if other in full:
                    matches[person].add(other)
    return Candidates({key: frozenset(found) for key, found in sorted(rules.items())},
                      {key: frozenset(found) for key, found in sorted(matches.items())})
