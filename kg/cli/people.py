"""``kg people``: review the identity links between spellings of one person."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import DEFAULT_OUTPUT, EXIT_INPUT, fail, graph_option, load_graph, user_errors
from kg.engine.workspace import Workspace
from kg.people.curation import CurationError
from kg.people.review import apply_to_store, curation_for, decide, review
from kg.people.scoring import TIERS

_PEOPLE_HELP = ("Curation file (CSV) to read and write [default: the one the graph was "
                "built with].")


@click.group("people", invoke_without_command=True)
@graph_option
@click.option("--people", "people_file", type=click.Path(dir_okay=False, path_type=Path),
              help=_PEOPLE_HELP)
@click.option("--tier", "tiers", multiple=True, type=click.Choice(TIERS),
              help="Show only links of this tier (repeatable) [default: all].")
@click.option("--accounts/--no-accounts", default=False, show_default=True,
              help="Also list links from people to GitHub/Hugging Face accounts.")
@click.option("--top", type=click.IntRange(min=1), default=50, show_default=True,
              help="Show at most this many links.")
@click.option("--json", "as_json", is_flag=True, help="Print the links as JSON.")
@click.pass_context
def people_command(context: click.Context, graph_location: Path, people_file: Path | None,
                   tiers: tuple[str, ...], accounts: bool, top: int, as_json: bool) -> None:
    """List identity links between spellings of one person, best first, with evidence.

    Tiers: accepted (you said so: owl:sameAs), auto (strong evidence:
    skos:closeMatch), candidate (for review), rejected (you said no). Decide
    with 'kg people accept A B', 'reject A B' or 'split NAME'.
    """
    context.obj = (graph_location, people_file)
    if context.invoked_subcommand is not None:
        return
    import json

    graph = load_graph(graph_location)
    with user_errors():
        report = review(graph, curation_for(graph, people_file))
    assert report.snapshot is not None
    name = report.snapshot.name
    links = [link for link in report.links if (not tiers or link.tier in tiers)
             and (accounts or link.kind == "person")][:top]
    if as_json:
        click.echo(json.dumps([{
            "a": link.a, "a_name": name(link.a), "b": link.b,
            "b_name": report.snapshot.account_names.get(link.b) or name(link.b),
            "kind": link.kind, "tier": link.tier, "score": link.score,
            "evidence": link.description} for link in links], indent=2, ensure_ascii=False))
        return
    counts = report.counts()
    click.echo("identity links: " + ", ".join(f"{counts[t]} {t}" for t in TIERS))
    for link in links:
        other = report.snapshot.account_names.get(link.b) or name(link.b)
        arrow = "->" if link.kind == "account" else "~"
        click.echo(f"{link.score:4.2f}  {link.tier:<9}  {name(link.a)} {arrow} {other}")
        click.echo(f"      {link.description}")
    for diagnostic in report.diagnostics:
        click.echo(str(diagnostic), err=True)


def _decision(decision: str, context: click.Context, a: str, b: str, note: str) -> None:
    graph_location, people_file = context.obj
    graph = load_graph(graph_location)
    try:
        with user_errors():
            curation = curation_for(graph, people_file)
            path = decide(graph, curation, decision, a, b, note)
    except CurationError as exc:
        fail(str(exc), EXIT_INPUT)
    del graph  # read-only: nothing to flush
    click.echo(f"{decision} recorded in {path}")
    workspace = Workspace(graph_location if graph_location.is_dir() else DEFAULT_OUTPUT)
    if workspace.has_store():
        with user_errors():
            store = workspace.open()
            try:
                counts = apply_to_store(store, curation).counts()
            finally:
                store.close()
        click.echo("people graph updated: " + ", ".join(f"{counts[t]} {t}" for t in TIERS))


@people_command.command("accept")
@click.argument("a")
@click.argument("b")
@click.option("--note", default="", help="Why (kept in the curation file).")
@click.pass_context
def accept_command(context: click.Context, a: str, b: str, note: str) -> None:
    """Say A and B are one person (stated as owl:sameAs from now on)."""
    _decision("accept", context, a, b, note)


@people_command.command("reject")
@click.argument("a")
@click.argument("b")
@click.option("--note", default="", help="Why (kept in the curation file).")
@click.pass_context
def reject_command(context: click.Context, a: str, b: str, note: str) -> None:
    """Say A and B are two people (never linked, even with strong evidence)."""
    _decision("reject", context, a, b, note)


@people_command.command("split")
@click.argument("name")
@click.option("--note", default="", help="Why (kept in the curation file).")
@click.pass_context
def split_command(context: click.Context, name: str, note: str) -> None:
    """Say NAME stands for several people (no automatic link touches it)."""
    _decision("split", context, name, "", note)
