"""The identity links the graph alone proposes, before the curation file has its say.

A person pair's link rests on its candidate rules and evidence
(:mod:`kg.people.evidence`), an account link on the account owning artefacts of
the person's papers under a name that fits one of the person's keys. Both are
functions of the snapshot only, which is what lets :mod:`kg.people.state` keep
them between runs; :func:`kg.people.links.compute_links` applies the curation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.people import names as nm
from kg.people import scoring
from kg.people.candidates import Pair
from kg.people.evidence import EvidenceFinder
from kg.people.snapshot import Snapshot

PERSON = "person"
ACCOUNT = "account"


@dataclass(frozen=True, slots=True)
class IdentityLink:
    """One proposed identity: two persons, or a person and an account."""

    a: str
    b: str
    kind: str
    tier: str
    score: float
    description: str
    rules: frozenset[str] = frozenset()
    coauthors: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()

    @property
    def predicate(self) -> ox.NamedNode:
        if self.kind == ACCOUNT:
            return v.HOLDS_ACCOUNT
        return v.SAME_AS if self.tier == scoring.ACCEPTED else v.CLOSE_MATCH


def person_link(key: Pair, finder: EvidenceFinder) -> IdentityLink:
    """The link of a candidate pair, tiered by its evidence."""
    evidence = finder.find(key)
    return IdentityLink(key[0], key[1], PERSON, scoring.tier(evidence), scoring.score(evidence),
                        evidence.describe(finder.snap), evidence.rules, evidence.coauthors,
                        tuple(sorted({*evidence.same_slot, *evidence.papers})))


def owning(snap: Snapshot) -> set[str]:
    """The people listed on a paper with an owned artefact (who may hold an account)."""
    return {person for person in snap.names if owns(snap, person)}


def owns(snap: Snapshot, person: str) -> bool:
    """Whether ``person`` is named and listed on a paper with an owned artefact."""
    return person in snap.names and any(listing[1] in snap.owners
                                        for listing in snap.listings_of.get(person, ()))


def account_links(snap: Snapshot, person: str) -> tuple[IdentityLink, ...]:
    """A person and a GitHub/HF account: the account owns an artefact of one of the
    person's papers and its name matches one of the person's name keys (automatic
    for a full-name rule)."""
    owned: dict[str, list[str]] = {}
    for paper in sorted(snap.papers_of.get(person, ())):
        for account in sorted(snap.owners.get(paper, ())):
            owned.setdefault(account, []).append(paper)
    keys: dict[str, str] = {}
    for name in snap.names.get(person, ()):
        keys.update({k: r for k, r in nm.name_keys(name).items() if k not in keys})
    found = []
    for account, papers in owned.items():
        rule = keys.get(nm.compact(snap.account_names.get(account, "")))
        if rule is None:
            continue
        auto = rule in nm.FULL_RULES
        listed = ", ".join(snap.paper_label(p) for p in papers[:5])
        found.append(IdentityLink(person, account, ACCOUNT,
                                  scoring.AUTO if auto else scoring.CANDIDATE,
                                  0.9 if auto else 0.4,
                                  f"rules: {rule}; owns artefacts of {listed}",
                                  frozenset({rule}), (), tuple(papers)))
    return tuple(found)
