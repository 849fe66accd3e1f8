"""The Jinja2 environment: templates shipped in the package, autoescaping always on."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from kg.web.site import Site


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("kg.web", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = lambda text: quote(str(text), safe="")
    return env


def external(url: str | None) -> str | None:
    """A URL safe to link to: http(s) only, so no ``javascript:`` or ``data:`` links."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def page(site: Site, template: str, **context: Any) -> str:
    """Render ``template``; ``href`` maps node IRIs to local paths and vets other links."""

    def href(iri: str | None) -> str | None:
        if iri is None:
            return None
        return site.local(iri) or external(iri)

    return environment().get_template(template).render(
        href=href, external=external, base=site.base, **context)
