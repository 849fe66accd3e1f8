"""The ``kg`` command line: a thin layer over the library API (see :mod:`kg.cli.common`).

Each sub-command lives in its own module and imports only :mod:`kg.cli.common`
and the library; this module assembles them into one group, importing a command's
module only when that command runs or help lists it (click's lazy sub-commands):
``kg add`` need not load the server, the people review or the query sandbox.
"""

from __future__ import annotations

import importlib

import click

from kg.cli.common import Commands

#: Each command's module and the click command in it.
_COMMANDS = {
    "add": ("kg.cli.store", "add_command"),
    "build": ("kg.cli.build", "build_command"),
    "export": ("kg.cli.store", "export_command"),
    "html": ("kg.cli.view", "html_command"),
    "people": ("kg.cli.people", "people_command"),
    "push": ("kg.cli.sparql", "push_command"),
    "query": ("kg.cli.sparql", "query_command"),
    "serve": ("kg.cli.sparql", "serve_command"),
    "stats": ("kg.cli.view", "stats_command"),
    "status": ("kg.cli.store", "status_command"),
}


class LazyCommands(Commands):
    """:class:`~kg.cli.common.Commands` whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = _COMMANDS.get(cmd_name)
        if found is None:
            return None
        command = getattr(importlib.import_module(found[0]), found[1])
        assert isinstance(command, click.Command) and command.name == cmd_name
        return command


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paperkg", prog_name="kg")
def main() -> None:
    """Build knowledge graphs from daily ML-paper digests."""
