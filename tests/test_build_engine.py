"""kg.engine.build: the one build behind ``kg build`` and ``kg.build()``."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.engine import union
from kg.engine.status import status
from kg.engine.workspace import Workspace
from tests.cli import run_kg


def test_in_memory_build_writes_nothing(examples_dir: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = kg.build([examples_dir])
    assert result.store is not None and len(result.store) > 0
    assert result.written == []
    assert list(tmp_path.iterdir()) == []
    assert result.summary()["papers"] == 8


def test_build_to_a_folder_writes_the_layout(examples_dir: Path, tmp_path: Path) -> None:
    result = kg.build([examples_dir], tmp_path, formats=("turtle", "nt"))
    names = sorted(p.name for p in tmp_path.iterdir())
    kept = [n for n in names if n.startswith(".union-")]  # for kg add (kg.engine.union)
    assert len(kept) == 1 and kept[0].endswith(".nt"), kept
    token = kept[0].removeprefix(".union-").split(".")[0]
    assert [n for n in names if n not in kept] == [
        ".graph-ttl.json", f".outline-{token}", ".people-state.sqlite", "generation",
        "graph.html", "graph.nt", "graph.ttl", "search.sqlite", "store",
        "warnings.log"]  # kg.engine.splice, page_job, kg.people.state
    assert union.carried_people(tmp_path, token) is not None, "the people state is not the store's"
    assert {p.name for p in result.written} >= {"graph.ttl", "graph.nt", "graph.html"}
    summary = result.summary()
    assert (summary["files"], summary["days"], summary["papers"]) == (2, 2, 8)
    assert summary["warnings"] == len(Workspace(tmp_path).warnings_path.read_text()
                                      .splitlines())
    # The digests were let go of once mapped (memory at 100k); their counts stay.
    in_memory = kg.build([examples_dir])
    assert result.parsed.digests == [] and in_memory.parsed.digests
    assert (result.parsed.rows, result.parsed.days) == \
        (in_memory.parsed.rows, in_memory.parsed.days) == (summary["rows"], 2)


def test_no_store_and_no_html(examples_dir: Path, tmp_path: Path) -> None:
    kg.build([examples_dir], tmp_path, store=False, html=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "warnings.log"]


def test_rebuild_is_byte_identical_and_replaces_the_store(examples_dir: Path,
                                                          tmp_path: Path) -> None:
    kg.build([examples_dir / "papers-2025-02-27.md"], tmp_path, html=False)
    assert status(Workspace(tmp_path).open(read_only=True)).days == ("2025-02-27",)
    kg.build([examples_dir], tmp_path, html=False)
    turtle = (tmp_path / "graph.ttl").read_bytes()
    report = status(Workspace(tmp_path).open(read_only=True))
    assert report.days == ("2025-02-27", "2025-02-28")
    kg.build([examples_dir], tmp_path / "again", html=False)
    assert (tmp_path / "again" / "graph.ttl").read_bytes() == turtle


def test_summary_agrees_with_status(examples_dir: Path, tmp_path: Path) -> None:
    result = kg.build([examples_dir], tmp_path, html=False)
    report = status(Workspace(tmp_path).open(read_only=True))
    counts = result.summary()
    assert len(report.days) == counts["days"]
    assert {k: report.counts[k] for k in ("papers", "authors", "tasks", "triples")} == {
        k: counts[k] for k in ("papers", "authors", "tasks", "triples")}


def test_bad_base_fails_before_anything_is_written(examples_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="base IRI"):
        kg.build([examples_dir], tmp_path / "out", base="no-scheme/")
    assert not (tmp_path / "out").exists()


def test_custom_base(examples_dir: Path) -> None:
    result = kg.build([examples_dir], base="https://example.org/kg/")
    assert result.store is not None
    assert b"<https://example.org/kg/paper/2502.19587>" in result.store.serialize(
        format=kg.graph.store.ox.RdfFormat.N_TRIPLES)


def test_a_build_leaves_no_log_for_readers_to_replay(examples_dir: Path, tmp_path: Path) -> None:
    """kg build flushes its store: every read-only open (kg query, kg serve) would
    otherwise replay the build's last writes from RocksDB's log (100k papers: 30 s and
    1.9 GB per open)."""
    run_kg("build", "-q", str(examples_dir), "-o", str(tmp_path), ok=True)
    logs = sorted((tmp_path / "store").glob("*.log"))
    assert logs, "no RocksDB log in the store"
    assert logs[-1].stat().st_size == 0
