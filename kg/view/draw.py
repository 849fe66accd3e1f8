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
    from kg.view.focus import focus
    from kg.view.page import write_html
    from kg.view.projection import project

    result = focus(project(graph, days=days), task=task or None, author=author or None,
                   paper=paper or None, depth=depth, max_nodes=max_nodes, types=types)
    write_html(result.graph, path, title=title)
    return result.notes
