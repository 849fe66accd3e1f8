"""The ``kg`` command line: a thin layer over the library API (see :mod:`kg.cli.common`).

Each sub-command lives in its own module and imports only :mod:`kg.cli.common`
and the library; this module assembles them into one group.
"""

from __future__ import annotations

import click

from kg.cli.build import build_command
from kg.cli.common import Commands
from kg.cli.people import people_command
from kg.cli.sparql import push_command, query_command, serve_command
from kg.cli.store import add_command, export_command, status_command
from kg.cli.view import html_command, stats_command


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paperkg", prog_name="kg")
def main() -> None:
    """Build knowledge graphs from daily ML-paper digests."""


for _command in (build_command, add_command, status_command, export_command, query_command,
                 serve_command, push_command, html_command, stats_command, people_command):
    main.add_command(_command)
