"""The search index a daily ``kg add`` updates in place (kg.web.search).

An add re-indexes only the nodes its load touched, and the index must then hold
exactly what a whole rebuild of the same store would: new papers found, an edited
summary's old words gone, a dropped paper gone. An index of another generation
(an add killed before writing it), an older file or a damaged one is rebuilt whole.
"""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.web import search
from kg.web.search import SEARCH_FILE, SearchIndex
from tests.webdata import write_digests

BASE = "https://w3id.org/paperkg/"
ROOT = Path(__file__).resolve().parents[1]


def indexed(out: Path) -> list[tuple[str, str, str, str]]:
    """The index's documents; every one is recorded under its node, and only those."""
    connection = sqlite3.connect(f"file:{out / SEARCH_FILE}?mode=ro", uri=True)
    try:
        assert sorted(connection.execute("SELECT iri, rowid FROM docs")) == \
            sorted(connection.execute("SELECT iri, doc FROM doc_of"))
        return sorted(connection.execute("SELECT iri, kind, label, body FROM docs"))
    finally:
        connection.close()


def whole(out: Path) -> list[tuple[str, str, str, str]]:
    """The documents of the store in ``out``, read whole (what a rebuild indexes)."""
    graph = Workspace(out).open(read_only=True)
    try:
        return search.documents(graph.store)
    finally:
        graph.close()


def hits(out: Path, text: str) -> list[str]:
    return [hit.iri for hit in SearchIndex(ox.Store(), BASE, out / SEARCH_FILE).search(text)]


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, Path]:
    """(output folder, the day held back) after a build of the other days."""
    digests = write_digests(tmp_path / "digests")
    held = tmp_path / "later.md"
    (digests / "papers-2025-02-28.md").rename(held)
    out = tmp_path / "out"
    result = kg.build([digests], out, html=False)
    assert result.store is not None
    result.store.close()
    del result
    gc.collect()
    return out, held


def no_whole_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the add rebuilt the whole search index")

    monkeypatch.setattr(search, "_fill", refuse)


def test_an_add_reindexes_only_what_it_touched(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    out, held = built
    assert hits(out, "MedVLM") == []
    no_whole_rebuild(monkeypatch)
    add_to_output([held], out, export=False)
    assert hits(out, "MedVLM") == [BASE + "paper/2502.19634"]
    # NeoBERT is listed on both days now: its body holds both summaries.
    neobert = [doc for doc in indexed(out) if doc[0] == BASE + "paper/2502.19587"]
    assert len(neobert) == 1 and "Listed again" in neobert[0][3] \
        and "newer architecture" in neobert[0][3]
    assert indexed(out) == whole(out)


def test_a_replacing_add_drops_old_words_and_papers(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    out, held = built
    add_to_output([held], out, export=False)
    assert hits(out, "radiology") == [BASE + "paper/2502.19634"]
    text = held.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    # Edit MedVLM's summary and drop the last row (a paper only this day listed).
    edited = [line.replace("answers radiology questions", "reads chest scans")
              for line in lines[:-1]]
    held.write_text("".join(edited), encoding="utf-8")
    dropped = lines[-1].split("(https://arxiv.org/abs/", 1)[1].split(")", 1)[0]
    assert any(doc[0] == BASE + f"paper/{dropped}" for doc in indexed(out))
    no_whole_rebuild(monkeypatch)
    add_to_output([held], out, export=False)
    assert hits(out, "radiology") == []
    assert hits(out, "chest scans") == [BASE + "paper/2502.19634"]
    assert not any(doc[0] == BASE + f"paper/{dropped}" for doc in indexed(out))
    assert indexed(out) == whole(out)


@pytest.mark.parametrize("damage", ["other generation", "older file", "older layout",
                                    "not an index", "missing"])
def test_an_index_that_does_not_match_the_store_is_rebuilt_whole(
        built: tuple[Path, Path], damage: str) -> None:
    out, held = built
    path = out / SEARCH_FILE
    if damage == "other generation":  # an add died after its store, before its index
        connection = sqlite3.connect(path)
        connection.execute("UPDATE meta SET value = 'elsewhere' WHERE key = 'generation'")
        connection.execute("DELETE FROM docs")
        connection.commit()
        connection.close()
    elif damage == "older file":  # written by a release without the generation
        connection = sqlite3.connect(path)
        connection.execute("DROP TABLE meta")
        connection.commit()
        connection.close()
    elif damage == "older layout":  # the generation, but no documents kept by node
        connection = sqlite3.connect(path)
        connection.execute("DELETE FROM meta WHERE key = 'format'")
        connection.execute("DROP TABLE doc_of")
        connection.commit()
        connection.close()
    elif damage == "not an index":
        path.write_bytes(b"\x00garbage" * 512)
    else:
        path.unlink()
    add_to_output([held], out, export=False)
    assert hits(out, "MedVLM") == [BASE + "paper/2502.19634"]
    assert BASE + "paper/2502.19587" in hits(out, "NeoBERT")
    assert indexed(out) == whole(out)


def test_the_index_records_the_store_generation(built: tuple[Path, Path]) -> None:
    out, held = built
    add_to_output([held], out, export=False)
    graph = Workspace(out).open(read_only=True)
    try:
        token = graph.union_token()
    finally:
        graph.close()
    connection = sqlite3.connect(out / SEARCH_FILE)
    try:
        assert connection.execute("SELECT value FROM meta WHERE key = 'generation'"
                                  ).fetchall() == [(token,)]
    finally:
        connection.close()


def test_an_add_updates_the_file_a_reader_has_open(built: tuple[Path, Path]) -> None:
    """The update is a transaction on the file itself (not a new file): a server's
    connection opened before the add sees the new documents, and no journal is left."""
    out, held = built
    path = out / SEARCH_FILE
    inode = path.stat().st_ino
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        query = "SELECT iri FROM docs WHERE docs MATCH 'MedVLM'"
        assert reader.execute(query).fetchall() == []
        add_to_output([held], out, export=False)
        assert reader.execute(query).fetchall() == [(BASE + "paper/2502.19634",)]
    finally:
        reader.close()
    assert path.stat().st_ino == inode
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(SEARCH_FILE)) == \
        [SEARCH_FILE]
    assert indexed(out) == whole(out)


KILLED_IN_THE_TRANSACTION = """
import os, signal, sys
import kg.engine.add as add_mod
from kg.web import search
def kill(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
search.documents = kill  # called after the old documents were deleted
add_mod.add_to_output([sys.argv[1]], sys.argv[2], export=False)
"""


def test_an_add_killed_inside_the_update_leaves_the_old_index(
        built: tuple[Path, Path]) -> None:
    """SIGKILL between the transaction's delete and its inserts: SQLite rolls the
    file back to the old index, and the next add updates it as usual."""
    out, held = built
    before = indexed(out)
    process = subprocess.run([sys.executable, "-c", KILLED_IN_THE_TRANSACTION, str(held),
                              str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == -9, process.stderr
    assert indexed(out) == before  # the reader rolled back the killed transaction
    add_to_output([held], out, export=False)
    assert hits(out, "MedVLM") == [BASE + "paper/2502.19634"]
    assert indexed(out) == whole(out)


def test_a_whole_rebuild_that_fails_keeps_the_old_index(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole index is built in a temporary file beside the old one: a failure
    half-way leaves the old file as it was and no temporary file."""
    out, _ = built
    before = (out / SEARCH_FILE).read_bytes()
    real = search._fill

    def failing(connection: sqlite3.Connection, *args: object) -> None:
        real(connection, *args)  # type: ignore[arg-type]
        raise OSError("disk full")

    monkeypatch.setattr(search, "_fill", failing)
    graph = Workspace(out).open(read_only=True)
    try:
        with pytest.raises(OSError, match="disk full"):
            search.update_index(graph.store, out / SEARCH_FILE, "another")
    finally:
        graph.close()
    assert (out / SEARCH_FILE).read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if SEARCH_FILE in p.name) == [SEARCH_FILE]
