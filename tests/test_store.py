"""The persistent store: kg add equals a rebuild, corrections replace, the manifest."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.engine.workspace import Workspace
from kg.graph.store import GraphStore, StoreError
from tests.cli import run_kg

NEOBERT_ROW_PREFIX = "| [NeoBERT"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_kg(*args, ok=True)


@pytest.fixture
def days(examples_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "digests"
    shutil.copytree(examples_dir, folder)
    return folder


def test_adding_days_one_by_one_equals_a_full_build(days: Path, tmp_path: Path) -> None:
    run("build", str(days), "-o", str(tmp_path / "full"))
    for day in sorted(days.iterdir()):
        run("add", str(day), "-o", str(tmp_path / "inc"))
    assert (tmp_path / "inc" / "graph.ttl").read_bytes() == (
        tmp_path / "full" / "graph.ttl").read_bytes()


def test_adding_the_same_day_twice_changes_nothing(days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("build", str(days), "-o", str(out))
    before = (out / "graph.ttl").read_bytes()
    done = run("add", str(days / "papers-2025-02-28.md"), "-o", str(out))
    assert "added 0, replaced 0, moved 0, unchanged 1 file(s)" in done.stdout
    assert (out / "graph.ttl").read_bytes() == before
    graph = Workspace(out).open(read_only=True)
    assert len(graph.manifest()) == 2


def test_a_corrected_day_replaces_only_what_it_said(days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("build", str(days), "-o", str(out))
    day = days / "papers-2025-02-28.md"
    lines = day.read_text().splitlines(keepends=True)
    corrected = [line for line in lines if not line.startswith(NEOBERT_ROW_PREFIX)]
    corrected = [line.replace("'Translation', ", "") for line in corrected]
    assert len(corrected) == len(lines) - 1
    day.write_text("".join(corrected))
    done = run("add", str(day), "-o", str(out))
    assert "replaced 1" in done.stdout
    run("build", str(days), "-o", str(tmp_path / "rebuilt"))
    ttl = (out / "graph.ttl").read_text()
    assert ttl == (tmp_path / "rebuilt" / "graph.ttl").read_text()
    # The 28th's entry for NeoBERT is gone; the 27th still supports the paper and its model.
    assert "entry:2025-02-28_2502.19587" not in ttl
    assert "entry:2025-02-27_2502.19587" in ttl
    assert "<https://w3id.org/paperkg/huggingface/chandar-lab/neobert>" in ttl
    assert "task:translation" not in ttl


def test_a_day_dropped_from_a_file_disappears(tmp_path: Path, examples_dir: Path) -> None:
    both = (examples_dir / "papers-2025-02-27.md").read_text() + (
        examples_dir / "papers-2025-02-28.md").read_text()
    archive = tmp_path / "archive.md"
    archive.write_text(both)
    graph = GraphStore()
    kg.add([archive], graph)
    assert sorted(i.day for i in graph.manifest()) == ["2025-02-27", "2025-02-28"]
    archive.write_text((examples_dir / "papers-2025-02-27.md").read_text())
    result = kg.add([archive], graph)
    assert result.changed == [archive.resolve().as_posix()]
    assert [i.day for i in graph.manifest()] == ["2025-02-27"]
    fresh = kg.build([archive]).store
    assert graph.serialize() == fresh.serialize()


def test_the_manifest_without_counts_and_the_counts_of_some_days(
        tmp_path: Path, examples_dir: Path) -> None:
    """What an add reads: the manifest without entry counts, then the counts of the
    days it replaces only; together they say what the counted manifest says."""
    graph = GraphStore()
    kg.add(sorted(examples_dir.glob("*.md")), graph)
    counted = graph.manifest()
    assert len(counted) == 2 and all(item.entries > 0 for item in counted)
    uncounted = graph.manifest(entries=False)
    assert [item.entries for item in uncounted] == [0, 0]
    assert [(i.source, i.day, i.sha256, i.graph, i.name) for i in uncounted] == \
        [(i.source, i.day, i.sha256, i.graph, i.name) for i in counted]
    first = counted[0]
    assert graph.entry_counts([first.graph]) == {first.graph: first.entries}
    assert graph.entry_counts(i.graph for i in counted) == {i.graph: i.entries for i in counted}
    assert graph.entry_counts([]) == {}


def test_status_lists_each_file_and_the_totals(days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("build", str(days), "-o", str(out))
    status = run("status", "-g", str(out)).stdout
    assert "papers-2025-02-27.md  sha256:" in status
    assert "2 file(s), 2 day(s), 2025-02-27 to 2025-02-28" in status
    assert "8 papers, 37 authors" in status


def test_store_remembers_its_base(days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("build", str(days), "-o", str(out), "--base", "https://example.org/kg/")
    graph = Workspace(out).open(read_only=True)
    assert graph.base == "https://example.org/kg/"
    done = run_kg("query", "-g", str(out),
                  "SELECT ?p WHERE { ?p a fabio:Preprint } ORDER BY ?p LIMIT 1", "--format", "csv")
    assert done.stdout.splitlines()[1] == "https://example.org/kg/paper/2502.16944"


def test_export_from_the_store(days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("build", str(days), "-o", str(out), "-f", "nt")
    run("export", "-g", str(out), "-o", str(tmp_path / "again"), "-f", "nt", "-f", "turtle")
    for name in ("graph.ttl", "graph.nt"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()


def test_query_reads_store_graph_files_and_trig(days: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("build", str(days), "-o", str(out), "-f", "trig")
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a fabio:Preprint }"
    for location in (out, out / "store", out / "graph.ttl", out / "graph.trig"):
        done = run("query", "-g", str(location), query, "--format", "csv")
        assert done.stdout.splitlines() == ["n", "8"], location


def test_a_read_only_open_retries_while_a_writer_compacts(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a reader opening while the writer's compaction deleted a table file
    failed with "No such file ... .sst", so a server kept answering from the old data
    (seen in CI as a stale count right after a flush). The race itself is rare, so the
    failure RocksDB reports is replayed here."""
    from kg.graph import store as store_module

    folder = tmp_path / "store"
    GraphStore(folder).close()
    real = ox.Store.read_only
    calls: list[str] = []

    def compacting(path: str) -> ox.Store:
        calls.append(path)
        if len(calls) < 3:
            raise FileNotFoundError(f"IO error: No such file or directory: {path}/000968.sst")
        return real(path)

    monkeypatch.setattr(store_module.ox.Store, "read_only", compacting)
    reader = GraphStore(folder, read_only=True)
    assert len(calls) == 3 and reader.base == kg.DEFAULT_BASE
    reader.close()
    calls.clear()
    with pytest.raises(StoreError, match="cannot open the store"):
        GraphStore(tmp_path / "not-a-store", read_only=True)
    assert len(calls) == 1  # no store there: no retries


def built_with_test_quads(days: Path, tmp_path: Path
                          ) -> tuple[GraphStore, ox.NamedNode, list[ox.Quad]]:
    """The store of a build of ``days``, opened for writing, a graph name under its base
    and five quads for that graph (literals holding a quote and a newline)."""
    out = tmp_path / "out"
    kg.build([days], out, html=False).store.close()  # type: ignore[union-attr]
    graph = Workspace(out).open()
    target = ox.NamedNode(graph.base + "graph/test")
    word = ox.NamedNode("x:word")
    return graph, target, [ox.Quad(ox.NamedNode(f"x:{i}"), word,
                                   ox.Literal(f'say "{i}"\n'), target) for i in range(5)]


def test_replace_graph_writes_only_the_difference(days: Path, tmp_path: Path) -> None:
    """The people graph is replaced on every add: what stays is not rewritten, what
    went is gone, the rest of the store is untouched."""
    graph, target, quads = built_with_test_quads(days, tmp_path)
    try:
        size = len(graph.store)
        graph.replace_graph(target, quads[:3])
        assert len(graph.store) == size + 3
        writes: list[str] = []
        real = graph.store

        class Spy:
            def quads_for_pattern(self, *args: object) -> object:
                return real.quads_for_pattern(*args)  # type: ignore[arg-type]

            def update(self, request: str) -> None:
                writes.append(request)
                real.update(request)

            def extend(self, quads: list[ox.Quad]) -> None:
                writes.append(f"extend {len(quads)}")
                real.extend(quads)

        graph.store = Spy()  # type: ignore[assignment]
        graph.replace_graph(target, quads[:3])
        assert writes == []  # nothing differs: nothing written
        graph.replace_graph(target, quads[1:5])
        graph.store = real
        assert len(writes) == 2 and writes[0].startswith("DELETE DATA")
        assert writes[1] == "extend 2"
        assert sorted(map(str, real.quads_for_pattern(None, None, None, target))) == \
            sorted(map(str, quads[1:5]))
        assert len(real) == size + 4
    finally:
        graph.close()


def test_replace_graph_streams_into_an_empty_graph(
        days: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build's people graph starts empty: its quads go in batches as they come, never
    all held at once, and a later replacement still writes only the difference."""
    from kg.graph import store as store_module

    monkeypatch.setattr(store_module, "REPLACE_BATCH", 2)
    graph, target, quads = built_with_test_quads(days, tmp_path)
    try:
        size = len(graph.store)
        taken: list[int] = []

        def produced() -> Iterator[ox.Quad]:
            for i, quad in enumerate(quads):
                taken.append(i)
                yield quad

        real = graph.store
        batches: list[tuple[int, int]] = []  # (quads in the batch, quads produced by then)

        class Spy:
            def quads_for_pattern(self, *args: object) -> object:
                return real.quads_for_pattern(*args)  # type: ignore[arg-type]

            def update(self, request: str) -> None:
                batches.append((-1, len(taken)))
                real.update(request)

            def bulk_extend(self, batch: list[ox.Quad]) -> None:
                batches.append((len(batch), len(taken)))
                real.bulk_extend(batch)

            def extend(self, batch: list[ox.Quad]) -> None:
                batches.append((-2, len(taken)))
                real.extend(batch)

        graph.store = Spy()  # type: ignore[assignment]
        graph.replace_graph(target, produced())
        assert batches == [(2, 2), (2, 4), (1, 5)]
        batches.clear()
        graph.replace_graph(target, quads[1:])  # x:0 goes: the difference, as before
        graph.store = real
        assert [size for size, _ in batches] == [-1]  # one DELETE, nothing new
        assert sorted(map(str, real.quads_for_pattern(None, None, None, target))) == \
            sorted(map(str, quads[1:]))
        assert len(real) == size + 4
    finally:
        graph.close()
