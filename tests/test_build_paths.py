"""The build engine's fast path against the plain one: same files, same store.

``kg build`` streams (sorted lines, VoID counted on the fly, the store loaded in
batches on a second thread); ``GraphStore.load`` is the plain path ``kg add``
uses (quads into a store, the union and VoID made by SPARQL inside Oxigraph).
Both must give byte-identical graph files and the same quads, on the examples
and on the real corpus, with batches small enough that every build takes many.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.engine import loader
from kg.engine.loader import BatchLoader
from kg.engine.workspace import Workspace
from kg.graph.store import GraphStore
from kg.people.hook import refresh_people, start_people
from kg.read.parse import parse_inputs

SETTINGS = ox.NamedNode("urn:paperkg:settings")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 1,000 lines: the examples' build takes a dozen, the corpus' a hundred."""
    monkeypatch.setattr(loader, "BATCH_LINES", 1_000)


def plain(folder: Path) -> GraphStore:
    """The graph built the plain way, as ``kg add`` builds it into an empty store."""
    graph = GraphStore()
    parsed = parse_inputs([str(folder)])
    graph.load(parsed.digests)
    refresh_people(graph, start_people(None, [str(folder)]), parsed)  # as kg add does
    return graph


def quads(store: ox.Store) -> list[str]:
    return sorted(str(quad) for quad in store if quad.graph_name != SETTINGS)


def check_build(folder: Path, out: Path) -> None:
    result = kg.build([folder], out, formats=("turtle", "nt", "trig"), html=False)
    reference = plain(folder)
    assert (out / "graph.ttl").read_bytes() == reference.serialize()
    assert (out / "graph.nt").read_bytes() == reference.serialize(format=ox.RdfFormat.N_TRIPLES)
    assert (out / "graph.trig").read_bytes() == reference.serialize(format=ox.RdfFormat.TRIG)
    assert result.store is not None
    assert quads(result.store.store) == quads(reference.store)
    assert result.summary()["triples"] == sum(1 for _ in reference.data_triples())


def test_examples_build_equals_the_plain_path(examples_dir: Path, tmp_path: Path,
                                              small_batches: None) -> None:
    check_build(examples_dir, tmp_path / "out")


def test_corpus_build_equals_the_plain_path(corpus_dir: Path, tmp_path: Path,
                                            small_batches: None) -> None:
    check_build(corpus_dir / "digests", tmp_path / "out")


def test_in_memory_build_equals_the_plain_path(examples_dir: Path,
                                               small_batches: None) -> None:
    result = kg.build([examples_dir])
    assert result.store is not None
    assert quads(result.store.store) == quads(plain(examples_dir).store)


def test_rebuilt_store_is_reopened_after_the_swap(examples_dir: Path, tmp_path: Path) -> None:
    """Building twice into one folder replaces the store whole (no stale RocksDB handle)."""
    kg.build([examples_dir], tmp_path, html=False)
    result = kg.build([examples_dir / "papers-2025-02-28.md"], tmp_path, html=False)
    assert result.store is not None
    result.store.store.flush()
    del result
    reopened = Workspace(tmp_path).open(read_only=True)
    assert quads(reopened.store) == quads(plain(examples_dir / "papers-2025-02-28.md").store)


LINES = [f"<urn:s{i}> <urn:p> \"{i}\" <urn:g{i % 3}> .\n" for i in range(50)]


def test_loader_batches_add_up_to_one_load() -> None:
    batched, whole = ox.Store(), ox.Store()
    with BatchLoader(batched, batch_lines=7) as load:
        for line in LINES + LINES[:10]:  # a repeated quad is stored once
            load.add(line)
    whole.bulk_load("".join(LINES).encode(), format=ox.RdfFormat.N_QUADS)
    assert sorted(map(str, batched)) == sorted(map(str, whole))
    assert len(batched) == 50


def test_loader_error_reaches_the_building_thread() -> None:
    with pytest.raises(SyntaxError), BatchLoader(ox.Store(), batch_lines=5) as load:
        for line in [*LINES[:12], "<urn:s> not a quad\n", *LINES[12:]]:
            load.add(line)


def test_error_while_building_stops_the_loader() -> None:
    store = ox.Store()
    with pytest.raises(KeyError), BatchLoader(store, batch_lines=5) as load:
        for line in LINES[:12]:
            load.add(line)
        raise KeyError("mapping failed")
    assert 0 < len(store) <= 10  # the full batches were loaded, the rest dropped


def test_an_idle_loader_gets_lines_before_the_batch_is_full(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader works beside the build: once IDLE_LINES wait and it has nothing
    to do, they go to it, not only when a full batch has piled up."""
    monkeypatch.setattr(loader, "IDLE_LINES", 4)
    store = ox.Store()
    with BatchLoader(store, batch_lines=1_000) as load:
        for line in LINES[:6]:
            load.add(line)
        deadline = time.monotonic() + 30
        while len(store) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(store) == 4  # the first four, while the block still runs
    assert len(store) == 6
