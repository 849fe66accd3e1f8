"""Data for each page kind, read from the store with SPARQL: one module per kind.

Each ``context(site, node)`` returns the template variables of its page; the
queries select only what the page shows, with caps on long lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from kg.web.pages import day, item, paper, person, resource, task
from kg.web.site import Site

Context = Callable[[Site, ox.NamedNode], dict[str, Any]]

#: kind name -> (template, context function)
PAGES: dict[str, tuple[str, Context]] = {
    "paper": ("paper.html", paper.context),
    "person": ("person.html", person.context),
    "task": ("task.html", task.context),
    "day": ("day.html", day.context),
    **{name: ("item.html", item.context) for name in
       ("repository", "model", "dataset", "space", "collection", "account", "page")},
    "resource": ("resource.html", resource.context),
}
