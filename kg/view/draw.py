"""A page of the graph: project, focus and draw it, as ``kg html`` and every build do.

The default page (no focus) of a big graph is the task overview, which shows a few
hundred nodes; projecting all of a 100k-paper store for it took 88 s and ~1 GB. So
that page reads only what it shows: the outline of node kinds and entity edges (to
count the nodes, rank papers by degree and group them by task; :mod:`kg.view.outline`,
which an output folder keeps and each add moves by its change), then the attributes
of the tasks and of the papers it keeps. The picture is the same as
``overview(project(graph))`` (tests/test_draw_fast.py checks it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.graph.facts import UnionFacts
from kg.graph.store import GraphStore
from kg.view.outline import Outline, outline_of

if TYPE_CHECKING:  # networkx costs every command ~0.15 s to import; only drawing needs it
    import networkx as nx

#: Node budget of a page: the one-year graph (~15k nodes) still draws in seconds.
DEFAULT_MAX_NODES = 15_000


def write_view_html(graph: GraphStore, path: Path, *, task: tuple[str, ...] = (),
                    author: tuple[str, ...] = (), paper: tuple[str, ...] = (),
                    depth: int | None = None,
                    max_nodes: int | None = DEFAULT_MAX_NODES, types: str | None = None,
                    days: bool = False, title: str = "paperkg",
                    facts: UnionFacts | None = None, outline: Outline | None = None
                    ) -> list[str]:
    """Project, focus and draw the graph into ``path``; returns the focus notes.

    ``outline`` (:mod:`kg.view.outline`) or ``facts``, the union lines a build or add
    streamed (:mod:`kg.graph.facts`), spare the default page its reading of every
    node's kind and edge from the store.
    """
    from kg.view.focus import OVERVIEW_MIN_NODES, focus, overview
    from kg.view.page import write_html
    from kg.view.projection import project

    unfocused = not (task or author or paper or types)
    if unfocused and not days:
        page = default_overview(graph, facts=facts, outline=outline)
        if page is not None:
            view, size = page
            write_html(view, path, title=title)
            return [_overview_note(size)]
    view = project(graph, days=days)
    if unfocused and len(view) > OVERVIEW_MIN_NODES:
        write_html(overview(view), path, title=title)
        return [_overview_note(len(view))]
    result = focus(view, task=task or None, author=author or None,
                   paper=paper or None, depth=depth, max_nodes=max_nodes, types=types)
    write_html(result.graph, path, title=title)
    return result.notes


def default_overview(graph: GraphStore, *, min_nodes: int | None = None,
                     facts: UnionFacts | None = None, outline: Outline | None = None
                     ) -> tuple[nx.MultiDiGraph, int] | None:
    """``(overview(project(graph)), node count)`` without projecting the whole graph,
    or None when the graph is small enough (at most ``min_nodes``, by default
    OVERVIEW_MIN_NODES) to draw whole. Kinds and edges come from ``outline`` (what an
    add kept and moved by its change, :mod:`kg.view.outline`), else from ``facts`` when
    they hold the whole union, else from the store. The papers' cards the outline
    kept are reused; it keeps those of this overview."""
    from kg.view import projection as p
    from kg.view.focus import OVERVIEW_MIN_NODES, overview_of
    from kg.view.ranking import OVERVIEW_PAPERS

    limit = OVERVIEW_MIN_NODES if min_nodes is None else min_nodes
    outline = outline or outline_of(graph.store, facts)
    size = len(outline.kinds)
    if size <= limit:
        return None
    ranked = outline.ranking(OVERVIEW_PAPERS)
    kinds = {**{paper: "paper" for papers in ranked.best.values() for paper in papers},
             **dict.fromkeys(ranked.counts, "task")}
    tasks = p.node_attributes(graph, kinds, list(ranked.counts), facts=facts)
    view = overview_of(tasks, ranked, lambda nodes: outline.cards(
        nodes, lambda missing: p.node_attributes(graph, kinds, missing, facts=facts)))
    return view, size


def _overview_note(size: int) -> str:
    return (f"graph.html opens on an overview of the {size} nodes: tasks sized by "
            "papers, a click shows a task's best-connected papers; use --task, --author "
            "or --paper for a focused view")
