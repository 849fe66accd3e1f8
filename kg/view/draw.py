"""A page of the graph: project, focus and draw it, as ``kg html`` and every build do."""

from __future__ import annotations

from pathlib import Path

from kg.graph.store import GraphStore

#: Node budget of a page: the one-year graph (~15k nodes) still draws in seconds.
DEFAULT_MAX_NODES = 15_000


def write_view_html(graph: GraphStore, path: Path, *, task: tuple[str, ...] = (),
                    author: tuple[str, ...] = (), paper: tuple[str, ...] = (),
                    depth: int | None = None,
                    max_nodes: int | None = DEFAULT_MAX_NODES, types: str | None = None,
                    days: bool = False, title: str = "paperkg") -> list[str]:
    """Project, focus and draw the graph into ``path``; returns the focus notes."""
    from kg.view.focus import OVERVIEW_MIN_NODES, focus, overview
    from kg.view.page import write_html
    from kg.view.projection import project

    view = project(graph, days=days)
    if not (task or author or paper or types) and len(view) > OVERVIEW_MIN_NODES:
        write_html(overview(view), path, title=title)
        return [f"graph.html opens on an overview of the {len(view)} nodes: tasks sized by "
                "papers, a click shows a task's best-connected papers; use --task, --author "
                "or --paper for a focused view"]
    result = focus(view, task=task or None, author=author or None,
                   paper=paper or None, depth=depth, max_nodes=max_nodes, types=types)
    write_html(result.graph, path, title=title)
    return result.notes
