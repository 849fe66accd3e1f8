"""``kg query``, ``kg serve`` and ``kg push``: SPARQL over the graph."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import (
    EXIT_INPUT,
    EXIT_QUERY,
    fail,
    graph_option,
    load_graph,
    user_errors,
)
from kg.graph import vocab
from kg.graph.store import GraphStore
from kg.sparql.sandbox import DEFAULT_MEMORY_MB, StoreSource

memory_option = click.option(
    "--memory-limit", type=click.IntRange(min=0), default=DEFAULT_MEMORY_MB,
    show_default=True, metavar="MB",
    help="Address-space cap of each query worker process in MB (0: no cap).")

FORMAT_CHOICES = ["table", "markdown", "csv", "tsv", "json", "xml", "turtle", "ntriples"]


def _query_text(query: str | None, query_file: Path | None, name: str | None,
                params: tuple[str, ...]) -> str:
    """The query from the argument, a file, the library (--name) or standard input."""
    from kg.sparql.library import QueryLibraryError, load_query, parse_assignments

    given = [x for x in (query, query_file, name) if x is not None]
    if len(given) > 1:
        raise click.UsageError("give one of QUERY, -f FILE or --name NAME")
    if params and name is None:
        raise click.UsageError("--param only applies to library queries (--name)")
    if name is not None:
        try:
            return load_query(name).bind(parse_assignments(params))
        except QueryLibraryError as exc:
            fail(str(exc), EXIT_INPUT)
    if query_file is not None:
        try:
            return query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read {query_file}: {getattr(exc, 'strerror', None) or exc}",
                 EXIT_INPUT)
    if query is not None:
        return query
    if sys.stdin.isatty():
        raise click.UsageError("give a QUERY, -f FILE, --name NAME, or a query on stdin")
    return sys.stdin.read()


@click.command("query")
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("-n", "--name", help="Run a query of the library (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of a library query (repeatable).")
@click.option("--list", "list_only", is_flag=True, help="List the library's queries.")
@graph_option
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="table",
              show_default=True, help="Result format (CONSTRUCT/DESCRIBE: turtle, ntriples).")
@click.option("--max-rows", type=click.IntRange(min=0), default=None,
              help="Stop after this many rows (the table says it was cut).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Give up after this many seconds.")
@memory_option
def query_command(query: str | None, query_file: Path | None, name: str | None,
                  params: tuple[str, ...], list_only: bool, graph_location: Path, fmt: str,
                  max_rows: int | None, timeout: float | None, memory_limit: int) -> None:
    """Run a read-only SPARQL query on the graph (the project's prefixes are known).

    QUERY is the text itself; or use -f FILE, --name NAME, or standard input.
    """
    from kg.sparql.query import QueryError, StoreDamaged
    from kg.sparql.sandbox import Job, NotAcceptable, run_isolated

    if list_only:
        _list_queries()
        return
    text = _query_text(query, query_file, name, params)
    graph = load_graph(graph_location)
    prefixes = vocab.all_prefixes(graph.base)
    job = Job(text, prefixes=prefixes, max_rows=max_rows, select_format=fmt,
              graph_format="turtle" if fmt == "table" else fmt)
    with user_errors():
        try:
            answer = run_isolated(_store_source(graph), job, timeout=timeout,
                                  memory_mb=memory_limit or None)
        except NotAcceptable as exc:  # a format that does not fit the result kind
            raise click.UsageError(str(exc)) from None
        except StoreDamaged as exc:
            fail(f"{graph_location}: {exc}", EXIT_INPUT)
        except QueryError as exc:
            fail(str(exc), EXIT_QUERY)
    sys.stdout.buffer.write(answer.body)
    if answer.truncated and answer.format not in ("table", "markdown"):
        click.echo(f"kg: result cut at {max_rows} rows (--max-rows)", err=True)


def _store_source(graph: GraphStore) -> StoreSource:
    """Where query workers find the graph: its on-disk store (reopened as it grows), or
    a snapshot of a graph read from a file."""
    from kg.sparql.sandbox import on_disk, snapshot

    if graph.path is not None and (graph.path / "CURRENT").is_file():
        return on_disk(graph.path)
    return snapshot(graph.store)


def _list_queries() -> None:
    from kg.sparql.library import list_queries

    queries = list_queries()
    width = max(len(q.name) for q in queries)
    for item in queries:
        click.echo(f"{item.name:<{width}}  {item.title}")
        click.echo(f"{'':<{width}}  {item.description}")
        for param in item.params:
            default = f" (default: {param.default})" if param.default else ""
            click.echo(f"{'':<{width}}  --param {param.name}=...{default}")


@click.command("serve")
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback exposes the graph to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="TCP port to listen on.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Seconds a query may run.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Rows a result may have.")
@click.option("--cors", is_flag=True, help="Let web pages on other origins query the endpoint.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Query worker processes (queries evaluated at once).")
@memory_option
def serve_command(graph_location: Path, host: str, port: int, timeout: float, max_rows: int,
                  cors: bool, workers: int, memory_limit: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 Protocol endpoint at /sparql."""
    from kg.sparql.query import QueryError
    from kg.sparql.server import serve
    from kg.web.site import attach_search

    graph = load_graph(graph_location)
    attach_search(graph.store, graph_location)
    try:
        serve(host=host, port=port, store_source=_store_source(graph), timeout=timeout,
              max_rows=max_rows, cors=cors, prefixes=vocab.all_prefixes(graph.base),
              max_concurrent=workers, memory_mb=memory_limit or None)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_QUERY)
    except QueryError as exc:
        fail(str(exc), EXIT_QUERY)


@click.command("push")
@graph_option
@click.option("--endpoint", required=True,
              help="The store's Graph Store Protocol URL (Oxigraph: http://HOST:7878/store, "
                   "Fuseki: http://HOST:3030/DATASET/data, Virtuoso: "
                   "http://HOST:8890/sparql-graph-crud).")
@click.option("--graph-iri", "graph_iri", default=None,
              help="Named graph to write (default: the store's default graph).")
@click.option("--merge", is_flag=True, help="Add to the graph instead of replacing it.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0,
              show_default=True, help="Seconds the whole upload may take.")
@click.option("--query-endpoint", default=None,
              help="The store's SPARQL query URL, to count what landed (default: derived "
                   "from --endpoint for Oxigraph, Fuseki, GraphDB and Virtuoso).")
def push_command(graph_location: Path, endpoint: str, graph_iri: str | None, merge: bool,
                 timeout: float, query_endpoint: str | None) -> None:
    """Load the graph into a running triple store (SPARQL 1.1 Graph Store Protocol),
    then count the triples the store holds and fail if they are not what was sent."""
    from kg.sparql.push import PushError, push

    graph = load_graph(graph_location)
    try:
        result = push(graph.store, endpoint, graph=graph_iri, replace=not merge,
                      timeout=timeout, query_url=query_endpoint)
    except PushError as exc:
        fail(str(exc), EXIT_QUERY)
    stored = ("not verified (no query endpoint known; pass --query-endpoint)"
              if result.triples_stored is None else f"{result.triples_stored:,} stored")
    click.echo(f"{result.method} {result.url}: HTTP {result.status}, "
               f"{result.bytes_sent:,} bytes, {result.triples_sent:,} triples sent, {stored}")

