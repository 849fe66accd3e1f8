"""kg.export.network: GEXF and GraphML that networkx (and Gephi) read back intact."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.export.network import OMITTED, write_network
from kg.view.projection import project

NEOBERT = "https://w3id.org/paperkg/paper/2502.19587"


@pytest.fixture(scope="module")
def view(examples_dir: Path) -> nx.MultiDiGraph:
    return project(kg.build([examples_dir]).store, days=True)


def read(path: Path) -> nx.MultiDiGraph:
    if path.suffix == ".gexf":
        return nx.MultiDiGraph(nx.read_gexf(path))
    return nx.read_graphml(path, force_multigraph=True)


def expected_attrs(data: dict[str, str]) -> dict[str, str]:
    attrs = {k: v for k, v in data.items() if k not in OMITTED}
    return {**attrs, "Label": data["label"]}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_round_trip(view: nx.MultiDiGraph, tmp_path: Path, fmt: str) -> None:
    path = write_network(view, tmp_path / f"graph.{fmt}")
    back = read(path)
    assert (len(back), back.number_of_edges()) == (81, 91)
    assert list(back) == list(view)  # node ids are the IRIs, in the view's order
    for node, data in view.nodes(data=True):
        assert back.nodes[node] == expected_attrs(data)
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
def test_awkward_attributes_become_strings(tmp_path: Path, fmt: str) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("urn:a", kind="paper", label="A", missing=None, tags=["x", "y"],
                   count=3, ids={"b", "a"}, id="clash", start="2025", **{"": "empty key"})
    graph.add_node("urn:b")  # no attributes at all
    graph.add_edge("urn:a", "urn:b", key="creator", label="creator", weight=None, type="x")
    back = read(write_network(graph, tmp_path / f"g.{fmt}"))
    assert back.nodes["urn:a"] == {
        "kind": "paper", "label": "A", "Label": "A", "missing": "", "tags": "x, y",
        "count": "3", "ids": "a, b", "attr_id": "clash", "attr_start": "2025",
        "attr": "empty key"}
    assert back.nodes["urn:b"] == {"kind": "", "label": "urn:b", "Label": "urn:b"}
    edges = [{k: v for k, v in data.items() if k != "id"}  # read_gexf adds the GEXF edge id
             for *_, data in back.edges(data=True)]
    assert edges == [{"label": "creator", "attr_weight": "", "attr_type": "x"}]


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
    assert all(back.nodes[n] == expected_attrs(d) for n, d in view.nodes(data=True))
