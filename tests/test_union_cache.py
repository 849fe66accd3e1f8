"""The union lines ``kg build`` keeps for ``kg add`` (kg.engine.union).

An add merges the kept sorted lines with what its load changed instead of sorting
the whole union again; graph.ttl must stay byte-identical to a rebuild whether the
kept file is current, missing, stale (another generation of the store) or left by
an add killed at any step.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kg
from kg.engine import union
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def days(corpus_dir: Path, tmp_path: Path) -> list[Path]:
    """Fourteen real corpus days, copied (the tests edit some of them)."""
    folder = tmp_path / "digests"
    folder.mkdir()
    copies = []
    for path in sorted((corpus_dir / "digests").glob("papers-*.md"))[:14]:
        copies.append(Path(shutil.copyfile(path, folder / path.name)))
    return copies


def rebuilt(files: list[Path], out: Path) -> bytes:
    kg.build(files, out, html=False)
    return (out / "graph.ttl").read_bytes()


def kept(out: Path) -> list[Path]:
    return sorted(out.glob(".union-*.nt"))


def no_full_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sorting the store's union an error: the add must merge the kept lines."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the add sorted the whole union instead of merging")

    monkeypatch.setattr(union, "sorted_unique", refuse)
    monkeypatch.setattr("kg.graph.store.sorted_unique", refuse)


def test_a_build_keeps_the_union_lines_of_its_store(days: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build(days, out, html=False)
    graph = Workspace(out).open(read_only=True)
    assert kept(out) == [union.union_path(out, graph.union_token() or "-")]
    lines = kept(out)[0].read_text().splitlines(keepends=True)
    assert lines == sorted(set(lines))
    assert len(lines) == sum(1 for _ in graph.data_triples())
    del graph


def test_a_new_day_is_merged_not_sorted_and_equals_a_rebuild(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    before = kept(out)
    no_full_sort(monkeypatch)
    add_to_output([days[-1]], out)
    assert (out / "graph.ttl").read_bytes() == reference
    assert kept(out) != before and len(kept(out)) == 1, "the old generation's file stays"
    assert kept(out)[0].read_bytes() == kept(tmp_path / "full")[0].read_bytes()


def test_a_replacing_add_retracts_only_unsupported_lines(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(days, out, html=False)
    edited = days[5]
    rows = edited.read_text().splitlines(keepends=True)
    table = [i for i, row in enumerate(rows) if row.startswith("| ") and "---" not in row]
    assert len(table) > 4, "the day has too few rows to edit"
    edited.write_text("".join(row for i, row in enumerate(rows) if i not in table[2::2]))
    # the same papers on another day keep their triples in the union
    shutil.copyfile(days[3], days[3].with_name("papers-2030-01-01.md"))
    reference = rebuilt([*days, days[3].with_name("papers-2030-01-01.md")], tmp_path / "full")
    no_full_sort(monkeypatch)
    add_to_output([edited, days[3].with_name("papers-2030-01-01.md")], out)
    assert (out / "graph.ttl").read_bytes() == reference


def test_a_missing_file_falls_back_to_sorting_and_is_kept_again(
        days: list[Path], tmp_path: Path) -> None:
    reference = rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    for path in kept(out):
        path.unlink()
    add_to_output([days[-1]], out)
    assert (out / "graph.ttl").read_bytes() == reference
    assert len(kept(out)) == 1
    assert kept(out)[0].read_bytes() == kept(tmp_path / "full")[0].read_bytes()


def test_a_stale_file_of_another_generation_is_not_used(
        days: list[Path], tmp_path: Path) -> None:
    reference = rebuilt([*days[:3], days[-1]], tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    stale = kept(out)[0].read_bytes()
    # the store is replaced behind the folder's back by one of less data
    other = tmp_path / "other"
    kg.build(days[:3], other, html=False)
    shutil.rmtree(out / "store")
    shutil.copytree(other / "store", out / "store")
    add_to_output([days[-1]], out)
    assert (out / "graph.ttl").read_bytes() == reference
    assert kept(out)[0].read_bytes() != stale


# Each snippet SIGKILLs the add at one step; the kill is real, the step deterministic.
KILLS = {
    "after the store transaction": "union.update",
    "while writing the union lines": "union.LineCounter.add",
    "before the VoID is stored": "GraphStore.store_void",
    "before graph.ttl is written": "add_mod._write_exports",
    "after graph.ttl is spliced, before its record": "splice.record",
}
SCRIPT = """
import os, signal, sys
import kg.engine.add as add_mod
from kg.engine import splice, union
from kg.graph.store import GraphStore
owner, _, name = {target!r}.rpartition(".")
owner = {{"union": union, "add_mod": add_mod, "GraphStore": GraphStore,
          "union.LineCounter": union.LineCounter, "splice": splice}}[owner]
real = getattr(owner, name)
calls = []
def kill(*args, **kwargs):
    calls.append(1)
    if len(calls) > {after}:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(owner, name, kill)
add_mod.add_to_output([sys.argv[1]], sys.argv[2])
"""


@pytest.mark.parametrize("moment", sorted(KILLS))
def test_an_add_killed_at_any_step_is_repaired_by_the_next(
        moment: str, days: list[Path], tmp_path: Path) -> None:
    reference = rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-2], out, html=False)
    after = 100 if "LineCounter" in KILLS[moment] else 0
    script = textwrap.dedent(SCRIPT.format(target=KILLS[moment], after=after))
    process = subprocess.run([sys.executable, "-c", script, str(days[-2]), str(out)],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == -9, f"the add was not killed {moment}: {process.stderr}"
    add_to_output([days[-2]], out)  # the same day again: repairs
    add_to_output([days[-1]], out)  # and the next day merges onto the repaired lines
    assert (out / "graph.ttl").read_bytes() == reference, moment
    assert kept(out)[0].read_bytes() == kept(tmp_path / "full")[0].read_bytes()
    assert not list(out.glob(".*.tmp")), "a killed write left its temporary file"
