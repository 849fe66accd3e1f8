"""Score and tier of a candidate pair, from its evidence.

The score orders candidates for people to review; the tier decides what the
graph asserts. Only the automatic tier is asserted without a person's say, as
``skos:closeMatch`` (not transitive, so one wrong link cannot chain three
people together): a full-name rule (same letters, or surname first) *and*
shared co-authors, a shared author slot or a shared repository/model owner;
or an initial and surname (``vkoltun``) with shared co-authors or a slot. Never
with counter-evidence: both names on one author list, or a username that fits
several full names (``szhang42``). The labelled sample's precision and recall
per tier are in the README ("People under several spellings").
"""

from __future__ import annotations

from kg.people import names as nm
from kg.people.evidence import Evidence

AUTO = "auto"
CANDIDATE = "candidate"
ACCEPTED = "accepted"
REJECTED = "rejected"
TIERS = (ACCEPTED, AUTO, CANDIDATE, REJECTED)

_RULE_WEIGHT = {nm.COMPACT: 0.4, nm.SWAPPED: 0.35, nm.INITIALS: 0.15}


def score(evidence: Evidence) -> float:
    """0..1, higher is likelier one person; 0 when both are on one author list."""
    if evidence.together:
        return 0.0
    value = max((_RULE_WEIGHT.get(rule, 0.0) for rule in evidence.rules), default=0.0)
    value += 0.15 * min(len(evidence.coauthors), 3)
    value += 0.3 if evidence.same_slot else 0.0
    value += 0.05 if evidence.papers else 0.0
    value += 0.05 if evidence.owners else 0.0
    value += 0.05 if evidence.tasks else 0.0
    value -= 0.2 if evidence.ambiguous else 0.0
    value -= 0.05 * len(evidence.homonym)
    return round(min(max(value, 0.0), 1.0), 2)


def automatic(evidence: Evidence) -> bool:
    """Strong enough to assert ``skos:closeMatch`` without review (see module doc)."""
    if evidence.together or evidence.ambiguous:
        return False
    if evidence.rules & nm.FULL_RULES:
        return bool(evidence.coauthors or evidence.same_slot or evidence.owners)
    return nm.INITIALS in evidence.rules and bool(evidence.coauthors or evidence.same_slot)


def tier(evidence: Evidence) -> str:
    return AUTO if automatic(evidence) else CANDIDATE
