"""People under several spellings: identity links between person nodes, never merges.

The digests write one person as ``Percy Liang`` on one day and ``percyliang`` on
another. Person nodes keep their IRIs (sources and ``kg add`` rely on them);
instead each likely pair becomes an *identity link* in a named graph of its own,
rebuilt from the whole graph and the user's curation file on every build and add:

:mod:`kg.people.names` (name keys) → :mod:`kg.people.snapshot` (what the graph
says about people) → :mod:`kg.people.candidates` (pairs by blocked name keys) →
:mod:`kg.people.evidence` (co-authors, shared slots, counter-evidence) →
:mod:`kg.people.scoring` (score and tier) → :mod:`kg.people.curation` (the
user's accept/reject/split file) → :mod:`kg.people.links` (links → triples in
the people graph). :func:`refresh` runs that chain on a store.
"""

from __future__ import annotations

from kg.people.curation import Curation, CurationError, read_curation, write_curation
from kg.people.links import PeopleReport, refresh, stored_links

__all__ = ["Curation", "CurationError", "PeopleReport", "read_curation", "refresh",
           "stored_links", "write_curation"]
