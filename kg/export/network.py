"""Export the projected graph as GEXF or GraphML, for Gephi, Cytoscape, yEd and networkx.

An exported file must be safe for any view (a focused or hand-built one too),
so values are normalised here, one column (attribute name) at a time: a column
whose values are all booleans stays boolean, all integers stays integer, all
numbers becomes double, and any other column is text -- None becomes "", lists
and tuples are joined with ", " (sets sorted first), anything else goes through
``str``. One type per column is what both formats declare (a GraphML ``key`` or
GEXF ``attribute`` has one type), so a column mixing text and numbers is text.
Attribute names that are empty or that the GEXF writer or reader treats
specially (``id``, ``pid``, ``start``, ``end``, ``viz``, ``parents``, ``weight``
and ``type`` -- which must be a number and "directed"/"undirected" --, ``key``,
``networkx_key``) are renamed ``attr_<name>`` (in both formats, so the two
files agree) rather than silently reinterpreted or rejected.

Node ids stay the IRIs. The hover-card text (``card``) is left out: it only
repeats the other attributes. Every node carries ``kind`` (partition by it in Gephi),
``Label`` (a copy of ``label``: Gephi takes a node attribute of that name as
the node label on GraphML import; in GEXF the ``label`` becomes the node's own
label attribute as well) and ``degree`` (an integer: its edges in the view).
Edges carry ``label``, the edge kind's name. GEXF nodes also get ``viz:color``
(the kind's colour from :mod:`kg.graph.kinds`, grey for other kinds) and
``viz:size`` (growing with the square root of the degree), so Gephi opens the
file coloured and sized without a layout step.

Determinism: nodes and edges keep the view's order; the GEXF header's
``lastmodifieddate`` (networkx writes today's date) is the latest digest day in
the data, or left out when the graph has none, and the creator is "paperkg"
rather than the networkx version. GraphML edge ids must be unique for Gephi, and
the view's edge keys (the predicate names) are not, so GraphML edges get ids
``e0``, ``e1``... in edge order; GEXF keeps the predicate as ``networkx_key`` so
networkx reads the same keys back.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph.kinds import BY_NAME
from kg.support.atomic import atomic_writer

FORMATS = ("gexf", "graphml")
#: View attributes left out of exports: ``card`` is the HTML hover text, a
#: rendering aid made of the other attributes (it would add a third to the file).
OMITTED = frozenset({"card"})
_RESERVED = frozenset({"", "id", "pid", "start", "end", "viz", "parents", "weight", "type",
                       "key", "networkx_key"})
#: Fill of nodes whose kind is not in the kinds table.
OTHER_COLOUR = "#999999"
Value = str | bool | int | float


def write_network(view: nx.MultiDiGraph, path: str | os.PathLike[str],
                  format: str | None = None) -> Path:
    """Write ``view`` to ``path`` as ``gexf`` or ``graphml`` (default: from the suffix)."""
    target = Path(path)
    chosen = (format or target.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise ValueError(f"unknown network format {chosen!r}; choose one of {', '.join(FORMATS)}")
    if chosen == "gexf":
        graph = export_graph(view, unique_edge_ids=False)
        for node, data in graph.nodes(data=True):
            data["viz"] = viz(str(data["kind"]), int(graph.degree(node)))
        _write_gexf(graph, target, _latest_day(view))
    else:
        graph = export_graph(view, unique_edge_ids=True)
        with atomic_writer(target) as handle:
            nx.write_graphml(graph, handle, encoding="utf-8", prettyprint=True)
    return target


def export_graph(view: nx.MultiDiGraph, *, unique_edge_ids: bool) -> nx.MultiDiGraph:
    """A copy of ``view`` with one type per attribute, ``Label``, ``degree``, edge ids."""
    nodes: list[tuple[str, dict[str, Any]]] = []
    for node, data in view.nodes(data=True):
        attrs = renamed({k: v for k, v in data.items() if k not in OMITTED})
        attrs.setdefault("label", str(node))
        attrs.setdefault("kind", "")
        attrs["Label"] = attrs["label"]
        attrs["degree"] = int(view.degree(node))
        nodes.append((str(node), attrs))
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    for number, (source, target, key, data) in enumerate(view.edges(keys=True, data=True)):
        attrs = renamed(data)
        attrs.setdefault("label", str(key))
        edge_key = f"e{number}" if unique_edge_ids else str(key)
        edges.append((str(source), str(target), edge_key, attrs))
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from(typed(nodes))
    typed_edges = typed([(key, attrs) for *_, key, attrs in edges])
    for (source, target, *_), (key, attrs) in zip(edges, typed_edges, strict=True):
        graph.add_edge(source, target, key=key, **attrs)
    return graph


def renamed(data: Mapping[Any, Any]) -> dict[str, Any]:
    """String keys, special names renamed (see the module docstring); values untouched."""
    clean: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).strip()
        if name in _RESERVED:
            name = f"attr_{name}" if name else "attr"
        clean[name] = value
    return clean


def typed(items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Value]]]:
    """Each column's values as its one type: bool, int, float or str (see the docstring)."""
    columns: dict[str, set[type]] = {}
    for _, attrs in items:
        for name, value in attrs.items():
            columns.setdefault(name, set()).add(_kind(value))
    return [(item, {name: _as(columns[name], value) for name, value in attrs.items()})
            for item, attrs in items]


def _kind(value: Any) -> type:
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    if isinstance(value, float) and math.isfinite(value):
        return float
    return str


def _as(kinds: set[type], value: Any) -> Value:
    if kinds == {bool}:
        return bool(value)
    if kinds == {int}:
        return int(value)
    if kinds <= {int, float}:
        return float(value)
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(_text(item) for item in items)
    return str(value)


def viz(kind: str, degree: int) -> dict[str, Any]:
    """GEXF ``viz`` data: the kind's colour and a size that grows with the degree."""
    colour = BY_NAME[kind].colour if kind in BY_NAME else OTHER_COLOUR
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return {"color": {"r": red, "g": green, "b": blue, "a": 1.0},
            "size": round(4.0 + 2.0 * math.sqrt(degree), 2)}


def _latest_day(view: nx.MultiDiGraph) -> str | None:
    """The latest day any paper was featured (digests are dated; files are not)."""
    days = [str(day) for _, d in view.nodes(data=True) if d.get("kind") == "paper"
            for day in d.get("days") or ()]
    return max(days) if days else None


def _write_gexf(graph: nx.MultiDiGraph, target: Path, day: str | None) -> None:
    """networkx's GEXF writer with a data-derived date and a fixed creator."""
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True)
    meta = writer.xml.find("meta")
    assert meta is not None  # GEXFWriter always adds it
    meta.attrib.pop("lastmodifieddate", None)
    if day:
        meta.set("lastmodifieddate", day)
    creator = meta.find("creator")
    if creator is not None:
        creator.text = "paperkg"
    writer.add_graph(graph)
    with atomic_writer(target) as handle:
        writer.write(handle)
