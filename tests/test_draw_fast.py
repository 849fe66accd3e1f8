"""The default page reads only what it shows, and draws what the full projection would.

kg.view.draw.default_overview builds the task overview of a big graph from a few
queries instead of projecting the whole store; these tests compare it, node for
node and byte for byte, with ``overview(project(graph))`` on the real corpus and
on synthetic digests, and pin the deterministic choice of one label per node.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox

import kg
from kg.graph import vocab as v
from kg.graph.store import GraphStore
from kg.view.draw import default_overview, write_view_html
from kg.view.focus import OVERVIEW_MIN_NODES, overview
from kg.view.page import render_html
from kg.view.projection import project
from tests.test_crash import synth


def built(folder: Path) -> GraphStore:
    """The in-memory graph of ``folder``'s digests."""
    graph = kg.build([folder]).store
    assert graph is not None
    return graph


def assert_same_overview(graph: GraphStore) -> None:
    page = default_overview(graph)
    assert page is not None, "the graph is big enough for the overview"
    fast, size = page
    view = project(graph)
    full = overview(view)
    assert size == len(view) > OVERVIEW_MIN_NODES
    assert list(fast.nodes(data=True)) == list(full.nodes(data=True))
    assert list(fast.edges(keys=True, data=True)) == list(full.edges(keys=True, data=True))
    assert render_html(fast, title="t") == render_html(full, title="t")


def test_overview_without_projection_matches_corpus(corpus_dir: Path) -> None:
    assert_same_overview(built(corpus_dir / "digests"))


def test_overview_without_projection_matches_synthetic(tmp_path: Path) -> None:
    synth(1_200, tmp_path / "digests")
    assert_same_overview(built(tmp_path / "digests"))


def test_small_graph_is_drawn_whole(examples_dir: Path, tmp_path: Path) -> None:
    graph = built(examples_dir)
    assert default_overview(graph) is None  # 81 nodes: the whole projection is cheap
    notes = write_view_html(graph, tmp_path / "graph.html")
    assert notes == []
    assert (tmp_path / "graph.html").read_text(encoding="utf-8") == render_html(project(graph))


def test_build_page_is_the_overview(tmp_path: Path) -> None:
    synth(1_200, tmp_path / "digests")
    result = kg.build([tmp_path / "digests"], tmp_path / "out")
    assert result.notes and "opens on an overview" in result.notes[0]
    # Released first: a reader beside a live writer in one process can lose a table
    # file to the writer's background compaction.
    del result
    gc.collect()
    graph = GraphStore(tmp_path / "out" / "store", read_only=True)
    page = (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    assert page == render_html(overview(project(graph)))


def test_node_with_several_labels_gets_the_smallest(examples_dir: Path) -> None:
    """Labels used to follow store order (the last one read won); now the smallest wins."""
    graph = built(examples_dir)
    tasks = sorted(n for n, kind in project(graph).nodes(data="kind") if kind == "task")
    extra = []
    for i, task in enumerate(tasks):
        for text in (f"AA{i}", f"zz{i}"):  # one sorts before every real label, one after
            extra.append(ox.Quad(ox.NamedNode(task), v.PREF_LABEL, ox.Literal(text)))
    graph.store.extend(extra)
    labels = dict(project(graph).nodes(data="label"))
    assert [labels[task] for task in tasks] == [f"AA{i}" for i in range(len(tasks))]
    page = default_overview(graph, min_nodes=0)
    assert page is not None
    assert all(page[0].nodes[task]["name"] == f"AA{i}" for i, task in enumerate(tasks))
