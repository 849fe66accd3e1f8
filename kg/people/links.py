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

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.iris import digest
from kg.graph.store import GraphStore
from kg.people import names as nm
from kg.people import scoring
from kg.people.candidates import Pair, generate, pair
from kg.people.curation import Curation, Decision
from kg.people.evidence import Evidence, EvidenceFinder
from kg.people.snapshot import Snapshot, read_snapshot, select
from kg.records import Diagnostic

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


@dataclass(slots=True)
class PeopleReport:
    """The links of one refresh, and warnings about the curation file."""

    links: list[IdentityLink] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    snapshot: Snapshot | None = None

    def counts(self) -> dict[str, int]:
        return {tier: sum(1 for link in self.links if link.tier == tier)
                for tier in scoring.TIERS}


def people_graph(base: str) -> ox.NamedNode:
    """The named graph holding the identity links of a store minted under ``base``."""
    return ox.NamedNode(f"{base}graph/people")


def compute_links(snap: Snapshot, curation: Curation, graph: GraphStore) -> PeopleReport:
    """Every candidate pair and account link of ``snap``, tiered, with the curation applied."""
    report = PeopleReport(snapshot=snap)
    candidates = generate(snap)
    finder = EvidenceFinder(snap, candidates)
    decided, split = _decisions(curation, snap, graph, report.diagnostics)
    links: dict[Pair, IdentityLink] = {}
    for key in candidates.rules:
        evidence = finder.find(key)
        tier = scoring.tier(evidence)
        description = evidence.describe(snap)
        if tier == scoring.AUTO and split & set(key):
            tier, description = scoring.CANDIDATE, description + "; AGAINST: split by the user"
        links[key] = _link(key, PERSON, tier, scoring.score(evidence), description, evidence)
    for key, decision in decided.items():
        tier = scoring.ACCEPTED if decision.decision == "accept" else scoring.REJECTED
        found = links.get(key)
        note = f"{decision.decision}ed by the user" + (f": {decision.note}" if decision.note
                                                        else "")
        if found is None:
            evidence = Evidence(frozenset())
            links[key] = _link(key, PERSON, tier, 0.0, note, evidence)
        else:
            links[key] = IdentityLink(found.a, found.b, PERSON, tier, found.score,
                                      f"{note}; {found.description}", found.rules,
                                      found.coauthors, found.papers)
    report.links = [*links.values(), *_account_links(snap, split)]
    report.links.sort(key=lambda link: (scoring.TIERS.index(link.tier), -link.score,
                                        link.a, link.b))
    return report


def _link(key: Pair, kind: str, tier: str, score: float, description: str,
          evidence: Evidence) -> IdentityLink:
    return IdentityLink(key[0], key[1], kind, tier, score, description, evidence.rules,
                        evidence.coauthors, tuple(sorted({*evidence.same_slot,
                                                          *evidence.papers})))


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


def _account_links(snap: Snapshot, split: set[str]) -> Iterator[IdentityLink]:
    """A person and a GitHub/HF account: the account owns an artefact of one of the
    person's papers and its name matches one of the person's name keys."""
    owning = {person for listing, slots in snap.listings.items() if listing[1] in snap.owners
              for person in slots.values()}  # most people list no paper with an owner
    for person in sorted(owning & snap.names.keys()):
        owned: dict[str, list[str]] = {}
        for paper in sorted(snap.papers_of.get(person, ())):
            for account in sorted(snap.owners.get(paper, ())):
                owned.setdefault(account, []).append(paper)
        keys: dict[str, str] = {}
        for name in snap.names[person]:
            keys.update({k: r for k, r in nm.name_keys(name).items() if k not in keys})
        for account, papers in owned.items():
            rule = keys.get(nm.compact(snap.account_names.get(account, "")))
            if rule is None:
                continue
            auto = rule in nm.FULL_RULES and person not in split
            listed = ", ".join(snap.paper_label(p) for p in papers[:5])
            yield IdentityLink(person, account, ACCOUNT,
                               scoring.AUTO if auto else scoring.CANDIDATE,
                               0.9 if auto else 0.4,
                               f"rules: {rule}; owns artefacts of {listed}",
                               frozenset({rule}), (), tuple(papers))


def link_quads(links: list[IdentityLink], graph: ox.NamedNode, base: str,
               curation: Curation) -> Iterator[ox.Quad]:
    """The people graph: every link reified, the asserted tiers also stated."""
    if curation.path is not None:
        yield ox.Quad(graph, v.CURATION_FILE, ox.Literal(str(curation.path)), graph)
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


def refresh(graph: GraphStore, curation: Curation, snap: Snapshot | None = None
            ) -> PeopleReport:
    """Recompute the identity links of ``graph`` and replace its people graph.

    Called by every build and add (and by ``kg people`` after a decision), so the
    links always follow the whole graph and the latest curation file. ``snap`` is
    the graph's snapshot when the caller has it (:func:`snapshot_of` a build's
    union lines); otherwise it is read from the store.
    """
    snap = read_snapshot(graph.store) if snap is None else snap
    report = compute_links(snap, curation, graph)
    target = people_graph(graph.base)
    graph.replace_graph(target, link_quads(report.links, target, graph.base, curation))
    return report


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
