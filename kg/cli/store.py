"""``kg add``, ``kg status`` and ``kg export``: working with the persistent store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import (
    graph_option,
    load_graph,
    output_option,
    print_summary,
    report_notes,
    report_warnings,
    strict_check,
    user_errors,
)
from kg.engine.add import add_to_output
from kg.engine.outputs import write_outputs
from kg.engine.result import BuildResult
from kg.engine.status import status
from kg.export.formats import FORMATS


@click.command("add")
@click.argument("inputs", nargs=-1, required=True)
@output_option
@click.option("--export/--no-export", default=True, show_default=True,
              help="Rewrite OUTPUT/graph.ttl and graph.html from the store (skip it for speed "
                   "on large stores; kg export and kg html do it later).")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(sorted(FORMATS)),
              help="Also write this format when exporting (repeatable).")
@click.option("--people", "people", type=click.Path(dir_okay=False, path_type=Path),
              help="Curation file of identity decisions [default: people.csv in an input "
                   "folder, else the one the store was built with] (see kg people).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if the input had any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def add_command(inputs: tuple[str, ...], output_dir: Path, export: bool,
                formats: tuple[str, ...], people: Path | None, strict: bool,
                quiet: bool) -> None:
    """Add new or corrected digests to the working store in OUTPUT/store.

    Files already ingested with the same bytes are skipped unread; a file whose
    bytes changed replaces what it said before. Same result as a full kg build.
    Then graph.ttl (and any --format) and graph.html are written from the store.
    """
    with user_errors():
        result = add_to_output(inputs, output_dir, export=export, formats=("turtle", *formats),
                               progress=None if not quiet else False, people=people)
    report_warnings(result.parsed.diagnostics, output_dir)
    report_notes(result.notes)
    if not quiet:
        for change in result.files:
            click.echo(change.describe())
        click.echo(f"added {len(result.added)}, replaced {len(result.changed)}, "
                   f"moved {len(result.moved)}, unchanged {len(result.unchanged)} file(s)")
        with user_errors():
            graph = load_graph(output_dir)
            print_summary(BuildResult(graph, result.parsed), result.written, title="store")
    strict_check(result.parsed.diagnostics, strict)


@click.command("status")
@graph_option
def status_command(graph_location: Path) -> None:
    """What the graph holds: each source file and its days, and totals."""
    graph = load_graph(graph_location)
    report = status(graph)
    click.echo(f"graph: {graph_location} (base {graph.base})")
    width = max((len(source.name) for source in report.sources), default=4)
    for source in report.sources:
        days = source.days
        span = days[0] if len(days) == 1 else f"{days[0]} .. {days[-1]} ({len(days)} days)"
        click.echo(f"  {source.name:<{width}}  sha256:{source.sha256[:12]}  {span}")
    click.echo(f"{len(report.sources)} file(s), {len(report.days)} day(s)"
               + (f", {report.days[0]} to {report.days[-1]}" if report.days else ""))
    counts = report.counts
    click.echo("  " + ", ".join(f"{counts[key]:,} {label}" for key, label in (
        ("papers", "papers"), ("authors", "authors"), ("tasks", "tasks"),
        ("repositories", "repositories"), ("hf_items", "HF items"), ("triples", "triples"))))


NETWORK_FORMATS = ("gexf", "graphml")


def _beside(location: Path) -> Path:
    """The folder a graph lives in: an output folder itself, else the parent of the
    file or of the bare store folder."""
    if location.is_file() or (location / "CURRENT").is_file():
        return location.parent
    return location


@click.command("export")
@graph_option
@output_option
@click.option("-f", "--format", "formats", multiple=True, required=True,
              type=click.Choice([*sorted(FORMATS), *NETWORK_FORMATS]),
              help="Format to write (repeatable): RDF (turtle, nt, jsonld, trig, nq; owl is "
                   "the OWL 2 DL form for reasoners and Protégé), or the "
                   "entity network for Gephi (gexf) and Cytoscape or yEd (graphml).")
@click.option("--days", is_flag=True, help="Network formats: include digest days as nodes.")
@click.pass_context
def export_command(ctx: click.Context, graph_location: Path, output_dir: Path,
                   formats: tuple[str, ...], days: bool) -> None:
    """Write the graph in other formats (from the working store by default).

    Files go beside the graph read (its output folder, or the folder of a graph
    file) unless -o says where.
    """
    graph = load_graph(graph_location)
    if ctx.get_parameter_source("output_dir") is click.core.ParameterSource.DEFAULT:
        output_dir = _beside(graph_location)
    rdf = [f for f in formats if f in FORMATS]
    network = [f for f in dict.fromkeys(formats) if f in NETWORK_FORMATS]
    with user_errors():
        written = write_outputs(graph, output_dir, rdf)
        if network:
            from kg.export.network import write_network
            from kg.view.projection import project

            view = project(graph, days=days)
            for fmt in network:
                written.append(write_network(view, output_dir / f"graph.{fmt}", fmt))
    for path in written:
        click.echo(f"wrote {path}")

