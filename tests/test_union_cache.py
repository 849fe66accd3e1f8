"""What ``kg build`` keeps for ``kg add`` (kg.engine.union).

An add moves the VoID counts the store holds by what its load changed, with no
pass over the union; without them (a store that lost its description) it merges
the kept sorted lines with the change, and without those it sorts the store's
union. graph.ttl, the stored VoID description and the page's outline must equal a
rebuild's whichever way the add went, whether the kept files are current, missing,
damaged, stale (another generation of the store) or left by an add killed at any
step.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kg
from kg.engine import page_job, union
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.view.outline import Outline
from tests.outputs import people_quads

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
    kg.build(files, out)  # with its page, which keeps the outline
    return (out / "graph.ttl").read_bytes()


def kept(out: Path) -> list[Path]:
    return sorted(out.glob(".union-*.nt"))


def kept_outline(out: Path) -> Outline:
    """The page's outline kept in ``out`` for its store's generation."""
    graph = Workspace(out).open(read_only=True)
    try:
        token = graph.union_token()
    finally:
        graph.close()
    assert token is not None
    outline = page_job.kept_outline(out, token)
    assert outline is not None, "no outline kept for the store's generation"
    return outline


def drop_void(out: Path) -> None:
    """Take the VoID description out of the store, as an add killed between its two
    transactions leaves it: the next add has no counts to follow."""
    graph = Workspace(out).open()
    try:
        graph.drop_void()
    finally:
        graph.close()


def stored_void(out: Path) -> list[str]:
    graph = Workspace(out).open(read_only=True)
    try:
        return sorted(str(t) for t in graph.void())
    finally:
        graph.close()


def no_full_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sorting the store's union an error: the add must merge the kept lines."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the add sorted the whole union instead of merging")

    monkeypatch.setattr(union, "sorted_unique", refuse)
    monkeypatch.setattr("kg.graph.store.sorted_unique", refuse)


def no_full_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any pass over the whole union an error: the add must follow its change."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the add passed over the whole union")

    no_full_sort(monkeypatch)
    monkeypatch.setattr(union, "update", refuse)


def assert_as_rebuilt(out: Path, full: Path) -> None:
    """graph.ttl, the store's VoID description and the kept outline (with its cards)
    equal a rebuild's; no kept file of another generation is left."""
    assert (out / "graph.ttl").read_bytes() == (full / "graph.ttl").read_bytes()
    assert stored_void(out) == stored_void(full)
    ours, theirs = kept_outline(out), kept_outline(full)
    assert ours == theirs and ours.drawn == theirs.drawn
    graph = Workspace(out).open(read_only=True)
    try:
        token = graph.union_token()
    finally:
        graph.close()
    left = [path.name for path in [*out.glob(".union-*"), *out.glob(".outline-*")]
            if token is None or token not in path.name]
    assert left == [], "files of another generation were left"


def test_a_build_keeps_the_union_lines_of_its_store(days: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build(days, out, html=False)
    graph = Workspace(out).open(read_only=True)
    token = graph.union_token() or "-"
    assert kept(out) == [union.union_path(out, token)]
    lines = kept(out)[0].read_text().splitlines(keepends=True)
    assert lines == sorted(set(lines))
    assert len(lines) == sum(1 for _ in graph.data_triples())
    del graph


@pytest.mark.parametrize("new_days", [1, 4])
def test_new_days_follow_the_change_and_equal_a_rebuild(
        new_days: int, days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One new day, and four added one by one (each add follows the last one's state)."""
    rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-new_days], out, html=False)
    no_full_pass(monkeypatch)
    for day in days[-new_days:]:
        add_to_output([day], out)
    assert_as_rebuilt(out, tmp_path / "full")
    assert kept(out) == [], "the build's lines file is stale after the add"


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
    copy = shutil.copyfile(days[3], days[3].with_name("papers-2030-01-01.md"))
    rebuilt([*days, copy], tmp_path / "full")
    no_full_pass(monkeypatch)
    add_to_output([edited, copy], out)
    assert_as_rebuilt(out, tmp_path / "full")
    # and a file whose day goes away takes its source, subjects and objects with it
    copy.unlink()
    copy.write_text("")
    rebuilt(days, tmp_path / "again")
    add_to_output([copy], out)
    assert_as_rebuilt(out, tmp_path / "again")


def test_without_counts_the_kept_lines_are_merged_not_sorted(
        days: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    drop_void(out)
    no_full_sort(monkeypatch)
    add_to_output([days[-1]], out)
    assert_as_rebuilt(out, tmp_path / "full")
    assert kept(out)[0].read_bytes() == kept(tmp_path / "full")[0].read_bytes()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "another layout"])
def test_a_damaged_outline_is_not_used(damage: str, days: list[Path], tmp_path: Path) -> None:
    """The page's outline damaged: the add counts the whole graph again, and keeps it."""
    rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out)
    [path] = out.glob(".outline-*")
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"\x00not marshal" * 9,
                      "empty": b"",
                      "another layout": data.replace(b"paperkg outline", b"paperkg outside")
                      }[damage])
    add_to_output([days[-1]], out)
    assert_as_rebuilt(out, tmp_path / "full")


def test_missing_files_fall_back_to_sorting_and_are_kept_again(
        days: list[Path], tmp_path: Path) -> None:
    rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    for path in [*out.glob(".union-*"), *out.glob(".outline-*"), union.people_path(out)]:
        path.unlink()
    drop_void(out)
    add_to_output([days[-1]], out)
    assert_as_rebuilt(out, tmp_path / "full")
    assert kept(out)[0].read_bytes() == kept(tmp_path / "full")[0].read_bytes()
    assert union.carried_people(out, store_token(out)) is not None, "no people state kept"


def test_a_stale_file_of_another_generation_is_not_used(
        days: list[Path], tmp_path: Path) -> None:
    """The store replaced behind the folder's back by one of less data: the folder's
    union lines, people state and outline are of another generation. The add follows
    the new store's own counts, deletes the stale files and keeps the people state of
    the new generation."""
    reference = rebuilt([*days[:3], days[-1]], tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out)
    stale = {path.name for path in [*out.glob(".union-*"), *out.glob(".outline-*")]}
    assert len(stale) == 2
    stale_token = store_token(out)
    other = tmp_path / "other"
    kg.build(days[:3], other, html=False)
    shutil.rmtree(out / "store")
    shutil.copytree(other / "store", out / "store")
    assert union.carried_people(out, store_token(out)) is None, "a stale people state was used"
    add_to_output([days[-1]], out)
    assert (out / "graph.ttl").read_bytes() == reference
    assert not stale & {path.name for path in out.glob(".*")}
    assert_as_rebuilt(out, tmp_path / "full")
    assert union.carried_people(out, store_token(out)) is not None
    assert union.carried_people(out, stale_token) is None


def test_a_folder_of_the_previous_release_is_taken_over(
        days: list[Path], tmp_path: Path) -> None:
    """A folder whose people state is the previous release's marshal file
    (``.union-TOKEN.people``): the add weighs the people once, keeps the state in its
    SQLite file and deletes the old one."""
    rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-1], out, html=False)
    token = store_token(out)
    union.people_path(out).unlink()
    old = out / f".union-{token}.people"
    old.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00marshal!")
    add_to_output([days[-1]], out)
    assert_as_rebuilt(out, tmp_path / "full")
    assert not old.exists(), "the previous release's people state was left"
    assert union.carried_people(out, store_token(out)) is not None
    assert people_quads(out) == people_quads(tmp_path / "full")


def store_token(out: Path) -> str | None:
    graph = Workspace(out).open(read_only=True)
    try:
        return graph.union_token()
    finally:
        graph.close()


# Each snippet SIGKILLs the add at one step; the kill is real, the step deterministic.
# The steps marked "full pass" are those of an add without counts to follow.
KILLS = {
    "after the store transaction": "union.follow",
    "before the VoID is stored": "GraphStore.store_void",
    "before the people state is kept": "union.keep_people",
    "while the people state is written": "people_state.write",
    "before graph.ttl is written": "add_mod._write_exports",
    "after graph.ttl is spliced, before its record": "splice.record",
    "full pass: while writing the union lines": "union.LineCounter.add",
    "full pass: before the VoID is stored": "GraphStore.store_void",
}
SCRIPT = """
import os, signal, sys
import kg.engine.add as add_mod
from kg.engine import splice, union
from kg.graph.store import GraphStore
from kg.people import state as people_state
owner, _, name = {target!r}.rpartition(".")
owner = {{"union": union, "add_mod": add_mod, "GraphStore": GraphStore,
          "union.LineCounter": union.LineCounter, "splice": splice,
          "people_state": people_state}}[owner]
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
    rebuilt(days, tmp_path / "full")
    out = tmp_path / "out"
    kg.build(days[:-2], out)  # with its page: its outline keeps the add in one process
    if moment.startswith("full pass"):
        drop_void(out)
    # The union lines past their first hundred; the people state's tables past three.
    after = {"union.LineCounter.add": 100, "people_state.write": 3}.get(KILLS[moment], 0)
    script = textwrap.dedent(SCRIPT.format(target=KILLS[moment], after=after))
    process = subprocess.run([sys.executable, "-c", script, str(days[-2]), str(out)],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == -9, f"the add was not killed {moment}: {process.stderr}"
    add_to_output([days[-2]], out)  # the same day again: repairs
    add_to_output([days[-1]], out)  # and the next day follows the repaired state
    assert_as_rebuilt(out, tmp_path / "full")
    assert not list(out.glob(".*.tmp")), "a killed write left its temporary file"
