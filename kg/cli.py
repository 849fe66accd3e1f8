"""The ``kg`` command line: a thin layer over the library API.

Exit codes: 0 success; 1 warnings under ``--strict``; 2 usage error; 3 an input
cannot be found or read (a digest, a graph, a query file); 4 an output cannot be
written; 5 a query or server request failed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from kg import vocab
from kg.atomic import write_atomic
from kg.build import FORMATS, BuildResult
from kg.parse import ParseResult
from kg.sources import InputError
from kg.store import GraphStore, StoreError
from kg.streambuild import build_to_files
from kg.workspace import Workspace, open_graph

EXIT_WARNINGS = 1
EXIT_INPUT = 3
EXIT_OUTPUT = 4
EXIT_QUERY = 5
SHOWN_WARNINGS = 50
DEFAULT_OUTPUT = Path("output")


def fail(message: str, code: int) -> NoReturn:
    """Print a one-line error (no traceback) and exit with ``code``."""
    click.echo(f"kg: error: {message}", err=True)
    sys.exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors users cause into messages and exit codes."""
    try:
        yield
    except (InputError, StoreError) as exc:
        fail(str(exc), EXIT_INPUT)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        fail(f"cannot write{where}: {exc.strerror or exc}", EXIT_OUTPUT)


def output_option(function: Callable) -> Callable:
    return click.option(
        "-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_OUTPUT, show_default=True,
        help="Output folder: exports, warnings.log and the working store.")(function)


def graph_option(function: Callable) -> Callable:
    return click.option(
        "-g", "--graph", "graph_location", type=click.Path(path_type=Path),
        default=DEFAULT_OUTPUT, show_default=True,
        help="Graph to read: an output folder (its store/ or graph.ttl), a store "
             "folder, or a Turtle/N-Triples/TriG/N-Quads file.")(function)


def load_graph(location: Path) -> GraphStore:
    with user_errors():
        return open_graph(location)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paperkg", prog_name="kg")
def main() -> None:
    """Build knowledge graphs from daily ML-paper digests."""


@main.command("build")
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
@click.option("--strict", is_flag=True, help="Exit with status 1 if the input had any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build_command(inputs: tuple[str, ...], output_dir: Path, formats: tuple[str, ...],
                  base: str, store: bool, html: bool, strict: bool, quiet: bool) -> None:
    """Build the graph of INPUT digests (files, directories, globs, or - for stdin).

    Writes OUTPUT/graph.ttl (and any --format) and OUTPUT/graph.html, each file
    atomically, and replaces the working store OUTPUT/store with the new graph.
    """
    with user_errors():
        try:
            streamed = build_to_files(inputs, output_dir, ("turtle", *formats), base=base,
                                      store=store, html=html,
                                      progress=False if quiet else None)
        except ValueError as exc:  # a bad --base
            raise click.BadParameter(str(exc), param_hint="--base") from None
        result = BuildResult(streamed.store, streamed.parsed, streamed.description, base)
        report_warnings(result.parsed, output_dir)
        written = streamed.written
        if html and streamed.store is not None:
            from kg.cli_view import draw_page

            written.append(draw_page(streamed.store, output_dir))
        if store:
            written.append(Workspace(output_dir).store_path)
    if not quiet:
        print_summary(result, written)
    if strict and result.parsed.diagnostics:
        fail(f"{len(result.parsed.diagnostics)} warning(s) and --strict is set", EXIT_WARNINGS)


def report_warnings(parsed: ParseResult, output_dir: Path) -> None:
    """Print the first warnings; all of them go to OUTPUT/warnings.log."""
    diagnostics = parsed.diagnostics
    for diagnostic in diagnostics[:SHOWN_WARNINGS]:
        click.echo(str(diagnostic), err=True)
    log = output_dir / "warnings.log"
    if len(diagnostics) > SHOWN_WARNINGS:
        click.echo(f"... {len(diagnostics) - SHOWN_WARNINGS} more warning(s); all are in {log}",
                   err=True)
    if diagnostics:
        write_atomic(log, "".join(f"{d}\n" for d in diagnostics))
    elif log.exists():
        log.unlink()


SUMMARY_LABELS = [("files", "files"), ("days", "days"), ("rows", "rows"), ("papers", "papers"),
                  ("authors", "authors"), ("tasks", "tasks"), ("repositories", "repositories"),
                  ("hf_items", "HF items"), ("accounts", "accounts"), ("pages", "web pages"),
                  ("triples", "triples"), ("warnings", "warnings")]


def print_summary(result: BuildResult, written: list[Path], title: str = "build") -> None:
    counts = result.summary()
    width = max(len(label) for _, label in SUMMARY_LABELS)
    click.echo(f"paperkg {title} summary")
    for key, label in SUMMARY_LABELS:
        click.echo(f"  {label:<{width}}  {counts[key]:>8,}")
    for path in written:
        click.echo(f"  wrote {path}")


def _register() -> None:
    from kg import cli_sparql, cli_store, cli_view

    for module in (cli_store, cli_sparql, cli_view):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
