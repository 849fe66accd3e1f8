"""``kg build``: the graph of a set of digests, written to an output folder."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import (
    output_option,
    print_summary,
    report_notes,
    report_warnings,
    strict_check,
    user_errors,
)
from kg.engine.build import build
from kg.export.formats import FORMATS
from kg.graph import vocab


@click.command("build")
@click.argument("inputs", nargs=-1, required=True)
@output_option
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(sorted(FORMATS)),
              help="Also write this format (repeatable); graph.ttl is always written.")
@click.option("--base", default=vocab.DEFAULT_BASE, show_default=True,
              help="Base IRI under which node IRIs are minted.")
@click.option("--store/--no-store", default=True, show_default=True,
              help="Keep the working store in OUTPUT/store for kg add, query, html, serve.")
@click.option("--html/--no-html", default=True, show_default=True,
              help="Draw OUTPUT/graph.html (the most connected nodes, see kg html).")
@click.option("--people", "people", type=click.Path(dir_okay=False, path_type=Path),
              help="Curation file of identity decisions [default: people.csv in an input "
                   "folder, if any] (see kg people).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if the input had any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build_command(inputs: tuple[str, ...], output_dir: Path, formats: tuple[str, ...],
                  base: str, store: bool, html: bool, people: Path | None, strict: bool,
                  quiet: bool) -> None:
    """Build the graph of INPUT digests (files, directories, globs, or - for stdin).

    Writes OUTPUT/graph.ttl (and any --format) and OUTPUT/graph.html, each file
    atomically, and replaces the working store OUTPUT/store with the new graph.
    """
    with user_errors():
        try:
            result = build(inputs, output_dir, formats=("turtle", *formats), base=base,
                           store=store, html=html, progress=False if quiet else None,
                           people=people)
        except ValueError as exc:  # a bad --base
            raise click.BadParameter(str(exc), param_hint="--base") from None
    report_warnings(result.parsed.diagnostics, output_dir)
    report_notes(result.notes)
    if not quiet:
        print_summary(result, result.written)
    strict_check(result.parsed.diagnostics, strict)
