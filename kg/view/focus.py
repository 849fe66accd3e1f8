"""Focused views of the projected graph: a neighbourhood, some node kinds, a size cap.

A year of digests projects to ~15k nodes, more than a browser can lay out or a
reader can take in. :func:`focus` cuts the view down in three optional steps, in
this order, and says in plain language what each step dropped, so a smaller
picture is never mistaken for the whole graph:

1. **seeds** (``task``, ``author``, ``paper``): keep the nodes within ``depth``
   hops of them, ignoring edge direction (a paper's authors and its tasks are
   both "next to" it). Several seeds combine as a union.
2. **types**: keep only some node kinds (the seeds always stay: a focus without
   its centre is confusing).
3. **max_nodes**: keep the most connected nodes, by degree in the *whole* view
   (so the ranking does not depend on what the earlier steps cut), ties broken
   by node id; the seeds always stay.

The result is deterministic: nodes and edges keep the view's order.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.graph.kinds import BY_NAME, NAMES, TASK, plural
from kg.view.ranking import OVERVIEW_PAPERS, Ranking, ranking

#: Every node kind a view can hold, for ``types`` validation and messages.
NODE_KINDS = NAMES
_SINGULAR = {kind.plural: name for name, kind in BY_NAME.items()}
_ARXIV_PREFIX = re.compile(r"^(?:arxiv:|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/)", re.I)
_VERSION = re.compile(r"v\d+$", re.I)
_SHOWN_MATCHES = 5
_ROLE = {"person": "author"}


class FocusError(ValueError):
    """A focus request that names no node, or an unknown node kind."""


@dataclass(frozen=True)
class FocusResult:
    """The focused graph, its seed node ids, and notes on what was left out."""

    graph: nx.MultiDiGraph
    notes: list[str] = field(default_factory=list)
    seeds: tuple[str, ...] = ()


Names = str | Iterable[str] | None


def focus(view: nx.MultiDiGraph, *, task: Names = None, author: Names = None,
          paper: Names = None, depth: int | None = None, max_nodes: int | None = None,
          types: str | Iterable[str] | None = None) -> FocusResult:
    """Cut ``view`` down to a neighbourhood, some kinds and at most ``max_nodes`` nodes.

    ``task``/``author`` match labels case-insensitively, exactly if any label
    matches exactly, else every label containing the text; ``paper`` is an arXiv
    ID (``arXiv:`` prefix, abs/pdf URL and version suffix allowed). Each may be
    one string or several. Raises :class:`FocusError` for a name that matches
    nothing (suggesting close matches), an unknown kind, or a bad number.
    ``depth=None`` is 2 hops around authors (their papers, then co-authors, tasks
    and code: the context a person is looked up for) and 1 hop otherwise.
    """
    if depth is None:
        depth = 2 if author else 1
    if depth < 0:
        raise FocusError(f"depth must be 0 or more, not {depth}")
    if max_nodes is not None and max_nodes < 1:
        raise FocusError(f"max-nodes must be 1 or more, not {max_nodes}")
    kinds = parse_types(types)
    notes: list[str] = []
    seeds = _find_seeds(view, _as_list(task), _as_list(author), _as_list(paper), notes)
    keep = set(view)
    if seeds:
        keep = _neighbourhood(view, seeds, depth)
        notes.append(_hood_note(view, seeds, depth, keep))
    if kinds is not None:
        keep = _keep_kinds(view, keep, kinds, seeds, notes)
    if max_nodes is not None and len(keep) > max_nodes:
        keep = _most_connected(view, keep, max_nodes, seeds, notes)
    return FocusResult(_induced(view, keep), notes, tuple(seeds))


def parse_types(types: str | Iterable[str] | None) -> frozenset[str] | None:
    """``"paper,task"`` (or a list; plurals allowed) as a set of kinds; None = all kinds."""
    if types is None:
        return None
    parts = types.split(",") if isinstance(types, str) else list(types)
    kinds: set[str] = set()
    for part in (p.strip().lower() for p in parts):
        if not part:
            continue
        kind = _SINGULAR.get(part, part)
        if kind not in NODE_KINDS:
            hint = difflib.get_close_matches(kind, NODE_KINDS, n=1)
            maybe = f" (did you mean {hint[0]}?)" if hint else ""
            raise FocusError(f"unknown node type {part!r}{maybe}; "
                             f"valid types: {', '.join(NODE_KINDS)}")
        kinds.add(kind)
    if not kinds:
        raise FocusError(f"no node type given; valid types: {', '.join(NODE_KINDS)}")
    return frozenset(kinds)


def normalise_arxiv(text: str) -> str:
    """``arXiv:2502.19587v2`` or an arXiv URL -> ``2502.19587`` (lower case)."""
    ident = _ARXIV_PREFIX.sub("", text.strip()).removesuffix(".pdf").strip("/")
    return _VERSION.sub("", ident).lower()


def _as_list(names: Names) -> list[str]:
    if names is None:
        return []
    return [names] if isinstance(names, str) else list(names)


def _find_seeds(view: nx.MultiDiGraph, tasks: list[str], authors: list[str],
                papers: list[str], notes: list[str]) -> list[str]:
    """Seed node ids in request order (deduplicated); all misses in one error."""
    seeds: list[str] = []
    errors: list[str] = []
    for kind, names in (("task", tasks), ("person", authors)):
        labels = _labels_of(view, kind)
        for name in names:
            found = _match_label(labels, name, kind, notes)
            if found:
                seeds.extend(found)
            else:
                errors.append(_miss(kind, name, [label for label, _ in labels]))
    if papers:
        ids = {normalise_arxiv(d.get("arxiv", "")): n for n, d in view.nodes(data=True)
               if d.get("kind") == "paper"}
        for name in papers:
            node = ids.get(normalise_arxiv(name))
            if node is None:
                errors.append(_miss("paper", name, sorted(ids), key=normalise_arxiv(name)))
            else:
                seeds.append(node)
    if errors:
        raise FocusError("; ".join(errors))
    return list(dict.fromkeys(seeds))


def _labels_of(view: nx.MultiDiGraph, kind: str) -> list[tuple[str, str]]:
    """(label, node id) of every node of ``kind``, sorted for deterministic matching."""
    return sorted((d.get("label", n), n) for n, d in view.nodes(data=True)
                  if d.get("kind") == kind)


def _match_label(labels: list[tuple[str, str]], name: str, kind: str,
                 notes: list[str]) -> list[str]:
    """Exact case-insensitive matches, else substring matches (with a note)."""
    wanted = name.strip().casefold()
    exact = [node for label, node in labels if label.casefold() == wanted]
    if exact or not wanted:
        return exact
    partial = [(label, node) for label, node in labels if wanted in label.casefold()]
    if partial:
        notes.append(_partial_note(kind, name, [label for label, _ in partial]))
    return [node for _, node in partial]


def _partial_note(kind: str, name: str, matched: list[str]) -> str:
    shown = ", ".join(matched[:_SHOWN_MATCHES])
    more = f" and {len(matched) - _SHOWN_MATCHES:,} more" if len(matched) > _SHOWN_MATCHES else ""
    noun = plural(kind, len(matched))
    return (f"no {_ROLE.get(kind, kind)} is called exactly {name!r}; "
            f"using the {len(matched):,} {noun} "
            f"whose name contains it: {shown}{more}")


def _miss(kind: str, name: str, candidates: list[str], key: str | None = None) -> str:
    """'no task matches ...; did you mean ...' with difflib suggestions."""
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(candidate.casefold(), candidate)
    close = difflib.get_close_matches((key or name).strip().casefold(), list(by_fold), n=5)
    what = "arXiv ID" if kind == "paper" else ("author" if kind == "person" else kind)
    message = f"no {what} matches {name!r}"
    if close:
        return f"{message}; did you mean: {', '.join(by_fold[c] for c in close)}?"
    return f"{message} ({len(candidates):,} {plural(kind)} in the graph)"


def _neighbourhood(view: nx.MultiDiGraph, seeds: list[str], depth: int) -> set[str]:
    """Nodes within ``depth`` hops of any seed, edges followed both ways (BFS)."""
    seen = set(seeds)
    frontier = deque((seed, 0) for seed in seeds)
    while frontier:
        node, hops = frontier.popleft()
        if hops == depth:
            continue
        for other in (*view.succ[node], *view.pred[node]):
            if other not in seen:
                seen.add(other)
                frontier.append((other, hops + 1))
    return seen


def _keep_kinds(view: nx.MultiDiGraph, keep: set[str], kinds: frozenset[str],
                seeds: list[str], notes: list[str]) -> set[str]:
    seed_set = set(seeds)
    kept = {n for n in keep if view.nodes[n].get("kind") in kinds or n in seed_set}
    dropped = _count_kinds(view, keep - kept)
    if dropped:
        names = _and([plural(k) for k in sorted(kinds)])
        notes.append(f"kept only {names} (--types): dropped {dropped}")
    extra = [n for n in seeds if view.nodes[n].get("kind") not in kinds]
    if extra:
        notes.append(f"also kept {_describe_seeds(view, extra)}, the focus, "
                     "although --types leaves out its type")
    return kept


def _most_connected(view: nx.MultiDiGraph, keep: set[str], max_nodes: int,
                    seeds: list[str], notes: list[str]) -> set[str]:
    """The seeds plus the highest-degree others (degree in the whole view), up to the cap."""
    degree = view.degree
    seed_set = set(seeds)
    others = sorted((n for n in keep if n not in seed_set), key=lambda n: (-degree[n], n))
    room = max(max_nodes - len(seeds), 0)
    kept = seed_set | set(others[:room])
    dropped = _count_kinds(view, keep - kept)
    how = "focus with --task/--author/--paper or raise --max-nodes"
    if seeds:
        how = "lower --depth, narrow --types or raise --max-nodes"
    notes.append(f"kept the {len(kept):,} most connected of {len(keep):,} nodes; "
                 f"dropped {dropped}; {how}")
    if len(seeds) > max_nodes:
        notes.append(f"kept all {len(seeds):,} focus nodes although --max-nodes is {max_nodes:,}")
    return kept


def _hood_note(view: nx.MultiDiGraph, seeds: list[str], depth: int, keep: set[str]) -> str:
    centre = _describe_seeds(view, seeds)
    hops = "hop" if depth == 1 else "hops"
    note = f"focused on {centre}: {len(keep):,} of {len(view):,} nodes within {depth} {hops}"
    rest = set(view) - keep
    if rest:
        note += (f"; left out {len(rest):,} nodes farther away ({_count_kinds(view, rest)}); "
                 "raise --depth to widen")
    return note


def _describe_seeds(view: nx.MultiDiGraph, seeds: list[str]) -> str:
    if len(seeds) > 3:
        return _count_kinds(view, set(seeds))
    return " and ".join(f"{_ROLE.get(kind := view.nodes[s].get('kind', 'node'), kind)} "
                        f"{view.nodes[s].get('label', s)!r}" for s in seeds)


def _count_kinds(view: nx.MultiDiGraph, nodes: set[str], most: int = 4) -> str:
    """'12,000 people and 1,523 papers' (most numerous first, at most ``most`` kinds named)."""
    counts = Counter(view.nodes[n].get("kind", "node") for n in nodes)
    ranked = sorted(counts.items(), key=lambda kc: (-kc[1], kc[0]))
    parts = [_many(count, kind) for kind, count in ranked[:most]]
    rest = sum(count for _, count in ranked[most:])
    if rest:
        parts.append(f"{rest:,} other node{'s' if rest != 1 else ''}")
    return _and(parts)


def _and(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _many(count: int, kind: str) -> str:
    """'1 paper', '3 people'."""
    return f"{count:,} {plural(kind, count)}"


def _induced(view: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """The subgraph on ``keep``, nodes and edges in the view's order, attributes copied."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.graph.update(view.graph)
    graph.add_nodes_from((n, dict(d)) for n, d in view.nodes(data=True) if n in keep)
    for u, v, k, d in view.edges(keys=True, data=True):
        if u in keep and v in keep:
            graph.add_edge(u, v, key=k, **d)
    return graph


#: Above this many nodes an unfocused page opens on the task overview.
OVERVIEW_MIN_NODES = 3_000
_OVERVIEW_LINKS = 3


def overview(view: nx.MultiDiGraph, papers_per_task: int = OVERVIEW_PAPERS,
             links_per_task: int = _OVERVIEW_LINKS) -> nx.MultiDiGraph:
    """A readable first view of a big graph: tasks sized by their papers, joined to the
    tasks they co-occur with most, each holding its best-connected papers as hidden
    children that a click on the task shows in place (``parent`` attribute)."""
    papers_of: dict[str, list[str]] = {}
    for node, attrs in view.nodes(data=True):
        if attrs.get("kind") == "task":
            papers_of[node] = [p for p in view.predecessors(node)
                               if view.nodes[p].get("kind") == "paper"]
    degree = {p: int(view.degree(p)) for papers in papers_of.values() for p in papers}
    return overview_of({task: view.nodes[task] for task in papers_of},
                       ranking(papers_of, degree, papers_per_task),
                       lambda nodes: {node: view.nodes[node] for node in nodes},
                       papers_per_task, links_per_task)


def overview_of(tasks: dict[str, dict[str, Any]], ranked: Ranking,
                attributes: Callable[[list[str]], dict[str, dict[str, Any]]],
                papers_per_task: int = OVERVIEW_PAPERS,
                links_per_task: int = _OVERVIEW_LINKS) -> nx.MultiDiGraph:
    """The :func:`overview` of a graph given only what it shows, so a page can build it
    without projecting the whole graph: ``tasks`` (id -> attributes, in view order),
    their :func:`ranking`, and ``attributes``, which returns the view attributes of
    the papers the overview keeps (asked for once)."""
    attrs_of = attributes(sorted({p for papers in ranked.best.values() for p in papers}))
    result: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for task, count in ranked.counts.items():
        attrs = tasks[task]
        label = str(attrs.get("label") or task)
        result.add_node(task, kind="task", label=f"{label} ({count})",
                        card=f"Task: {label}\n{_many(count, 'paper')}; click to show "
                        f"the {min(count, papers_per_task)} best connected here",
                        url=attrs.get("url", ""), weight=count, name=label)
        for paper in ranked.best[task]:
            if paper not in result:
                result.add_node(paper, **attrs_of[paper], parent=task)
            result.add_edge(paper, task, key=TASK.name, label=TASK.name)
    strongest: dict[str, list[tuple[int, str, str]]] = {}
    for (first, second), count in ranked.shared.items():
        for task in (first, second):
            strongest.setdefault(task, []).append((-count, first, second))
    for task in sorted(strongest):
        for negative, first, second in sorted(strongest[task])[:links_per_task]:
            if not result.has_edge(first, second, key="co-occurs"):
                result.add_edge(first, second, key="co-occurs",
                                label=f"co-occur in {-negative} papers")
    return result
