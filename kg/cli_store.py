"""``kg add``, ``kg status`` and ``kg export``: working with the persistent store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.build import FORMATS, BuildResult, add, write_outputs
from kg.cli import (
    EXIT_WARNINGS,
    fail,
    graph_option,
    load_graph,
    output_option,
    print_summary,
    report_warnings,
    user_errors,
)
from kg.workspace import Workspace


@click.command("add")
@click.argument("inputs", nargs=-1, required=True)
@output_option
@click.option("--export/--no-export", default=True, show_default=True,
              help="Rewrite OUTPUT/graph.ttl and graph.html from the store (skip it for speed "
                   "on large stores; kg export and kg html do it later).")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(sorted(FORMATS)),
              help="Also write this format when exporting (repeatable).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if the input had any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def add_command(inputs: tuple[str, ...], output_dir: Path, export: bool,
                formats: tuple[str, ...], strict: bool, quiet: bool) -> None:
    """Add new or corrected digests to the working store in OUTPUT/store.

    Files already ingested with the same bytes are skipped unread; a file whose
    bytes changed replaces what it said before. Same result as a full kg build.
    Then graph.ttl (and any --format) and graph.html are written from the store.
    """
    with user_errors():
        graph = Workspace(output_dir).open()
        result = add(inputs, graph, progress=None if not quiet else False)
        report_warnings(result.parsed, output_dir)
        written: list[Path] = []
        if export:  # even when nothing changed: an earlier add may have died before exporting
            from kg.cli_view import draw_page

            written = write_outputs(graph, output_dir, ("turtle", *formats))
            written.append(draw_page(graph, output_dir))
        graph.close()
    if not quiet:
        click.echo(f"added {len(result.added)}, replaced {len(result.changed)}, "
                   f"unchanged {len(result.unchanged)} file(s)")
        print_summary(BuildResult(graph, result.parsed), written, title="store")
    if strict and result.parsed.diagnostics:
        fail(f"{len(result.parsed.diagnostics)} warning(s) and --strict is set", EXIT_WARNINGS)


@click.command("status")
@graph_option
def status_command(graph_location: Path) -> None:
    """What the graph holds: each source file and its days, and totals."""
    graph = load_graph(graph_location)
    manifest = graph.manifest()
    by_file: dict[str, list[str]] = {}
    hashes: dict[str, str] = {}
    for item in manifest:
        by_file.setdefault(item.source, []).append(item.day)
        hashes[item.source] = item.sha256
    click.echo(f"graph: {graph_location} (base {graph.base})")
    width = max((len(name) for name in by_file), default=4)
    for name in sorted(by_file):
        days = sorted(by_file[name])
        span = days[0] if len(days) == 1 else f"{days[0]} .. {days[-1]} ({len(days)} days)"
        click.echo(f"  {name:<{width}}  sha256:{hashes[name][:12]}  {span}")
    all_days = sorted({item.day for item in manifest})
    click.echo(f"{len(by_file)} file(s), {len(all_days)} day(s)"
               + (f", {all_days[0]} to {all_days[-1]}" if all_days else ""))
    result = BuildResult(graph, parsed=_no_parse())
    counts = result.summary()
    click.echo("  " + ", ".join(f"{counts[key]:,} {label}" for key, label in (
        ("papers", "papers"), ("authors", "authors"), ("tasks", "tasks"),
        ("repositories", "repositories"), ("hf_items", "HF items"), ("triples", "triples"))))


def _no_parse():
    from kg.parse import ParseResult

    return ParseResult()


NETWORK_FORMATS = ("gexf", "graphml")


@click.command("export")
@graph_option
@output_option
@click.option("-f", "--format", "formats", multiple=True, required=True,
              type=click.Choice([*sorted(FORMATS), *NETWORK_FORMATS]),
              help="Format to write (repeatable): RDF (turtle, nt, jsonld, trig, nq), or the "
                   "entity network for Gephi (gexf) and Cytoscape or yEd (graphml).")
@click.option("--days", is_flag=True, help="Network formats: include digest days as nodes.")
def export_command(graph_location: Path, output_dir: Path, formats: tuple[str, ...],
                   days: bool) -> None:
    """Write the graph in other formats (from the working store by default)."""
    graph = load_graph(graph_location)
    rdf = [f for f in formats if f in FORMATS]
    network = [f for f in dict.fromkeys(formats) if f in NETWORK_FORMATS]
    with user_errors():
        written = write_outputs(graph, output_dir, rdf)
        if network:
            from kg.netexport import write_network
            from kg.view import project

            view = project(graph, days=days)
            for fmt in network:
                written.append(write_network(view, output_dir / f"graph.{fmt}", fmt))
    for path in written:
        click.echo(f"wrote {path}")


COMMANDS = [add_command, status_command, export_command]
