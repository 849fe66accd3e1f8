"""``kg html`` and ``kg stats``: looking at the graph."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import EXIT_INPUT, EXIT_OUTPUT, fail, graph_option, load_graph, user_errors
from kg.engine.page_job import folder_outline
from kg.view.draw import DEFAULT_MAX_NODES, write_view_html


@click.command("html")
@graph_option
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Page to write [default: graph.html in the graph's folder].")
@click.option("--task", multiple=True, help="Focus on a task (label; repeatable).")
@click.option("--author", multiple=True, help="Focus on a person (name; repeatable).")
@click.option("--paper", multiple=True, help="Focus on a paper (arXiv ID; repeatable).")
@click.option("--depth", type=click.IntRange(min=0), default=None,
              help="Hops around the focused nodes [default: 2 for --author, else 1].")
@click.option("--max-nodes", type=click.IntRange(min=1), default=DEFAULT_MAX_NODES,
              show_default=True, help="Keep at most this many nodes, the most connected.")
@click.option("--types", help="Node kinds to keep, e.g. paper,task,person.")
@click.option("--days", is_flag=True, help="Draw the digest days as nodes too.")
def html_command(graph_location: Path, output: Path | None, task: tuple[str, ...],
                 author: tuple[str, ...], paper: tuple[str, ...], depth: int | None, max_nodes: int,
                 types: str | None, days: bool) -> None:
    """Draw an interactive HTML graph that works offline, whole or focused."""
    from kg.view.focus import FocusError

    graph = load_graph(graph_location)
    if author:
        from kg.people.resolve import linked_names

        also = linked_names(graph, author)
        if also:
            click.echo("also focusing on linked spellings: " + ", ".join(also), err=True)
        author = (*author, *also)
    if output is None:
        folder = graph_location if graph_location.is_dir() else graph_location.parent
        output = folder / "graph.html"
    try:
        with user_errors():
            notes = write_view_html(graph, output, task=task, author=author, paper=paper,
                                    depth=depth, max_nodes=max_nodes, types=types, days=days,
                                    outline=folder_outline(graph_location, graph))
    except FocusError as exc:
        fail(str(exc), EXIT_INPUT)
    for note in notes:
        click.echo(note, err=True)
    click.echo(f"wrote {output}")


@click.command("stats")
@graph_option
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Entries in each top list.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also draw the trend charts (SVG) into this folder.")
@click.option("--resolve-people", is_flag=True,
              help="Count a person once across spellings linked by kg people (auto or "
                   "accepted links), showing the spellings.")
def stats_command(graph_location: Path, as_json: bool, top: int, plot_dir: Path | None,
                  resolve_people: bool) -> None:
    """Counts, top authors/tasks/repositories/HF items, co-authors, components, communities."""
    import json

    from kg.view.projection import project
    from kg.view.stats import compute_stats, format_stats

    graph = load_graph(graph_location)
    view = project(graph)
    people = None
    if resolve_people:
        from kg.people.resolve import format_people, resolve_view

        view, people = resolve_view(view, graph)
    stats = compute_stats(view, top=top)
    if people is not None:
        stats["people"] = people
    click.echo(json.dumps(stats, indent=2, ensure_ascii=False) if as_json
               else format_stats(stats))
    if people is not None and not as_json:
        click.echo(format_people(people, top))
    if plot_dir is not None:
        from kg.view.plots import PlotsUnavailable, write_plots

        try:
            with user_errors():
                for path in write_plots(view, plot_dir):
                    click.echo(f"wrote {path}", err=True)
        except PlotsUnavailable as exc:
            fail(str(exc), EXIT_OUTPUT)

