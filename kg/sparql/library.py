"""The SPARQL query library: ready-made questions about the graph, one ``.rq`` file each.

The files live in ``ontology/queries/`` (installed as ``kg.ontology/queries``) so they
ship in the wheel and can be copied into any SPARQL tool (Fuseki, GraphDB, YASGUI) as
they are: each declares its own prefixes and runs unchanged, parameters at their
defaults. A file starts with header comments in a fixed form::

    # title: Papers of a task
    # description: The papers classified under one task, ...
    # param: task = "Reinforcement Learning" -- The task label (case is ignored).
    # param: day (date) = "2025-02-28" -- The digest day, YYYY-MM-DD.

Every parameter is a string, and the body gives its default in a clause of exactly the
form ``VALUES ?name { "default" }``. :meth:`LibraryQuery.bind` replaces the content of
that clause with the caller's value written as an escaped RDF literal (by pyoxigraph),
so a value can never change the query's structure (no injection), the text stays
valid SPARQL for every engine (Oxigraph, rdflib), and no engine-specific pre-binding
API (``substitutions=``, ``initBindings=``, whose semantics differ around subqueries
and aggregates) is needed. An empty default marks an optional filter ("" = no filter).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from pyoxigraph import Literal

from kg.support.resources import ontology_dir

QUERY_SUFFIX = ".rq"
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADER_RE = re.compile(r"^#\s*(?P<key>title|description|param):\s*(?P<value>.*?)\s*$")
_PARAM_RE = re.compile(
    r'^(?P<name>[a-z_][a-z0-9_]*)(?:\s+\((?P<type>string|date)\))?\s*=\s*'
    r'"(?P<default>[^"\\]*)"\s+--\s+(?P<description>\S.*)$'
)


class QueryLibraryError(Exception):
    """A library query could not be found, read or bound; ``str(err)`` says how to fix it."""


class UnknownQueryError(QueryLibraryError, KeyError):
    """No library query has that name."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class ParameterError(QueryLibraryError, ValueError):
    """A parameter is unknown or its value is not acceptable."""


@dataclass(frozen=True, slots=True)
class QueryParam:
    """One parameter of a library query."""

    name: str
    default: str
    description: str
    type: str = "string"

    @property
    def optional(self) -> bool:
        """An empty default means "no filter": the parameter need not be given."""
        return self.default == ""

    def check(self, value: str) -> str:
        """Validate ``value`` for this parameter's type; return it as it will be used."""
        if self.type == "date" and not (value == "" and self.optional):
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError(value)
                _dt.date.fromisoformat(value)
            except ValueError:
                raise ParameterError(
                    f"parameter {self.name!r} must be a date written YYYY-MM-DD, "
                    f"got {value!r}"
                ) from None
        return value


@dataclass(frozen=True, slots=True)
class LibraryQuery:
    """A query of the library: its name (the file stem), header and SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    text: str

    def param(self, name: str) -> QueryParam:
        """The parameter called ``name``; :class:`ParameterError` lists the known ones."""
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(
            f"query {self.name!r} has no parameter {name!r} (its parameters: {known})"
        )

    def defaults(self) -> dict[str, str]:
        """Every parameter with its default value."""
        return {p.name: p.default for p in self.params}

    def bind(self, params: Mapping[str, str] | None = None) -> str:
        """The query text with ``params`` (name → value) in place of the defaults.

        Parameters not given keep their defaults, so ``bind()`` is the file as it is.
        Each value goes in as one RDF string literal escaped by pyoxigraph, inside the
        parameter's ``VALUES`` clause: user text is never pasted into the query.
        """
        text = self.text
        for name, value in (params or {}).items():
            param = self.param(name)
            if not isinstance(value, str):
                raise ParameterError(
                    f"parameter {name!r} must be given as a string, got {type(value).__name__}"
                )
            literal = str(Literal(param.check(value)))

            def fill(match: re.Match[str], lit: str = literal) -> str:
                return f"{match.group('head')}{lit}{match.group('tail')}"

            text = _values_clause(name).sub(fill, text)
        return text


def _values_clause(name: str) -> re.Pattern[str]:
    """``VALUES ?name { "…" }`` with the literal's body as the only thing to replace."""
    return re.compile(
        r'(?P<head>VALUES\s+\?' + re.escape(name) + r'\s*\{\s*)'
        r'"(?:[^"\\\n\r]|\\.)*"'
        r'(?P<tail>\s*\})'
    )


def parse_query(name: str, text: str) -> LibraryQuery:
    """Read the header of one ``.rq`` file and check it against the body.

    Raises :class:`QueryLibraryError` when the title or description is missing, a
    parameter line is malformed, or a parameter has no ``VALUES`` clause holding
    its default — mistakes that would otherwise surface only when someone binds it.
    """
    if not _NAME_RE.match(name):
        raise QueryLibraryError(f"query file name {name!r} is not kebab-case")
    header: dict[str, str] = {}
    params: list[QueryParam] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER_RE.match(line)
        if match is None:
            continue
        key, value = match.group("key"), match.group("value")
        if key == "param":
            params.append(_parse_param(name, value))
        elif key in header:
            raise QueryLibraryError(f"query {name!r}: '# {key}:' appears twice")
        else:
            header[key] = value
    for key in ("title", "description"):
        if not header.get(key):
            raise QueryLibraryError(f"query {name!r} has no '# {key}: ...' header line")
    seen: set[str] = set()
    for param in params:
        if param.name in seen:
            raise QueryLibraryError(f"query {name!r} declares parameter {param.name!r} twice")
        seen.add(param.name)
        clauses = _values_clause(param.name).findall(text)
        expected = f'VALUES ?{param.name} {{ {Literal(param.default)} }}'
        if len(clauses) != 1 or expected not in text:
            raise QueryLibraryError(
                f"query {name!r}: parameter {param.name!r} needs exactly one "
                f"clause {expected} in the query body"
            )
    return LibraryQuery(name, header["title"], header["description"], tuple(params), text)


def _parse_param(query: str, value: str) -> QueryParam:
    match = _PARAM_RE.match(value)
    if match is None:
        raise QueryLibraryError(
            f"query {query!r}: malformed parameter line {value!r}; write "
            '\'# param: name [(date)] = "default" -- description\''
        )
    return QueryParam(
        name=match.group("name"),
        default=match.group("default"),
        description=match.group("description"),
        type=match.group("type") or "string",
    )


@cache
def _library() -> dict[str, LibraryQuery]:
    """Every query of the library by name, read once per process."""
    folder = ontology_dir() / "queries"
    queries: dict[str, LibraryQuery] = {}
    for entry in folder.iterdir():
        if entry.is_file() and entry.name.endswith(QUERY_SUFFIX):
            name = entry.name[: -len(QUERY_SUFFIX)]
            queries[name] = parse_query(name, entry.read_text(encoding="utf-8"))
    return dict(sorted(queries.items()))


def list_queries() -> list[LibraryQuery]:
    """Every library query, sorted by name."""
    return list(_library().values())


def query_names() -> list[str]:
    """The names of the library queries, sorted."""
    return list(_library())


def load_query(name: str) -> LibraryQuery:
    """The library query called ``name`` (the file stem, e.g. ``papers-per-task``).

    Raises :class:`UnknownQueryError` (a ``KeyError``) naming the closest matches and
    every known name.
    """
    library = _library()
    if name in library:
        return library[name]
    close = difflib.get_close_matches(name, library, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownQueryError(
        f"no library query named {name!r}.{hint} Known queries: {', '.join(library)}"
    )


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """``["key=value", ...]`` (as given to ``--param``) → a dict; later keys win.

    Only the first ``=`` splits, so values may contain ``=``.
    """
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"parameter {item!r} must be written key=value")
        params[key.strip()] = value
    return params


def bind_query(name: str, params: Mapping[str, str] | None = None) -> str:
    """Shortcut: the text of library query ``name`` with ``params`` bound."""
    return load_query(name).bind(params)


__all__ = [
    "LibraryQuery",
    "ParameterError",
    "QueryLibraryError",
    "QueryParam",
    "UnknownQueryError",
    "bind_query",
    "list_queries",
    "load_query",
    "parse_assignments",
    "query_names",
]
