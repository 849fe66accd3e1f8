"""The ``kg`` command line: a thin layer over the library API.

Exit codes: 0 success; 1 warnings under ``--strict``; 2 usage error; 3 an input
cannot be found or read; 4 an output cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import vocab
from kg.build import FORMATS, BuildResult, build, write_outputs
from kg.sources import InputError

EXIT_WARNINGS = 1
EXIT_INPUT = 3
EXIT_OUTPUT = 4
SHOWN_WARNINGS = 50
DEFAULT_OUTPUT = Path("output")


def _fail(message: str, code: int) -> None:
    click.echo(f"kg: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paperkg", prog_name="kg")
def main() -> None:
    """Build knowledge graphs from daily ML-paper digests."""


@main.command("build")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_OUTPUT, show_default=True, help="Directory for the output files.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(sorted(FORMATS)),
              help="Also write this format (repeatable); graph.ttl is always written.")
@click.option("--base", default=vocab.DEFAULT_BASE, show_default=True,
              help="Base IRI under which node IRIs are minted.")
@click.option("--strict", is_flag=True, help="Exit with status 1 if the input had any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build_command(inputs: tuple[str, ...], output_dir: Path, formats: tuple[str, ...],
                  base: str, strict: bool, quiet: bool) -> None:
    """Build the graph of INPUT digests (files, directories, globs, or - for stdin).

    Writes OUTPUT/graph.ttl (and any --format), each file atomically.
    """
    try:
        result = build(inputs, base=base)
    except InputError as exc:
        _fail(f"{exc}", EXIT_INPUT)
    except ValueError as exc:  # a bad --base
        raise click.BadParameter(str(exc), param_hint="--base") from None
    _report_warnings(result, output_dir)
    try:
        written = write_outputs(result.store, output_dir, ("turtle", *formats))
    except OSError as exc:
        _fail(f"cannot write to {output_dir}: {exc.strerror or exc}", EXIT_OUTPUT)
    if not quiet:
        _print_summary(result, written)
    if strict and result.parsed.diagnostics:
        _fail(f"{len(result.parsed.diagnostics)} warning(s) and --strict is set", EXIT_WARNINGS)


def _report_warnings(result: BuildResult, output_dir: Path) -> None:
    """Print the first warnings; all of them go to OUTPUT/warnings.log."""
    diagnostics = result.parsed.diagnostics
    for diagnostic in diagnostics[:SHOWN_WARNINGS]:
        click.echo(str(diagnostic), err=True)
    log = output_dir / "warnings.log"
    if len(diagnostics) > SHOWN_WARNINGS:
        click.echo(f"... {len(diagnostics) - SHOWN_WARNINGS} more warning(s); all are in {log}",
                   err=True)
    if diagnostics:
        from kg.atomic import write_atomic

        try:
            write_atomic(log, "".join(f"{d}\n" for d in diagnostics))
        except OSError as exc:
            _fail(f"cannot write {log}: {exc.strerror or exc}", EXIT_OUTPUT)
    elif log.exists():
        log.unlink()


def _print_summary(result: BuildResult, written: list[Path]) -> None:
    counts = result.summary()
    labels = [("files", "files"), ("days", "days"), ("rows", "rows"), ("papers", "papers"),
              ("authors", "authors"), ("tasks", "tasks"), ("repositories", "repositories"),
              ("hf_items", "HF items"), ("accounts", "accounts"), ("pages", "web pages"),
              ("triples", "triples"), ("warnings", "warnings")]
    width = max(len(label) for _, label in labels)
    click.echo("paperkg build summary")
    for key, label in labels:
        click.echo(f"  {label:<{width}}  {counts[key]:>8,}")
    for path in written:
        click.echo(f"  wrote {path}")
