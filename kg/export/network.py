"""Export the projected graph as GEXF or GraphML, for Gephi, Cytoscape, yEd and networkx.

The view already holds only string attributes, but an exported file must be
safe for any view (a focused or hand-built one too), so every value is forced to
a string here: None becomes "", lists and sets are joined with ", ", anything
else goes through ``str``. Attribute names that are empty or that the GEXF
writer or reader treats specially (``id``, ``pid``, ``start``, ``end``, ``viz``,
``parents``, ``weight`` and ``type`` -- which must be a number and
"directed"/"undirected" --, ``key``, ``networkx_key``) are renamed
``attr_<name>`` (in both formats, so the two files agree) rather than
silently reinterpreted or rejected.

Node ids stay the IRIs. The hover-card text (``card``) is left out: it only
repeats the other attributes. Every node carries ``kind`` (partition by it in Gephi)
and ``Label`` (a copy of ``label``: Gephi takes a node attribute of that name as
the node label on GraphML import; in GEXF the ``label`` becomes the node's own
label attribute as well). Edges carry ``label``, the predicate's short name.

Determinism: nodes and edges keep the view's order; the GEXF header's
``lastmodifieddate`` (networkx writes today's date) is the latest digest day in
the data, or left out when the graph has none, and the creator is "paperkg"
rather than the networkx version. GraphML edge ids must be unique for Gephi, and
the view's edge keys (the predicate names) are not, so GraphML edges get ids
``e0``, ``e1``... in edge order; GEXF keeps the predicate as ``networkx_key`` so
networkx reads the same keys back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from kg.support.atomic import atomic_writer

FORMATS = ("gexf", "graphml")
#: View attributes left out of exports: ``card`` is the HTML hover text, a
#: rendering aid made of the other attributes (it would add a third to the file).
OMITTED = frozenset({"card"})
_RESERVED = frozenset({"", "id", "pid", "start", "end", "viz", "parents", "weight", "type",
                       "key", "networkx_key"})


def write_network(view: nx.MultiDiGraph, path: str | os.PathLike[str],
                  format: str | None = None) -> Path:
    """Write ``view`` to ``path`` as ``gexf`` or ``graphml`` (default: from the suffix)."""
    target = Path(path)
    chosen = (format or target.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise ValueError(f"unknown network format {chosen!r}; choose one of {', '.join(FORMATS)}")
    if chosen == "gexf":
        _write_gexf(export_graph(view, unique_edge_ids=False), target, _latest_day(view))
    else:
        graph = export_graph(view, unique_edge_ids=True)
        with atomic_writer(target) as handle:
            nx.write_graphml(graph, handle, encoding="utf-8", prettyprint=True)
    return target


def export_graph(view: nx.MultiDiGraph, *, unique_edge_ids: bool) -> nx.MultiDiGraph:
    """A copy of ``view`` with string-only attributes, ``Label`` and (optionally) edge ids."""
    graph = nx.MultiDiGraph()
    for node, data in view.nodes(data=True):
        attrs = clean_attributes({k: v for k, v in data.items() if k not in OMITTED})
        attrs.setdefault("label", str(node))
        attrs.setdefault("kind", "")
        attrs["Label"] = attrs["label"]
        graph.add_node(str(node), **attrs)
    for number, (source, target, key, data) in enumerate(view.edges(keys=True, data=True)):
        attrs = clean_attributes(data)
        attrs.setdefault("label", str(key))
        edge_key = f"e{number}" if unique_edge_ids else str(key)
        graph.add_edge(str(source), str(target), key=edge_key, **attrs)
    return graph


def clean_attributes(data: Mapping[Any, Any]) -> dict[str, str]:
    """String keys and values only, special names renamed (see the module docstring)."""
    clean: dict[str, str] = {}
    for key, value in data.items():
        name = str(key).strip()
        if name in _RESERVED:
            name = f"attr_{name}" if name else "attr"
        clean[name] = _text(value)
    return clean


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(_text(item) for item in items)
    return str(value)


def _latest_day(view: nx.MultiDiGraph) -> str | None:
    """The latest day any paper was featured (digests are dated; files are not)."""
    days = [day for _, d in view.nodes(data=True) if d.get("kind") == "paper"
            for day in str(d.get("days") or "").split(", ") if day]
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
