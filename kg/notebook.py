"""``kg.open(path)``: a graph for notebooks, whose queries come back as typed DataFrames.

Notebook users reach for pandas first; handing them rows of RDF terms means every
column is a string ("1335"). Here a column of ``xsd:integer`` is ``int64``, dates and
date-times are ``datetime64``, decimals and doubles ``float64``, booleans ``bool``, and
IRIs and strings stay ``str``. Queries see the project's prefixes without declaring
them. pandas is the optional extra ``notebook`` (``pip install paperkg[notebook]``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.engine.workspace import open_graph
from kg.graph import vocab as v
from kg.graph.store import GraphStore

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd  # type: ignore[import-untyped]
    import rdflib

_XSD = v.NAMESPACES["xsd"]
_INTEGERS = {_XSD + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte")}
_FLOATS = {_XSD + name for name in ("decimal", "double", "float")}
_DATES = {_XSD + name for name in ("date", "dateTime", "dateTimeStamp")}
_BOOLEAN = _XSD + "boolean"

Value = ox.NamedNode | ox.Literal | str | int | float | bool | dt.date


class KnowledgeGraph:
    """An opened graph: SPARQL to DataFrames, and the graph as rdflib or networkx."""

    def __init__(self, graph: GraphStore) -> None:
        self.graph = graph

    def __repr__(self) -> str:
        where = self.graph.path or "memory"
        return f"<paperkg graph at {where}: {len(self.graph):,} triples>"

    def query(self, sparql: str, **params: Value) -> pd.DataFrame:
        """Run a SELECT query; ``params`` bind variables (``name="Lola Le Breton"``).

        Each ``?name`` in the query's pattern (from its first ``{``) becomes the value;
        a ``str`` binds a plain literal, ``int``/``float``/``bool``/``date`` their
        XSD types; pass ``ox.NamedNode(iri)`` to bind an IRI.
        """
        import pandas as pd

        solutions = self.graph.store.query(bind(sparql, params),
                                           prefixes=v.all_prefixes(self.graph.base))
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("query() takes a SELECT query; use to_rdflib() for CONSTRUCT "
                             "or ASK")
        names = [variable.value for variable in solutions.variables]
        rows = [[row[name] for name in names] for row in solutions]
        columns = {name: _column([row[i] for row in rows]) for i, name in enumerate(names)}
        return pd.DataFrame(columns, columns=names)

    def to_rdflib(self) -> rdflib.Graph:
        """The union graph as an ``rdflib.Graph`` with the project's prefixes bound."""
        return self.graph.to_rdflib()

    def to_networkx(self, *, days: bool = False) -> nx.MultiDiGraph:
        """The entity network (papers, people, tasks, artefacts) that the HTML page draws."""
        from kg.view.projection import project

        return project(self.graph, days=days)


def open(location: str | os.PathLike[str]) -> KnowledgeGraph:
    """Open an output folder, a store folder or an RDF file (read-only)."""
    return KnowledgeGraph(open_graph(location))


# Inside a query: strings, IRIs and comments (left alone) or a variable.
_TOKENS = re.compile(r'("""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*)'
                     r'|[?$]([A-Za-z_][A-Za-z0-9_]*)')


def bind(sparql: str, params: dict[str, Value]) -> str:
    """``sparql`` with each parameter's variable in the pattern replaced by its value.

    Text substitution rather than Oxigraph's ``substitutions``, which only binds
    projected variables; the SELECT clause is left alone, so bind inputs, not outputs.
    """
    if not params:
        return sparql
    start = sparql.find("{")
    if start < 0:
        return sparql
    terms = {name: str(_term(value)) for name, value in params.items()}

    def swap(match: re.Match[str]) -> str:
        return terms.get(match[2], match[0]) if match[2] else match[0]

    return sparql[:start] + _TOKENS.sub(swap, sparql[start:])


def _term(value: Value) -> ox.NamedNode | ox.Literal:
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_BOOLEAN))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=v.XSD_INTEGER)
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=v.XSD_DATE_TIME)
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=v.XSD_DATE)
    return ox.Literal(str(value))


def _column(terms: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]
            ) -> pd.Series:
    """One result column as the narrowest pandas type its values allow."""
    import pandas as pd

    terms = list(terms)
    kinds = {t.datatype.value if isinstance(t, ox.Literal) else None for t in terms if t}
    missing = any(t is None for t in terms)
    values: list[Any] = [None if t is None else t.value if not isinstance(t, ox.Triple)
                         else str(t) for t in terms]
    if terms and kinds and kinds <= _INTEGERS and all(t for t in terms):
        return pd.Series([int(x) for x in values], dtype="int64")
    if kinds and kinds <= _INTEGERS:
        return pd.Series([None if x is None else int(x) for x in values], dtype="Int64")
    if kinds and kinds <= _INTEGERS | _FLOATS:
        return pd.Series([None if x is None else float(x) for x in values], dtype="float64")
    if kinds and kinds <= _DATES:
        return pd.Series(pd.to_datetime(values, format="ISO8601"))
    if kinds == {_BOOLEAN} and not missing:
        return pd.Series([x == "true" or x == "1" for x in values], dtype="bool")
    return pd.Series(values, dtype="object")
