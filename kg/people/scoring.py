"""Score and tier of a candidate pair, from its evidence.

The score orders candidates for people to review; the tier decides what the
graph asserts. Only the automatic tier is asserted without a person's say, as
``skos:closeMatch`` (not transitive, so one wrong link cannot chain three
people together): a full-name rule (same letters, or surname first) *and*
shared co-authors or a shared author slot, with no counter-evidence that the
two are different people. On the labelled sample that rule was right every
time (see README, "People under several spellings"); initials alone never are
enough, since ``szhang42`` fits many Zhangs.
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
    return (bool(evidence.rules & nm.FULL_RULES)
            and bool(evidence.coauthors or evidence.same_slot)
            and not evidence.together and not evidence.ambiguous)


def tier(evidence: Evidence) -> str:
    return AUTO if automatic(evidence) else CANDIDATE
