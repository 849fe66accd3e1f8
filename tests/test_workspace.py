"""kg.engine.workspace: the output folder's layout, its store swap and opening any graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.engine.workspace import Workspace, open_graph
from kg.graph.store import StoreError
from kg.records import Diagnostic


@pytest.fixture(scope="module")
def built(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    kg.build([examples_dir], out, html=False)
    return out


def test_layout(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    assert (workspace.store_path, workspace.graph_path, workspace.page_path,
            workspace.warnings_path) == (tmp_path / "store", tmp_path / "graph.ttl",
                                         tmp_path / "graph.html", tmp_path / "warnings.log")


def test_warnings_log_holds_the_last_run_only(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.write_warnings([Diagnostic("a.md", 3, "placeholder link target 'null'"),
                              Diagnostic("b.md", None, "no table")])
    assert workspace.warnings_path.read_text() == (
        "a.md:3: warning: placeholder link target 'null'\nb.md: warning: no table\n")
    workspace.write_warnings([])
    assert not workspace.warnings_path.exists()


def test_read_only_open_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no store in .*; run 'kg build' first"):
        Workspace(tmp_path).open(read_only=True)
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_install_swaps_the_new_store_in(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    workspace = Workspace(out)
    fresh = workspace.fresh_store()
    shutil.copytree(built / "store", fresh)
    (fresh / "marker").write_text("new")
    workspace.install(fresh)
    assert (workspace.store_path / "marker").read_text() == "new"
    names = sorted(p.name for p in out.iterdir())
    assert [n for n in names if not n.startswith(".union-")] == [
        ".graph-ttl.json", ".people-state.sqlite", "generation", "graph.ttl", "search.sqlite",
        "store", "warnings.log"]


def test_a_swap_killed_halfway_is_undone(built: Path, tmp_path: Path) -> None:
    """Killed between the two renames: the old store is back on the next open."""
    out = tmp_path / "out"
    shutil.copytree(built, out)
    (out / "store").rename(out / ".store.old")
    workspace = Workspace(out)
    assert workspace.has_store()
    assert not (out / ".store.old").exists()
    graph = workspace.open(read_only=True)
    assert len(graph) > 0


def test_open_graph_reads_every_kind_of_location(built: Path, tmp_path: Path) -> None:
    turtle = (built / "graph.ttl").read_bytes()
    assert open_graph(built).serialize() == turtle  # an output folder: its store
    assert open_graph(built / "store").serialize() == turtle  # a store folder
    written = {q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert written <= set(open_graph(built / "graph.ttl").triples())  # an RDF file
    only_turtle = tmp_path / "turtle-only"
    only_turtle.mkdir()
    shutil.copy(built / "graph.ttl", only_turtle)
    assert written <= set(open_graph(only_turtle).triples())  # an output folder without a store


def test_open_graph_errors_say_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no graph at .*run 'kg build' first"):
        open_graph(tmp_path)
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle")
    with pytest.raises(StoreError, match=r"cannot read .*broken\.ttl"):
        open_graph(broken)
