"""One paper listed on one day by two source files with different author lists
(kg.read.listings): the union's entry for that day holds both lists, so a build
and an add warn at the row, naming the other file; agreeing copies stay quiet."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import kg
from kg.engine.add import add_to_output
from kg.graph.store import GraphStore

HEADER = ("## Papers for 2025-02-27\n\n"
          "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
          "|-------|---------|---------|----------------|-------------|-----------------|\n")
NEOBERT = "[NeoBERT: A Next-Generation BERT](https://arxiv.org/abs/2502.19587)"
MEDVLM = "[MedVLM-R1](https://arxiv.org/abs/2502.19634)"
FIRST = "Lola Le Breton, Quentin Fournier, Mariam El Mezouar, Sarath Chandar"
# The same paper cut at another window, as a second export of the day may write it.
SHIFTED = "Quentin Fournier, Mariam El Mezouar, Sarath Chandar, Lola Le Breton"


def digest(path: Path, authors: str, *, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"| {NEOBERT} | {authors} | An encoder, rebuilt. "
                    "| ['Feature Extraction'] | N/A | N/A |\n" + extra, encoding="utf-8")
    return path


def warnings_of(diagnostics: list[object]) -> list[str]:
    return [str(d) for d in diagnostics if "also listed for" in str(d)]


def test_a_build_warns_at_the_second_listing(tmp_path: Path) -> None:
    a = digest(tmp_path / "a" / "papers-2025-02-27.md", FIRST)
    b = digest(tmp_path / "b" / "papers-2025-02-27.md", SHIFTED)
    result = kg.build([a.parent, b.parent])
    found = warnings_of(result.parsed.diagnostics)
    assert found == [f"papers-2025-02-27.md:5: warning: paper '2502.19587' is also listed "
                     f"for 2025-02-27 by {a.resolve()}:5 with other authors; both lists are "
                     "kept (each file's day graph), but that day's entry in the union names "
                     "two people at some author positions"]
    # Nothing is lost: both author lists are in the union's entry.
    store = result.store
    assert store is not None
    rows = store.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a prov:agent ?p }",
                             prefixes={"prov": "http://www.w3.org/ns/prov#"})
    assert int(next(iter(rows))["n"].value) == 8  # type: ignore[index,union-attr]


def test_agreeing_copies_are_quiet(tmp_path: Path) -> None:
    a = digest(tmp_path / "a" / "papers-2025-02-27.md", FIRST)
    b = digest(tmp_path / "b" / "papers-2025-02-27.md", FIRST)
    assert warnings_of(kg.build([a, b]).parsed.diagnostics) == []


def build_folder(files: list[Path], out: Path) -> None:
    result = kg.build(files, out, html=False)
    assert result.store is not None
    result.store.close()
    del result
    gc.collect()


def test_an_add_compares_with_the_other_files_in_the_store(tmp_path: Path) -> None:
    a = digest(tmp_path / "a" / "papers-2025-02-27.md", FIRST)
    out = tmp_path / "out"
    build_folder([a], out)
    b = digest(tmp_path / "b" / "papers-2025-02-27.md", SHIFTED,
               extra=f"| {MEDVLM} | Jiayuan Zhu | Only here. | [] | N/A | N/A |\n")
    found = warnings_of(add_to_output([b], out, export=False).parsed.diagnostics)
    assert len(found) == 1 and f"by {a.resolve()} with other authors" in found[0]
    assert found[0].startswith("papers-2025-02-27.md:5: warning: paper '2502.19587'")
    # Correcting a (still another window): compared with b, now in the store.
    digest(a, "Lola Le Breton, Quentin Fournier")
    found = warnings_of(add_to_output([a], out, export=False).parsed.diagnostics)
    assert len(found) == 1 and f"by {b.resolve()} with other authors" in found[0]
    # Making a agree with b: quiet.
    digest(a, SHIFTED)
    assert warnings_of(add_to_output([a], out, export=False).parsed.diagnostics) == []


def test_a_new_day_looks_nothing_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The daily case: no other file has that day, so no listing is read back."""
    out = tmp_path / "out"
    build_folder([digest(tmp_path / "a" / "papers-2025-02-27.md", FIRST)], out)
    later = tmp_path / "a" / "papers-2025-02-28.md"
    later.write_text(HEADER.replace("02-27", "02-28") + f"| {NEOBERT} | {SHIFTED} | Again. "
                     "| [] | N/A | N/A |\n", encoding="utf-8")

    def refuse(*args: object) -> None:
        raise AssertionError("a listing was looked up for a day no other file has")

    monkeypatch.setattr(GraphStore, "listed_authors", refuse)
    result = add_to_output([later], out, export=False)
    assert warnings_of(result.parsed.diagnostics) == []


def test_two_spellings_of_one_person_node_are_no_conflict(tmp_path: Path) -> None:
    """Compared as the union holds them: case differences map to one person node."""
    a = digest(tmp_path / "a" / "papers-2025-02-27.md", FIRST)
    b = digest(tmp_path / "b" / "papers-2025-02-27.md", FIRST.upper())
    result = kg.build([a, b])
    assert warnings_of(result.parsed.diagnostics) == []
    assert result.store is not None
    rows = result.store.store.query("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?a prov:agent ?p }",
                                    prefixes={"prov": "http://www.w3.org/ns/prov#"})
    assert int(next(iter(rows))["n"].value) == 4  # type: ignore[index,union-attr]
