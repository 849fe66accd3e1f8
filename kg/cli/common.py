"""What every ``kg`` command shares: exit codes, error reporting, common options.

Exit codes: 0 success; 1 warnings under ``--strict``; 2 usage error; 3 an input
cannot be found or read (a digest, a graph, a query file); 4 an output cannot be
written; 5 a query or server request failed; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from kg.engine.result import BuildResult
from kg.engine.workspace import Workspace, open_graph
from kg.graph.store import GraphStore, StoreError
from kg.read.sources import InputError
from kg.records import Diagnostic
from kg.sparql.query import is_storage_fault

EXIT_WARNINGS = 1
EXIT_INPUT = 3
EXIT_OUTPUT = 4
EXIT_QUERY = 5
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell convention
SHOWN_WARNINGS = 50
DEFAULT_OUTPUT = Path("output")

F = TypeVar("F", bound=Callable[..., object])


def fail(message: str, code: int) -> NoReturn:
    """Print a one-line error (no traceback) and exit with ``code``."""
    click.echo(f"kg: error: {message}", err=True)
    sys.exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors users cause into messages and exit codes."""
    try:
        yield
    except KeyboardInterrupt:
        fail("interrupted; files already written are complete, nothing was half-written",
             EXIT_INTERRUPTED)
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)
    except StoreError as exc:
        message = str(exc)
        if ": IO error" in message or ": Corruption" in message:  # a store's files are bad
            message += "; the store is damaged: rebuild it with kg build"
        fail(message, EXIT_INPUT)
    except (RuntimeError, OSError) as exc:
        damaged = damaged_store_message(exc)
        if damaged is not None:
            fail(damaged, EXIT_INPUT)
        if isinstance(exc, RuntimeError):
            raise

        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        fail(f"cannot write{where}: {exc.strerror or exc}", EXIT_OUTPUT)


_STORE_FILE = re.compile(r"(\S+)/(?:\d+\.(?:sst|log)|MANIFEST-\d+|CURRENT|OPTIONS-\d+)\b")


def damaged_store_message(exc: BaseException) -> str | None:
    """The message for an error raised by a damaged on-disk store, or ``None``.

    RocksDB (inside pyoxigraph) reports a truncated or missing file as a RuntimeError
    or OSError whose text starts with its status name, wherever a command touches it.
    """
    text = str(exc)
    if not isinstance(exc, (RuntimeError, OSError)) or not is_storage_fault(text):
        return None
    found = _STORE_FILE.search(text)
    where = f"the store at {found.group(1)}" if found else "the store"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"{where} is damaged ({first[:160]}): rebuild it with kg build"


class Commands(click.Group):
    """The ``kg`` group: errors that can surface anywhere in a command become one line.

    Ctrl-C exits 130 (outputs are written atomically, so nothing is half-written); a
    damaged store exits 3 with what to do.  Everything else is left to the commands.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            fail("interrupted; files already written are complete, nothing was "
                 "half-written", EXIT_INTERRUPTED)
        except (RuntimeError, OSError) as exc:
            message = damaged_store_message(exc)
            if message is None:
                raise
            fail(message, EXIT_INPUT)


def output_option(function: F) -> F:
    return click.option(
        "-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_OUTPUT, show_default=True,
        help="Output folder: exports, warnings.log and the working store.")(function)


def graph_option(function: F) -> F:
    return click.option(
        "-g", "--graph", "graph_location", type=click.Path(path_type=Path),
        default=DEFAULT_OUTPUT, show_default=True,
        help="Graph to read: an output folder (its store/ or graph.ttl), a store "
             "folder, or a Turtle/N-Triples/TriG/N-Quads file.")(function)


def load_graph(location: Path) -> GraphStore:
    with user_errors():
        return open_graph(location)


def report_warnings(diagnostics: list[Diagnostic], output_dir: Path) -> None:
    """Print the first warnings; the library keeps all of them in warnings.log."""
    for diagnostic in diagnostics[:SHOWN_WARNINGS]:
        click.echo(str(diagnostic), err=True)
    if len(diagnostics) > SHOWN_WARNINGS:
        click.echo(f"... {len(diagnostics) - SHOWN_WARNINGS} more warning(s); all are in "
                   f"{Workspace(output_dir).warnings_path}", err=True)


def report_notes(notes: list[str], page: str = "graph.html") -> None:
    for note in notes:
        click.echo(f"{page}: {note}", err=True)


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


def strict_check(diagnostics: list[Diagnostic], strict: bool) -> None:
    if strict and diagnostics:
        fail(f"{len(diagnostics)} warning(s) and --strict is set", EXIT_WARNINGS)
