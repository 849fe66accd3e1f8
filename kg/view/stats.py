"""Network statistics of the projected graph, as data and as a text report.

:func:`compute_stats` returns plain JSON-ready data in a fixed order (ties are
always broken by label, then node id), so two runs on the same graph give the
same JSON. :func:`format_stats` turns it into an aligned report of one to two
screens.

"Degree" in the top lists means the number of *papers* a node is linked to
(an author's papers, a task's papers), not its raw edge count: that is the
number a reader expects, and it does not depend on whether digest days or
owner accounts were projected.

Components and communities are computed on the undirected graph of entities
*without digest-day nodes*: a day links every paper it featured, so with days
the whole graph is one component and communities turn into calendar weeks.
Communities use Louvain (networkx, fixed seed). Measured on the real corpus
(5.5k entity nodes, 2 busy cores) networkx's Louvain takes ~1 s and greedy
modularity ~10 s, so Louvain it is. To keep a one-year graph within a few
seconds it runs on a compressed graph in which every leaf (a node with one
neighbour, such as the author of a single paper) is folded into its neighbour
as a weighted self-loop. That keeps each node's degree, hence the modularity,
exactly as before for every partition that puts a leaf with its only neighbour
-- which an optimal one always does -- and shrinks the corpus graph from 5.5k
to 1.9k nodes (Louvain ~0.2 s). Whole :func:`compute_stats`: ~0.4 s on the
corpus, ~1.2 s on a 22k-node graph (the corpus four times over), ~3 s on a
denser synthetic 13k-node year (``bench/synth.py --papers 3000``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

import networkx as nx

from kg.graph.kinds import AUTHOR, CODE_EDGES, HF_EDGES, HF_KINDS, TASK

#: Fixed seed: community detection must give the same answer every run.
SEED = 0
#: How many communities and components are described in detail.
SHOWN_GROUPS = 5

Stats = dict[str, Any]


def compute_stats(view: nx.MultiDiGraph, *, top: int = 10, communities: bool = True) -> Stats:
    """Counts, top nodes, co-author pairs, components and communities of ``view``.

    ``communities=False`` skips community detection, the one step that grows
    faster than the graph (the ``communities`` entry is then None).
    """
    papers_of = _papers_of(view)
    return {
        "nodes": view.number_of_nodes(),
        "edges": view.number_of_edges(),
        "nodes_by_kind": _ranked_counts(d.get("kind", "") for _, d in view.nodes(data=True)),
        "edges_by_label": _ranked_counts(d.get("label", "") for *_, d in view.edges(data=True)),
        "papers": _paper_summary(view),
        "top": {
            "authors": _top(view, papers_of, ("person",), top),
            "tasks": _top(view, papers_of, ("task",), top),
            "repositories": _top(view, papers_of, ("repository",), top),
            "hf_items": _top(view, papers_of, HF_KINDS, top),
        },
        "coauthors": _coauthor_pairs(view, top),
        **_structure(view, papers_of, top, communities),
    }


def _ranked_counts(values: Iterable[str]) -> dict[str, int]:
    """A Counter as a dict ordered by count (descending), then name."""
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))


def _is_paper(view: nx.MultiDiGraph, node: str) -> bool:
    return view.nodes[node].get("kind") == "paper"


def _papers_of(view: nx.MultiDiGraph) -> dict[str, set[str]]:
    """For every non-paper node, the papers it is linked to (either direction)."""
    papers: dict[str, set[str]] = defaultdict(set)
    for source, target in view.edges():
        if _is_paper(view, source) and not _is_paper(view, target):
            papers[target].add(source)
        elif _is_paper(view, target) and not _is_paper(view, source):
            papers[source].add(target)
    return papers


def _paper_summary(view: nx.MultiDiGraph) -> Stats:
    """Papers, digest days, and how many papers link code or HF artefacts.

    The days are those of the graph (as ``kg build`` and ``kg status`` count them),
    including digests without rows; a hand-built view without that list falls back
    to the days its papers were featured on.
    """
    papers = [n for n, d in view.nodes(data=True) if d.get("kind") == "paper"]
    labels = {n: {d.get("label") for *_, d in view.out_edges(n, data=True)} for n in papers}
    featured = {day for n in papers for day in view.nodes[n].get("days", ())}
    days = sorted(view.graph.get("days", featured))
    return {
        "total": len(papers),
        "with_code": sum(1 for n in papers if labels[n] & CODE_EDGES),
        "with_hf": sum(1 for n in papers if labels[n] & HF_EDGES),
        "days": len(days),
        "first_day": days[0] if days else "",
        "last_day": days[-1] if days else "",
    }


def _top(view: nx.MultiDiGraph, papers_of: dict[str, set[str]], kinds: tuple[str, ...],
         top: int) -> list[Stats]:
    """The ``top`` nodes of these kinds by number of papers, then label, then id."""
    rows = [(len(papers_of.get(n, ())), d.get("label", n), n, d.get("kind", ""))
            for n, d in view.nodes(data=True) if d.get("kind") in kinds]
    rows.sort(key=lambda r: (-r[0], r[1].casefold(), r[2]))
    entries = []
    for papers, label, node, kind in rows[:top]:
        entry: Stats = {"id": node, "label": label, "papers": papers}
        if len(kinds) > 1:
            entry["kind"] = kind
        entries.append(entry)
    return entries


def _coauthor_pairs(view: nx.MultiDiGraph, top: int) -> list[Stats]:
    """People who share papers, by number of shared papers (pairs counted once)."""
    shared: Counter[tuple[str, str]] = Counter()
    for node, data in view.nodes(data=True):
        if data.get("kind") != "paper":
            continue
        people = sorted({t for _, t, d in view.out_edges(node, data=True)
                         if d.get("label") == AUTHOR.name})
        shared.update(combinations(people, 2))
    label = {pair_node: view.nodes[pair_node].get("label", pair_node)
             for pair in shared for pair_node in pair}
    ranked = sorted(shared.items(),
                    key=lambda kv: (-kv[1], label[kv[0][0]].casefold(), label[kv[0][1]].casefold(),
                                    kv[0]))
    return [{"ids": list(pair), "labels": [label[pair[0]], label[pair[1]]], "papers": count}
            for pair, count in ranked[:top]]


def entity_graph(view: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph of the view without digest-day nodes."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(n for n, d in view.nodes(data=True) if d.get("kind") != "day")
    graph.add_edges_from((u, v) for u, v in view.edges() if u in graph and v in graph)
    return graph


def _structure(view: nx.MultiDiGraph, papers_of: dict[str, set[str]], top: int,
               communities: bool) -> Stats:
    graph = entity_graph(view)
    return {"components": _components(graph),
            "communities": _communities(view, graph, papers_of, top) if communities else None}


def _components(graph: nx.Graph) -> Stats:
    sizes = sorted((len(c) for c in nx.connected_components(graph)), reverse=True)
    return {
        "graph": "undirected, without digest days",
        "count": len(sizes),
        "largest": sizes[:SHOWN_GROUPS],
        "isolated": sum(1 for size in sizes if size == 1),
    }


def _communities(view: nx.MultiDiGraph, graph: nx.Graph, papers_of: dict[str, set[str]],
                 top: int) -> Stats:
    groups, modularity = louvain(graph)
    return {
        "method": "louvain",
        "seed": SEED,
        "count": len(groups),
        "modularity": round(modularity, 4),
        "largest": [_describe_group(view, group, papers_of, min(top, 3))
                    for group in groups[:SHOWN_GROUPS]],
    }


def louvain(graph: nx.Graph) -> tuple[list[set[str]], float]:
    """Louvain communities (largest first, ties by smallest id) and their modularity.

    Runs on the leaf-folded graph (see the module docstring); the modularity is
    that of the expanded partition on ``graph``, computed on the folded graph,
    where it is the same number.
    """
    if graph.number_of_edges() == 0:
        return sorted(({n} for n in graph), key=lambda g: min(g)), 0.0
    folded, owner = _fold_leaves(graph)
    found = nx.community.louvain_communities(folded, weight="weight", seed=SEED)
    modularity = nx.community.modularity(folded, found, weight="weight")
    home = {node: i for i, group in enumerate(found) for node in group}
    groups = [set(group) for group in found]
    for leaf, anchor in owner.items():
        groups[home[anchor]].add(leaf)
    groups.sort(key=lambda g: (-len(g), min(g)))
    return groups, modularity


def _fold_leaves(graph: nx.Graph) -> tuple[nx.Graph, dict[str, str]]:
    """Fold each degree-1 node into its neighbour (a self-loop keeps the degree)."""
    owner = {node: next(iter(graph[node])) for node in graph
             if graph.degree(node) == 1 and graph.degree(next(iter(graph[node]))) > 1}
    folded: nx.Graph[str] = nx.Graph()
    folded.add_nodes_from(n for n in graph if n not in owner)
    for u, v in graph.edges():
        if u in owner or v in owner:
            anchor = owner.get(u) or owner[v]
            u = v = anchor
        weight = folded.get_edge_data(u, v, default={}).get("weight", 0)
        folded.add_edge(u, v, weight=weight + 1)
    return folded, owner


def _describe_group(view: nx.MultiDiGraph, group: set[str], papers_of: dict[str, set[str]],
                    top: int) -> Stats:
    """Size, papers, dominant tasks (over the group's papers) and most prolific authors."""
    papers = {n for n in group if _is_paper(view, n)}
    tasks: Counter[str] = Counter()
    for paper in papers:
        tasks.update(view.nodes[t].get("label", t) for _, t, d
                     in view.out_edges(paper, data=True) if d.get("label") == TASK.name)
    authors = [(len(papers_of.get(n, set()) & papers), view.nodes[n].get("label", n), n)
               for n in group if view.nodes[n].get("kind") == "person"]
    authors.sort(key=lambda a: (-a[0], a[1].casefold(), a[2]))
    return {
        "size": len(group),
        "papers": len(papers),
        "tasks": [{"label": label, "papers": count}
                  for label, count in sorted(tasks.items(), key=lambda kv: (-kv[1], kv[0]))[:top]],
        "authors": [{"label": label, "papers": count} for count, label, _ in authors[:top]],
    }


# ---------------------------------------------------------------- text report

_WIDTH = 44


def format_stats(stats: Stats) -> str:
    """An aligned plain-text report of :func:`compute_stats` output."""
    lines = _header(stats)
    lines += _side_by_side(
        _table("Nodes by kind", list(stats["nodes_by_kind"].items())),
        _table("Edges by label", list(stats["edges_by_label"].items())))
    top = stats["top"]
    lines += _side_by_side(
        _table("Top authors (papers)", _rows(top["authors"])),
        _table("Top tasks (papers)", _rows(top["tasks"])))
    lines += _side_by_side(
        _table("Top repositories (papers)", _rows(top["repositories"])),
        _table("Top HF items (papers)", _rows(top["hf_items"], with_kind=True)))
    pairs = [(" & ".join(p["labels"]), p["papers"]) for p in stats["coauthors"]]
    lines += [*_table("Top co-author pairs (shared papers)", pairs, width=2 * _WIDTH), ""]
    lines += _structure_lines(stats)
    return "\n".join(lines).rstrip() + "\n"


def _header(stats: Stats) -> list[str]:
    papers = stats["papers"]
    lines = [f"Graph: {stats['nodes']:,} nodes, {stats['edges']:,} edges"]
    total = papers["total"]
    line = f"Papers: {total:,}"
    if papers["days"]:
        line += (f" on {papers['days']:,} digest days "
                 f"({papers['first_day']} to {papers['last_day']})")
    lines.append(line)
    if total:
        lines.append(f"  with code: {papers['with_code']:,} ({_pct(papers['with_code'], total)}), "
                     f"with HF artefacts: {papers['with_hf']:,} "
                     f"({_pct(papers['with_hf'], total)})")
    return [*lines, ""]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"


def _rows(entries: list[Stats], *, with_kind: bool = False) -> list[tuple[str, int]]:
    """(label, papers); with the kind after a label cut short enough to leave it visible."""
    if not with_kind:
        return [(e["label"], e["papers"]) for e in entries]
    room = _WIDTH - 6  # the table leaves _WIDTH - digits - 4 for the label
    return [(f"{_cut(e['label'], room - len(e['kind']) - 3)} ({e['kind']})", e["papers"])
            for e in entries]


def _table(title: str, rows: list[tuple[str, int]], width: int = _WIDTH) -> list[str]:
    """A title and ``label .... count`` rows, labels cut to fit ``width``."""
    if not rows:
        return [title, "  (none)"]
    digits = max(len(f"{count:,}") for _, count in rows)
    room = width - digits - 4
    return [title] + [f"  {_cut(label, room):<{room}} {count:>{digits},}" for label, count in rows]


def _cut(text: str, room: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[:room - 1] + "…"


def _side_by_side(left: list[str], right: list[str]) -> list[str]:
    height = max(len(left), len(right))
    left = left + [""] * (height - len(left))
    right = right + [""] * (height - len(right))
    return [f"{a:<{_WIDTH}}  {b}".rstrip() for a, b in zip(left, right, strict=True)] + [""]


def _structure_lines(stats: Stats) -> list[str]:
    comp = stats["components"]
    comm = stats["communities"]
    lines = [f"Components ({comp['graph']}): {comp['count']:,}; "
             f"largest {', '.join(f'{s:,}' for s in comp['largest']) or '-'}; "
             f"isolated nodes {comp['isolated']:,}"]
    if comm is None:
        return [*lines, "Communities: not computed"]
    lines.append(f"Communities ({comm['method']}, seed {comm['seed']}): {comm['count']:,}, "
                 f"modularity {comm['modularity']:.3f}")
    for rank, group in enumerate(comm["largest"], start=1):
        tasks = ", ".join(f"{t['label']} ({t['papers']})" for t in group["tasks"]) or "-"
        people = ", ".join(f"{a['label']} ({a['papers']})" for a in group["authors"]) or "-"
        papers = group["papers"]
        lines.append(f"  #{rank} {group['size']:,} nodes, {papers:,} paper{'s' * (papers != 1)}")
        lines.append("     " + _cut(f"tasks: {tasks}", 2 * _WIDTH - 3))
        lines.append("     " + _cut(f"authors: {people}", 2 * _WIDTH - 3))
    return lines
