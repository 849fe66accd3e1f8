"""kg.export.network: GEXF and GraphML that networkx (and Gephi) read back intact."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.export.network import OMITTED, write_network
from kg.graph.kinds import KINDS
from kg.view.projection import project

NEOBERT = "https://w3id.org/paperkg/paper/2502.19587"


@pytest.fixture(scope="module")
def view(examples_dir: Path) -> nx.MultiDiGraph:
    return project(kg.build([examples_dir]).store, days=True)


def read(path: Path) -> nx.MultiDiGraph:
    if path.suffix == ".gexf":
        return nx.MultiDiGraph(nx.read_gexf(path))
    return nx.read_graphml(path, force_multigraph=True)


def expected_attrs(view: nx.MultiDiGraph, node: str, fmt: str) -> dict[str, object]:
    """What a file holds for a view node: lists joined, Label, degree, GEXF viz."""
    data = view.nodes[node]
    attrs: dict[str, object] = {k: ", ".join(v) if isinstance(v, tuple) else v
                                for k, v in data.items() if k not in OMITTED}
    attrs.update(Label=data["label"], degree=view.degree(node))
    if fmt == "gexf":
        attrs["viz"] = {"color": COLOURS[data["kind"]], "size": SIZES[view.degree(node)]}
    return attrs


COLOURS = {kind.name: {"r": int(kind.colour[1:3], 16), "g": int(kind.colour[3:5], 16),
                       "b": int(kind.colour[5:7], 16), "a": 1.0} for kind in KINDS}
SIZES = {degree: round(4.0 + 2.0 * degree ** 0.5, 2) for degree in range(2000)}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_round_trip(view: nx.MultiDiGraph, tmp_path: Path, fmt: str) -> None:
    path = write_network(view, tmp_path / f"graph.{fmt}")
    back = read(path)
    assert (len(back), back.number_of_edges()) == (81, 91)
    assert list(back) == list(view)  # node ids are the IRIs, in the view's order
    for node in view:
        assert back.nodes[node] == expected_attrs(view, node, fmt)
    assert back.nodes[NEOBERT]["authors"] == (
        "Lola Le Breton, Quentin Fournier, Mariam El Mezouar, Sarath Chandar")
    assert back.nodes[NEOBERT]["Label"] == "NeoBERT: A Next-Generation BERT"

    def edges(graph: nx.MultiDiGraph) -> Counter[tuple[str, str, str]]:
        return Counter((u, v, label) for u, v, label in graph.edges(data="label"))

    assert edges(back) == edges(view)


def test_gexf_header_is_deterministic(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_network(view, tmp_path / "g.gexf")
    meta = ET.parse(path).getroot().find("{http://www.gexf.net/1.2draft}meta")
    assert meta is not None
    assert meta.get("lastmodifieddate") == "2025-02-28"  # latest digest day, not today
    assert meta.findtext("{http://www.gexf.net/1.2draft}creator") == "paperkg"
    text = path.read_text()
    assert 'label="NeoBERT: A Next-Generation BERT"' in text  # Gephi's node label
    assert "NetworkX" not in text


def test_gexf_without_days_omits_date(tmp_path: Path) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("a", kind="person", label="A")
    text = write_network(graph, tmp_path / "g.gexf").read_text()
    assert "lastmodifieddate" not in text


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_byte_identical(view: nx.MultiDiGraph, tmp_path: Path, fmt: str) -> None:
    first = write_network(view, tmp_path / f"a.{fmt}").read_bytes()
    second = write_network(view, tmp_path / f"b.{fmt}").read_bytes()
    assert first == second


def test_graphml_edge_ids_unique(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    root = ET.parse(write_network(view, tmp_path / "g.graphml")).getroot()
    ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == 91 and len(set(ids)) == 91


def test_format_from_argument_or_suffix(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_network(view, tmp_path / "graph.xml", "graphml")
    assert ET.parse(path).getroot().tag.endswith("graphml")
    with pytest.raises(ValueError, match="unknown network format 'xml'"):
        write_network(view, tmp_path / "graph.xml")
    with pytest.raises(ValueError, match="choose one of gexf, graphml"):
        write_network(view, tmp_path / "graph.gexf", "dot")


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_awkward_attributes_are_normalised(tmp_path: Path, fmt: str) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("urn:a", kind="paper", label="A", missing=None, tags=["x", "y"],
                   count=3, ids={"b", "a"}, id="clash", start="2025", **{"": "empty key"})
    graph.add_node("urn:b")  # no attributes at all
    graph.add_edge("urn:a", "urn:b", key="creator", label="creator", weight=None, type="x")
    back = read(write_network(graph, tmp_path / f"g.{fmt}"))
    a = {k: v for k, v in back.nodes["urn:a"].items() if k != "viz"}
    assert a == {
        "kind": "paper", "label": "A", "Label": "A", "missing": "", "tags": "x, y",
        "count": 3, "ids": "a, b", "attr_id": "clash", "attr_start": "2025",
        "attr": "empty key", "degree": 1}
    b = {k: v for k, v in back.nodes["urn:b"].items() if k != "viz"}
    assert b == {"kind": "", "label": "urn:b", "Label": "urn:b", "degree": 1}
    edges = [{k: v for k, v in data.items() if k != "id"}  # read_gexf adds the GEXF edge id
             for *_, data in back.edges(data=True)]
    assert edges == [{"label": "creator", "attr_weight": "", "attr_type": "x"}]


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_one_type_per_column(tmp_path: Path, fmt: str) -> None:
    """Booleans, integers and numbers keep their type; a column mixing them with text is text."""
    graph = nx.MultiDiGraph()
    graph.add_node("urn:a", flag=True, n=2, x=1, mixed=1, score=0.5)
    graph.add_node("urn:b", flag=False, n=7, x=2.25, mixed="two", score=float("nan"))
    path = write_network(graph, tmp_path / f"g.{fmt}")
    back = read(path)
    assert {k: back.nodes["urn:a"][k] for k in ("flag", "n", "x", "mixed", "score")} == {
        "flag": True, "n": 2, "x": 1.0, "mixed": "1", "score": "0.5"}
    assert {k: back.nodes["urn:b"][k] for k in ("flag", "n", "x", "mixed", "score")} == {
        "flag": False, "n": 7, "x": 2.25, "mixed": "two", "score": "nan"}
    declared = _declared_types(path)
    assert {name: declared[name] for name in ("flag", "n", "x", "mixed", "degree")} == {
        "flag": "boolean", "n": "long", "x": "double", "mixed": "string", "degree": "long"}


def _declared_types(path: Path) -> dict[str, str]:
    """Attribute name → declared type, from a GEXF ``attribute`` or GraphML ``key``."""
    root = ET.parse(path).getroot()
    if path.suffix == ".gexf":
        return {el.get("title", ""): el.get("type", "")
                for el in root.iter("{http://www.gexf.net/1.2draft}attribute")}
    return {el.get("attr.name", ""): el.get("attr.type", "")
            for el in root.iter("{http://graphml.graphdrawing.org/xmlns}key")}


def test_gexf_nodes_carry_kind_colour_and_size(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    """Gephi reads viz:color and viz:size (namespace http://www.gexf.net/1.2draft/viz)."""
    root = ET.parse(write_network(view, tmp_path / "g.gexf")).getroot()
    ns, viz = "{http://www.gexf.net/1.2draft}", "{http://www.gexf.net/1.2draft/viz}"
    nodes = list(root.iter(f"{ns}node"))
    assert len(nodes) == 81
    colour_of = {kind.name: kind.colour for kind in KINDS}
    for node in nodes:
        kind = next(a.get("value") for a in node.iter(f"{ns}attvalue")
                    if a.get("for") == _attribute_id(root, "kind"))
        colour = node.find(f"{viz}color")
        assert colour is not None
        rgb = "#" + "".join(f"{int(colour.get(c, '')):02x}" for c in "rgb")
        assert rgb == colour_of[str(kind)]
        size = node.find(f"{viz}size")
        assert size is not None
        assert float(size.get("value", "")) == SIZES[view.degree(node.get("id"))]
    papers = [n for n in nodes if n.get("id") == NEOBERT]
    size = papers[0].find(f"{viz}size")
    assert size is not None and float(size.get("value", "")) > 4.0 + 2.0 * 3 ** 0.5


def _attribute_id(root: ET.Element, title: str) -> str:
    return next(el.get("id", "") for el in root.iter("{http://www.gexf.net/1.2draft}attribute")
                if el.get("title") == title)


def test_failed_write_keeps_previous_file(view: nx.MultiDiGraph, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.graphml"
    path.write_text("previous")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(nx, "write_graphml", broken)
    with pytest.raises(OSError, match="disk full"):
        write_network(view, path)
    assert path.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["g.graphml"]


@pytest.mark.corpus
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_corpus_round_trip(corpus_dir: Path, tmp_path: Path, fmt: str) -> None:
    view = project(kg.build([corpus_dir / "digests"]).store, days=True)
    back = read(write_network(view, tmp_path / f"corpus.{fmt}"))
    assert (len(back), back.number_of_edges()) == (len(view), view.number_of_edges())
    assert Counter(k for _, k in back.nodes(data="kind")) == \
        Counter(k for _, k in view.nodes(data="kind"))
    assert all(back.nodes[n] == expected_attrs(view, n, fmt) for n in view)
