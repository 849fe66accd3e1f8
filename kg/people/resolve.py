"""Count a person once across linked spellings: the resolved view for ``kg stats``.

Groups are the connected components of the asserted links (automatic
``skos:closeMatch`` and accepted ``owl:sameAs``; candidates and rejected pairs
never join anyone). Each group is drawn as one node, labelled with its
preferred spelling (a full name with the most papers) and the others in
brackets, so the top-authors list shows ``Yuhang Zang (yuhangzang)`` once
instead of two rows.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.graph.kinds import AUTHOR
from kg.graph.store import GraphStore
from kg.people import names as nm
from kg.people import scoring
from kg.people.identity import PERSON
from kg.people.links import stored_links
from kg.people.review import curation_for, review
from kg.people.snapshot import read_snapshot

_ASSERTED = (scoring.AUTO, scoring.ACCEPTED)


def asserted_pairs(graph: GraphStore) -> list[tuple[str, str]]:
    """Person pairs the graph asserts as one person (computed live for a graph file)."""
    stored = stored_links(graph)
    if stored:
        person_predicates = {"http://www.w3.org/2004/02/skos/core#closeMatch",
                             "http://www.w3.org/2002/07/owl#sameAs"}
        return [(a, b) for a, b, predicate, tier, _, _ in stored
                if tier in _ASSERTED and predicate in person_predicates]
    report = review(graph, curation_for(graph, None))
    return [(link.a, link.b) for link in report.links
            if link.kind == PERSON and link.tier in _ASSERTED]


def _authored(view: nx.MultiDiGraph, person: str) -> int:
    """Papers a person node is an author of in the view."""
    labels: list[str] = [d.get("label", "") for _, _, d in view.in_edges(person, data=True)]
    return labels.count(AUTHOR.name)


def resolve_view(view: nx.MultiDiGraph, graph: GraphStore) -> tuple[nx.MultiDiGraph,
                                                                   dict[str, Any]]:
    """``view`` with each group of linked person nodes contracted into one node."""
    links: nx.Graph[str] = nx.Graph()
    links.add_edges_from((a, b) for a, b in asserted_pairs(graph) if a in view and b in view)
    resolved = view.copy()
    groups = []
    for members in sorted((sorted(group) for group in nx.connected_components(links)),
                          key=lambda group: group[0]):
        papers = {m: _authored(view, m) for m in members}
        labels = {m: view.nodes[m].get("label", m) for m in members}
        keep = min(members, key=lambda m: (not nm.is_full_name(labels[m]), -papers[m],
                                           labels[m].casefold(), m))
        others = sorted({labels[m] for m in members if m != keep}, key=str.casefold)
        for member in members:
            if member != keep:
                nx.contracted_nodes(resolved, keep, member, self_loops=False, copy=False)
        label = f"{labels[keep]} ({', '.join(others)})"
        attrs = resolved.nodes[keep]
        attrs.pop("contraction", None)
        attrs["label"] = label
        if "card" in attrs:
            attrs["card"] = attrs["card"].replace(labels[keep], label, 1)
        groups.append({"id": keep, "label": labels[keep], "spellings": [labels[keep], *others],
                       "members": members})
    persons = sum(1 for _, d in view.nodes(data=True) if d.get("kind") == "person")
    summary = {
        "person_nodes": persons,
        "people": persons - sum(len(g["members"]) - 1 for g in groups),
        "linked_nodes": sum(len(g["members"]) for g in groups),
        "groups": len(groups),
        "spellings": sorted(groups, key=lambda g: (-len(g["members"]), g["label"].casefold())),
    }
    return resolved, summary


def format_people(summary: dict[str, Any], top: int) -> str:
    """The resolution summary as report lines."""
    lines = [f"people (linked spellings counted once): {summary['people']:,} people from "
             f"{summary['person_nodes']:,} person nodes; {summary['linked_nodes']:,} nodes in "
             f"{summary['groups']:,} groups"]
    for group in summary["spellings"][:top]:
        lines.append("  " + " = ".join(group["spellings"]))
    return "\n".join(lines)


def linked_names(graph: GraphStore, names: tuple[str, ...]) -> list[str]:
    """The other spellings asserted to be the people named, for ``kg html --author``.

    Only nodes written one way are added: the page matches authors by label, and
    a node with two names is labelled with one of them.
    """
    requested = {graph.minter.person(name).value for name in names}
    links: nx.Graph[str] = nx.Graph()
    links.add_edges_from(asserted_pairs(graph))
    linked = {other for node in requested if node in links
              for other in nx.node_connected_component(links, node)} - requested
    written = read_snapshot(graph.store).names
    return sorted(written[node][0] for node in linked if len(written.get(node, ())) == 1)
