"""Identity links as data: computed from the graph and the curation file, stored
as reified statements in the people graph, rebuilt on every build and add.

Each link is an ``rdf:Statement`` (typed ``pkg:IdentityLink``) whose subject,
predicate and object say what it proposes (``skos:closeMatch`` between two
person nodes, or ``foaf:account`` from a person to a GitHub/HF account), with
its tier, score, the name rules that matched, the shared co-authors and the
papers it rests on (``prov:wasDerivedFrom``) and a one-line ``dcterms:description``
of the evidence. A reified statement is not asserted: only the automatic tier
is also stated directly (``skos:closeMatch``, ``foaf:account``), and only a pair
the user accepted is stated as ``owl:sameAs``. Person nodes keep their IRIs.

The people graph lives beside the day graphs, outside the union default graph,
so the union, its exports and its VoID counts are the same with or without it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.iris import digest
from kg.graph.store import GraphStore
from kg.people import scoring
from kg.people.candidates import Pair, pair
from kg.people.curation import Curation, Decision
from kg.people.identity import PERSON, IdentityLink
from kg.people.snapshot import Snapshot, read_snapshot, select
from kg.people.state import PeopleState, Written, advance, fresh
from kg.records import Diagnostic


@dataclass(slots=True)
class PeopleReport:
    """The links of one refresh, and warnings about the curation file."""

    links: list[IdentityLink] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    snapshot: Snapshot | None = None
    state: PeopleState | None = None

    def counts(self) -> dict[str, int]:
        return {tier: sum(1 for link in self.links if link.tier == tier)
                for tier in scoring.TIERS}


def people_graph(base: str) -> ox.NamedNode:
    """The named graph holding the identity links of a store minted under ``base``."""
    return ox.NamedNode(f"{base}graph/people")


def compute_links(snap: Snapshot, curation: Curation, graph: GraphStore,
                  state: PeopleState | None = None) -> PeopleReport:
    """Every candidate pair and account link of ``snap``, tiered, with the curation applied.

    ``state`` is what an earlier refresh computed (:mod:`kg.people.state`): only the
    pairs the difference between its snapshot and ``snap`` can reach are weighed
    again. ``report.state`` is the state of ``snap``, for the next refresh.
    """
    report = PeopleReport(snapshot=snap)
    report.state = fresh(snap) if state is None else advance(state, snap)
    decided, split = _decisions(curation, snap, graph, report.diagnostics)
    links: dict[Pair, IdentityLink] = {}
    for key, link in report.state.pairs.items():
        if link.tier == scoring.AUTO and split & set(key):
            link = replace(link, tier=scoring.CANDIDATE,
                           description=link.description + "; AGAINST: split by the user")
        links[key] = link
    for key, decision in decided.items():
        tier = scoring.ACCEPTED if decision.decision == "accept" else scoring.REJECTED
        found = links.get(key)
        note = f"{decision.decision}ed by the user" + (f": {decision.note}" if decision.note
                                                        else "")
        if found is None:
            links[key] = IdentityLink(key[0], key[1], PERSON, tier, 0.0, note)
        else:
            links[key] = replace(found, tier=tier, description=f"{note}; {found.description}")
    accounts = [link if link.a not in split or link.tier != scoring.AUTO
                else replace(link, tier=scoring.CANDIDATE, score=0.4)
                for person_links in report.state.accounts.values() for link in person_links]
    report.links = [*links.values(), *accounts]
    report.links.sort(key=lambda link: (scoring.TIERS.index(link.tier), -link.score,
                                        link.a, link.b))
    return report


def _decisions(curation: Curation, snap: Snapshot, graph: GraphStore,
               diagnostics: list[Diagnostic]) -> tuple[dict[Pair, Decision], set[str]]:
    """The curation's decisions by person pair; names not in the graph are warnings."""
    source = str(curation.path) if curation.path else "people"
    decided: dict[Pair, Decision] = {}
    split: set[str] = set()
    for decision in curation.decisions:
        people = [graph.minter.person(name).value for name in (decision.a, decision.b) if name]
        missing = [name for name, person in zip((decision.a, decision.b), people, strict=False)
                   if person not in snap.names]
        if missing:
            diagnostics.append(Diagnostic(source, None, f"{decision.decision} "
                                          f"{decision.a!r} {decision.b!r}: no person named "
                                          f"{', '.join(map(repr, missing))} in the graph; kept "
                                          f"in the file, not applied"))
            continue
        if decision.decision == "split":
            split.add(people[0])
        elif people[0] != people[1]:
            decided[pair(people[0], people[1])] = decision
    return decided, split


def link_quads(links: list[IdentityLink], graph: ox.NamedNode, base: str
               ) -> Iterator[ox.Quad]:
    """The links of the people graph: each reified, the asserted tiers also stated."""
    for link in links:
        a, b = ox.NamedNode(link.a), ox.NamedNode(link.b)
        node = ox.NamedNode(f"{base}identity/{digest(link.a + ' ' + link.b, 16)}")
        yield ox.Quad(node, v.TYPE, v.IDENTITY_LINK, graph)
        yield ox.Quad(node, v.TYPE, v.STATEMENT, graph)
        yield ox.Quad(node, v.RDF_SUBJECT, a, graph)
        yield ox.Quad(node, v.RDF_PREDICATE, link.predicate, graph)
        yield ox.Quad(node, v.RDF_OBJECT, b, graph)
        yield ox.Quad(node, v.LINK_TIER, ox.Literal(link.tier), graph)
        yield ox.Quad(node, v.LINK_SCORE, ox.Literal(f"{link.score:.2f}",
                                                     datatype=v.XSD_DECIMAL), graph)
        yield ox.Quad(node, v.DESCRIPTION, ox.Literal(link.description), graph)
        for rule in sorted(link.rules):
            yield ox.Quad(node, v.MATCH_RULE, ox.Literal(rule), graph)
        for coauthor in link.coauthors:
            yield ox.Quad(node, v.SHARED_COAUTHOR, ox.NamedNode(coauthor), graph)
        for paper in link.papers:
            yield ox.Quad(node, v.WAS_DERIVED_FROM, ox.NamedNode(paper), graph)
        if link.tier in (scoring.AUTO, scoring.ACCEPTED):
            yield ox.Quad(a, link.predicate, b, graph)


def refresh(graph: GraphStore, curation: Curation, snap: Snapshot | None = None,
            state: PeopleState | None = None) -> PeopleReport:
    """Recompute the identity links of ``graph`` and replace its people graph.

    Called by every build and add (and by ``kg people`` after a decision), so the
    links always follow the whole graph and the latest curation file. ``snap`` is
    the graph's snapshot when the caller has it (:func:`snapshot_of` a build's
    union lines); otherwise it is read from the store. ``state`` is an earlier
    refresh's (:mod:`kg.people.state`), for weighing only what changed since.

    The people graph carries a stamp of what was written (``dcterms:identifier`` of
    the graph, a digest of its links): when it is the one ``state`` recorded, only
    the links that differ are written, in one transaction; otherwise (a store that
    ``kg people`` rewrote since, no state) the graph is replaced by its difference
    with what the store holds.
    """
    snap = read_snapshot(graph.store) if snap is None else snap
    before = state.written if state is not None else None
    report = compute_links(snap, curation, graph, state)
    target = people_graph(graph.base)
    path = str(curation.path) if curation.path is not None else None
    written = Written(_stamp(report.links, path), tuple(report.links), path)
    if before is not None and before.stamp == _stored_stamp(graph, target):
        _write_difference(graph, target, before, written)
    else:
        # The header last: a stamp in the graph means every link before it was written.
        graph.replace_graph(target, chain(link_quads(report.links, target, graph.base),
                                          _header_quads(target, written)))
    assert report.state is not None  # compute_links always gives one
    report.state.written = written
    return report


def _stamp(links: list[IdentityLink], curation_file: str | None) -> str:
    """``digest`` of the curation file's name and each link's fields, a line each,
    hashed as it goes: joined first, the text took 0.1 GB at 100k papers."""
    hashed = hashlib.sha1(f"{curation_file}\n".encode())
    for i, link in enumerate(links):
        line = repr((link.a, link.b, link.kind, link.tier, link.score, link.description,
                     sorted(link.rules), link.coauthors, link.papers))
        hashed.update(f"\n{line}".encode() if i else line.encode())
    return hashed.hexdigest()[:32]


def _header_quads(target: ox.NamedNode, written: Written) -> list[ox.Quad]:
    """What the people graph says of itself: the curation file it applied, and its
    stamp (none while the graph is otherwise empty)."""
    if written.curation_file is None:
        if not written.links:
            return []
        return [ox.Quad(target, v.IDENTIFIER, ox.Literal(written.stamp), target)]
    return [ox.Quad(target, v.CURATION_FILE, ox.Literal(written.curation_file), target),
            ox.Quad(target, v.IDENTIFIER, ox.Literal(written.stamp), target)]


def _stored_stamp(graph: GraphStore, target: ox.NamedNode) -> str | None:
    for quad in graph.store.quads_for_pattern(target, v.IDENTIFIER, None, target):
        return quad.object.value if isinstance(quad.object, ox.Literal) else None
    return None


def _write_difference(graph: GraphStore, target: ox.NamedNode, before: Written,
                      after: Written) -> None:
    """Turn the people graph ``before`` describes into the one of ``after``: one
    update that deletes the quads of the links that went and of the old header, then
    inserts those of the links that came and of the new header (a link that changed
    does both; quads the two sides share stay)."""
    old, new = set(before.links), set(after.links)
    gone = [*link_quads([link for link in before.links if link not in new], target,
                        graph.base), *_header_quads(target, before)]
    came = [*link_quads([link for link in after.links if link not in old], target,
                        graph.base), *_header_quads(target, after)]
    graph.store.update("".join((
        "DELETE DATA { ", *_quad_text(gone), "} ;\n", "INSERT DATA { ", *_quad_text(came), "}")))


def _quad_text(quads: list[ox.Quad]) -> Iterator[str]:
    for quad in quads:
        yield f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}\n"


def stored_curation_path(graph: GraphStore) -> Path | None:
    """The curation file the last build or add read, as recorded in the people graph."""
    target = people_graph(graph.base)
    for quad in graph.store.quads_for_pattern(target, v.CURATION_FILE, None, target):
        if isinstance(quad.object, ox.Literal):
            return Path(quad.object.value)
    return None


_STORED = """SELECT ?a ?b ?p ?tier ?score ?d WHERE { GRAPH G {
  ?l a IDL ; RS ?a ; RP ?p ; RO ?b ; TIER ?tier ; SCORE ?score ; DESC ?d } }"""


def stored_links(graph: GraphStore) -> list[tuple[str, str, str, str, float, str]]:
    """The links in a store's people graph: (a, b, predicate, tier, score, description)."""
    query = _STORED
    for name, term in (("G", people_graph(graph.base)), ("IDL", v.IDENTITY_LINK),
                       ("RS", v.RDF_SUBJECT), ("RP", v.RDF_PREDICATE), ("RO", v.RDF_OBJECT),
                       ("TIER", v.LINK_TIER), ("SCORE", v.LINK_SCORE), ("DESC", v.DESCRIPTION)):
        query = query.replace(f" {name} ", f" {term} ")
    return [(row["a"].value, row["b"].value, row["p"].value, row["tier"].value,
             float(row["score"].value), row["d"].value) for row in select(graph.store, query)]
